package ui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestRiskRegisterPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin, mgr := e.Login("admin"), e.Login("manager")
	if res := admin.Get("/o/alpha/risks"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No risks yet") ||
		!strings.Contains(res.Text, `data-library="RL-1"`) || !strings.Contains(res.Text, "Inherent risk heat map") {
		t.Fatalf("empty register: %d %.500s", res.StatusCode, res.Text)
	}
	// A likelihood off the scale is refused beside its field.
	form := url.Values{"title": {"Vendor outage"}, "owner": {id(e.Users["admin"].ID)}, "likelihood": {"6"}, "impact": {"4"},
		"residual_likelihood": {"2"}, "residual_impact": {"4"}, "treatment": {"mitigate"}, "review_date": {"2020-01-01"}}
	if res := admin.Post("/o/alpha/risks", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "6 is outside the scale (1 to 5)") {
		t.Fatalf("likelihood 6: %d %.300s", res.StatusCode, res.Text)
	}
	form.Set("likelihood", "3")
	if res := admin.Post("/o/alpha/risks", form); !res.RedirectsTo("/o/alpha/risks/R-1") {
		t.Fatalf("create: %d %.300s", res.StatusCode, res.Text)
	}
	if res := admin.Post("/o/alpha/risks/adopt", url.Values{"library": {"RL-2"}, "owner": {id(e.Users["manager"].ID)}}); !res.RedirectsTo("/o/alpha/risks/R-2") {
		t.Fatalf("adopt: %d", res.StatusCode)
	}
	// The heat maps count each risk in its cell and link to the list of it.
	page := admin.Get("/o/alpha/risks")
	if !strings.Contains(page.Text, `href="/o/alpha/risks?impact=4&amp;likelihood=3"`) || !strings.Contains(page.Text, "Likelihood 3, impact 4 (high): 1 risks") ||
		!strings.Contains(page.Text, "Likelihood 3, impact 5 (high): 1 risks") {
		t.Fatalf("heat map:\n%s", page.Text)
	}
	if res := admin.Get("/o/alpha/risks?likelihood=3&impact=5"); !strings.Contains(res.Text, `data-ref="R-2"`) || strings.Contains(res.Text, `data-ref="R-1"`) {
		t.Fatalf("one cell's risks: %.3000s", res.Text)
	}
	if res := admin.Get("/o/alpha/risks?overdue=1"); !strings.Contains(res.Text, `data-ref="R-1"`) || strings.Contains(res.Text, `data-ref="R-2"`) {
		t.Fatal("the overdue filter")
	}
	// The overdue review is due on the dashboard until a review is recorded.
	if res := admin.Get("/o/alpha"); !strings.Contains(res.Text, "R-1 Vendor outage: review") {
		t.Errorf("dashboard due items: %.4000s", res.Text)
	}
	if res := admin.Post("/o/alpha/risks/R-1/review", nil); !res.RedirectsTo("/o/alpha/risks/R-1") {
		t.Fatalf("review: %d", res.StatusCode)
	}
	if res := admin.Get("/o/alpha"); strings.Contains(res.Text, "R-1 Vendor outage: review") {
		t.Error("a reviewed risk is still due on the dashboard")
	}

	// Accepting: the owner cannot approve; the named approver signs off.
	if res := admin.Post("/o/alpha/risks/R-1/accept", url.Values{"approver": {id(e.Users["admin"].ID)}, "accept_expires": {"2099-01-01"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "must not be the risk&#39;s owner") {
		t.Fatalf("the owner approves: %d %.300s", res.StatusCode, res.Text)
	}
	if res := admin.Post("/o/alpha/risks/R-1/accept", url.Values{"approver": {id(e.Users["manager"].ID)}, "accept_expires": {"2099-01-01"}, "rationale": {"cheap"}}); !res.RedirectsTo("/o/alpha/risks/R-1") {
		t.Fatalf("accept: %d %.300s", res.StatusCode, res.Text)
	}
	if res := admin.Get("/o/alpha/risks/R-1"); strings.Contains(res.Text, "Sign off this acceptance") || !strings.Contains(res.Text, "awaiting sign-off") {
		t.Fatal("the owner is offered the sign-off")
	}
	if res := mgr.Get("/o/alpha/risks/R-1"); !strings.Contains(res.Text, "Sign off this acceptance") {
		t.Fatal("the approver is not offered the sign-off")
	}
	if res := mgr.Post("/o/alpha/risks/R-1/approve", nil); !res.RedirectsTo("/o/alpha/risks/R-1") {
		t.Fatalf("sign off: %d", res.StatusCode)
	}
	if res := admin.Get("/o/alpha/risks/R-1"); !strings.Contains(res.Text, "Signed off the acceptance of R-1") || !strings.Contains(res.Text, `treatment &#34;mitigate&#34; → &#34;accept&#34;`) {
		t.Fatalf("history: %.5000s", res.Text)
	}

	// A bad import names the row and field and stores nothing.
	ct, body := evidenceForm(nil, "risks.csv", []byte("title,owner,likelihood,impact,treatment,review_date\nFlood,admin@alpha.test,2,9,avoid,2099-01-01\n"))
	if res := postMultipart(admin, "/o/alpha/risks/import", ct, body); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "<td>2</td><td>impact</td><td>9 is outside the scale (1 to 5)</td>") {
		t.Fatalf("bad import: %d %.3000s", res.StatusCode, res.Text)
	}
	if res := admin.Get("/o/alpha/risks/export"); !strings.HasPrefix(res.Text, "ref,title,") || !strings.Contains(res.Text, "R-2,Ransomware") {
		t.Fatalf("export: %.300s", res.Text)
	}

	// The scale: admins only; a smaller one than the risks' scores is refused.
	if res := mgr.Post("/o/alpha/risks/scale", url.Values{"scale_likelihood": {"4"}, "scale_impact": {"4"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a manager sets the scale: %d", res.StatusCode)
	}
	admin.Post("/o/alpha/risks/scale", url.Values{"scale_likelihood": {"4"}, "scale_impact": {"4"}})
	if res := admin.Get("/o/alpha/risks"); !strings.Contains(res.Text, "The scale was not saved: Likelihood R-2 is scored beyond a 4 × 4 scale") {
		t.Fatalf("a scale too small: %.3000s", res.Text)
	}
	if res := admin.Post("/o/alpha/risks/scale", url.Values{"scale_likelihood": {"6"}, "scale_impact": {"6"}}); !res.RedirectsTo("/o/alpha/risks") {
		t.Fatalf("scale: %d", res.StatusCode)
	}
	if res := admin.Get("/o/alpha/risks"); !strings.Contains(res.Text, "on a 6 × 6 scale") || !strings.Contains(res.Text, "Likelihood 6, impact 6 (critical)") {
		t.Fatal("the register on a 6 × 6 scale")
	}

	// The annual assessment: submitted, approved by the approver, viewable.
	if res := admin.Post("/o/alpha/risk-assessments", url.Values{"approver": {id(e.Users["admin"].ID)}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("self-approval: %d", res.StatusCode)
	}
	res := admin.Post("/o/alpha/risk-assessments", url.Values{"approver": {id(e.Users["manager"].ID)}, "note": {"Yearly"}})
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/o/alpha/risk-assessments/ra_") {
		t.Fatalf("start: %d %s", res.StatusCode, loc)
	}
	if res := mgr.Post(loc+"/approve", nil); !res.RedirectsTo(loc) {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	if res := e.Login("auditor").Get(loc); !strings.Contains(res.Text, "R-2 Ransomware on company devices or servers") || !strings.Contains(res.Text, "approved 20") {
		t.Fatalf("the assessment: %.3000s", res.Text)
	}
	if list, _ := e.DB.RiskAssessments(ctx, e.Alpha.ID); len(list) != 1 || list[0].State != "approved" {
		t.Fatalf("stored: %+v", list)
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
