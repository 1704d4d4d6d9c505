package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// ISO 27001 beside SOC 2, through the pages and the API: scope, exclusions,
// readiness per framework, the crosswalk on requirement pages, the coverage
// matrix and the Statement of Applicability.
func TestISO27001ThroughPagesAndAPI(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			mgr := e.Login("manager")
			gov1 := adopt(e, "GOV-1")
			token, _ := e.Token(e.Alpha, "auditor")
			mgrToken, _ := e.Token(e.Alpha, "manager")
			if res := e.API("GET", "/orgs/alpha/readiness?framework=iso27001", token, nil); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("ISO readiness before scope: %d %s", res.StatusCode, res.Text)
			}
			outOfScope := func() int {
				return strings.Count(mgr.Get(fmt.Sprintf("/o/alpha/controls/%d", gov1.ID)).Text, "(out of scope)")
			}
			if n := outOfScope(); n != 3 {
				t.Fatalf("GOV-1's page marks %d mappings out of scope before ISO is; want its 3 ISO mappings", n)
			}
			if res := mgr.Post("/o/alpha/scope/frameworks", url.Values{"framework": {"iso27001"}, "in_scope": {"on"}}); !res.RedirectsTo("/o/alpha/scope") {
				t.Fatalf("bring ISO into scope: %d %s", res.StatusCode, res.Text)
			}
			if n := outOfScope(); n != 0 {
				t.Fatalf("GOV-1's page marks %d mappings out of scope with ISO in scope", n)
			}
			scope := mgr.Get("/o/alpha/scope")
			if !strings.Contains(scope.Text, `id="applicability"`) || !strings.Contains(scope.Text, "A.8.34") {
				t.Fatal("the scope page does not list the Annex A controls")
			}
			// A refused exclusion says why; a justified one takes the control out of the score.
			mgr.Post("/o/alpha/scope/exclusions", url.Values{"framework": {"iso27001"}, "requirement": {"A.7.1"}, "justification": {""}})
			if page := mgr.Get("/o/alpha/scope"); !strings.Contains(page.Text, "is required to exclude a control") {
				t.Fatal("no message for an exclusion without a justification")
			}
			res := e.API("PUT", "/orgs/alpha/scope/exclusions/iso27001/A.7.1", mgrToken, map[string]string{"justification": "No premises of our own; the cloud provider's are covered by its certification."})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("exclude through the API: %d %s", res.StatusCode, res.Text)
			}
			if res := e.API("PUT", "/orgs/alpha/scope/exclusions/iso27001/A.7.2", token, map[string]string{"justification": "x"}); res.StatusCode != http.StatusForbidden {
				t.Fatalf("auditor excluding: %d", res.StatusCode)
			}
			rep := webtest.Decode[map[string]any](t, e.API("GET", "/orgs/alpha/readiness?framework=iso27001", token, nil))
			if rep["framework"] != "iso27001" || len(rep["excluded"].([]any)) != 1 {
				t.Fatalf("ISO readiness: framework %v, excluded %v", rep["framework"], rep["excluded"])
			}
			for _, r := range rep["requirements"].([]any) {
				if r.(map[string]any)["id"] == "A.7.1" {
					t.Fatal("excluded A.7.1 is in the readiness report")
				}
			}
			// The dashboard shows both frameworks; the criteria pages switch between them.
			if dash := mgr.Get("/o/alpha"); !strings.Contains(dash.Text, "SOC 2 readiness") || !strings.Contains(dash.Text, `id="framework-iso27001"`) {
				t.Fatal("the dashboard does not show ISO 27001 beside SOC 2")
			}
			list := mgr.Get("/o/alpha/criteria?framework=iso27001")
			if list.StatusCode != http.StatusOK || !strings.Contains(list.Text, "ISO 27001 requirements") || strings.Contains(list.Text, `/criteria/A.7.1?framework=iso27001"`) {
				t.Fatalf("ISO requirements page: %d", list.StatusCode)
			}
			// Crosswalk views: GOV-1 meets ISO 5.2 and SOC 2 CC1.1.
			if page := mgr.Get("/o/alpha/criteria/CC1.1"); !strings.Contains(page.Text, `/criteria/5.2?framework=iso27001"`) {
				t.Fatal("CC1.1 does not show the ISO requirements sharing its controls")
			}
			iso52 := mgr.Get("/o/alpha/criteria/5.2?framework=iso27001")
			if !strings.Contains(iso52.Text, "GOV-1") || !strings.Contains(iso52.Text, `href="/o/alpha/criteria/CC1.1"`) {
				t.Fatal("ISO 5.2 does not show its control and the SOC 2 criteria it shares")
			}
			if page := mgr.Get("/o/alpha/criteria/A.7.1?framework=iso27001"); !strings.Contains(page.Text, "Excluded from the Statement of Applicability") {
				t.Fatal("the excluded control's page does not say so")
			}
			if page := mgr.Get("/o/alpha/criteria/matrix?framework=iso27001"); !strings.Contains(page.Text, "Coverage matrix: ISO 27001") || !strings.Contains(page.Text, "0 of ") {
				t.Fatal("no ISO coverage matrix")
			}
			// Retyping GOV-1's mapping to related takes it out of 5.2.
			if res := mgr.Post(fmt.Sprintf("/o/alpha/controls/%d/mappings/type", gov1.ID), url.Values{"framework": {"iso27001"}, "requirement": {"5.2"}, "type": {"related"}}); !res.RedirectsTo("/o/alpha/controls/") {
				t.Fatalf("retype: %d", res.StatusCode)
			}
			if page := mgr.Get(fmt.Sprintf("/o/alpha/controls/%d", gov1.ID)); !strings.Contains(page.Text, "does not count toward readiness") {
				t.Fatal("the control page does not mark the related mapping")
			}
			rep = webtest.Decode[map[string]any](t, e.API("GET", "/orgs/alpha/readiness?framework=iso27001", token, nil))
			for _, r := range rep["requirements"].([]any) {
				if r := r.(map[string]any); r["id"] == "5.2" {
					for _, c := range r["controls"].([]any) {
						if c.(map[string]any)["ref"] == "GOV-1" {
							t.Fatal("GOV-1 still counts toward 5.2 through a related mapping")
						}
					}
				}
			}
			// The Statement of Applicability, in each format.
			csv := mgr.Get("/o/alpha/soa?format=csv")
			if csv.StatusCode != http.StatusOK || !strings.Contains(csv.Text, "A.7.1,") || !strings.Contains(csv.Text, "Excluded,No premises of our own") {
				t.Fatalf("SoA CSV: %d %.300s", csv.StatusCode, csv.Text)
			}
			if pdf := mgr.Get("/o/alpha/soa?format=pdf"); !strings.HasPrefix(pdf.Text, "%PDF-") || pdf.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("SoA PDF: %s", pdf.Header.Get("Content-Type"))
			}
			if md := e.API("GET", "/orgs/alpha/soa?format=md", token, nil); !strings.Contains(md.Text, "92 applicable, 1 excluded") {
				t.Fatalf("SoA Markdown: %.300s", md.Text)
			}
			js := webtest.Decode[map[string]any](t, e.API("GET", "/orgs/alpha/soa", token, nil))
			if rows := js["controls"].([]any); len(rows) != 93 {
				t.Fatalf("SoA JSON: %d controls", len(rows))
			}
			if res := mgr.Get("/o/alpha/soa?format=docx"); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("unknown format: %d", res.StatusCode)
			}
			// Frameworks in scope through the API; organization beta sees none of alpha's.
			fws := webtest.Decode[[]map[string]any](t, e.API("GET", "/orgs/alpha/scope/frameworks", token, nil))
			if len(fws) != 2 || fws[1]["id"] != "iso27001" || fws[1]["in_scope"] != true {
				t.Fatalf("frameworks: %v", fws)
			}
			if res := e.API("DELETE", "/orgs/alpha/scope/exclusions/iso27001/A.7.1", mgrToken, nil); res.StatusCode != http.StatusNoContent {
				t.Fatalf("include: %d %s", res.StatusCode, res.Text)
			}
			if ex := webtest.Decode[[]any](t, e.API("GET", "/orgs/alpha/scope/exclusions/iso27001", token, nil)); len(ex) != 0 {
				t.Fatalf("exclusions after include: %v", ex)
			}
		})
	}
}
