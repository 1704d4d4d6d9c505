package store_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// tenant is one organization with one record of every kind, built so that a
// query missing its tenant filter shows the other organization's record.
type tenant struct {
	org           attest.Organization
	admin, member attest.User
	inv           attest.Invitation
	token         attest.APIToken
	control       attest.Control
	sub           attest.SubserviceOrg
	cuec          attest.CUEC
	task          attest.Task
	old, ev       attest.Evidence // ev supersedes old; both linked to control
	conn          attest.Connection
	col           attest.CollectionRun
	result        attest.TestResult
	exc           attest.TestException
	person        attest.Person // work email shared@people.test in both
	policy        attest.Policy // key "shared" in both, with one published version
	version       attest.PolicyVersion
	inReview      attest.Policy // key "draft" in both, its one version in review
	acceptance    attest.Acceptance
	audit         attest.Audit // with auditor@firm.test, one user joined in both organizations' audits
	auditor       attest.User
}

// buildMonitoring gives the tenant a collection with one failing result of
// test "t.shared" on a resource of the same key in both organizations, its
// history, a run summary, a test version, an approved exception, a custom test
// and a ledger record, all under names both organizations share.
func buildMonitoring(t *testing.T, db *store.DB, w *tenant) {
	t.Helper()
	ctx := t.Context()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	w.col = attest.CollectionRun{OrgID: w.org.ID, UID: "col_" + w.org.Slug, ConnectionID: 1, ConnectionName: "gh",
		Connector: "github", StartedAt: at, FinishedAt: at, SnapshotSHA256: strings.Repeat(w.org.Slug, 64)}
	must(t, db.AddCollection(ctx, &w.col))
	_, err := db.SaveTestVersion(ctx, w.org.ID, "sha256:shared", "t.shared", []byte(`{"id":"t.shared"}`), []string{w.control.Ref})
	must(t, err)
	ref := attest.ResourceRef{Type: "github.repository", Key: "acme/api"}
	w.result = attest.TestResult{OrgID: w.org.ID, ConnectionID: 1, Test: "t.shared", TestVersion: "sha256:shared", Resource: ref,
		Status: attest.ResultFail, Message: "fails in " + w.org.Slug, CollectionID: w.col.ID, Since: at, CheckedAt: at}
	must(t, db.InsertResult(ctx, &w.result))
	must(t, db.AddResultChange(ctx, w.org.ID, 1, w.col.ID, attest.ResultChange{Test: "t.shared", Resource: ref, To: attest.ResultFail,
		Message: "fails in " + w.org.Slug, TestVersion: "sha256:shared", At: at}))
	must(t, db.AddTestRun(ctx, w.org.ID, w.col.ID, attest.TestRun{Test: "t.shared", TestVersion: "sha256:shared", Fail: 1, At: at}))
	w.exc = attest.TestException{OrgID: w.org.ID, UID: "exc_" + w.org.Slug, Test: "t.shared", Resource: ref, Reason: "reason " + w.org.Slug,
		RequestedBy: w.member.ID, ExpiresAt: at.AddDate(1, 0, 0)}
	must(t, db.AddException(ctx, &w.exc))
	must(t, db.SaveCustomTest(ctx, w.org.ID, "own.shared", "source of "+w.org.Slug, w.admin.ID))
	must(t, db.SaveLedgerRecord(ctx, w.org.ID, ledger.BundleRecord{Type: "snapshot", ID: "col_shared", RecordHash: strings.Repeat("0", 63) + w.org.Slug[:1],
		Record: []byte(`{"org":"` + w.org.Slug + `"}`)}))
}

func buildTenant(t *testing.T, db *store.DB, svc *evidence.Service, slug string) tenant {
	t.Helper()
	ctx := t.Context()
	var w tenant
	w.org = storetest.MustOrg(t, db, slug)
	w.admin = storetest.MustMember(t, db, w.org, attest.RoleAdmin, "admin@"+slug+".test")
	w.member = storetest.MustMember(t, db, w.org, attest.RoleEmployee, "member@"+slug+".test")
	w.inv = attest.Invitation{OrgID: w.org.ID, Email: "invitee@" + slug + ".test", Role: attest.RoleAuditor, InvitedBy: w.admin.ID,
		ExpiresAt: time.Now().Add(24 * time.Hour)}
	must(t, db.CreateInvitation(ctx, &w.inv, "invitation-"+slug))
	w.token = attest.APIToken{OrgID: w.org.ID, UserID: w.admin.ID, Name: "token " + slug, Prefix: slug}
	must(t, db.CreateToken(ctx, &w.token, "token-"+slug))
	must(t, db.Log(ctx, attest.Activity{OrgID: w.org.ID, Action: "test.made", RecordType: "test", RecordID: slug, Summary: slug}))
	w.control = storetest.MustControl(t, db, w.org, "CTL-"+slug, attest.StatusImplemented)
	must(t, db.SaveScope(ctx, &attest.Scope{OrgID: w.org.ID, SystemName: "system " + slug}))
	w.sub = attest.SubserviceOrg{OrgID: w.org.ID, Name: "sub " + slug, Service: "hosting", Method: "carve-out"}
	must(t, db.AddSubservice(ctx, &w.sub))
	w.cuec = attest.CUEC{OrgID: w.org.ID, Description: "cuec " + slug}
	must(t, db.AddCUEC(ctx, &w.cuec))
	w.task = storetest.MustTask(t, db, w.org, "task "+slug, nil)
	// Both organizations import a framework under the same key with a
	// requirement of the same ref, and one under a key of their own.
	for _, key := range []string{"shared", "own-" + slug} {
		fw := &catalog.Framework{ID: key, Name: key + " of " + slug, Version: "1",
			Requirements: []catalog.Requirement{{ID: "R-1", Title: "R-1 of " + slug, Explanation: "text of " + slug, Assessable: true}}}
		must(t, db.SaveImportedFramework(ctx, &store.ImportedFramework{OrgID: w.org.ID, Name: fw.Name, Format: "yaml"}, fw))
		must(t, db.Map(ctx, w.org.ID, w.control.ID, attest.Mapping{Framework: key, Requirement: "R-1"}))
	}
	w.old = evidencetest.MustEvidence(t, svc, w.org, "old "+slug, w.control.ID)
	ev, err := svc.Add(ctx, evidence.New{Org: w.org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: "new " + slug,
		Filename: "new.txt", ControlIDs: []int64{w.control.ID}, Supersedes: w.old.ID}, strings.NewReader("new "+slug))
	must(t, err)
	w.ev = ev
	// Both organizations name their connection alike, so a lookup by name
	// without its filter could return the other's.
	w.conn = storetest.MustConnection(t, db, w.org, "github")
	buildMonitoring(t, db, &w)
	w.person = storetest.MustPerson(t, db, w.org, "Person of "+slug, "shared@people.test")
	buildPolicy(t, db, &w)
	buildAudit(t, db, &w)
	return w
}

// buildAudit gives the tenant an audit in fieldwork that one auditor, the
// same user in both organizations, has joined.
func buildAudit(t *testing.T, db *store.DB, w *tenant) {
	t.Helper()
	ctx := t.Context()
	u, err := db.UserByEmail(ctx, "auditor@firm.test")
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		u = attest.User{Email: "auditor@firm.test", Name: "Auditor", PasswordHash: "x"}
		err = db.CreateUser(ctx, &u)
	}
	must(t, err)
	w.auditor = u
	w.audit = attest.Audit{OrgID: w.org.ID, Name: "Audit of " + w.org.Slug, Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30",
		Status: attest.AuditFieldwork}
	must(t, db.CreateAudit(ctx, &w.audit))
	must(t, db.AddAuditor(ctx, w.org.ID, w.audit.ID, u.Email))
	must(t, db.JoinAuditor(ctx, w.org.ID, w.audit.ID, u.Email, u.ID))
}

// buildPolicy gives the tenant a published policy under the key both
// organizations share, its person's acceptance of it, and a placeholder value.
func buildPolicy(t *testing.T, db *store.DB, w *tenant) {
	t.Helper()
	ctx := t.Context()
	w.policy = attest.Policy{OrgID: w.org.ID, Key: "shared", Title: "Policy of " + w.org.Slug, Audience: attest.Audience{Everyone: true}}
	must(t, db.CreatePolicy(ctx, &w.policy))
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	w.version = attest.PolicyVersion{PolicyID: w.policy.ID, Label: "1.0", State: attest.VersionPublished, Body: "text of " + w.org.Slug,
		Content: "text of " + w.org.Slug, Hash: strings.Repeat("a", 64), AuthorID: w.admin.ID, Quorum: 1, ApprovedAt: &at, PublishedAt: &at}
	must(t, db.AddPolicyVersion(ctx, w.org.ID, &w.version))
	w.acceptance = attest.Acceptance{UID: "acc_" + w.org.Slug, PolicyID: w.policy.ID, VersionID: w.version.ID, PersonID: w.person.ID,
		Hash: w.version.Hash, Address: "192.0.2.1", UserAgent: "test"}
	must(t, db.AddAcceptance(ctx, w.org.ID, &w.acceptance))
	must(t, db.SetPolicySetting(ctx, w.org.ID, "company_name", "Company "+w.org.Slug))
	w.inReview = attest.Policy{OrgID: w.org.ID, Key: "draft", Title: "Draft of " + w.org.Slug, Audience: attest.Audience{Everyone: true}}
	must(t, db.CreatePolicy(ctx, &w.inReview))
	must(t, db.AddPolicyVersion(ctx, w.org.ID, &attest.PolicyVersion{PolicyID: w.inReview.ID, Label: "0.1", State: attest.VersionInReview,
		Body: "draft of " + w.org.Slug, Content: "draft of " + w.org.Slug, Hash: strings.Repeat("b", 64), AuthorID: w.admin.ID, Quorum: 1,
		Approvers: []attest.Approver{{UserID: w.admin.ID}}, SubmittedAt: &at}))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("%s of organization b through organization a: got %v, want ENOTFOUND", what, err)
	}
}

// presence reports whether a listing shows a's record and hides b's.
func presence[T any](t *testing.T, what string, list []T, err error, isA, isB func(T) bool) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !slices.ContainsFunc(list, isA) {
		t.Errorf("%s of organization a misses a's own record: %+v", what, list)
	}
	if slices.ContainsFunc(list, isB) {
		t.Errorf("%s of organization a shows organization b's record: %+v", what, list)
	}
}

type tenantCase struct {
	method string
	check  func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant)
}

// tenantCases call every query of store.Queries that takes an organization
// with organization a, and look for a's record and for b's. Writes by ID
// must refuse b's records and leave them as they were. Cases run in order on
// one database; the last ones change a's records.
var tenantCases = []tenantCase{
	{"Members", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Members(ctx, a.org.ID)
		presence(t, "Members", list, err, func(m attest.Membership) bool { return m.User.ID == a.member.ID },
			func(m attest.Membership) bool { return m.User.ID == b.member.ID || m.Org.ID == b.org.ID })
	}},
	{"Membership", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if m, err := db.Membership(ctx, a.org.ID, a.member.ID); err != nil || m.Org.ID != a.org.ID {
			t.Errorf("a's own membership: %+v, %v", m, err)
		}
		_, err := db.Membership(ctx, a.org.ID, b.member.ID)
		wantNotFound(t, "membership", err)
	}},
	{"PendingInvitations", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.PendingInvitations(ctx, a.org.ID)
		presence(t, "PendingInvitations", list, err, func(i attest.Invitation) bool { return i.ID == a.inv.ID },
			func(i attest.Invitation) bool { return i.ID == b.inv.ID })
	}},
	{"Tokens", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Tokens(ctx, a.org.ID, a.admin.ID)
		presence(t, "Tokens", list, err, func(k attest.APIToken) bool { return k.ID == a.token.ID },
			func(k attest.APIToken) bool { return k.ID == b.token.ID })
		if list, err := db.Tokens(ctx, a.org.ID, b.admin.ID); err != nil || len(list) != 0 {
			t.Errorf("Tokens of b's admin in organization a: %+v, %v", list, err)
		}
	}},
	{"Activity", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Activity(ctx, a.org.ID, attest.ActivityFilter{})
		presence(t, "Activity", list, err, func(e attest.Activity) bool { return e.RecordID == a.org.Slug },
			func(e attest.Activity) bool { return e.RecordID == b.org.Slug || e.OrgID != a.org.ID })
	}},
	{"NewestActivityIDs", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Activity(ctx, a.org.ID, attest.ActivityFilter{Limit: 1})
		if err != nil || len(list) == 0 {
			t.Fatalf("a's activity: %v, %v", list, err)
		}
		if err := db.Log(ctx, attest.Activity{OrgID: b.org.ID, Action: "test.b", RecordID: b.org.Slug}); err != nil {
			t.Fatal(err)
		}
		if ids, err := db.NewestActivityIDs(ctx, a.org.ID, 1); err != nil || len(ids) != 1 || ids[0] != list[0].ID {
			t.Errorf("a's newest activity = %v, %v; want [%d], a's newest (b's entry is newer)", ids, err, list[0].ID)
		}
	}},
	{"Controls", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Controls(ctx, a.org.ID, store.ControlFilter{IncludeRetired: true})
		presence(t, "Controls", list, err, func(c attest.Control) bool { return c.ID == a.control.ID && len(c.Mappings) == 3 },
			func(c attest.Control) bool { return c.ID == b.control.ID })
	}},
	{"Control", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if c, err := db.Control(ctx, a.org.ID, a.control.ID); err != nil || c.Ref != a.control.Ref || len(c.Mappings) != 3 {
			t.Errorf("a's own control: %+v, %v", c, err)
		}
		_, err := db.Control(ctx, a.org.ID, b.control.ID)
		wantNotFound(t, "control", err)
	}},
	{"ControlRef", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if ref, err := db.ControlRef(ctx, a.org.ID, a.control.ID); err != nil || ref != a.control.Ref {
			t.Errorf("a's own control's ref: %q, %v", ref, err)
		}
		_, err := db.ControlRef(ctx, a.org.ID, b.control.ID)
		wantNotFound(t, "control", err)
	}},
	{"ControlRefs", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		refs, err := db.ControlRefs(ctx, a.org.ID)
		if err != nil || !refs[a.control.Ref] || refs[b.control.Ref] {
			t.Errorf("ControlRefs of a = %v, %v; want %s and not %s", refs, err, a.control.Ref, b.control.Ref)
		}
	}},
	{"Scope", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if s, err := db.Scope(ctx, a.org.ID); err != nil || s.SystemName != "system "+a.org.Slug {
			t.Errorf("Scope of a = %+v, %v", s, err)
		}
	}},
	{"Subservices", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Subservices(ctx, a.org.ID)
		presence(t, "Subservices", list, err, func(s attest.SubserviceOrg) bool { return s.ID == a.sub.ID },
			func(s attest.SubserviceOrg) bool { return s.ID == b.sub.ID })
	}},
	{"CUECs", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.CUECs(ctx, a.org.ID)
		presence(t, "CUECs", list, err, func(c attest.CUEC) bool { return c.ID == a.cuec.ID },
			func(c attest.CUEC) bool { return c.ID == b.cuec.ID })
	}},
	{"Tasks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Tasks(ctx, a.org.ID, store.TaskFilter{})
		presence(t, "Tasks", list, err, func(k attest.Task) bool { return k.ID == a.task.ID },
			func(k attest.Task) bool { return k.ID == b.task.ID })
	}},
	{"Task", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if k, err := db.Task(ctx, a.org.ID, a.task.ID); err != nil || k.Title != a.task.Title {
			t.Errorf("a's own task: %+v, %v", k, err)
		}
		_, err := db.Task(ctx, a.org.ID, b.task.ID)
		wantNotFound(t, "task", err)
	}},
	{"ImportedFrameworks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.ImportedFrameworks(ctx, a.org.ID)
		presence(t, "ImportedFrameworks", list, err, func(f store.ImportedFramework) bool { return f.Key == "own-"+a.org.Slug },
			func(f store.ImportedFramework) bool { return f.OrgID == b.org.ID })
	}},
	{"ImportedFramework", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		f, fw, err := db.ImportedFramework(ctx, a.org.ID, "shared")
		if err != nil || f.OrgID != a.org.ID || len(fw.Requirements) != 1 || fw.Requirements[0].Title != "R-1 of "+a.org.Slug {
			t.Errorf("a's framework under the shared key: %+v %+v, %v", f, fw, err)
		}
		_, _, err = db.ImportedFramework(ctx, a.org.ID, "own-"+b.org.Slug)
		wantNotFound(t, "framework", err)
	}},
	{"ImportedTexts", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.ImportedTexts(ctx, a.org.ID, "R-1")
		presence(t, "ImportedTexts", list, err, func(x store.ImportedText) bool { return x.Text == "text of "+a.org.Slug },
			func(x store.ImportedText) bool { return x.Text == "text of "+b.org.Slug })
	}},
	{"EvidenceList", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		for _, all := range []bool{false, true} {
			list, err := db.EvidenceList(ctx, a.org.ID, store.EvidenceFilter{IncludeReplaced: all})
			presence(t, "EvidenceList", list, err, func(e attest.Evidence) bool { return e.ID == a.ev.ID && len(e.Controls) == 1 },
				func(e attest.Evidence) bool { return e.OrgID != a.org.ID })
		}
		list, err := db.EvidenceList(ctx, a.org.ID, store.EvidenceFilter{IncludeReplaced: true})
		presence(t, "EvidenceList with replaced versions", list, err, func(e attest.Evidence) bool { return e.ID == a.old.ID },
			func(e attest.Evidence) bool { return e.ID == b.old.ID })
		list, err = db.EvidenceList(ctx, a.org.ID, store.EvidenceFilter{ControlID: b.control.ID, IncludeReplaced: true})
		if err != nil || len(list) != 0 {
			t.Errorf("EvidenceList of a for b's control: %+v, %v", list, err)
		}
	}},
	{"EvidenceFreshness", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		var windows []store.AsOfWindow
		for _, f := range attest.ControlFrequencies() {
			windows = append(windows, store.AsOfWindow{Frequency: f, To: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)})
		}
		counts, err := db.EvidenceFreshness(ctx, a.org.ID, windows)
		if err != nil || len(counts[a.control.ID].Near) == 0 {
			t.Errorf("EvidenceFreshness of a misses a's evidence: %+v, %v", counts, err)
		}
		if _, ok := counts[b.control.ID]; ok {
			t.Errorf("EvidenceFreshness of a counts b's control: %+v", counts[b.control.ID])
		}
	}},
	{"EvidenceCount", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		for all, want := range map[bool]int{false: 1, true: 2} {
			if n, err := db.EvidenceCount(ctx, a.org.ID, store.EvidenceFilter{IncludeReplaced: all}); err != nil || n != want {
				t.Errorf("EvidenceCount of a (all versions %v) = %d, %v; want %d", all, n, err, want)
			}
		}
		if n, err := db.EvidenceCount(ctx, a.org.ID, store.EvidenceFilter{ControlID: b.control.ID}); err != nil || n != 0 {
			t.Errorf("EvidenceCount of a for b's control = %d, %v", n, err)
		}
	}},
	{"EvidenceInWindows", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		far := []store.AsOfWindow{{Frequency: a.control.Frequency, From: time.Unix(0, 0), To: time.Now().AddDate(10, 0, 0)}}
		list, err := db.EvidenceInWindows(ctx, a.org.ID, far, 100)
		presence(t, "EvidenceInWindows", list, err, func(x store.EvidenceAsOf) bool { return x.EvidenceID == a.ev.ID && x.Control.ID == a.control.ID },
			func(x store.EvidenceAsOf) bool {
				return x.EvidenceID == b.ev.ID || x.EvidenceID == a.old.ID || x.EvidenceID == b.old.ID
			})
	}},
	{"Evidence", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		e, err := db.Evidence(ctx, a.org.ID, a.ev.ID)
		if err != nil || e.Supersedes != a.old.ID || len(e.Controls) != 1 || e.Controls[0].ID != a.control.ID {
			t.Errorf("a's own evidence: %+v, %v", e, err)
		}
		if e, err := db.Evidence(ctx, a.org.ID, a.old.ID); err != nil || e.SupersededBy != a.ev.ID {
			t.Errorf("a's replaced version: %+v, %v", e, err)
		}
		_, err = db.Evidence(ctx, a.org.ID, b.ev.ID)
		wantNotFound(t, "evidence", err)
	}},
	{"EvidenceByUID", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if e, err := db.EvidenceByUID(ctx, a.org.ID, a.ev.UID); err != nil || e.ID != a.ev.ID || len(e.Controls) != 1 {
			t.Errorf("a's own evidence by UID: %+v, %v", e, err)
		}
		_, err := db.EvidenceByUID(ctx, a.org.ID, b.ev.UID)
		wantNotFound(t, "evidence by UID", err)
	}},
	{"EvidenceTimes", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		times, err := db.EvidenceTimes(ctx, a.org.ID)
		if err != nil || len(times[a.control.ID]) != 1 || len(times) != 1 {
			t.Errorf("EvidenceTimes of a = %v, %v; want one current item of %s only", times, err, a.control.Ref)
		}
	}},
	{"LedgerEntries", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.LedgerEntries(ctx, a.org.ID)
		presence(t, "LedgerEntries", list, err, func(e ledger.Entry) bool { return e.Org == a.org.Slug },
			func(e ledger.Entry) bool { return e.Org != a.org.Slug })
	}},
	{"LedgerHead", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// b's chain is longer, so an unfiltered head would be b's.
		head, err := db.LedgerHead(ctx, a.org.ID)
		if err != nil || head == nil || head.Org != a.org.Slug {
			t.Errorf("LedgerHead of a = %+v, %v", head, err)
		}
	}},
	{"LedgerEntry", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if e, err := db.LedgerEntry(ctx, a.org.ID, 1); err != nil || e.Org != a.org.Slug {
			t.Errorf("a's first ledger entry: %+v, %v", e, err)
		}
		bHead, err := db.LedgerHead(ctx, b.org.ID)
		must(t, err)
		_, err = db.LedgerEntry(ctx, a.org.ID, bHead.Seq) // only b's chain is that long
		wantNotFound(t, "ledger entry", err)
	}},
	{"Checkpoints", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Checkpoints(ctx, a.org.ID)
		presence(t, "Checkpoints", list, err, func(c ledger.Checkpoint) bool { return c.Org == a.org.Slug },
			func(c ledger.Checkpoint) bool { return c.Org != a.org.Slug })
	}},
	{"LastCheckpoint", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		c, err := db.LastCheckpoint(ctx, a.org.ID)
		if err != nil || c == nil || c.Org != a.org.Slug {
			t.Errorf("LastCheckpoint of a = %+v, %v", c, err)
		}
	}},
	{"Connections", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Connections(ctx, a.org.ID)
		presence(t, "Connections", list, err, func(c attest.Connection) bool { return c.ID == a.conn.ID },
			func(c attest.Connection) bool { return c.ID == b.conn.ID || c.OrgID != a.org.ID })
	}},
	{"Connection", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if c, err := db.Connection(ctx, a.org.ID, a.conn.ID); err != nil || c.Name != "github" || c.Settings["org"] != "github" {
			t.Errorf("a's own connection: %+v, %v", c, err)
		}
		_, err := db.Connection(ctx, a.org.ID, b.conn.ID)
		wantNotFound(t, "connection", err)
	}},
	{"ConnectionByName", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// Both are called "github": only a's may come back.
		if c, err := db.ConnectionByName(ctx, a.org.ID, "github"); err != nil || c.ID != a.conn.ID {
			t.Errorf("a's connection by name: %+v, %v", c, err)
		}
		_, err := db.ConnectionByName(ctx, a.org.ID, "other")
		wantNotFound(t, "connection by name", err)
	}},
	{"ConnectionSecret", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if s, err := db.ConnectionSecret(ctx, a.org.ID, a.conn.ID); err != nil || string(s) != "sealed github" {
			t.Errorf("a's own sealed secret: %q, %v", s, err)
		}
		_, err := db.ConnectionSecret(ctx, a.org.ID, b.conn.ID)
		wantNotFound(t, "connection secret", err)
	}},

	// Writes by ID: b's record through a is ENOTFOUND and stays as it was.
	{"UpdateControl", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		c := b.control
		c.OrgID, c.Name = a.org.ID, "taken over"
		wantNotFound(t, "control update", db.UpdateControl(ctx, &c))
		if got, err := db.Control(ctx, b.org.ID, b.control.ID); err != nil || got.Name != b.control.Name {
			t.Errorf("b's control after a's update: %+v, %v", got, err)
		}
	}},
	{"SetControlRetired", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "control retirement", db.SetControlRetired(ctx, a.org.ID, b.control.ID, true))
		if got, err := db.Control(ctx, b.org.ID, b.control.ID); err != nil || got.Retired() {
			t.Errorf("b's control after a's retirement: %+v, %v", got, err)
		}
	}},
	{"Unmap", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "mapping", db.Unmap(ctx, a.org.ID, b.control.ID, "soc2", "CC6.1"))
		if got, err := db.Control(ctx, b.org.ID, b.control.ID); err != nil || len(got.Mappings) != 3 {
			t.Errorf("b's control after a's unmap: %+v, %v", got, err)
		}
	}},
	{"SetMappingType", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "mapping", db.SetMappingType(ctx, a.org.ID, b.control.ID, "soc2", "CC6.1", attest.MappingRelated))
		if got, err := db.Control(ctx, b.org.ID, b.control.ID); err != nil || got.Mappings[len(got.Mappings)-1].Type != attest.MappingEquivalent {
			t.Errorf("b's mapping after a's retype: %+v, %v", got.Mappings, err)
		}
	}},
	{"RefreshLibraryMapping", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		changed, err := db.RefreshLibraryMapping(ctx, a.org.ID, b.control.ID, attest.Mapping{Framework: "soc2", Requirement: "CC6.1", Type: attest.MappingRelated, Rationale: "a's"})
		if err != nil || changed {
			t.Errorf("a refreshing b's mapping: changed %v, %v", changed, err)
		}
	}},
	{"MappingRemovals", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.Unmap(ctx, b.org.ID, b.control.ID, "soc2", "CC6.1"))
		if got, err := db.MappingRemovals(ctx, a.org.ID); err != nil || len(got) != 0 {
			t.Errorf("a sees b's removals: %v, %v", got, err)
		}
		if got, _ := db.MappingRemovals(ctx, b.org.ID); len(got) != 1 {
			t.Errorf("b's removals = %v; want its one", got)
		}
		must(t, db.Map(ctx, b.org.ID, b.control.ID, attest.Mapping{Framework: "soc2", Requirement: "CC6.1", Source: attest.SourceLibrary}))
	}},
	{"ScopeFrameworks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if _, err := db.SetScopeFramework(ctx, b.org.ID, "iso27001", true); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ScopeFrameworks(ctx, a.org.ID); err != nil || len(got) != 0 {
			t.Errorf("a sees b's frameworks: %v, %v", got, err)
		}
	}},
	{"SetScopeFramework", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if _, err := db.SetScopeFramework(ctx, b.org.ID, "iso27001", true); err != nil {
			t.Fatal(err)
		}
		if changed, err := db.SetScopeFramework(ctx, a.org.ID, "iso27001", false); err != nil || changed {
			t.Errorf("a's removal changed something: %v, %v", changed, err)
		}
		if got, _ := db.ScopeFrameworks(ctx, b.org.ID); len(got) != 1 {
			t.Errorf("b's frameworks after a's removal = %v", got)
		}
	}},
	{"Exclusions", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.SaveExclusion(ctx, &attest.Exclusion{OrgID: b.org.ID, Framework: "iso27001", Requirement: "A.7.1", Justification: "b's"}))
		if got, err := db.Exclusions(ctx, a.org.ID, "iso27001"); err != nil || len(got) != 0 {
			t.Errorf("a sees b's exclusions: %v, %v", got, err)
		}
	}},
	{"SaveExclusion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.SaveExclusion(ctx, &attest.Exclusion{OrgID: b.org.ID, Framework: "iso27001", Requirement: "A.7.2", Justification: "b's"}))
		must(t, db.SaveExclusion(ctx, &attest.Exclusion{OrgID: a.org.ID, Framework: "iso27001", Requirement: "A.7.2", Justification: "a's"}))
		for _, e := range mustExclusions(t, db, b.org.ID) {
			if e.Requirement == "A.7.2" && e.Justification != "b's" {
				t.Errorf("a's exclusion overwrote b's: %+v", e)
			}
		}
		must(t, db.DeleteExclusion(ctx, a.org.ID, "iso27001", "A.7.2"))
	}},
	{"DeleteExclusion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.SaveExclusion(ctx, &attest.Exclusion{OrgID: b.org.ID, Framework: "iso27001", Requirement: "A.7.3", Justification: "b's"}))
		wantNotFound(t, "exclusion", db.DeleteExclusion(ctx, a.org.ID, "iso27001", "A.7.3"))
		if got := mustExclusions(t, db, b.org.ID); len(got) == 0 {
			t.Error("a's delete removed b's exclusion")
		}
	}},
	{"UpdateTask", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		k := b.task
		k.OrgID, k.Title = a.org.ID, "taken over"
		wantNotFound(t, "task update", db.UpdateTask(ctx, &k))
		if got, err := db.Task(ctx, b.org.ID, b.task.ID); err != nil || got.Title != b.task.Title {
			t.Errorf("b's task after a's update: %+v, %v", got, err)
		}
	}},
	{"SetConnectionSecret", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "connection secret (write)", db.SetConnectionSecret(ctx, a.org.ID, b.conn.ID, []byte("taken over")))
		if s, err := db.ConnectionSecret(ctx, b.org.ID, b.conn.ID); err != nil || string(s) != "sealed github" {
			t.Errorf("b's secret after a's write: %q, %v", s, err)
		}
	}},
	{"SaveConnectionCheck", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "connection check", db.SaveConnectionCheck(ctx, a.org.ID, b.conn.ID, time.Now(), true, "taken over"))
		if c, err := db.Connection(ctx, b.org.ID, b.conn.ID); err != nil || c.CheckOK || c.CheckMessage != "" || !c.CheckedAt.IsZero() {
			t.Errorf("b's connection after a's check: %+v, %v", c, err)
		}
	}},
	{"MarkConnectionCollected", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		now := time.Now()
		wantNotFound(t, "connection collection", db.MarkConnectionCollected(ctx, a.org.ID, b.conn.ID, now))
		due, err := db.DueConnections(ctx, now)
		if err != nil || !slices.ContainsFunc(due, func(c attest.Connection) bool { return c.ID == b.conn.ID }) {
			t.Errorf("b's connection is no longer due after a marked it collected: %+v, %v", due, err)
		}
	}},
	{"DeleteConnection", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "connection (delete)", db.DeleteConnection(ctx, a.org.ID, b.conn.ID))
		if _, err := db.Connection(ctx, b.org.ID, b.conn.ID); err != nil {
			t.Errorf("b's connection after a's delete: %v", err)
		}
	}},
	{"RevokeInvitation", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		_, err := db.RevokeInvitation(ctx, a.org.ID, b.inv.ID)
		wantNotFound(t, "invitation", err)
		list, err := db.PendingInvitations(ctx, b.org.ID)
		if err != nil || len(list) != 1 {
			t.Errorf("b's invitations after a's revocation: %+v, %v", list, err)
		}
	}},
	{"RevokeToken", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		_, err := db.RevokeToken(ctx, a.org.ID, a.admin.ID, b.token.ID)
		wantNotFound(t, "token", err)
		_, err = db.RevokeToken(ctx, a.org.ID, b.admin.ID, b.token.ID)
		wantNotFound(t, "token of b's admin", err)
		list, err := db.Tokens(ctx, b.org.ID, b.admin.ID)
		if err != nil || len(list) != 1 || !list[0].RevokedAt.IsZero() {
			t.Errorf("b's tokens after a's revocation: %+v, %v", list, err)
		}
	}},
	{"DeleteSubservice", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		_, err := db.DeleteSubservice(ctx, a.org.ID, b.sub.ID)
		wantNotFound(t, "subservice organization", err)
		if list, err := db.Subservices(ctx, b.org.ID); err != nil || len(list) != 1 {
			t.Errorf("b's subservices after a's delete: %+v, %v", list, err)
		}
	}},
	{"DeleteCUEC", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		_, err := db.DeleteCUEC(ctx, a.org.ID, b.cuec.ID)
		wantNotFound(t, "user entity control", err)
		if list, err := db.CUECs(ctx, b.org.ID); err != nil || len(list) != 1 {
			t.Errorf("b's user entity controls after a's delete: %+v, %v", list, err)
		}
	}},
	{"MemberFactors", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		f, err := db.MemberFactors(ctx, a.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for id := range f {
			if id == b.member.ID || id == b.admin.ID {
				t.Errorf("a's member factors list b's user %d", id)
			}
		}
		if _, ok := f[a.admin.ID]; !ok {
			t.Errorf("a's member factors miss a's admin: %v", f)
		}
	}},
	{"MemberSessions", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		for _, u := range []int64{a.admin.ID, b.admin.ID, b.member.ID} {
			if err := db.CreateSession(ctx, &store.Session{TokenHash: "tenant-session-" + strconv.FormatInt(u, 10), UserID: u, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		s, err := db.MemberSessions(ctx, a.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s[b.admin.ID] != 0 || s[b.member.ID] != 0 || s[a.admin.ID] != 1 {
			t.Errorf("a's member sessions: %v", s)
		}
	}},
	{"SSOConfig", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		cfg := attest.SSOConfig{OrgID: b.org.ID, Issuer: "https://b.example", ClientID: "b", Domains: []string{"b.test"}}
		if err := db.SaveSSOConfig(ctx, cfg, []byte("sealed-b")); err != nil {
			t.Fatal(err)
		}
		if got, _, err := db.SSOConfig(ctx, a.org.ID); err == nil {
			t.Errorf("a's provider is b's: %+v", got)
		}
		// Saving a's without a secret must not update b's row.
		if err := db.SaveSSOConfig(ctx, attest.SSOConfig{OrgID: a.org.ID, Issuer: "https://a.example", ClientID: "a", Domains: []string{"a.test"}}, nil); err == nil {
			t.Error("a's provider saved without a secret")
		}
		if got, sealed, err := db.SSOConfig(ctx, b.org.ID); err != nil || got.Issuer != "https://b.example" || string(sealed) != "sealed-b" {
			t.Errorf("b's provider after a's save: %+v %q %v", got, sealed, err)
		}
	}},
	{"SSOIdentityUser", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if err := db.LinkSSOIdentity(ctx, b.org.ID, "https://idp.example", "sub-1", b.member.ID); err != nil {
			t.Fatal(err)
		}
		wantNotFound(t, "identity", func() error { _, err := db.SSOIdentityUser(ctx, a.org.ID, "https://idp.example", "sub-1"); return err }())
	}},
	{"SSOLinkedUsers", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if err := db.LinkSSOIdentity(ctx, b.org.ID, "https://idp.example", "sub-2", b.admin.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := db.SSOLinkedUsers(ctx, a.org.ID); err != nil || len(got) != 0 {
			t.Errorf("a's linked members: %v %v", got, err)
		}
	}},
	{"TakeSSOLogin", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// Found by the state's hash alone, a secret only the browser that
		// started it holds; the organization comes from the row.
		if err := db.CreateSSOLogin(ctx, "state-b", store.SSOLogin{OrgID: b.org.ID, Nonce: "n", Verifier: "v", Next: "/", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if l, err := db.TakeSSOLogin(ctx, "state-b"); err != nil || l.OrgID != b.org.ID {
			t.Errorf("b's sign-in: %+v %v", l, err)
		}
	}},
	{"SetRole", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "membership (role)", db.SetRole(ctx, a.org.ID, b.member.ID, attest.RoleAdmin))
		if m, err := db.Membership(ctx, b.org.ID, b.member.ID); err != nil || m.Role != attest.RoleEmployee {
			t.Errorf("b's member after a's role change: %+v, %v", m, err)
		}
	}},
	{"RemoveMember", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "membership (removal)", db.RemoveMember(ctx, a.org.ID, b.admin.ID))
		if _, err := db.Membership(ctx, b.org.ID, b.admin.ID); err != nil {
			t.Errorf("b's admin after a's removal: %v", err)
		}
		if list, err := db.Tokens(ctx, b.org.ID, b.admin.ID); err != nil || len(list) != 1 || !list[0].RevokedAt.IsZero() {
			t.Errorf("b's admin's tokens after a's removal: %+v, %v", list, err)
		}
	}},
	{"DeleteImportedFramework", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		_, err := db.DeleteImportedFramework(ctx, a.org.ID, "own-"+b.org.Slug)
		wantNotFound(t, "framework (delete)", err)
		// Deleting a's framework under the shared key leaves b's and b's mappings to it.
		if _, err := db.DeleteImportedFramework(ctx, a.org.ID, "shared"); err != nil {
			t.Fatal(err)
		}
		if f, _, err := db.ImportedFramework(ctx, b.org.ID, "shared"); err != nil || f.OrgID != b.org.ID {
			t.Errorf("b's shared framework after a deleted its own: %+v, %v", f, err)
		}
		if got, err := db.Control(ctx, b.org.ID, b.control.ID); err != nil || len(got.Mappings) != 3 {
			t.Errorf("b's mappings after a deleted its framework: %+v, %v", got.Mappings, err)
		}
	}},
	{"DropImportedFramework", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		_, err := db.DropImportedFramework(ctx, a.org.ID, "own-"+b.org.Slug)
		wantNotFound(t, "framework (drop)", err)
		if _, err := db.DropImportedFramework(ctx, a.org.ID, "own-"+a.org.Slug); err != nil {
			t.Fatal(err)
		}
		if f, _, err := db.ImportedFramework(ctx, b.org.ID, "own-"+b.org.Slug); err != nil || f.OrgID != b.org.ID {
			t.Errorf("b's framework after a dropped its own: %+v, %v", f, err)
		}
	}},
	{"PruneFrameworkMappings", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// a prunes every mapping to "shared"; b's mappings stay.
		if _, _, err := db.PruneFrameworkMappings(ctx, a.org.ID, "shared", func(string) bool { return false }); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Control(ctx, b.org.ID, b.control.ID); err != nil || len(got.Mappings) != 3 {
			t.Errorf("b's mappings after a pruned its own: %+v, %v", got.Mappings, err)
		}
	}},
	{"Collection", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if c, err := db.Collection(ctx, a.org.ID, a.col.ID); err != nil || c.UID != a.col.UID {
			t.Errorf("a's own collection: %+v, %v", c, err)
		}
		_, err := db.Collection(ctx, a.org.ID, b.col.ID)
		wantNotFound(t, "collection", err)
	}},
	{"CollectionByUID", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if c, err := db.CollectionByUID(ctx, a.org.ID, a.col.UID); err != nil || c.ID != a.col.ID {
			t.Errorf("a's own collection by uid: %+v, %v", c, err)
		}
		_, err := db.CollectionByUID(ctx, a.org.ID, b.col.UID)
		wantNotFound(t, "collection by uid", err)
	}},
	{"Collections", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Collections(ctx, a.org.ID, 1, 0) // both organizations have a connection with ID 1 here
		presence(t, "Collections", list, err, func(c attest.CollectionRun) bool { return c.ID == a.col.ID },
			func(c attest.CollectionRun) bool { return c.ID == b.col.ID })
	}},
	{"LatestCompleteCollection", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// b's collection of its connection 1 is the newer: a's own must come back.
		if c, err := db.LatestCompleteCollection(ctx, a.org.ID, 1); err != nil || c.ID != a.col.ID {
			t.Errorf("a's latest complete collection: %+v, %v", c, err)
		}
	}},
	{"SaveReadinessRecord", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		must(t, db.SaveReadinessRecord(ctx, b.org.ID, "soc2", "2026-11-30", at, []byte(`"b"`)))
		must(t, db.SaveReadinessRecord(ctx, a.org.ID, "soc2", "2026-11-30", at, []byte(`"a"`)))
		// a's recording replaced nothing of b's.
		if _, res, err := db.ReadinessRecord(ctx, b.org.ID, "soc2", "2026-11-30"); err != nil || string(res) != `"b"` {
			t.Errorf("b's readiness record: %s, %v", res, err)
		}
	}},
	{"ReadinessRecord", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		must(t, db.SaveReadinessRecord(ctx, b.org.ID, "soc2", "2026-11-29", at, []byte(`"b"`)))
		_, _, err := db.ReadinessRecord(ctx, a.org.ID, "soc2", "2026-11-29")
		wantNotFound(t, "another organization's readiness record", err)
	}},
	{"TestVersion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if id, _, err := db.TestVersion(ctx, a.org.ID, "sha256:shared"); err != nil || id != "t.shared" {
			t.Errorf("a's test version: %q, %v", id, err)
		}
		_, _, err := db.TestVersion(ctx, a.org.ID, "sha256:nowhere")
		wantNotFound(t, "test version", err)
	}},
	{"SaveTestVersion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// Each organization records its own versions: b's copy does not
		// make a's new one look known.
		isNew, err := db.SaveTestVersion(ctx, a.org.ID, "sha256:only-b", "t.b", []byte(`{}`), nil)
		must(t, err)
		if !isNew {
			t.Error("a's first use of a version counted as known")
		}
	}},
	{"Results", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Results(ctx, a.org.ID, store.ResultFilter{Test: "t.shared", ResourceKey: "acme/api", ConnectionID: 1})
		presence(t, "Results", list, err, func(r attest.TestResult) bool { return r.ID == a.result.ID && r.Collection == a.col.UID },
			func(r attest.TestResult) bool { return r.ID == b.result.ID })
	}},
	{"Result", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if r, err := db.Result(ctx, a.org.ID, a.result.ID); err != nil || r.Message != a.result.Message {
			t.Errorf("a's own result: %+v, %v", r, err)
		}
		_, err := db.Result(ctx, a.org.ID, b.result.ID)
		wantNotFound(t, "result", err)
	}},
	{"ResultChanges", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.ResultChanges(ctx, a.org.ID, "t.shared", "acme/api", 0)
		presence(t, "ResultChanges", list, err, func(h attest.ResultChange) bool { return h.Collection == a.col.UID },
			func(h attest.ResultChange) bool { return h.Collection == b.col.UID })
	}},
	{"TestRuns", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.TestRuns(ctx, a.org.ID, "t.shared", time.Time{})
		presence(t, "TestRuns", list, err, func(r attest.TestRun) bool { return r.Collection == a.col.UID },
			func(r attest.TestRun) bool { return r.Collection == b.col.UID })
	}},
	{"TestCountsByControl", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		counts, err := db.TestCountsByControl(ctx, a.org.ID, time.Now())
		if err != nil || len(counts) != 1 || counts[a.control.Ref].Failing != 1 {
			t.Errorf("TestCountsByControl of a = %+v, %v; want one failing result of %s only", counts, err, a.control.Ref)
		}
	}},
	{"TestTallies", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		tallies, err := db.TestTallies(ctx, a.org.ID, time.Now())
		if err != nil || len(tallies) != 1 || tallies["t.shared"].Counts["fail"] != 1 || tallies["t.shared"].Counts["pass"] != 0 {
			t.Errorf("TestTallies of a = %v, %v; want a's one failing result only", tallies, err)
		}
	}},
	{"Exceptions", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Exceptions(ctx, a.org.ID)
		presence(t, "Exceptions", list, err, func(e attest.TestException) bool { return e.UID == a.exc.UID },
			func(e attest.TestException) bool { return e.UID == b.exc.UID })
	}},
	{"NextExceptionExpiry", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// b gets a second exception, approved; a has none active.
		x := b.exc
		x.ID, x.UID, x.Resource.Key, x.ExpiresAt = 0, "exc_b_approved", "acme/other", time.Now().AddDate(0, 2, 0).UTC().Truncate(time.Microsecond)
		must(t, db.AddException(ctx, &x))
		must(t, db.ApproveException(ctx, b.org.ID, x.ID, b.admin.ID, time.Now()))
		if at, ok, err := db.NextExceptionExpiry(ctx, a.org.ID, time.Now()); err != nil || ok {
			t.Errorf("NextExceptionExpiry of a = %v, %v, %v; want none (only b's exception is approved)", at, ok, err)
		}
		if at, ok, err := db.NextExceptionExpiry(ctx, b.org.ID, time.Now()); err != nil || !ok || !at.Equal(x.ExpiresAt) {
			t.Errorf("NextExceptionExpiry of b = %v, %v, %v; want %v", at, ok, err, x.ExpiresAt)
		}
	}},
	{"OrgRevision", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		before, err := db.OrgRevision(ctx, a.org.ID)
		if err != nil || before == 0 {
			t.Fatalf("OrgRevision of a = %d, %v; want a's records to have bumped it", before, err)
		}
		bBefore, _ := db.OrgRevision(ctx, b.org.ID)
		x, err := db.Exception(ctx, b.org.ID, "exc_b_approved")
		must(t, err)
		must(t, db.RevokeException(ctx, b.org.ID, x.ID, b.admin.ID, time.Now()))
		if after, err := db.OrgRevision(ctx, a.org.ID); err != nil || after != before {
			t.Errorf("OrgRevision of a went from %d to %d (%v) on a change to b's records", before, after, err)
		}
		if after, _ := db.OrgRevision(ctx, b.org.ID); after == bBefore {
			t.Errorf("OrgRevision of b stayed %d after a change to b's records", after)
		}
	}},
	{"Exception", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if e, err := db.Exception(ctx, a.org.ID, a.exc.UID); err != nil || e.Reason != a.exc.Reason {
			t.Errorf("a's own exception: %+v, %v", e, err)
		}
		_, err := db.Exception(ctx, a.org.ID, b.exc.UID)
		wantNotFound(t, "exception", err)
	}},
	{"CustomTests", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.CustomTests(ctx, a.org.ID)
		presence(t, "CustomTests", list, err, func(c store.CustomTest) bool { return c.Source == "source of "+a.org.Slug },
			func(c store.CustomTest) bool { return c.Source == "source of "+b.org.Slug })
	}},
	{"LedgerRecords", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.LedgerRecords(ctx, a.org.ID)
		presence(t, "LedgerRecords", list, err, func(r ledger.BundleRecord) bool { return strings.Contains(string(r.Record), `"`+a.org.Slug+`"`) },
			func(r ledger.BundleRecord) bool { return strings.Contains(string(r.Record), `"`+b.org.Slug+`"`) })
	}},
	{"LedgerRecordsOfType", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.LedgerRecordsOfType(ctx, a.org.ID, "snapshot")
		presence(t, "LedgerRecordsOfType", list, err, func(r ledger.BundleRecord) bool { return strings.Contains(string(r.Record), `"`+a.org.Slug+`"`) },
			func(r ledger.BundleRecord) bool { return strings.Contains(string(r.Record), `"`+b.org.Slug+`"`) })
		if other, err := db.LedgerRecordsOfType(ctx, a.org.ID, "no_such_type"); err != nil || len(other) != 0 {
			t.Errorf("records of another type: %+v, %v", other, err)
		}
	}},
	{"LedgerRecord", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		r, err := db.LedgerRecord(ctx, a.org.ID, "snapshot", "col_shared")
		if err != nil || !strings.Contains(string(r.Record), `"`+a.org.Slug+`"`) {
			t.Errorf("a's ledger record: %s, %v", r.Record, err)
		}
	}},
	{"SaveCustomTest", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.SaveCustomTest(ctx, a.org.ID, "own.shared", "changed by "+a.org.Slug, a.admin.ID))
		list, err := db.CustomTests(ctx, b.org.ID)
		if err != nil || len(list) != 1 || list[0].Source != "source of "+b.org.Slug {
			t.Errorf("b's test after a saved its own of the same ID: %+v, %v", list, err)
		}
	}},
	{"UpdateResult", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		r := b.result
		r.OrgID, r.Message = a.org.ID, "overwritten by a"
		wantNotFound(t, "result (update)", db.UpdateResult(ctx, r))
		if got, err := db.Result(ctx, b.org.ID, b.result.ID); err != nil || got.Message != b.result.Message {
			t.Errorf("b's result after a's update: %+v, %v", got, err)
		}
	}},
	{"Policies", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Policies(ctx, a.org.ID)
		presence(t, "policies", list, err, func(p attest.Policy) bool { return p.ID == a.policy.ID },
			func(p attest.Policy) bool { return p.ID == b.policy.ID })
		for _, p := range list {
			if p.ID == a.policy.ID && (p.Latest == nil || p.Latest.ID != a.version.ID) {
				t.Errorf("a's policy lists version %+v, want a's", p.Latest)
			}
		}
	}},
	{"PoliciesInReview", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.PoliciesInReview(ctx, a.org.ID)
		presence(t, "policies in review", list, err, func(p attest.Policy) bool { return p.ID == a.inReview.ID && p.Latest.PolicyID == a.inReview.ID },
			func(p attest.Policy) bool { return p.ID == b.inReview.ID || p.Latest.PolicyID == b.inReview.ID })
	}},
	{"Policy", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "policy", func() error { _, err := db.Policy(ctx, a.org.ID, b.policy.ID); return err }())
	}},
	{"PolicyByKey", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		got, err := db.PolicyByKey(ctx, a.org.ID, "shared")
		if err != nil || got.ID != a.policy.ID || got.Published == nil || got.Published.ID != a.version.ID {
			t.Errorf("a's policy by the shared key: %+v, %v", got, err)
		}
	}},
	{"UpdatePolicy", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		p := b.policy
		p.OrgID, p.Title = a.org.ID, "overwritten by a"
		wantNotFound(t, "policy (update)", db.UpdatePolicy(ctx, &p))
		if got, err := db.Policy(ctx, b.org.ID, b.policy.ID); err != nil || got.Title != b.policy.Title {
			t.Errorf("b's policy after a's update: %+v, %v", got, err)
		}
	}},
	{"PolicyVersions", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.PolicyVersions(ctx, a.org.ID, b.policy.ID)
		if err != nil || len(list) != 0 {
			t.Errorf("b's policy versions through a: %+v, %v", list, err)
		}
	}},
	{"PolicyVersion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "policy version", func() error { _, err := db.PolicyVersion(ctx, a.org.ID, b.version.ID); return err }())
	}},
	{"AddPolicyVersion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		v := attest.PolicyVersion{PolicyID: b.policy.ID, Label: "2.0", State: attest.VersionDraft, Body: "a's text", AuthorID: a.admin.ID, Quorum: 1}
		if err := db.AddPolicyVersion(ctx, a.org.ID, &v); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("a added a version to b's policy: %+v", v)
		}
	}},
	{"UpdatePolicyVersion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		v := b.version
		v.State = attest.VersionRetired
		wantNotFound(t, "policy version (update)", db.UpdatePolicyVersion(ctx, a.org.ID, &v))
	}},
	{"Acceptances", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Acceptances(ctx, a.org.ID, store.AcceptanceFilter{})
		presence(t, "acceptances", list, err, func(x attest.Acceptance) bool { return x.ID == a.acceptance.ID },
			func(x attest.Acceptance) bool { return x.ID == b.acceptance.ID })
		list, err = db.Acceptances(ctx, a.org.ID, store.AcceptanceFilter{PersonID: b.person.ID})
		if err != nil || len(list) != 0 {
			t.Errorf("b's person's acceptances through a: %+v, %v", list, err)
		}
	}},
	{"AddAcceptance", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		x := attest.Acceptance{UID: "acc_cross", PolicyID: b.policy.ID, VersionID: b.version.ID, PersonID: b.person.ID, Hash: b.version.Hash}
		if err := db.AddAcceptance(ctx, a.org.ID, &x); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("a recorded an acceptance of b's policy by b's person")
		}
	}},
	{"PolicySettings", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		got, err := db.PolicySettings(ctx, a.org.ID)
		if err != nil || got["company_name"] != "Company "+a.org.Slug {
			t.Errorf("a's policy settings: %v, %v", got, err)
		}
	}},
	{"SetPolicySetting", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.SetPolicySetting(ctx, a.org.ID, "company_name", ""))
		if got, err := db.PolicySettings(ctx, b.org.ID); err != nil || got["company_name"] != "Company "+b.org.Slug {
			t.Errorf("b's settings after a cleared its own: %v, %v", got, err)
		}
	}},
	{"People", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		// A person whose email is a member of b only has no account in a.
		p := attest.Person{OrgID: a.org.ID, Name: "b's member", Email: b.member.Email, StartDate: "2025-01-01"}
		must(t, db.CreatePerson(ctx, &p))
		list, err := db.People(ctx, a.org.ID, store.PeopleFilter{})
		if err != nil || len(list) != 2 {
			t.Fatalf("a's people: %+v, %v", list, err)
		}
		for _, got := range list {
			if got.OrgID != a.org.ID || got.UserID != 0 || got.Name == b.person.Name {
				t.Errorf("a's list holds %+v", got)
			}
		}
	}},
	{"Person", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "person", func() error { _, err := db.Person(ctx, a.org.ID, b.person.ID); return err }())
	}},
	{"PersonByEmail", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		got, err := db.PersonByEmail(ctx, a.org.ID, "shared@people.test")
		if err != nil || got.ID != a.person.ID {
			t.Errorf("a's person by the shared email: %+v, %v", got, err)
		}
	}},
	{"UpdatePerson", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		p := b.person
		p.OrgID, p.Name = a.org.ID, "renamed by a"
		wantNotFound(t, "person (update)", db.UpdatePerson(ctx, &p))
		p = a.person
		p.ManagerID = b.person.ID
		if err := db.UpdatePerson(ctx, &p); attest.ErrorField(err) != "manager" {
			t.Errorf("a's person managed by b's: %v", err)
		}
		if got, err := db.Person(ctx, b.org.ID, b.person.ID); err != nil || got.Name != b.person.Name {
			t.Errorf("b's person after a's update: %+v, %v", got, err)
		}
	}},
	{"ResultStates", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.ResultStates(ctx, a.org.ID, 1)
		if err != nil || len(list) != 1 || list[0].ID != a.result.ID || list[0].Message != a.result.Message {
			t.Errorf("a's result states: %+v, %v", list, err)
		}
	}},
	{"InsertResults", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		r := b.result
		r.Resource.Key = "acme/other"
		if err := db.InsertResults(ctx, a.org.ID, []attest.TestResult{r}); err == nil {
			t.Error("a inserted a result of b's organization")
		}
		if list, err := db.ResultStates(ctx, b.org.ID, 1); err != nil || len(list) != 1 {
			t.Errorf("b's results after a's insert: %+v, %v", list, err)
		}
	}},
	{"TouchResults", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.TouchResults(ctx, a.org.ID, 1, a.col.ID, time.Now(), nil))
		must(t, db.TouchResults(ctx, a.org.ID, 1, a.col.ID, time.Now(), []attest.ResourceRef{b.result.Resource}))
		if got, err := db.Result(ctx, b.org.ID, b.result.ID); err != nil || got.CollectionID != b.col.ID {
			t.Errorf("b's result after a touched its own: %+v, %v", got, err)
		}
	}},
	{"NextResultsGeneration", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		for range 2 {
			if _, err := db.NextResultsGeneration(ctx, a.org.ID, 1); err != nil {
				t.Fatal(err)
			}
		}
		if g, err := db.NextResultsGeneration(ctx, b.org.ID, 1); err != nil || g != 1 {
			t.Errorf("b's first generation after a counted two of its own: %d, %v", g, err)
		}
	}},
	{"ResultIDs", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.ResultIDs(ctx, a.org.ID, b.result.ConnectionID)
		presence(t, "result ids", list, err, func(r store.ResultKey) bool { return r.ID == a.result.ID },
			func(r store.ResultKey) bool { return r.ID == b.result.ID })
	}},
	{"UpdateResults", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		mine, theirs := a.result, b.result
		mine.Message, theirs.Message, theirs.OrgID = "updated by a", "overwritten by a", a.org.ID
		wantNotFound(t, "results (update)", db.Update(ctx, func(tx *store.Queries) error {
			return tx.UpdateResults(ctx, a.org.ID, []attest.TestResult{mine, theirs})
		}))
		if got, err := db.Result(ctx, b.org.ID, b.result.ID); err != nil || got.Message != b.result.Message {
			t.Errorf("b's result after a's update: %+v, %v", got, err)
		}
		if got, err := db.Result(ctx, a.org.ID, a.result.ID); err != nil || got.Message != a.result.Message {
			t.Errorf("a's result after an update refused: %+v, %v", got, err)
		}
	}},
	{"DeleteResults", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "results (delete)", db.Update(ctx, func(tx *store.Queries) error {
			return tx.DeleteResults(ctx, a.org.ID, []int64{a.result.ID, b.result.ID})
		}))
		for _, tn := range []tenant{a, b} {
			if _, err := db.Result(ctx, tn.org.ID, tn.result.ID); err != nil {
				t.Errorf("%s's result after a delete refused: %v", tn.org.Slug, err)
			}
		}
	}},
	{"ApproveException", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "exception (approve)", db.ApproveException(ctx, a.org.ID, b.exc.ID, a.admin.ID, time.Now()))
		if e, err := db.Exception(ctx, b.org.ID, b.exc.UID); err != nil || !e.ApprovedAt.IsZero() {
			t.Errorf("b's exception after a's approval: %+v, %v", e, err)
		}
	}},
	{"RevokeException", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "exception (revoke)", db.RevokeException(ctx, a.org.ID, b.exc.ID, a.admin.ID, time.Now()))
		if e, err := db.Exception(ctx, b.org.ID, b.exc.UID); err != nil || !e.RevokedAt.IsZero() {
			t.Errorf("b's exception after a's revocation: %+v, %v", e, err)
		}
	}},
	{"SetConnectionWebhookSecret", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "connection (webhook secret)", db.SetConnectionWebhookSecret(ctx, a.org.ID, b.conn.ID, []byte("a's")))
		if _, hook, err := db.ConnectionForWebhook(ctx, b.conn.ID); err != nil || hook != nil {
			t.Errorf("b's webhook secret after a set its own: %q, %v", hook, err)
		}
	}},
	{"Audits", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Audits(ctx, a.org.ID, true, nil)
		presence(t, "Audits", list, err, func(x attest.Audit) bool { return x.ID == a.audit.ID }, func(x attest.Audit) bool { return x.ID == b.audit.ID })
		if list, err := db.Audits(ctx, a.org.ID, false, []int64{b.audit.ID}); err != nil || len(list) != 0 {
			t.Errorf("Audits of a naming b's audit: %+v, %v", list, err)
		}
	}},
	{"Audit", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if x, err := db.Audit(ctx, a.org.ID, a.audit.ID); err != nil || x.Name != a.audit.Name {
			t.Errorf("a's audit: %+v, %v", x, err)
		}
		_, err := db.Audit(ctx, a.org.ID, b.audit.ID)
		wantNotFound(t, "audit", err)
	}},
	{"Auditors", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.Auditors(ctx, a.org.ID, a.audit.ID)
		presence(t, "Auditors", list, err, func(x attest.AuditorOf) bool { return x.AuditID == a.audit.ID }, func(x attest.AuditorOf) bool { return x.AuditID == b.audit.ID })
		if list, err := db.Auditors(ctx, a.org.ID, b.audit.ID); err != nil || len(list) != 0 {
			t.Errorf("Auditors of b's audit through a: %+v, %v", list, err)
		}
	}},
	{"AuditGrants", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		list, err := db.AuditGrants(ctx, a.org.ID, a.auditor.ID)
		presence(t, "AuditGrants", list, err, func(x attest.Audit) bool { return x.ID == a.audit.ID }, func(x attest.Audit) bool { return x.ID == b.audit.ID })
	}},
	{"AddAuditor", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "audit (add auditor)", db.AddAuditor(ctx, a.org.ID, b.audit.ID, "intruder@firm.test"))
		if list, err := db.Auditors(ctx, b.org.ID, b.audit.ID); err != nil || len(list) != 1 {
			t.Errorf("b's auditors after a added one to b's audit: %+v, %v", list, err)
		}
	}},
	{"JoinAuditor", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "auditor (join)", db.JoinAuditor(ctx, a.org.ID, b.audit.ID, b.auditor.Email, a.member.ID))
		if list, err := db.AuditGrants(ctx, b.org.ID, a.member.ID); err != nil || len(list) != 0 {
			t.Errorf("a's member joined b's audit: %+v, %v", list, err)
		}
	}},
	{"UpdateAudit", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		x := b.audit
		x.OrgID, x.Name = a.org.ID, "taken by a"
		wantNotFound(t, "audit (update)", db.UpdateAudit(ctx, &x))
		if got, err := db.Audit(ctx, b.org.ID, b.audit.ID); err != nil || got.Name != b.audit.Name {
			t.Errorf("b's audit after a's update: %+v, %v", got, err)
		}
	}},
	{"RemoveAuditor", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "auditor (remove)", db.RemoveAuditor(ctx, a.org.ID, b.audit.ID, b.auditor.Email))
		if list, err := db.Auditors(ctx, b.org.ID, b.audit.ID); err != nil || len(list) != 1 {
			t.Errorf("b's auditors after a's removal: %+v, %v", list, err)
		}
	}},
	{"DeleteResult", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		wantNotFound(t, "result (delete)", db.DeleteResult(ctx, a.org.ID, b.result.ID))
		if _, err := db.Result(ctx, b.org.ID, b.result.ID); err != nil {
			t.Errorf("b's result after a's delete: %v", err)
		}
	}},
	{"DeleteCustomTest", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		must(t, db.DeleteCustomTest(ctx, a.org.ID, "own.shared"))
		if list, err := db.CustomTests(ctx, b.org.ID); err != nil || len(list) != 1 {
			t.Errorf("b's tests after a deleted its own: %+v, %v", list, err)
		}
	}},
}

// notTenantScoped names the exported methods of store.Queries that take an
// organization (or a record carrying one) and are not in tenantCases, with why.
// A new query that takes an organization fails TestTenantCasesCoverQueries
// until it is added to tenantCases or here.
var notTenantScoped = map[string]string{
	"RequeueJobsOfLostProcesses": "its argument is a duration, not an organization: job processes run the jobs of every organization",
	"DeletePasskey":              "passkeys belong to a user, not to an organization (the service passes the signed-in user's ID)",
	"DeletePasskeys":             "passkeys belong to a user, not to an organization (the service passes the signed-in user's ID)",
	"Passkeys":                   "passkeys belong to a user, not to an organization (the service passes the signed-in user's ID)",
	"RenamePasskey":              "passkeys belong to a user, not to an organization (the service passes the signed-in user's ID)",
	"UsePasskey":                 "called with the passkey found by its credential ID, checked against the signing-in user",
	"CreateSSOLogin":             "creates a record of the organization it names",
	"LinkSSOIdentity":            "creates a record of the organization it names",
	"SaveSSOConfig":              "writes the organization's own provider (one row per organization)",
	"SetRequireSSO":              "changes the organization itself",
	"ClearSecondFactorFailures":  "two-step factors belong to a user, not to an organization",
	"DeleteChallenges":           "pending sign-ins belong to a user, not to an organization",
	"DeleteTOTP":                 "two-step factors belong to a user, not to an organization",
	"DeleteUserSessions":         "sessions belong to a user, not to an organization (the service checks membership first)",
	"FactorsOf":                  "two-step factors belong to a user, not to an organization",
	"LockSecondFactor":           "two-step factors belong to a user, not to an organization",
	"PutPendingTOTP":             "two-step factors belong to a user, not to an organization",
	"RecordSecondFactorFailure":  "two-step factors belong to a user, not to an organization",
	"ReplaceRecoveryCodes":       "two-step factors belong to a user, not to an organization",
	"SecondFactorFailures":       "two-step factors belong to a user, not to an organization",
	"SetRequireMFA":              "changes the organization itself",
	"SetSealedTOTP":              "two-step factors belong to a user, not to an organization",
	"TOTPFor":                    "two-step factors belong to a user, not to an organization",
	"UseRecoveryCode":            "two-step factors belong to a user, not to an organization",
	"UseTOTPStep":                "two-step factors belong to a user, not to an organization",
	"OrgByID":                    "looks up the organization itself",
	"RenameOrg":                  "changes the organization itself",
	"Memberships":                "takes a user: lists that user's organizations",
	"UserByID":                   "users are not owned by an organization",
	"SetPasswordHash":            "users are not owned by an organization",
	"MarkInvitationAccepted":     "called with the invitation found by its secret",
	"TouchToken":                 "called with the token found by its secret",
	"DeleteOtherSessions":        "sessions belong to a user, not to an organization",
	"AddMember":                  "creates a record of the organization it names",
	"CreateControl":              "creates a record of the organization it names",
	"CreateTask":                 "creates a record of the organization it names",
	"CreateEvidence":             "creates a record of the organization it names (and checks its links' organization)",
	"CreateEvidenceAll":          "creates records of the one organization its items name (and checks their links' organization); TestCreateEvidenceAll",
	"CreateInvitation":           "creates a record of the organization it names",
	"CreateToken":                "creates a record of the organization it names",
	"CreateOrg":                  "creates an organization",
	"Log":                        "appends to the organization it names",
	"SaveScope":                  "writes the organization's own scope (one row per organization)",
	"AddSubservice":              "creates a record of the organization it names",
	"AddCUEC":                    "creates a record of the organization it names",
	"SaveImportedFramework":      "creates a record of the organization it names",
	"AppendLedger":               "appends to the organization's own chain",
	"AddCheckpoint":              "appends to the organization's own checkpoints",
	"Map":                        "the service loads the control through the organization first (programme)",
	"LinkEvidence":               "CreateEvidence checks each control's organization first",
	"CreateSession":              "sessions belong to a user, not to an organization",
	"CreateConnection":           "creates a record of the organization it names",
	"AddCollection":              "creates a record of the organization it names",
	"InsertResult":               "creates a record of the organization it names",
	"AddResultChange":            "appends to the organization it names",
	"AddResultChanges":           "appends to the organization it names",
	"CreatePolicy":               "creates a record of the organization it names; its owner is a user, checked by the service against the members",
	"CreatePerson":               "creates a record of the organization it names; its manager is checked against it (UpdatePerson's case)",
	"AddTestRun":                 "appends to the organization it names",
	"AddException":               "creates a record of the organization it names",
	"SaveLedgerRecord":           "appends to the organization it names",
	"ConnectionForWebhook":       "a webhook names only the connection; its signature, checked with that connection's secret, proves the sender",
	"CreateAudit":                "creates a record of the organization it names",
	"AuditorAudits":              "takes a user: lists the audits, in any organization, that user is an auditor of",
}

func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc := evidencetest.NewService(t, db)
		a := buildTenant(t, db, svc, "a")
		b := buildTenant(t, db, svc, "b")
		// b's chain and checkpoints run further than a's, so that a lookup
		// without its filter returns b's head.
		evidencetest.MustEvidence(t, svc, b.org, "extra b", b.control.ID)
		for _, c := range tenantCases {
			t.Run(c.method, func(t *testing.T) { c.check(t, t.Context(), db, a, b) })
		}
	})
}

// TestTenantCasesCoverQueries fails when a query of store.Queries takes an
// organization (an int64 first argument, or a record with an OrgID) and is
// neither tested by tenantCases nor listed in notTenantScoped.
func TestTenantCasesCoverQueries(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range tenantCases {
		covered[c.method] = true
	}
	typ := reflect.TypeOf(&store.Queries{})
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		delete(covered, m.Name)
		if _, ok := notTenantScoped[m.Name]; ok {
			continue
		}
		ft := m.Type // receiver first
		if ft.NumIn() < 3 || ft.In(1) != ctxType {
			continue
		}
		takesOrg := ft.In(2).Kind() == reflect.Int64
		for j := 2; j < ft.NumIn(); j++ {
			p := ft.In(j)
			if p.Kind() == reflect.Pointer {
				p = p.Elem()
			}
			if p.Kind() == reflect.Struct {
				if _, ok := p.FieldByName("OrgID"); ok {
					takesOrg = true
				}
			}
		}
		if takesOrg && !slices.ContainsFunc(tenantCases, func(c tenantCase) bool { return c.method == m.Name }) {
			t.Errorf("store.Queries.%s takes an organization but has no case in tenantCases (a test that organization b's records never show for a), nor a reason in notTenantScoped", m.Name)
		}
	}
	for name := range covered {
		t.Errorf("tenantCases names %s, which store.Queries does not have", name)
	}
	for name := range notTenantScoped {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("notTenantScoped names %s, which store.Queries does not have", name)
		}
	}
}

func mustExclusions(t *testing.T, db *store.DB, orgID int64) []attest.Exclusion {
	t.Helper()
	got, err := db.Exclusions(context.Background(), orgID, "iso27001")
	if err != nil {
		t.Fatal(err)
	}
	return got
}
