package attest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

func TestAuditNormalize(t *testing.T) {
	ok := func(a attest.Audit) attest.Audit {
		t.Helper()
		if err := a.Normalize(); err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		return a
	}
	a := ok(attest.Audit{Name: " First ", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-03-31", AsOf: "2026-01-01"})
	if a.Name != "First" || a.Status != attest.AuditPlanning || a.AsOf != "" {
		t.Errorf("normalized: %+v", a)
	}
	ok(attest.Audit{Name: "Year", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-12-31"})
	b := ok(attest.Audit{Name: "T1", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", From: "2026-01-01"})
	if b.From != "" || b.To != "" {
		t.Errorf("a Type 1 keeps no window: %+v", b)
	}
	for _, c := range []struct {
		a     attest.Audit
		field string
	}{
		{attest.Audit{Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30"}, "name"},
		{attest.Audit{Name: "x", Type: attest.AuditType1, AsOf: "2026-06-30"}, "framework"},
		{attest.Audit{Name: "x", Framework: "soc2", Type: "type3"}, "type"},
		{attest.Audit{Name: "x", Framework: "soc2", Type: attest.AuditType1, AsOf: "30/06/2026"}, "as_of"},
		{attest.Audit{Name: "x", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-03-30"}, "to"}, // a day short of 3 months
		{attest.Audit{Name: "x", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2027-01-01"}, "to"}, // a day past 12 months
		{attest.Audit{Name: "x", Framework: "soc2", Type: attest.AuditType2, From: "2026-01", To: "2026-06-30"}, "from"},
		{attest.Audit{Name: "x", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", Early: "2026-07-01"}, "early_access"},
		{attest.Audit{Name: "x", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", Status: "done"}, "status"},
	} {
		err := c.a.Normalize()
		if e, ok := err.(*attest.Error); !ok || e.Code != attest.EINVALID || e.Field != c.field {
			t.Errorf("%+v: got %v, want EINVALID on %s", c.a, err, c.field)
		}
	}
}

func TestAuditStatusMovesForward(t *testing.T) {
	a := attest.Audit{Status: attest.AuditFieldwork}
	if err := a.NextStatus(attest.AuditReporting); err != nil {
		t.Error(err)
	}
	if err := a.NextStatus(attest.AuditClosed); err != nil {
		t.Error("skipping reporting is allowed:", err)
	}
	for _, back := range []attest.AuditStatus{attest.AuditPlanning, attest.AuditFieldwork, "other"} {
		if err := a.NextStatus(back); err == nil {
			t.Errorf("fieldwork → %s accepted", back)
		}
	}
	if err := (attest.Audit{Status: attest.AuditClosed}).NextStatus(attest.AuditClosed); err == nil {
		t.Error("a closed audit changed status")
	}
}

func TestAuditOpenToAuditors(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(attest.DateLayout, s); return d.Add(9 * time.Hour) }
	cases := []struct {
		a    attest.Audit
		now  string
		want bool
	}{
		{attest.Audit{Status: attest.AuditPlanning}, "2026-06-01", false},
		{attest.Audit{Status: attest.AuditPlanning, Early: "2026-06-01"}, "2026-05-31", false},
		{attest.Audit{Status: attest.AuditPlanning, Early: "2026-06-01"}, "2026-06-01", true},
		{attest.Audit{Status: attest.AuditFieldwork}, "2026-06-01", true},
		{attest.Audit{Status: attest.AuditReporting}, "2026-06-01", true},
		{attest.Audit{Status: attest.AuditClosed, Early: "2026-01-01"}, "2026-06-01", false},
	}
	for _, c := range cases {
		if got := c.a.OpenToAuditors(day(c.now)); got != c.want {
			t.Errorf("%+v at %s: %v, want %v", c.a, c.now, got, c.want)
		}
	}
}

func TestAuditGrantsScopeThePrincipal(t *testing.T) {
	guest := attest.Principal{UserID: 7, OrgID: 1, Grants: []attest.Grant{{Kind: attest.GrantAudit, ID: 3}}}
	if !guest.Guest() || guest.Can(attest.ActRead) || guest.Can(attest.ActOwn) {
		t.Fatalf("a guest has no role's actions: %+v", guest)
	}
	if !guest.MayReadAudit(3) || guest.MayReadAudit(4) || guest.RequireAudit(4) == nil {
		t.Error("a guest reads their audit only")
	}
	if all, ids := guest.AuditVisibility(); all || len(ids) != 1 || ids[0] != 3 {
		t.Errorf("guest visibility: %v %v", all, ids)
	}
	manager := attest.Principal{UserID: 2, OrgID: 1, Role: attest.RoleManager}
	if all, _ := manager.AuditVisibility(); !all || !manager.MayReadAudit(4) || manager.Guest() {
		t.Error("a manager sees every audit")
	}
	employee := attest.Principal{UserID: 5, OrgID: 1, Role: attest.RoleEmployee}
	if all, ids := employee.AuditVisibility(); all || len(ids) != 0 || employee.MayReadAudit(3) {
		t.Error("an employee sees no audit")
	}
	preview := manager.AsAuditor(4)
	if preview.Can(attest.ActRead) || !preview.MayReadAudit(4) || preview.MayReadAudit(3) {
		t.Errorf("the preview is the auditor's view: %+v", preview)
	}
}

func TestVersionsInForce(t *testing.T) {
	at := func(s string) *time.Time { d, _ := time.Parse(attest.DateLayout, s); return &d }
	vs := []attest.PolicyVersion{
		{ID: 3, PublishedAt: at("2026-05-01")},
		{ID: 1, PublishedAt: at("2025-01-01")},
		{ID: 4}, // a draft
		{ID: 2, PublishedAt: at("2025-12-01")},
		{ID: 5, PublishedAt: at("2026-09-01")},
	}
	ids := func(vs []attest.PolicyVersion) (out []int64) {
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	// A window from 2026-01-01 to 2026-06-30: 2 governed until May, then 3.
	got := ids(attest.VersionsInForce(vs, *at("2026-01-01"), *at("2026-07-01")))
	if !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("Type 2 window: %v", got)
	}
	// Type 1 as of 2026-06-30: the one in force that day.
	if got := ids(attest.VersionsInForce(vs, *at("2026-07-01"), *at("2026-07-01"))); !slices.Equal(got, []int64{3}) {
		t.Errorf("Type 1: %v", got)
	}
	if got := attest.VersionsInForce(vs, *at("2024-01-01"), *at("2024-06-30")); len(got) != 0 {
		t.Errorf("before any publication: %v", ids(got))
	}
}
