package monitor_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/monitor/engine"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// The tests below judge repositories with two small tests of their own, so
// that what they assert does not move with the shipped catalog.
const testsYAML = `
tests:
  - id: t.protected
    title: Default branch protected
    description: The default branch has protection.
    resource_type: github.repository
    applies: "!resource.archived"
    pass: "resource.branch.protected"
    field: branch.protected
    expected: "true"
    severity: high
    remediation: Protect the default branch.
    controls: [CHG-1]
    reads: [archived, branch]
  - id: t.approvals
    title: At least one approval
    description: Merges need an approval.
    resource_type: github.repository
    applies: "!resource.archived"
    pass: "resource.branch.required_approvals >= 1"
    field: branch.required_approvals
    expected: at least 1
    severity: high
    remediation: Require an approval.
    controls: [CHG-1]
    reads: [archived, branch]
`

func repo(key string, protected bool, approvals int) attest.Resource {
	return attest.Resource{Type: "github.repository", Key: key, Data: map[string]any{
		"full_name": key, "archived": false,
		"branch": map[string]any{"protected": protected, "required_approvals": approvals},
	}}
}

// fakeConnector is a connector over a collection the test sets: the boundary
// the service calls, not the thing under test.
type fakeConnector struct {
	mu   sync.Mutex
	col  attest.Collection
	err  error
	only [][]attest.ResourceRef
}

func (f *fakeConnector) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{Type: "fake", ResourceTypes: []string{"github.repository"}}
}

func (f *fakeConnector) Check(context.Context, attest.CollectRequest) (attest.CheckResult, error) {
	return attest.CheckResult{OK: true}, nil
}

func (f *fakeConnector) Collect(_ context.Context, req attest.CollectRequest) (attest.Collection, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.only = append(f.only, req.Only)
	if f.err != nil {
		return attest.Collection{Calls: 1}, f.err
	}
	out := attest.Collection{Calls: 2, Failed: f.col.Failed}
	for _, r := range f.col.Resources {
		if len(req.Only) == 0 || slices.Contains(req.Only, r.Ref()) {
			out.Resources = append(out.Resources, r)
		}
	}
	return out, nil
}

func (f *fakeConnector) set(rs ...attest.Resource) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.col, f.err = attest.Collection{Resources: rs}, nil
}

// conns is the connection service's part the monitor needs, in memory.
type conns struct {
	byID      map[int64]attest.Connection
	collected map[int64]time.Time
}

func (c *conns) Open(_ context.Context, orgID, id int64) (attest.Connection, []byte, error) {
	conn, ok := c.byID[id]
	if !ok || conn.OrgID != orgID {
		return attest.Connection{}, nil, attest.Errorf(attest.ENOTFOUND, "connection not found")
	}
	return conn, []byte("secret"), nil
}

func (c *conns) MarkCollected(_ context.Context, _, id int64, at time.Time) error {
	c.collected[id] = at
	return nil
}

type world struct {
	db       *store.DB
	svc      *monitor.Service
	ev       *evidence.Service
	conn     *fakeConnector
	now      time.Time
	org      attest.Organization
	other    attest.Organization
	admin    attest.Principal
	manager  attest.Principal
	auditor  attest.Principal
	employee attest.Principal
	connID   int64
}

func (w *world) clock() time.Time { return w.now }

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := &world{db: db, now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), conn: &fakeConnector{}}
	defs, err := engine.Parse([]byte(testsYAML), "tests.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tests []*engine.Test
	for _, d := range defs {
		tt, err := engine.Compile(d, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, tt)
	}
	blobs, err := blob.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	_, key, _ := ed25519.GenerateKey(nil)
	ledgerChain := &chain.Chain{Key: key}
	w.org = storetest.MustOrg(t, db, "acme")
	w.other = storetest.MustOrg(t, db, "other")
	member := func(org attest.Organization, role attest.Role, email string) attest.Principal {
		u := storetest.MustMember(t, db, org, role, email)
		return attest.Principal{UserID: u.ID, Label: email, OrgID: org.ID, Role: role}
	}
	w.admin = member(w.org, attest.RoleAdmin, "admin@acme.test")
	w.manager = member(w.org, attest.RoleManager, "manager@acme.test")
	w.auditor = member(w.org, attest.RoleAuditor, "auditor@acme.test")
	w.employee = member(w.org, attest.RoleEmployee, "employee@acme.test")
	w.connID = 7
	c := &conns{byID: map[int64]attest.Connection{7: {ID: 7, OrgID: w.org.ID, Type: "fake", Name: "github-acme", Enabled: true}},
		collected: map[int64]time.Time{}}
	w.svc = &monitor.Service{DB: db, Blobs: blobs, Ledger: ledgerChain, Connections: c, Builtin: tests, Now: w.clock,
		ResourceTypes: []string{"github.repository"},
		Connectors:    connector.New(w.conn)}
	w.ev = &evidence.Service{DB: db, Blobs: blobs, Key: key, Ledger: ledgerChain}
	return w
}

func (w *world) run(t *testing.T, only ...attest.ResourceRef) monitor.Report {
	t.Helper()
	rep, err := w.svc.Run(t.Context(), w.org.ID, w.connID, only)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// status returns the current status of one test on one repository, "" when
// there is no result.
func (w *world) status(t *testing.T, test, key string) attest.TestResult {
	t.Helper()
	list, err := w.svc.Results(t.Context(), w.admin, store.ResultFilter{Test: test, ResourceKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) > 1 {
		t.Fatalf("%d results for %s on %s", len(list), test, key)
	}
	if len(list) == 0 {
		return attest.TestResult{}
	}
	return list[0]
}

func TestRunStoresVerdictsSnapshotsAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		w.conn.set(repo("acme/api", true, 1), repo("acme/web", false, 0))
		rep := w.run(t)
		if len(rep.Results) != 4 || rep.Changes != 4 {
			t.Fatalf("first run: %d results, %d changes; want 4 and 4", len(rep.Results), rep.Changes)
		}
		if r := w.status(t, "t.protected", "acme/web"); r.Status != attest.ResultFail || !strings.Contains(r.Message, "acme/web") {
			t.Errorf("unprotected repository: %+v", r)
		}
		if r := w.status(t, "t.protected", "acme/api"); r.Status != attest.ResultPass {
			t.Errorf("protected repository: %+v", r)
		}
		// The ledger committed to the snapshot and to each test version.
		entries, err := db.LedgerEntries(ctx, w.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range entries {
			types = append(types, e.RecordType)
		}
		if !slices.Equal(types, []string{"snapshot", "test_version", "test_version"}) {
			t.Errorf("ledger records after one run = %v", types)
		}
		first := rep.Collection

		// Nothing changed: no new history, no new test version, the same
		// snapshot file; results now point at the new collection.
		w.now = w.now.Add(time.Hour)
		rep2 := w.run(t)
		if rep2.Changes != 0 {
			t.Errorf("unchanged run recorded %d changes", rep2.Changes)
		}
		if rep2.Collection.SnapshotSHA256 != first.SnapshotSHA256 {
			t.Errorf("unchanged resources gave another snapshot file: %s, then %s", first.SnapshotSHA256, rep2.Collection.SnapshotSHA256)
		}
		if r := w.status(t, "t.protected", "acme/web"); r.Collection != rep2.Collection.UID || !r.Since.Equal(first.StartedAt) || !r.CheckedAt.Equal(w.now) {
			t.Errorf("after an unchanged run: collection %s since %v checked %v; want %s, %v, %v", r.Collection, r.Since, r.CheckedAt,
				rep2.Collection.UID, first.StartedAt, w.now)
		}
		entries, _ = db.LedgerEntries(ctx, w.org.ID)
		if len(entries) != 4 {
			t.Errorf("the second run appended %d entries; want one snapshot", len(entries)-3)
		}

		// acme/web gets protected, acme/api is deleted.
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/web", true, 2))
		rep3 := w.run(t)
		if rep3.Changes != 4 { // web: fail→pass twice; api: removed twice
			t.Errorf("third run: %d changes, want 4", rep3.Changes)
		}
		if r := w.status(t, "t.protected", "acme/web"); r.Status != attest.ResultPass || !r.Since.Equal(w.now) {
			t.Errorf("fixed repository: %+v", r)
		}
		if r := w.status(t, "t.protected", "acme/api"); r.ID != 0 {
			t.Errorf("a deleted repository keeps a current result: %+v", r)
		}
		hist, err := w.svc.History(ctx, w.auditor, "t.protected", "acme/web", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].From != attest.ResultFail || hist[0].To != attest.ResultPass || hist[1].From != "" || hist[1].To != attest.ResultFail {
			t.Errorf("history of acme/web = %+v; want fail→pass after the first fail", hist)
		}
		gone, _ := w.svc.History(ctx, w.auditor, "t.protected", "acme/api", 0)
		if len(gone) == 0 || gone[0].To != attest.ResultRemoved {
			t.Errorf("history of the deleted repository = %+v", gone)
		}
		runs, err := w.svc.Runs(ctx, w.auditor, "t.protected", time.Time{})
		if err != nil || len(runs) != 3 || runs[0].Fail != 1 || runs[2].Fail != 0 || runs[2].Pass != 1 {
			t.Errorf("run summaries = %+v, %v", runs, err)
		}
	})
}

func TestPartialRunTouchesOnlyNamedResources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.conn.set(repo("acme/api", false, 0), repo("acme/web", false, 0))
		w.run(t)
		w.now = w.now.Add(time.Minute)
		w.conn.set(repo("acme/api", true, 1)) // acme/web is not in the partial collection
		rep := w.run(t, attest.ResourceRef{Type: "github.repository", Key: "acme/api"})
		if !rep.Collection.Partial || len(rep.Results) != 2 {
			t.Fatalf("partial run: %+v with %d results", rep.Collection, len(rep.Results))
		}
		if r := w.status(t, "t.protected", "acme/api"); r.Status != attest.ResultPass {
			t.Errorf("named repository: %+v", r)
		}
		if r := w.status(t, "t.protected", "acme/web"); r.Status != attest.ResultFail || r.Collection == rep.Collection.UID {
			t.Errorf("a repository the webhook did not name was changed: %+v", r)
		}
		if got := w.conn.only[len(w.conn.only)-1]; len(got) != 1 || got[0].Key != "acme/api" {
			t.Errorf("the connector was asked for %v", got)
		}
	})
}

func TestFailedCollectionIsErrorNeverFail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.conn.set(repo("acme/api", true, 1))
		w.run(t)
		w.now = w.now.Add(time.Hour)
		w.conn.err = errors.New("GET /orgs/acme/repos: 502 Bad Gateway")
		rep := w.run(t)
		if rep.Collection.Error == "" {
			t.Errorf("the collection's error was not recorded: %+v", rep.Collection)
		}
		r := w.status(t, "t.protected", "acme/api")
		if r.Status != attest.ResultError || !strings.Contains(r.Message, "502") {
			t.Errorf("after a failed collection: %+v; want error naming the cause", r)
		}
		list, _ := w.svc.Results(t.Context(), w.admin, store.ResultFilter{Status: attest.ResultFail})
		if len(list) != 0 {
			t.Errorf("a failed collection produced failures: %+v", list)
		}
		// Recovery restores the verdict.
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/api", true, 1))
		w.run(t)
		if r := w.status(t, "t.protected", "acme/api"); r.Status != attest.ResultPass {
			t.Errorf("after recovery: %+v", r)
		}
	})
}

func TestUnverifiableIsAGapNotAFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		free := repo("acme/private", false, 0)
		delete(free.Data, "branch")
		free.Unavailable = map[string]string{"branch": "branch protection needs GitHub Pro for private repositories"}
		w.conn.set(free)
		storetest.MustControl(t, db, w.org, "CHG-1", attest.StatusImplemented)
		w.run(t)
		r := w.status(t, "t.protected", "acme/private")
		if r.Status != attest.ResultUnverifiable || !strings.Contains(r.Message, "GitHub Pro") {
			t.Errorf("plan-limited repository: %+v", r)
		}
		a, err := programme.Assess(ctx, &db.Queries, mustCatalog(t), w.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		var gaps []string
		for _, c := range a.Controls {
			if c.Ref == "CHG-1" {
				for _, g := range c.Gaps {
					gaps = append(gaps, g.Code)
				}
			}
		}
		if !slices.Contains(gaps, "unverified_tests") || slices.Contains(gaps, "failing_tests") {
			t.Errorf("gaps of CHG-1 = %v; want unverified, not failing", gaps)
		}
	})
}

func TestResultsFeedControlStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		storetest.MustControl(t, db, w.org, "CHG-1", attest.StatusImplemented)
		state := func() (string, []string) {
			a, err := programme.Assess(ctx, &db.Queries, mustCatalog(t), w.org.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range a.Controls {
				if c.Ref == "CHG-1" {
					var codes []string
					for _, g := range c.Gaps {
						codes = append(codes, g.Code)
					}
					return c.State, codes
				}
			}
			t.Fatal("CHG-1 not assessed")
			return "", nil
		}
		w.conn.set(repo("acme/api", false, 0))
		w.run(t)
		if st, gaps := state(); !slices.Contains(gaps, "failing_tests") {
			t.Errorf("failing tests: state %s gaps %v", st, gaps)
		}
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/api", true, 1))
		w.run(t)
		if st, gaps := state(); st != "ready" || len(gaps) != 0 {
			t.Errorf("after recovery: state %s gaps %v; want ready", st, gaps)
		}
		// Organization b's failures do not reach a's controls.
		counts, err := db.TestCountsByControl(ctx, w.other.ID, w.now)
		if err != nil || len(counts) != 0 {
			t.Errorf("counts of an organization without results = %v, %v", counts, err)
		}
	})
}

func TestExceptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		storetest.MustControl(t, db, w.org, "CHG-1", attest.StatusImplemented)
		w.conn.set(repo("acme/legacy", false, 0))
		w.run(t)
		req := monitor.ExceptionRequest{Test: "t.protected", Resource: attest.ResourceRef{Type: "github.repository", Key: "acme/legacy"},
			Reason: "Read-only mirror; pushes are disabled at the server.", ExpiresAt: w.now.AddDate(0, 1, 0)}
		if _, err := w.svc.RequestException(ctx, w.employee, req); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee requested an exception: %v", err)
		}
		bad := req
		bad.ExpiresAt = w.now.AddDate(2, 0, 0)
		if _, err := w.svc.RequestException(ctx, w.manager, bad); attest.ErrorField(err) != "expires" {
			t.Errorf("an exception for two years: %v", err)
		}
		bad = req
		bad.Test = "t.nope"
		if _, err := w.svc.RequestException(ctx, w.manager, bad); attest.ErrorField(err) != "test" {
			t.Errorf("an exception to an unknown test: %v", err)
		}
		e, err := w.svc.RequestException(ctx, w.manager, req)
		if err != nil {
			t.Fatal(err)
		}
		if r := w.status(t, "t.protected", "acme/legacy"); r.Excepted() {
			t.Error("a waiting request already exempts the result")
		}
		if _, err := w.svc.ApproveException(ctx, w.manager, e.UID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("the requester approved their own exception: %v", err)
		}
		if _, err := w.svc.ApproveException(ctx, w.auditor, e.UID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an auditor approved an exception: %v", err)
		}
		otherAdmin := attest.Principal{UserID: w.admin.UserID, OrgID: w.other.ID, Role: attest.RoleAdmin}
		if _, err := w.svc.ApproveException(ctx, otherAdmin, e.UID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("another organization's admin reached the exception: %v", err)
		}
		if _, err := w.svc.ApproveException(ctx, w.admin, e.UID); err != nil {
			t.Fatal(err)
		}
		r := w.status(t, "t.protected", "acme/legacy")
		if !r.Excepted() || r.Exception.UID != e.UID {
			t.Errorf("approved exception does not exempt the result: %+v", r)
		}
		// The aggregate the dashboard reads agrees with the results.
		sums, err := w.svc.Summaries(ctx, w.auditor)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sums {
			if s.ID == "t.protected" && (s.Counts["fail"] != 1 || s.Counts["excepted"] != 1 || s.Failing() != 0) {
				t.Errorf("counts of t.protected = %v", s.Counts)
			}
			if s.ID == "t.approvals" && (s.Counts["fail"] != 1 || s.Counts["excepted"] != 0) {
				t.Errorf("counts of t.approvals = %v", s.Counts)
			}
		}
		if _, err := w.svc.Summaries(ctx, w.employee); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee read the counts: %v", err)
		}
		counts, err := db.TestCountsByControl(ctx, w.org.ID, w.now)
		if err != nil || counts["CHG-1"].Failing != 1 || counts["CHG-1"].Excepted != 1 {
			t.Errorf("counts with one excepted failure (t.approvals still fails) = %+v, %v", counts["CHG-1"], err)
		}
		list, err := w.svc.Exceptions(ctx, w.auditor)
		if err != nil || len(list) != 1 || list[0].ApprovedName == "" || list[0].RequestedName == "" {
			t.Errorf("auditor's list of exceptions = %+v, %v", list, err)
		}
		// The ledger holds the request and the approval.
		entries, _ := db.LedgerEntries(ctx, w.org.ID)
		n := 0
		for _, en := range entries {
			if en.RecordType == ledger.RecordTypeException && en.RecordID == e.UID {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d exception entries in the ledger, want 2", n)
		}
		// Expired: failing again, with no action by anyone.
		w.now = w.now.AddDate(0, 1, 1)
		if r := w.status(t, "t.protected", "acme/legacy"); r.Excepted() {
			t.Error("an expired exception still exempts the result")
		}
		counts, _ = db.TestCountsByControl(ctx, w.org.ID, w.now)
		if counts["CHG-1"].Failing != 2 {
			t.Errorf("after expiry counts = %+v; want both failing", counts["CHG-1"])
		}
	})
}

func TestReplayRederivesTheVerdict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		w.conn.set(repo("acme/api", true, 0))
		w.run(t)
		r := w.status(t, "t.approvals", "acme/api")
		if r.Status != attest.ResultFail {
			t.Fatalf("setup: %+v", r)
		}
		// The resource changes afterwards; the replay still judges the
		// snapshot the result was made from.
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/api", true, 0), repo("acme/new", true, 3))
		w.run(t)
		rp, err := w.svc.Replay(ctx, w.auditor, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !rp.Same || rp.Verdict.Status != attest.ResultFail || rp.Verdict.Message != r.Message {
			t.Errorf("replay = %+v; want the stored verdict %s %q", rp, r.Status, r.Message)
		}
		if _, err := w.svc.Replay(ctx, w.employee, r.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee replayed a result: %v", err)
		}
		other := attest.Principal{OrgID: w.other.ID, Role: attest.RoleAdmin}
		if _, err := w.svc.Replay(ctx, other, r.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("another organization replayed a result: %v", err)
		}
	})
}

func TestExportedBundleCarriesSnapshots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		w.conn.set(repo("acme/api", true, 1))
		rep := w.run(t)
		var buf strings.Builder
		if _, err := w.ev.Export(ctx, w.org, &writer{&buf}); err != nil {
			t.Fatal(err)
		}
		data := buf.String()
		vr, err := ledger.VerifyBundle(strings.NewReader(data), int64(len(data)), w.ev.Key.Public().(ed25519.PublicKey))
		if err != nil {
			t.Fatalf("bundle with monitoring records: %v", err)
		}
		if vr.Records != 3 || vr.Blobs != 1 {
			t.Errorf("bundle report %+v; want 3 records (snapshot, two test versions) and the snapshot file", vr)
		}
		if !strings.Contains(data, rep.Collection.SnapshotSHA256) {
			t.Error("the bundle does not name the snapshot file")
		}
		if vrep, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Errorf("verify with monitoring records: %+v, %v", vrep, err)
		}
	})
}

func mustCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

type writer struct{ b *strings.Builder }

func (w *writer) Write(p []byte) (int, error) { return w.b.Write(p) }

func TestMonitoringNeedsTheRightRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		w.conn.set(repo("acme/api", false, 0))
		w.run(t)
		if _, err := w.svc.Results(ctx, w.employee, store.ResultFilter{}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("employee listed results: %v", err)
		}
		if _, err := w.svc.RunNow(ctx, w.auditor, w.connID, nil); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("auditor ran monitoring: %v", err)
		}
		other := attest.Principal{OrgID: w.other.ID, Role: attest.RoleAdmin}
		list, err := w.svc.Results(ctx, other, store.ResultFilter{})
		if err != nil || len(list) != 0 {
			t.Errorf("another organization sees %d results (%v)", len(list), err)
		}
		if _, err := w.svc.RunNow(ctx, other, w.connID, nil); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("another organization ran a's connection: %v", err)
		}
	})
}

func TestOwnTestsAreValidatedBeforeSaving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		good := strings.Replace(strings.SplitN(testsYAML, "  - id: t.approvals", 2)[0], "id: t.protected", "id: own.protected", 1)
		if _, err := w.svc.SaveTest(ctx, w.manager, []byte(good)); err != nil {
			t.Fatalf("a valid test: %v", err)
		}
		for name, src := range map[string]string{
			"shipped id":     strings.Replace(good, "own.protected", "t.protected", 1),
			"unknown type":   strings.Replace(good, "github.repository", "github.nothing", 1),
			"does not parse": strings.Replace(good, "resource.branch.protected", "resource.branch.protected &&", 1),
		} {
			if _, err := w.svc.SaveTest(ctx, w.manager, []byte(src)); attest.ErrorCode(err) != attest.EINVALID {
				t.Errorf("%s: %v; want invalid", name, err)
			}
		}
		if _, err := w.svc.SaveTest(ctx, w.auditor, []byte(good)); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("auditor saved a test: %v", err)
		}
		w.conn.set(repo("acme/api", false, 0))
		w.run(t)
		if r := w.status(t, "own.protected", "acme/api"); r.Status != attest.ResultFail {
			t.Errorf("the organization's own test did not run: %+v", r)
		}
		tests, _ := w.svc.Tests(ctx, w.other.ID)
		for _, tt := range tests {
			if tt.ID == "own.protected" {
				t.Error("another organization runs a's own test")
			}
		}
	})
}

// Two processes run the same connection in turn (a web node and a worker):
// each remembers the results it wrote, and each notices the other's writes
// by the generation, so neither compares with a stale memory. A memory in
// step is used as is, including results it inserted without reading their
// IDs back, which it removes by key.
func TestRunsOfTwoProcessesStayRight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a := w.svc
		b := &monitor.Service{DB: a.DB, Blobs: a.Blobs, Ledger: a.Ledger, Connections: a.Connections, Builtin: a.Builtin, Now: a.Now,
			ResourceTypes: a.ResourceTypes, Connectors: a.Connectors}
		run := func(svc *monitor.Service) monitor.Report {
			t.Helper()
			rep, err := svc.Run(t.Context(), w.org.ID, w.connID, nil)
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		w.conn.set(repo("acme/api", true, 2), repo("acme/web", true, 2))
		run(a)
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/api", false, 2), repo("acme/web", true, 2))
		if rep := run(b); rep.Changes == 0 {
			t.Fatal("b saw no change")
		}
		// a's memory says api passes; the database says it fails since b's
		// run. a must read it back, and find nothing changed now.
		w.now = w.now.Add(time.Hour)
		if rep := run(a); rep.Changes != 0 {
			t.Fatalf("a compared with its stale memory: %d changes", rep.Changes)
		}
		if r := w.status(t, "t.protected", "acme/api"); r.Status != attest.ResultFail || !r.Since.Equal(w.now.Add(-time.Hour)) {
			t.Fatalf("api after a's run: %s since %v", r.Status, r.Since)
		}
		// a's memory is now in step: a repository that goes and comes back
		// is removed and inserted again without a read, and the one whose
		// ID a never read is removed by key.
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/web", true, 2))
		run(a)
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/web", true, 2), repo("acme/new", false, 0))
		run(a)
		w.now = w.now.Add(time.Hour)
		w.conn.set(repo("acme/web", true, 2))
		if rep := run(a); rep.Changes == 0 {
			t.Fatal("the new repository's removal recorded nothing")
		}
		if r := w.status(t, "t.protected", "acme/new"); r.Status != "" {
			t.Fatalf("acme/new is gone but its result stays: %+v", r)
		}
		if r := w.status(t, "t.protected", "acme/api"); r.Status != "" {
			t.Fatalf("acme/api is gone but its result stays: %+v", r)
		}
	})
}

// A connection that fails from its first collection has one error result
// per test (the "*" placeholder: nothing is known of any resource), and it
// stays through further failures instead of being removed and added again.
func TestFailingFromTheStartKeepsOneErrorPerTest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.conn.err = errors.New("GET /orgs/acme/repos: 401 Bad credentials")
		w.run(t)
		if r := w.status(t, "t.protected", "*"); r.Status != attest.ResultError || !strings.Contains(r.Message, "401") {
			t.Fatalf("after the first failure: %+v", r)
		}
		for range 2 {
			w.now = w.now.Add(time.Hour)
			if rep := w.run(t); rep.Changes != 0 {
				t.Fatalf("a repeated failure recorded %d changes", rep.Changes)
			}
			if r := w.status(t, "t.protected", "*"); r.Status != attest.ResultError {
				t.Fatalf("after a repeated failure: %+v", r)
			}
		}
	})
}
