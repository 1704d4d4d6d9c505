package policy_test

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/policy/templates"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// clock is a settable clock shared by the database and the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type world struct {
	svc                                 *policy.Service
	ev                                  *evidence.Service
	db                                  *store.DB
	clock                               *clock
	org                                 attest.Organization
	admin, boss, cto, employee, auditor attest.Principal
	erin, finn                          attest.Person // erin signs in (employee); finn does not
}

var loadTemplates = sync.OnceValues(func() ([]templates.Template, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	return templates.Load(cat)
})

// each runs fn on both databases with a clock starting 2026-03-02.
func each(t *testing.T, fn func(t *testing.T, w world)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			db := storetest.Open(t, d, c.now)
			tpls, err := loadTemplates()
			if err != nil {
				t.Fatal(err)
			}
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			w := world{db: db, ev: ev, clock: c, svc: &policy.Service{DB: db, Ledger: ev.Ledger, Templates: tpls}}
			w.org = storetest.MustOrg(t, db, "acme")
			member := func(role attest.Role, email string) attest.Principal {
				u := storetest.MustMember(t, db, w.org, role, email)
				return attest.Principal{UserID: u.ID, Label: email, OrgID: w.org.ID, Role: role}
			}
			w.admin = member(attest.RoleAdmin, "ada@acme.test")
			w.boss = member(attest.RoleAdmin, "ceo@acme.test")
			w.cto = member(attest.RoleManager, "cto@acme.test")
			w.employee = member(attest.RoleEmployee, "erin@acme.test")
			w.auditor = member(attest.RoleAuditor, "audrey@audit.test")
			w.erin = attest.Person{OrgID: w.org.ID, Name: "Erin", Email: "erin@acme.test", StartDate: "2025-01-06", Department: "Engineering"}
			w.finn = attest.Person{OrgID: w.org.ID, Name: "Finn", Email: "finn@acme.test", StartDate: "2025-01-06", Department: "Sales"}
			for _, p := range []*attest.Person{&w.erin, &w.finn} {
				if err := db.CreatePerson(t.Context(), p); err != nil {
					t.Fatal(err)
				}
			}
			fn(t, w)
		})
	}
}

// must returns v, or stops the test with err by a panic (Go cannot pass a
// testing.T beside a call's two results).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// approve takes a draft through review to published with ceo and cto.
func (w world) approve(t *testing.T, v attest.PolicyVersion) attest.PolicyVersion {
	t.Helper()
	ctx := t.Context()
	must(w.svc.Submit(ctx, w.admin, v.ID, []int64{w.boss.UserID, w.cto.UserID}, 2))
	must(w.svc.Decide(ctx, w.boss, v.ID, policy.Decision{Decision: attest.DecisionApprove}))
	must(w.svc.Decide(ctx, w.cto, v.ID, policy.Decision{Decision: attest.DecisionApprove}))
	return must(w.svc.Publish(ctx, w.admin, v.ID))
}

func ackOf(t *testing.T, w world, person int64) attest.AckRow {
	t.Helper()
	rows := must(w.svc.Acknowledgements(t.Context(), w.admin, 0))
	for _, r := range rows {
		if r.PersonID == person {
			return r
		}
	}
	t.Fatalf("no acknowledgement row for person %d in %+v", person, rows)
	return attest.AckRow{}
}

func TestLifecycle(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		pol := must(w.svc.Adopt(ctx, w.admin, "access-control", ""))
		if pol.Key != "access-control" || pol.Latest == nil || pol.Latest.State != attest.VersionDraft || pol.Latest.Label != "1.0" ||
			len(pol.Controls) == 0 || !pol.Audience.Everyone || pol.ReviewMonths != 12 {
			t.Fatalf("adopted: %+v %+v", pol, pol.Latest)
		}
		draft := *pol.Latest

		// Bad input: an unknown placeholder names its line, and nothing changes.
		_, err := w.svc.SaveDraft(ctx, w.admin, pol.ID, policy.Draft{Body: "# Access\n\nAsk {{nobody}}."})
		if attest.ErrorField(err) != "body" || !strings.Contains(err.Error(), "line 3") {
			t.Fatalf("unknown placeholder: %v", err)
		}
		if got := must(w.db.PolicyVersion(ctx, w.org.ID, draft.ID)); got.Body != draft.Body {
			t.Fatal("a refused draft changed the text")
		}
		// An employee or auditor cannot edit.
		if _, err := w.svc.SaveDraft(ctx, w.employee, pol.ID, policy.Draft{Body: "x"}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("employee edit: %v", err)
		}
		draft = must(w.svc.SaveDraft(ctx, w.admin, pol.ID, policy.Draft{Body: "# Access at {{company_name}}\n\nOnly what you need."}))
		if draft.Number != 1 || !draft.Material {
			t.Fatalf("the first draft, saved: %+v", draft)
		}

		// Approvers: members, not auditors, not the author, a quorum in range.
		for name, tc := range map[string]struct {
			ids    []int64
			quorum int
		}{
			"auditor":  {[]int64{w.auditor.UserID}, 1},
			"author":   {[]int64{w.admin.UserID}, 1},
			"stranger": {[]int64{99999}, 1},
			"quorum":   {[]int64{w.boss.UserID}, 2},
			"none":     {nil, 1},
		} {
			if _, err := w.svc.Submit(ctx, w.admin, draft.ID, tc.ids, tc.quorum); attest.ErrorCode(err) != attest.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		v := must(w.svc.Submit(ctx, w.admin, draft.ID, []int64{w.boss.UserID, w.cto.UserID}, 2))
		if v.State != attest.VersionInReview || !strings.Contains(v.Content, "Access at "+w.org.Name) || len(v.Hash) != 64 {
			t.Fatalf("submitted: %+v", v)
		}
		if _, err := w.svc.SaveDraft(ctx, w.admin, pol.ID, policy.Draft{Body: "changed in review"}); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("edit in review: %v", err)
		}
		// Only a named approver decides, once.
		if _, err := w.svc.Decide(ctx, w.employee, v.ID, policy.Decision{Decision: attest.DecisionApprove}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("a stranger's approval: %v", err)
		}
		minutes := evidencetest.MustEvidence(t, w.ev, w.org, "board minutes 2026-03")
		v = must(w.svc.Decide(ctx, w.boss, v.ID, policy.Decision{Decision: attest.DecisionApprove, EvidenceUID: minutes.UID, Comment: "board approved"}))
		if v.State != attest.VersionInReview || v.Approvals() != 1 {
			t.Fatalf("one of two approvals: %+v", v)
		}
		if _, err := w.svc.Decide(ctx, w.boss, v.ID, policy.Decision{Decision: attest.DecisionApprove}); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("deciding twice: %v", err)
		}
		if _, err := w.svc.Decide(ctx, w.cto, v.ID, policy.Decision{Decision: attest.DecisionApprove, EvidenceUID: "ev_nope"}); attest.ErrorField(err) != "evidence" {
			t.Fatalf("unknown evidence: %v", err)
		}
		v = must(w.svc.Decide(ctx, w.cto, v.ID, policy.Decision{Decision: attest.DecisionApprove}))
		if v.State != attest.VersionApproved || v.ApprovedAt == nil {
			t.Fatalf("quorum reached: %+v", v)
		}
		// The approved text is fixed, even for a direct write.
		err = w.db.Update(ctx, func(tx *store.Queries) error {
			x := v
			x.Body, x.Content = "rewritten", "rewritten"
			return tx.UpdatePolicyVersion(ctx, w.org.ID, &x)
		})
		if err == nil {
			t.Fatal("the database let an approved version's text change")
		}

		// Approvals and the approved version are ledger records, and the
		// chain verifies.
		records := must(w.db.LedgerRecords(ctx, w.org.ID))
		count := map[string]int{}
		for _, r := range records {
			count[r.Type]++
			if r.Type == ledger.RecordTypePolicyVersion && !strings.Contains(string(r.Record), v.Hash) {
				t.Errorf("the version record does not carry its hash: %s", r.Record)
			}
		}
		if count[ledger.RecordTypePolicyApproval] != 2 || count[ledger.RecordTypePolicyVersion] != 1 {
			t.Fatalf("ledger records: %v", count)
		}

		// Nobody is asked to accept before publication.
		if rows := must(w.svc.Acknowledgements(ctx, w.admin, 0)); len(rows) != 0 {
			t.Fatalf("acknowledgements before publication: %+v", rows)
		}
		v = must(w.svc.Publish(ctx, w.admin, v.ID))
		if v.State != attest.VersionPublished || v.ReviewBy != "2027-03-02" {
			t.Fatalf("published: %+v", v)
		}

		// Erin reads and accepts; Finn has not.
		mine := must(w.svc.MyPolicies(ctx, w.employee))
		if len(mine) != 1 || mine[0].Ack.State != attest.AckPending || mine[0].Ack.Due != "2026-04-01" || mine[0].Version.Hash != v.Hash {
			t.Fatalf("Erin's policies: %+v", mine)
		}
		if _, err := w.svc.Accept(ctx, w.auditor, v.ID, "", ""); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an auditor accepting: %v", err)
		}
		acc := must(w.svc.Accept(ctx, w.employee, v.ID, "192.0.2.7", "Firefox"))
		if acc.PersonID != w.erin.ID || acc.Hash != v.Hash || acc.Address != "192.0.2.7" {
			t.Fatalf("acceptance: %+v", acc)
		}
		if _, err := w.svc.Accept(ctx, w.employee, v.ID, "", ""); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("accepting twice: %v", err)
		}
		if r := ackOf(t, w, w.erin.ID); r.State != attest.AckAccepted || r.Accepted != "1.0" {
			t.Fatalf("Erin: %+v", r)
		}
		if r := ackOf(t, w, w.finn.ID); r.State != attest.AckPending {
			t.Fatalf("Finn: %+v", r)
		}
		// A month on, Finn is overdue, and readiness names him.
		w.clock.add(31 * 24 * time.Hour)
		if r := ackOf(t, w, w.finn.ID); r.State != attest.AckOverdue {
			t.Fatalf("Finn a month on: %+v", r)
		}
		in := readinessInput(t, w, pol.Controls[0])
		c := readiness.ControlState(in)
		if c.State == readiness.StateReady || len(c.Gaps) == 0 || c.Gaps[0].Code != readiness.GapAcceptance || !strings.Contains(c.Gaps[0].Message, "Finn") {
			t.Fatalf("control with an overdue acceptance: %+v", c)
		}

		// A minor change keeps Erin's acceptance; a material one asks again.
		minor := must(w.svc.SaveDraft(ctx, w.admin, pol.ID, policy.Draft{Body: "# Access at {{company_name}}\n\nOnly what you need, nothing more.", ChangeNote: "wording"}))
		if minor.Label != "1.1" || minor.Material {
			t.Fatalf("minor draft: %+v", minor)
		}
		w.approve(t, minor)
		if r := ackOf(t, w, w.erin.ID); r.State != attest.AckAccepted || r.VersionLabel != "1.1" || r.Accepted != "1.0" {
			t.Fatalf("Erin after a minor change: %+v", r)
		}
		major := must(w.svc.SaveDraft(ctx, w.admin, pol.ID, policy.Draft{Body: "# Access at {{company_name}}\n\nNew rules.", Material: true}))
		if major.Label != "2.0" {
			t.Fatalf("material draft: %+v", major)
		}
		w.approve(t, major)
		if r := ackOf(t, w, w.erin.ID); r.State != attest.AckPending || r.VersionLabel != "2.0" {
			t.Fatalf("Erin after a material change: %+v", r)
		}
		vs := must(w.db.PolicyVersions(ctx, w.org.ID, pol.ID))
		if len(vs) != 3 || vs[1].State != attest.VersionSuperseded || vs[2].State != attest.VersionSuperseded {
			t.Fatalf("versions: %+v", vs)
		}

		// The chain holds every record and verifies, in the database and in
		// an exported bundle, which holds each accepted text.
		if _, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Fatalf("verify: %v", err)
		}
		var buf bytes.Buffer
		if _, err := w.ev.Export(ctx, w.org, &buf); err != nil {
			t.Fatal(err)
		}
		rep, err := ledger.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), w.ev.Key.Public().(ed25519.PublicKey))
		if err != nil || rep.Records < 9 {
			t.Fatalf("the exported bundle: %+v, %v", rep, err)
		}

		// Retired: nobody must accept it any more.
		if err := w.svc.Retire(ctx, w.admin, pol.ID); err != nil {
			t.Fatal(err)
		}
		if rows := must(w.svc.Acknowledgements(ctx, w.admin, 0)); len(rows) != 0 {
			t.Fatalf("acknowledgements of a retired policy: %+v", rows)
		}
	})
}

// readinessInput builds one implemented control of the given library ID with
// the organization's policies applied.
func readinessInput(t *testing.T, w world, ref string) readiness.Control {
	t.Helper()
	ctrl := attest.Control{ID: 1, Ref: ref, LibraryID: ref, Status: attest.StatusImplemented}
	in := readiness.Input{Controls: []readiness.Control{{ID: 1, Ref: ref, Status: readiness.Implemented, FreshEvidence: 1}}}
	st := must(policy.LoadStatus(t.Context(), &w.db.Queries, w.org.ID, attest.Today(w.clock.now()), 0))
	programme.WithPolicies(&in, []attest.Control{ctrl}, st, attest.Today(w.clock.now()))
	return in.Controls[0]
}

func TestRejectReturnsToDraft(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		pol := must(w.svc.Adopt(ctx, w.admin, "acceptable-use", ""))
		v := must(w.svc.Submit(ctx, w.admin, pol.Latest.ID, []int64{w.boss.UserID, w.cto.UserID}, 1))
		v = must(w.svc.Decide(ctx, w.cto, v.ID, policy.Decision{Decision: attest.DecisionReject, Comment: "too vague"}))
		if v.State != attest.VersionDraft || v.Hash != "" || v.Approvals() != 0 || v.Approvers[1].Decision != "" {
			t.Fatalf("rejected: %+v", v)
		}
		if _, err := w.svc.Publish(ctx, w.admin, v.ID); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("publishing a draft: %v", err)
		}
		// Changed and submitted again, one approval of a quorum of one is enough.
		must(w.svc.SaveDraft(ctx, w.admin, pol.ID, policy.Draft{Body: "# Use\n\nClear rules."}))
		must(w.svc.Submit(ctx, w.admin, v.ID, []int64{w.boss.UserID, w.cto.UserID}, 1))
		v = must(w.svc.Decide(ctx, w.boss, v.ID, policy.Decision{Decision: attest.DecisionApprove}))
		if v.State != attest.VersionApproved {
			t.Fatalf("approved by a quorum of one: %+v", v)
		}
	})
}

func TestAudienceAndReviewDate(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		pol := must(w.svc.Adopt(ctx, w.admin, "secure-development", ""))
		pol.Audience = attest.Audience{Departments: []string{"engineering"}}
		pol = must(w.svc.Change(ctx, w.admin, pol))
		v := w.approve(t, *pol.Latest)
		rows := must(w.svc.Acknowledgements(ctx, w.admin, pol.ID))
		if len(rows) != 1 || rows[0].PersonID != w.erin.ID {
			t.Fatalf("engineering only: %+v", rows)
		}
		// Finn is not in the audience: his own list is empty, and a manager
		// of nobody sees only themselves.
		pol.Audience = attest.Audience{EmploymentTypes: []string{"robot"}}
		if _, err := w.svc.Change(ctx, w.admin, pol); attest.ErrorField(err) != "audience" {
			t.Fatalf("unknown employment type: %v", err)
		}
		// A year and a day on, the review date has passed.
		w.clock.add(366 * 24 * time.Hour)
		c := readiness.ControlState(readinessInput(t, w, pol.Controls[0]))
		hasReview := false
		for _, g := range c.Gaps {
			hasReview = hasReview || g.Code == readiness.GapPolicyReview || g.Code == readiness.GapAcceptance
		}
		if c.State == readiness.StateReady || !hasReview || v.ReviewBy != "2027-03-02" {
			t.Fatalf("a year on: %+v (review by %s)", c, v.ReviewBy)
		}
	})
}

func TestAwaitingMe(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		pol := must(w.svc.Adopt(ctx, w.admin, "access-control", ""))
		must(w.svc.Submit(ctx, w.admin, pol.Latest.ID, []int64{w.boss.UserID, w.cto.UserID}, 2))
		for who, want := range map[string]int{"boss": 1, "cto": 1, "admin": 0, "employee": 0} {
			p := map[string]attest.Principal{"boss": w.boss, "cto": w.cto, "admin": w.admin, "employee": w.employee}[who]
			if got := must(w.svc.AwaitingMe(ctx, p)); len(got) != want {
				t.Errorf("%s awaits %d decisions, want %d", who, len(got), want)
			}
		}
		must(w.svc.Decide(ctx, w.boss, pol.Latest.ID, policy.Decision{Decision: attest.DecisionApprove}))
		if got := must(w.svc.AwaitingMe(ctx, w.boss)); len(got) != 0 {
			t.Errorf("after deciding, the boss still awaits %+v", got)
		}
		if got := must(w.svc.AwaitingMe(ctx, w.cto)); len(got) != 1 || got[0].Version.Approvals() != 1 {
			t.Errorf("the cto awaits %+v", got)
		}
		if _, err := w.svc.AwaitingMe(ctx, w.auditor); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an auditor: %v", err)
		}
	})
}
