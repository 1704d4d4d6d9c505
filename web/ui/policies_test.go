package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestPolicyPages walks a policy through the pages: a manager adopts a
// template and edits the draft (an unknown placeholder is refused naming its
// line, the text kept; the preview strips script and remote images), submits
// it to the admin, who approves it; the manager publishes it; the employee
// reads and accepts exactly that text (a stale form is refused); a material
// change sends it back to the employee; the diff shows what changed; the
// report shows who accepted.
func TestPolicyPages(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			for _, who := range []string{"admin", "manager", "employee"} {
				p := attest.Person{OrgID: e.Alpha.ID, Name: e.Users[who].Name, Email: e.Users[who].Email, StartDate: "2025-01-06", Department: "Engineering"}
				if err := e.DB.CreatePerson(ctx, &p); err != nil {
					t.Fatal(err)
				}
			}
			mgr, adm, emp := e.Login("manager"), e.Login("admin"), e.Login("employee")
			page := "/o/alpha/policies/access-control"

			if res := emp.Get("/o/alpha/policies"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("an employee opened the policies of the programme: %d", res.StatusCode)
			}
			if res := mgr.Post("/o/alpha/policies", url.Values{"template": {"access-control"}}); !res.RedirectsTo(page) {
				t.Fatalf("adopt: %d %s", res.StatusCode, res.Text)
			}
			if res := mgr.Get("/o/alpha/policies"); !strings.Contains(res.Text, `href="/o/alpha/policies/access-control">Access Control Policy`) ||
				strings.Contains(res.Text, `<option value="access-control"`) {
				t.Errorf("the list shows the adopted policy and no longer offers its template: %s", res.Text)
			}
			if res := mgr.Get(page); !strings.Contains(res.Text, "Edit draft 1.0") || !strings.Contains(res.Text, "Submit for approval") {
				t.Fatalf("the draft's page: %s", res.Text)
			}

			bad := "# Access\n\nOwned by {{company_name}}.\nReviewed by {{nobody_knows}}.\n"
			res := mgr.Post(page+"/draft", url.Values{"body": {bad}, "action": {"save"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "line 4") || !strings.Contains(res.Text, "nobody_knows") {
				t.Fatalf("an unknown placeholder: %d %s", res.StatusCode, res.Text)
			}
			if !strings.Contains(res.Text, "Reviewed by {{nobody_knows}}.") {
				t.Error("the refused text was not kept in the editor")
			}
			pol, _ := e.DB.PolicyByKey(ctx, e.Alpha.ID, "access-control")
			if strings.Contains(pol.Latest.Body, "nobody_knows") {
				t.Fatal("a refused draft was stored")
			}

			evil := "# Hello\n\n<script>alert(1)</script>\n\n![x](https://evil.example/x.png)\n\n<p style=\"color:red\" onclick=\"x()\">hi</p>\n\n{{company_name}}\n"
			res = mgr.Post(page+"/preview", url.Values{"body": {evil}})
			if res.StatusCode != http.StatusOK || strings.Contains(res.Text, "<script") || strings.Contains(res.Text, "evil.example") ||
				strings.Contains(res.Text, "onclick") || strings.Contains(res.Text, "style=") || !strings.Contains(res.Text, "Org alpha") {
				t.Fatalf("the preview must be sanitized and filled: %d %s", res.StatusCode, res.Text)
			}
			if res := mgr.Post(page+"/preview", url.Values{"body": {bad}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "line 4") {
				t.Errorf("preview of an unknown placeholder: %d %s", res.StatusCode, res.Text)
			}

			v1 := "# Access\n\n{{company_name}} grants access by role.\nAccess is reviewed every quarter.\n"
			if res := mgr.Post(page+"/draft", url.Values{"body": {v1}, "change_note": {"Our own words"}, "action": {"save"}}); !res.RedirectsTo(page) {
				t.Fatalf("save: %d %s", res.StatusCode, res.Text)
			}
			pol, _ = e.DB.PolicyByKey(ctx, e.Alpha.ID, "access-control")
			if pol.Latest.Body != v1 || pol.Latest.State != attest.VersionDraft {
				t.Fatalf("saved draft: %+v", pol.Latest)
			}
			submit := fmt.Sprintf("/o/alpha/policy-versions/%d/submit", pol.Latest.ID)
			if res := mgr.Post(submit, url.Values{"approvers": {fmt.Sprint(e.Users["manager"].ID)}, "quorum": {"1"}}); !res.RedirectsTo(page) {
				t.Fatalf("submit naming the author: %d", res.StatusCode)
			}
			if pol, _ = e.DB.PolicyByKey(ctx, e.Alpha.ID, "access-control"); pol.Latest.State != attest.VersionDraft {
				t.Fatal("the author was accepted as an approver")
			}
			if res := mgr.Post(submit, url.Values{"approvers": {fmt.Sprint(e.Users["admin"].ID)}, "quorum": {"1"}}); !res.RedirectsTo(page) {
				t.Fatalf("submit: %d %s", res.StatusCode, res.Text)
			}
			if res := mgr.Get(page); !strings.Contains(res.Text, "in review") || strings.Contains(res.Text, "/decide") {
				t.Errorf("the manager is not an approver, so sees no decision form: %s", res.Text)
			}
			res = adm.Get(page)
			if !strings.Contains(res.Text, "Org alpha grants access by role.") || !strings.Contains(res.Text, "/decide") {
				t.Fatalf("the approver's view: %s", res.Text)
			}
			decide := fmt.Sprintf("/o/alpha/policy-versions/%d/decide", pol.Latest.ID)
			if res := adm.Post(decide, url.Values{"decision": {"approve"}, "comment": {"Approved at the board meeting"}}); !res.RedirectsTo(page) {
				t.Fatalf("approve: %d %s", res.StatusCode, res.Text)
			}
			publish := fmt.Sprintf("/o/alpha/policy-versions/%d/publish", pol.Latest.ID)
			if res := mgr.Post(publish, nil); !res.RedirectsTo(page) {
				t.Fatalf("publish: %d %s", res.StatusCode, res.Text)
			}
			pol, _ = e.DB.PolicyByKey(ctx, e.Alpha.ID, "access-control")
			if pol.Published == nil || pol.Published.Label != "1.0" {
				t.Fatalf("published: %+v", pol.Published)
			}

			if res := emp.Get("/o/alpha/my/policies"); !strings.Contains(res.Text, "Access Control Policy</a>") || !strings.Contains(res.Text, "to accept") {
				t.Fatalf("the employee's policies: %s", res.Text)
			}
			if res := emp.Get("/o/alpha"); !strings.Contains(res.Text, `href="/o/alpha/my/policies/access-control">Access Control Policy 1.0</a>`) {
				t.Errorf("the employee's dashboard lists the policy to accept: %s", res.Text)
			}
			mine := "/o/alpha/my/policies/access-control"
			if res := emp.Get(mine); !strings.Contains(res.Text, "Org alpha grants access by role.") || !strings.Contains(res.Text, pol.Published.Hash[:12]) {
				t.Fatalf("the employee reads the text: %s", res.Text)
			}
			if res := emp.Post(mine+"/accept", url.Values{"version_id": {"0"}}); !res.RedirectsTo(mine) {
				t.Fatalf("a stale accept form: %d %s", res.StatusCode, res.Text)
			}
			if as, _ := e.DB.Acceptances(ctx, e.Alpha.ID, store.AcceptanceFilter{}); len(as) != 0 {
				t.Fatal("a text the employee did not read was accepted")
			}
			if res := emp.Post(mine+"/accept", url.Values{"version_id": {fmt.Sprint(pol.Published.ID)}}); !res.RedirectsTo("/o/alpha/my/policies") {
				t.Fatalf("accept: %d %s", res.StatusCode, res.Text)
			}
			as, _ := e.DB.Acceptances(ctx, e.Alpha.ID, store.AcceptanceFilter{})
			if len(as) != 1 || as[0].PersonEmail != e.Users["employee"].Email || as[0].Hash != pol.Published.Hash || as[0].UserAgent == "" {
				t.Fatalf("acceptances: %+v", as)
			}
			// The list counts who accepted of those who must: the three people,
			// the employee the one who did.
			if res := mgr.Get("/o/alpha/policies"); !strings.Contains(res.Text, "<td>1 of 3</td>") {
				t.Errorf("the list's acceptances, want 1 of 3: %s", res.Text)
			}
			if res := emp.Get("/o/alpha/my/policies"); !strings.Contains(res.Text, "badge ok\">accepted") {
				t.Errorf("accepted in the employee's list: %s", res.Text)
			}
			if res := emp.Get("/o/alpha"); strings.Contains(res.Text, `id="my-policies"`) {
				t.Errorf("an accepted policy stays on the dashboard: %s", res.Text)
			}
			empPerson, _ := e.DB.PersonByEmail(ctx, e.Alpha.ID, e.Users["employee"].Email)
			if res := mgr.Get(fmt.Sprintf("/o/alpha/people/%d", empPerson.ID)); !strings.Contains(res.Text, `href="/o/alpha/policies/access-control">Access Control Policy</a> 1.0`) ||
				!strings.Contains(res.Text, `badge ok">accepted`) {
				t.Errorf("the employee's person page lists the accepted policy: %s", res.Text)
			}
			if res := mgr.Get("/o/alpha/acknowledgements?state=accepted"); !strings.Contains(res.Text, e.Users["employee"].Email) || strings.Contains(res.Text, e.Users["admin"].Email) {
				t.Errorf("the report of acceptances: %s", res.Text)
			}

			// Exports: the report as CSV with the acceptance, the policy and the
			// published set as PDF, a bad format named.
			res = mgr.Get("/o/alpha/acknowledgements/export?format=csv&state=accepted")
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "attachment; filename*=UTF-8''org-alpha-acknowledgements.csv") || !strings.Contains(res.Text, e.Users["employee"].Email+",") ||
				strings.Contains(res.Text, e.Users["admin"].Email) {
				t.Errorf("the report as CSV: %d %v\n%s", res.StatusCode, res.Header, res.Text)
			}
			if res := emp.Get("/o/alpha/acknowledgements/export?format=csv"); res.StatusCode != http.StatusOK || strings.Contains(res.Text, e.Users["admin"].Email) {
				t.Errorf("an employee's export holds someone else: %s", res.Text)
			}
			for _, path := range []string{page + "/export", "/o/alpha/policy-export?format=pdf", "/o/alpha/acknowledgements/export?format=pdf"} {
				if res := mgr.Get(path); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Text, "%PDF-") || res.Header.Get("Content-Type") != "application/pdf" {
					t.Errorf("%s: %d %s %.40q", path, res.StatusCode, res.Header.Get("Content-Type"), res.Text)
				}
			}
			if res := mgr.Get(page + "/export?format=html"); !strings.Contains(res.Text, "Org alpha grants access by role.") || !strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("the policy as HTML: %s", res.Text)
			}
			if res := mgr.Get(page + "/export?format=docx"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "must be pdf, md or html") {
				t.Errorf("an unknown format: %d %s", res.StatusCode, res.Text)
			}

			// A material change: a new version, approved and published, is
			// the employee's to accept again.
			v2 := "# Access\n\n{{company_name}} grants access by role and by need.\nAccess is reviewed every quarter.\n"
			if res := mgr.Post(page+"/draft", url.Values{"body": {v2}, "material": {"1"}, "change_note": {"Need to know"}, "action": {"save"}}); !res.RedirectsTo(page) {
				t.Fatalf("new version: %d %s", res.StatusCode, res.Text)
			}
			pol, _ = e.DB.PolicyByKey(ctx, e.Alpha.ID, "access-control")
			if pol.Latest.Label != "2.0" || pol.Published.Label != "1.0" {
				t.Fatalf("a material draft is 2.0 beside the published 1.0: %s, %s", pol.Latest.Label, pol.Published.Label)
			}
			id := pol.Latest.ID
			mgr.Post(fmt.Sprintf("/o/alpha/policy-versions/%d/submit", id), url.Values{"approvers": {fmt.Sprint(e.Users["admin"].ID)}, "quorum": {"1"}})
			adm.Post(fmt.Sprintf("/o/alpha/policy-versions/%d/decide", id), url.Values{"decision": {"approve"}})
			mgr.Post(fmt.Sprintf("/o/alpha/policy-versions/%d/publish", id), nil)
			if res := emp.Get("/o/alpha/my/policies"); !strings.Contains(res.Text, "<td>2.0</td>") || !strings.Contains(res.Text, "to accept") {
				t.Fatalf("the material change is the employee's to accept again: %s", res.Text)
			}
			res = mgr.Get(page + "/diff")
			if !strings.Contains(res.Text, "<del>- Org alpha grants access by role.</del>") ||
				!strings.Contains(res.Text, "<ins>+ Org alpha grants access by role and by need.</ins>") ||
				!strings.Contains(res.Text, "<span>  Access is reviewed every quarter.</span>") {
				t.Errorf("the diff of 1.0 and 2.0: %s", res.Text)
			}
			// Settings: only Engineering must accept; a bad cadence is
			// refused beside its field, and retiring ends the asking.
			res = mgr.Post(page, url.Values{"title": {"Access Control Policy"}, "owner": {fmt.Sprint(e.Users["manager"].ID)}, "review_months": {"99"}, "departments": {"Engineering"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "must be between 1 and 36") {
				t.Errorf("a bad review cadence: %d %s", res.StatusCode, res.Text)
			}
			if res := mgr.Post(page, url.Values{"title": {"Access Control Policy"}, "owner": {fmt.Sprint(e.Users["manager"].ID)}, "review_months": {"6"}, "departments": {"Engineering, Sales"}}); !res.RedirectsTo(page) {
				t.Fatalf("settings: %d %s", res.StatusCode, res.Text)
			}
			pol, _ = e.DB.PolicyByKey(ctx, e.Alpha.ID, "access-control")
			if pol.Audience.Everyone || strings.Join(pol.Audience.Departments, "|") != "Engineering|Sales" || pol.ReviewMonths != 6 {
				t.Errorf("saved settings: %+v, every %d months", pol.Audience, pol.ReviewMonths)
			}
			if res := mgr.Post(page+"/retire", nil); !res.RedirectsTo(page) {
				t.Fatalf("retire: %d", res.StatusCode)
			}
			if res := emp.Get("/o/alpha/my/policies"); strings.Contains(res.Text, "Access Control Policy</a>") {
				t.Error("a retired policy is still the employee's to accept")
			}
			if res := mgr.Get(page + "/diff?from=999999"); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
				t.Errorf("a diff from an unknown version: %d", res.StatusCode)
			}
		})
	}
}

// TestAcknowledgementsPageIsPaged: 60 people who must accept a policy show 50
// on the report's first page and the other 10 on the second, each once; the
// status counts speak of all 60, and the pager keeps the filter.
func TestAcknowledgementsPageIsPaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	for n := range 60 {
		p := attest.Person{OrgID: e.Alpha.ID, Name: fmt.Sprintf("Person %d", n+1), Email: fmt.Sprintf("p%d@people.test", n+1),
			StartDate: "2025-01-06", Department: "Engineering"}
		if err := e.DB.CreatePerson(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	mgr, adm := e.Login("manager"), e.Login("admin")
	page := "/o/alpha/policies/access-control"
	if res := mgr.Post("/o/alpha/policies", url.Values{"template": {"access-control"}}); !res.RedirectsTo(page) {
		t.Fatalf("adopt: %d %s", res.StatusCode, res.Text)
	}
	body := "# Access\n\n{{company_name}} grants access by role.\n"
	if res := mgr.Post(page+"/draft", url.Values{"body": {body}, "action": {"save"}}); !res.RedirectsTo(page) {
		t.Fatalf("save: %d %s", res.StatusCode, res.Text)
	}
	pol, _ := e.DB.PolicyByKey(ctx, e.Alpha.ID, "access-control")
	steps := []struct {
		as   *webtest.Client
		path string
		form url.Values
	}{
		{mgr, "submit", url.Values{"approvers": {fmt.Sprint(e.Users["admin"].ID)}, "quorum": {"1"}}},
		{adm, "decide", url.Values{"decision": {"approve"}}},
		{mgr, "publish", nil},
	}
	for _, s := range steps {
		if res := s.as.Post(fmt.Sprintf("/o/alpha/policy-versions/%d/%s", pol.Latest.ID, s.path), s.form); !res.RedirectsTo(page) {
			t.Fatalf("%s: %d %s", s.path, res.StatusCode, res.Text)
		}
	}
	row := regexp.MustCompile(`p(\d+)@people\.test`)
	seen := map[string]bool{}
	for n, want := range []int{50, 10} {
		res := mgr.Get(fmt.Sprintf("/o/alpha/acknowledgements?state=pending&page=%d", n+1))
		rows := row.FindAllStringSubmatch(res.Text, -1)
		if len(rows) != want || !strings.Contains(res.Text, "pending (60)") || !strings.Contains(res.Text, fmt.Sprintf("of 60 · page %d of 2", n+1)) {
			t.Fatalf("page %d: %d people, want %d, with all 60 counted and its pager:\n%.3000s", n+1, len(rows), want, res.Text)
		}
		if n == 0 && !strings.Contains(res.Text, `href="?page=2&amp;state=pending"`) {
			t.Errorf("the next page's link drops the filter")
		}
		for _, r := range rows {
			seen[r[1]] = true
		}
	}
	if len(seen) != 60 {
		t.Errorf("the pages showed %d people of 60", len(seen))
	}
}
