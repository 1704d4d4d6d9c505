package vendors_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/vendors"
)

type world struct {
	svc            *vendors.Service
	ev             *evidence.Service
	db             *store.DB
	org            attest.Organization
	admin, auditor attest.Principal
	control        attest.Control // adopted from VEND-4
}

func each(t *testing.T, fn func(t *testing.T, w world)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
			db := storetest.Open(t, d, now)
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			w := world{db: db, ev: ev, svc: &vendors.Service{DB: db, Ledger: ev.Ledger, Evidence: ev, Now: now}}
			w.org = storetest.MustOrg(t, db, "acme")
			for _, m := range []struct {
				p     *attest.Principal
				role  attest.Role
				email string
			}{{&w.admin, attest.RoleAdmin, "ada@acme.test"}, {&w.auditor, attest.RoleAuditor, "audrey@audit.test"}} {
				u := storetest.MustMember(t, db, w.org, m.role, m.email)
				*m.p = attest.Principal{UserID: u.ID, Label: m.email, OrgID: w.org.ID, Role: m.role}
			}
			c := storetest.Control(w.org, "VM-1")
			c.LibraryID = "VEND-4"
			if err := db.CreateControl(t.Context(), &c); err != nil {
				t.Fatal(err)
			}
			w.control = c
			fn(t, w)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestVendorRules(t *testing.T) {
	v := attest.Vendor{Name: "Cloud", Criticality: "high", ReviewMonths: 12, CreatedAt: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)}
	if got := v.NextReviewDue(); got != "2026-03-02" {
		t.Fatalf("first review due %s, want 30 days after it was recorded", got)
	}
	if !v.ReviewOverdueOn("2026-03-03") || v.ReviewOverdueOn("2026-03-02") {
		t.Fatal("overdue the day after it is due, not on the day")
	}
	v.LastReviewed = "2025-01-31"
	if got := v.NextReviewDue(); got != "2026-01-31" || v.ReviewCurrentOn("2026-02-01") {
		t.Fatalf("due a cadence after the last review: %s", got)
	}
	v.LastReviewed, v.ReviewMonths = "2026-01-31", 1
	if got := v.NextReviewDue(); got != "2026-02-28" {
		t.Fatalf("a month after 31 January is the end of February, got %s", got)
	}
	v.ContractEnd = "2026-04-15"
	if !v.ContractEndingSoon("2026-03-01") || v.ContractEndingSoon("2026-01-01") || v.ContractEndingSoon("2026-04-16") {
		t.Fatal("ending soon within 60 days, not before nor after")
	}
	v.Status = attest.VendorOffboarded
	if v.NextReviewDue() != "" || v.ReviewOverdueOn("2030-01-01") {
		t.Fatal("an offboarded vendor is never due")
	}
	for _, bad := range []struct {
		v     attest.Vendor
		field string
	}{
		{attest.Vendor{Criticality: "high"}, "name"},
		{attest.Vendor{Name: "X", Criticality: "extreme"}, "criticality"},
		{attest.Vendor{Name: "X", Criticality: "low", DataShared: []string{"secrets"}}, "data_shared"},
		{attest.Vendor{Name: "X", Criticality: "low", Website: "javascript:alert(1)"}, "website"},
		{attest.Vendor{Name: "X", Criticality: "low", ContractStart: "2026-02-01", ContractEnd: "2026-01-01"}, "contract_end"},
		{attest.Vendor{Name: "X", Criticality: "low", ReviewMonths: 99}, "review_months"},
	} {
		if err := attest.ValidateVendor(&bad.v); attest.ErrorField(err) != bad.field {
			t.Errorf("%+v: %v, want an error naming %s", bad.v, err, bad.field)
		}
	}
	r := attest.VendorReview{ReportType: "Type 2", PeriodStart: "2025-12-31", PeriodEnd: "2025-01-01", Opinion: "unqualified"}
	if err := attest.ValidateVendorReview(&r); attest.ErrorField(err) != "period_end" {
		t.Fatalf("a period ending before it starts: %v", err)
	}
	r = attest.VendorReview{ReportType: "type1", PeriodStart: "2025-06-30", PeriodEnd: "2025-06-30", Opinion: "glowing"}
	if err := attest.ValidateVendorReview(&r); attest.ErrorField(err) != "opinion" {
		t.Fatalf("an unknown opinion: %v", err)
	}
}

func TestReviewWithReportIsLedgerRecord(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		if _, err := w.svc.Create(ctx, w.auditor, attest.Vendor{Name: "Cloud", Criticality: "critical"}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an auditor added a vendor: %v", err)
		}
		v := must(w.svc.Create(ctx, w.admin, attest.Vendor{Name: "Nimbus Cloud", Criticality: "critical", DataShared: []string{"customer-data"},
			Services: "Hosting", OwnerID: w.admin.UserID}))
		if _, err := w.svc.Create(ctx, w.admin, attest.Vendor{Name: "Nimbus Cloud", Criticality: "low"}); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("a second vendor of the same name: %v", err)
		}
		// A period ending before it starts stores nothing, not even the file.
		bad := attest.VendorReview{ReportType: "type2", PeriodStart: "2025-12-31", PeriodEnd: "2025-01-01", Opinion: "qualified"}
		if _, err := w.svc.StartReview(ctx, w.admin, v.ID, bad, &vendors.Report{Filename: "soc2.pdf", Content: strings.NewReader("%PDF")}); attest.ErrorField(err) != "period_end" {
			t.Fatalf("bad period: %v", err)
		}
		if evs, _ := w.db.EvidenceList(ctx, w.org.ID, store.EvidenceFilter{}); len(evs) != 0 {
			t.Fatalf("the report was stored for a refused review: %+v", evs)
		}
		good := attest.VendorReview{ReportType: "type2", PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Opinion: "qualified",
			Exceptions: "One change lacked approval.", Answers: map[string]string{"mfa": "Yes, hardware keys."}}
		r := must(w.svc.StartReview(ctx, w.admin, v.ID, good, &vendors.Report{Filename: "soc2.pdf", Content: strings.NewReader("%PDF-1.7 report")}))
		ev := must(w.db.Evidence(ctx, w.org.ID, r.ReportID))
		if len(ev.Controls) != 1 || ev.Controls[0].ID != w.control.ID || ev.PeriodStart.Format(attest.DateLayout) != "2025-01-01" {
			t.Fatalf("the report is evidence for the review control over its period: %+v", ev)
		}
		c := must(w.svc.AddCUEC(ctx, w.admin, r.ID, attest.VendorCUEC{Description: "Restrict console access to named staff", DueOn: "2026-02-01"}))
		if _, err := w.svc.Complete(ctx, w.admin, r.ID, "Fit for use."); attest.ErrorField(err) != "response" {
			t.Fatalf("a qualified opinion without a response: %v", err)
		}
		resp := "The exception does not touch our account; we track it."
		must(w.svc.UpdateReview(ctx, w.admin, r.ID, vendors.ReviewChange{Response: &resp}))
		if _, err := w.svc.Complete(ctx, w.admin, r.ID, " "); attest.ErrorField(err) != "conclusion" {
			t.Fatalf("no conclusion: %v", err)
		}
		done := must(w.svc.Complete(ctx, w.admin, r.ID, "Fit for use."))
		if done.State != attest.ReviewCompleted || done.CompletedOn != "2026-03-02" || done.ReviewerID != w.admin.UserID {
			t.Fatalf("completed review: %+v", done)
		}
		if _, err := w.svc.UpdateReview(ctx, w.admin, r.ID, vendors.ReviewChange{Response: &resp}); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("a completed review changed: %v", err)
		}
		records := must(w.db.LedgerRecords(ctx, w.org.ID))
		var rec string
		for _, lr := range records {
			if lr.Type == ledger.RecordTypeVendorReview && lr.ID == r.UID {
				rec = string(lr.Record)
			}
		}
		for _, want := range []string{`"report":"` + ev.UID + `"`, `"report_sha256":"` + ev.SHA256 + `"`, `"opinion":"qualified"`,
			`"cuecs":["Restrict console access to named staff"]`, `"reviewer":"ada@acme.test"`} {
			if !strings.Contains(rec, want) {
				t.Errorf("ledger record %s lacks %s", rec, want)
			}
		}
		if rep, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Fatalf("verify: %v (%+v)", err, rep)
		}
		var bundle bytes.Buffer
		if _, err := w.ev.Export(ctx, w.org, &bundle); err != nil {
			t.Fatal(err)
		}
		brep, err := ledger.VerifyBundle(bytes.NewReader(bundle.Bytes()), int64(bundle.Len()), w.ev.Chain().Public())
		if err != nil || brep.Records != 1 {
			t.Fatalf("the bundle carries the review record and verifies: %+v, %v", brep, err)
		}
		yes := true
		c = must(w.svc.UpdateCUEC(ctx, w.admin, c.ID, vendors.CUECChange{Done: &yes}))
		if !c.Done || c.DoneOn != "2026-03-02" {
			t.Fatalf("ticked item: %+v", c)
		}
		d := must(w.svc.Get(ctx, w.admin, v.ID))
		if d.Vendor.LastReviewed != "2026-03-02" || d.Vendor.NextReviewDue() != "2027-03-02" || len(d.Reviews) != 1 || len(d.CUECs) != 1 {
			t.Fatalf("detail: %+v", d)
		}
		acts := must(w.db.Activity(ctx, w.org.ID, attest.ActivityFilter{}))
		var kinds []string
		for _, a := range acts {
			if strings.HasPrefix(a.Action, "vendor.") {
				kinds = append(kinds, a.Action)
			}
		}
		if len(kinds) != 6 {
			t.Fatalf("every change is in the history: %v", kinds)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		bad := "name,criticality,data_shared,owner\nMailer,high,personal-data,ada@acme.test\nPayCo,severe,,\n"
		rep, err := w.svc.Import(ctx, w.admin, strings.NewReader(bad))
		if attest.ErrorCode(err) != attest.EINVALID || len(rep.Rejected) != 1 || rep.Rejected[0].Line != 3 || rep.Rejected[0].Field != "criticality" {
			t.Fatalf("rejected %+v, %v", rep, err)
		}
		if vs, _ := w.db.Vendors(ctx, w.org.ID); len(vs) != 0 {
			t.Fatalf("half an import stored: %+v", vs)
		}
		if _, err := w.svc.Import(ctx, w.admin, strings.NewReader("name,criticality,colour\nX,low,red\n")); !strings.Contains(attest.ErrorMessage(err), `unknown column "colour"`) {
			t.Fatalf("unknown column: %v", err)
		}
		if _, err := w.svc.Import(ctx, w.admin, strings.NewReader("name,criticality,owner\nX,low,nobody@acme.test\n")); !strings.Contains(attest.ErrorMessage(err), "line 2: owner") {
			t.Fatalf("unknown owner: %v", err)
		}
		good := "name,criticality,data_shared,services,location,owner\nMailer,high,personal-data;customer-data,Transactional email,EU,ada@acme.test\n" +
			"\"=HYPERLINK(\"\"x\"\")\",low,,Design,,\n"
		rep = must(w.svc.Import(ctx, w.admin, strings.NewReader(good)))
		if rep.Created != 2 {
			t.Fatalf("import: %+v", rep)
		}
		var out bytes.Buffer
		if err := w.svc.WriteCSV(ctx, w.admin, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), `'=HYPERLINK`) || !strings.Contains(out.String(), "ada@acme.test") {
			t.Fatalf("export:\n%s", out.String())
		}
		// The export imports back unchanged.
		rep = must(w.svc.Import(ctx, w.admin, bytes.NewReader(out.Bytes())))
		if rep.Unchanged != 2 {
			t.Fatalf("re-import of the export: %+v", rep)
		}
		out.Reset()
		if err := w.svc.WriteSubprocessors(ctx, w.admin, "md", &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "| Mailer | Transactional email | personal data, customer data | EU |") || strings.Contains(out.String(), "HYPERLINK") {
			t.Fatalf("subprocessors:\n%s", out.String())
		}
	})
}
