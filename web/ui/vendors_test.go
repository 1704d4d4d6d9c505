package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestVendorRegisterPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	if res := admin.Get("/o/alpha/vendors"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No vendors yet") {
		t.Fatalf("empty register: %d", res.StatusCode)
	}
	res := admin.Post("/o/alpha/vendors", url.Values{"name": {"Nimbus"}, "criticality": {"critical"}, "contract_start": {"2026-02-01"},
		"contract_end": {"2025-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Contract end must not be before the contract start") {
		t.Fatalf("contract ending before it starts: %d %.500s", res.StatusCode, res.Text)
	}
	res = admin.Post("/o/alpha/vendors", url.Values{"name": {"Nimbus"}, "criticality": {"critical"}, "data_shared": {"customer-data", "personal-data"},
		"services": {"Hosting"}, "location": {"EU"}, "review_months": {"12"}, "status": {"active"}})
	if !res.RedirectsTo("/o/alpha/vendors/") {
		t.Fatalf("add: %d %.500s", res.StatusCode, res.Text)
	}
	page := res.Header.Get("Location")
	vs, _ := e.DB.Vendors(ctx, e.Alpha.ID)
	if len(vs) != 1 || len(vs[0].DataShared) != 2 {
		t.Fatalf("vendors: %+v", vs)
	}
	v := vs[0]
	// A report whose period ends before it starts: the form again, the
	// field named, nothing stored.
	ct, body := evidenceForm([][2]string{{"report_type", "type2"}, {"period_start", "2025-12-31"}, {"period_end", "2025-01-01"},
		{"opinion", "qualified"}}, "soc2.pdf", []byte("%PDF report"))
	res = postMultipart(admin, page+"/reviews", ct, body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Period end must not be before the period start") {
		t.Fatalf("bad period: %d %.500s", res.StatusCode, res.Text)
	}
	if rs, _ := e.DB.VendorReviews(ctx, e.Alpha.ID, v.ID); len(rs) != 0 {
		t.Fatalf("a refused review was stored: %+v", rs)
	}
	ct, body = evidenceForm([][2]string{{"report_type", "type2"}, {"period_start", "2025-01-01"}, {"period_end", "2025-12-31"},
		{"opinion", "qualified"}, {"exceptions", "One change was not approved."}, {"answer_mfa", "Yes"}}, "soc2.pdf", []byte("%PDF report"))
	if res = postMultipart(admin, page+"/reviews", ct, body); !res.RedirectsTo(page) {
		t.Fatalf("start review: %d %.500s", res.StatusCode, res.Text)
	}
	rs, _ := e.DB.VendorReviews(ctx, e.Alpha.ID, v.ID)
	if len(rs) != 1 || rs[0].ReportID == 0 || rs[0].Answers["mfa"] != "Yes" {
		t.Fatalf("review: %+v", rs)
	}
	r := rs[0]
	res = admin.Post(fmt.Sprintf("%s/cuecs", page), url.Values{"review": {fmt.Sprint(r.ID)}, "description": {"Review admin access quarterly"},
		"due_on": {"2020-01-01"}})
	if !res.RedirectsTo(page) {
		t.Fatalf("add cuec: %d %.500s", res.StatusCode, res.Text)
	}
	res = admin.Post(fmt.Sprintf("%s/reviews/%d/complete", page, r.ID), url.Values{"conclusion": {"Fit for use."}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Response is required first") {
		t.Fatalf("complete without a response to a qualified opinion: %d %.500s", res.StatusCode, res.Text)
	}
	if res = admin.Post(fmt.Sprintf("%s/reviews/%d", page, r.ID), url.Values{"response": {"Not our account; tracked."}}); !res.RedirectsTo(page) {
		t.Fatalf("save draft: %d", res.StatusCode)
	}
	if res = admin.Post(fmt.Sprintf("%s/reviews/%d/complete", page, r.ID), url.Values{"conclusion": {"Fit for use."}}); !res.RedirectsTo(page) {
		t.Fatalf("complete: %d %.500s", res.StatusCode, res.Text)
	}
	recs, _ := e.DB.LedgerRecords(ctx, e.Alpha.ID)
	found := false
	for _, lr := range recs {
		found = found || (lr.Type == ledger.RecordTypeVendorReview && lr.ID == r.UID)
	}
	if !found {
		t.Fatal("the approved review is not in the ledger")
	}
	res = admin.Get(page)
	for _, want := range []string{"Approved 20", "Fit for use.", "Review admin access quarterly", "overdue", "Approved the review of Nimbus"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("the vendor page lacks %q", want)
		}
	}
	// The overdue checklist item is on the dashboard and a readiness gap.
	if res = admin.Get("/o/alpha"); !strings.Contains(res.Text, "Review admin access quarterly") {
		t.Errorf("the dashboard does not show the overdue checklist item")
	}
	if res = admin.Get("/o/alpha/vendors?filter=overdue"); !strings.Contains(res.Text, "No vendor matches.") {
		t.Errorf("a vendor just reviewed is listed as overdue")
	}
	res = admin.Get("/o/alpha/vendors/subprocessors?format=md")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "| Nimbus | Hosting | customer data, personal data | EU |") {
		t.Fatalf("subprocessors: %d %s", res.StatusCode, res.Text)
	}
	if res = admin.Get("/o/alpha/vendors/export"); !strings.Contains(res.Text, "Nimbus,,critical,customer-data;personal-data,Hosting,EU") {
		t.Fatalf("export: %s", res.Text)
	}
	ct, body = evidenceForm(nil, "v.csv", []byte("name,criticality\nA,low\nB,extreme\n"))
	res = postMultipart(admin, "/o/alpha/vendors/import", ct, body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "<td>3</td><td>B</td><td>criticality</td>") {
		t.Fatalf("import with a bad row: %d %.1500s", res.StatusCode, res.Text)
	}
	if vs, _ := e.DB.Vendors(ctx, e.Alpha.ID); len(vs) != 1 {
		t.Fatalf("half an import stored: %+v", vs)
	}
	// A subservice organization in scope links to its vendor record, both ways.
	res = admin.Post("/o/alpha/scope/subservices", url.Values{"name": {"Nimbus"}, "service": {"Hosting"}, "method": {"carve-out"}, "vendor": {fmt.Sprint(v.ID)}})
	if !res.RedirectsTo("/o/alpha/scope") {
		t.Fatalf("add subservice: %d %.500s", res.StatusCode, res.Text)
	}
	if res = admin.Get("/o/alpha/scope"); !strings.Contains(res.Text, fmt.Sprintf(`href="/o/alpha/vendors/%d">vendor record: Nimbus`, v.ID)) {
		t.Errorf("the scope page does not link the subservice organization to its vendor")
	}
	if res = admin.Get(page); !strings.Contains(res.Text, "In scope as a subservice organization (carve-out)") {
		t.Errorf("the vendor page does not say it is in scope")
	}
	// Auditors read it all and change nothing.
	auditor := e.Login("auditor")
	if res := auditor.Get(page); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Fit for use.") || strings.Contains(res.Text, "Start a review") {
		t.Fatalf("the auditor's view: %d", res.StatusCode)
	}
	if res := auditor.Post(page, url.Values{"name": {"Renamed"}, "criticality": {"low"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an auditor edited a vendor: %d", res.StatusCode)
	}
	// Employees see none of it.
	if res := e.Login("employee").Get(page); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee read a vendor: %d", res.StatusCode)
	}
}
