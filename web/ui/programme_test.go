package ui_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// adopt adopts the library as the manager and returns the control with ref.
func adopt(e *webtest.Env, ref string) attest.Control {
	e.T.Helper()
	if res := e.Login("manager").Post("/o/alpha/controls/adopt", nil); !res.RedirectsTo("/o/alpha/controls") {
		e.T.Fatalf("adopt: %d %s", res.StatusCode, res.Text)
	}
	all, _ := e.DB.Controls(ctx, e.Alpha.ID, store.ControlFilter{})
	for _, c := range all {
		if c.Ref == ref {
			return c
		}
	}
	e.T.Fatalf("no control %s after adoption", ref)
	return attest.Control{}
}

func readiness(e *webtest.Env, token string) map[string]any {
	e.T.Helper()
	res := e.API("GET", "/orgs/alpha/readiness", token, nil)
	if res.StatusCode != 200 {
		e.T.Fatalf("readiness: %d %s", res.StatusCode, res.Text)
	}
	return webtest.Decode[map[string]any](e.T, res)
}

func controlForm(c attest.Control, changes map[string]string) url.Values {
	v := url.Values{"name": {c.Name}, "family": {c.Family}, "description": {c.Description}, "type": {c.Type}, "frequency": {c.Frequency},
		"status": {c.Status}, "justification": {c.Justification}, "evidence": {strings.Join(c.Evidence, "\n")}}
	if c.OwnerID != 0 {
		v.Set("owner", fmt.Sprint(c.OwnerID))
	}
	for k, x := range changes {
		v.Set(k, x)
	}
	return v
}

func TestAdoptMarkImplementedReadinessChanges(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			token, _ := e.Token(e.Alpha, "auditor")
			if r := readiness(e, token); r["percent"].(float64) != 0 {
				t.Fatalf("empty programme: %v", r["percent"])
			}
			mgr := e.Login("manager")
			if res := mgr.Get("/o/alpha/controls"); !strings.Contains(res.Text, "Adopt the control library") {
				t.Fatal("no adoption offer on an empty programme")
			}
			ctl := adopt(e, "AC-2")
			if res := e.Login("auditor").Post("/o/alpha/controls/adopt", nil); res.StatusCode != http.StatusForbidden {
				t.Fatalf("auditor adopted: %d", res.StatusCode)
			}
			// Adopting again adds nothing and says so.
			mgr.Post("/o/alpha/controls/adopt", nil)
			if res := mgr.Get("/o/alpha/controls"); !strings.Contains(res.Text, "Every library control is already adopted.") {
				t.Fatal("second adoption not reported")
			}
			before := readiness(e, token)
			res := mgr.Post(fmt.Sprintf("/o/alpha/controls/%d", ctl.ID), controlForm(ctl, map[string]string{"status": "implemented", "owner": fmt.Sprint(e.Users["manager"].ID)}))
			if !res.RedirectsTo(fmt.Sprintf("/o/alpha/controls/%d", ctl.ID)) {
				t.Fatalf("update: %d %s", res.StatusCode, res.Text)
			}
			after := readiness(e, token)
			if after["score"].(float64) <= before["score"].(float64) {
				t.Fatalf("readiness did not rise: %v → %v", before["score"], after["score"])
			}
			// The criterion drill-down names the control's new state and what is missing.
			page := mgr.Get("/o/alpha/criteria/CC6.1")
			if !strings.Contains(page.Text, "AC-2") || !strings.Contains(page.Text, "AC-2: implemented, but no evidence shows it operating") {
				t.Fatalf("criterion page lacks the control's gap")
			}
			acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "control."})
			if len(acts) != 1 || !strings.Contains(acts[0].Summary, "status Not started → Implemented") || !strings.Contains(acts[0].Summary, "owner changed") {
				t.Fatalf("activity: %+v", acts)
			}
			// API and UI agree: the same control reads back implemented.
			c := webtest.Decode[map[string]any](t, e.API("GET", fmt.Sprintf("/orgs/alpha/controls/%d", ctl.ID), token, nil))
			if c["status"] != "implemented" || c["state"] != "implemented_without_evidence" {
				t.Fatalf("API control: %v", c)
			}
		})
	}
}

func TestControlEditingRules(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctl := adopt(e, "GOV-1")
	mgr := e.Login("manager")
	path := fmt.Sprintf("/o/alpha/controls/%d", ctl.ID)
	res := mgr.Post(path, controlForm(ctl, map[string]string{"status": "not_applicable"}))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `Justification is required when a control is not applicable`) {
		t.Fatalf("not applicable without justification: %d", res.StatusCode)
	}
	res = mgr.Post(path, controlForm(ctl, map[string]string{"owner": fmt.Sprint(e.Users["outsider"].ID)}))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Owner must be a member of this organization") {
		t.Fatalf("owner from another organization: %d", res.StatusCode)
	}
	// Map and unmap a criterion; an unknown criterion is refused with a reason.
	mgr.Post(path+"/mappings", url.Values{"framework": {"soc2"}, "requirement": {"A1.2"}})
	if got, _ := e.DB.Control(ctx, e.Alpha.ID, ctl.ID); !hasMapping(got, "A1.2") {
		t.Fatalf("mapping not added: %+v", got.Mappings)
	}
	mgr.Post(path+"/mappings", url.Values{"framework": {"soc2"}, "requirement": {"CC99.9"}})
	if res := mgr.Get(path); !strings.Contains(res.Text, `&#34;CC99.9&#34; is not a requirement of SOC 2`) {
		t.Fatal("unknown criterion not explained")
	}
	mgr.Post(path+"/mappings/remove", url.Values{"framework": {"soc2"}, "requirement": {"A1.2"}})
	if got, _ := e.DB.Control(ctx, e.Alpha.ID, ctl.ID); hasMapping(got, "A1.2") {
		t.Fatal("mapping not removed")
	}
	// A custom control: a taken ref is refused beside the field.
	res = mgr.Post("/o/alpha/controls", url.Values{"ref": {"AC-99"}, "name": {"Dup"}, "type": {"preventive"}, "frequency": {"annual"}, "status": {"not_started"}})
	if res.StatusCode != http.StatusCreated && !res.RedirectsTo("/o/alpha/controls/") {
		t.Fatalf("custom ref: %d", res.StatusCode)
	}
	res = mgr.Post("/o/alpha/controls", url.Values{"ref": {"AC-99"}, "name": {"Dup"}, "type": {"preventive"}, "frequency": {"annual"}, "status": {"not_started"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "a control AC-99 already exists") {
		t.Fatalf("duplicate ref: %d", res.StatusCode)
	}
	// A library ID as a custom ref would block adopting that library control later.
	res = mgr.Post("/o/alpha/controls", url.Values{"ref": {"GOV-2"}, "name": {"Mine"}, "type": {"preventive"}, "frequency": {"annual"}, "status": {"not_started"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "GOV-2 is an ID of the control library") {
		t.Fatalf("library ref: %d", res.StatusCode)
	}
	res = mgr.Post("/o/alpha/controls", url.Values{"ref": {"CUS-1"}, "name": {"Quarterly board review"}, "type": {"detective"}, "frequency": {"quarterly"},
		"status": {"in_progress"}, "criteria": {"CC1.2", "CC4.1"}})
	if !res.RedirectsTo("/o/alpha/controls/") {
		t.Fatalf("custom control: %d %s", res.StatusCode, res.Text)
	}
	// Retiring takes a control out of readiness; restoring brings it back.
	mgr.Post(path+"/retire", nil)
	if list, _ := e.DB.Controls(ctx, e.Alpha.ID, store.ControlFilter{}); containsRef(list, "GOV-1") || !containsRef(list, "CUS-1") {
		t.Fatal("retire")
	}
	mgr.Post(path+"/restore", nil)
	if list, _ := e.DB.Controls(ctx, e.Alpha.ID, store.ControlFilter{}); !containsRef(list, "GOV-1") {
		t.Fatal("restore")
	}
	// The controls page filters by state.
	if res := mgr.Get("/o/alpha/controls?state=in_progress"); !strings.Contains(res.Text, "CUS-1") || strings.Contains(res.Text, ">GOV-1<") {
		t.Fatal("state filter")
	}
}

func hasMapping(c attest.Control, req string) bool {
	for _, m := range c.Mappings {
		if m.Requirement == req {
			return true
		}
	}
	return false
}

func containsRef(cs []attest.Control, ref string) bool {
	for _, c := range cs {
		if c.Ref == ref {
			return true
		}
	}
	return false
}

// TestRemediationOwnWork: a manager turns a gap into a task for an employee;
// the employee sees and completes only their own work.
func TestRemediationOwnWork(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			mgr := e.Login("manager")
			res := mgr.Post("/o/alpha/tasks", url.Values{"title": {"Write the access control policy"}, "owner": {fmt.Sprint(e.Users["employee"].ID)},
				"due_on": {"2026-05-01"}, "requirement": {"CC6.1"}, "priority": {"high"}, "return": {"/o/alpha/criteria/CC6.1"}})
			if !res.RedirectsTo("/o/alpha/criteria/CC6.1") {
				t.Fatalf("task from gap: %d %s", res.StatusCode, res.Text)
			}
			mgr.Post("/o/alpha/tasks", url.Values{"title": {"Someone else's task"}, "owner": {fmt.Sprint(e.Users["spare"].ID)}})
			if res := mgr.Post("/o/alpha/tasks", url.Values{"title": {"Bad date"}, "due_on": {"next week"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Due date must be a date") {
				t.Fatalf("bad date: %d", res.StatusCode)
			}
			tasks, _ := e.DB.Tasks(ctx, e.Alpha.ID, store.TaskFilter{})
			mine, other := tasks[0], tasks[1]
			if mine.Title != "Write the access control policy" || mine.Requirement != "CC6.1" {
				t.Fatalf("tasks: %+v", tasks)
			}

			emp := e.Login("employee")
			list := emp.Get("/o/alpha/tasks")
			if !strings.Contains(list.Text, "Write the access control policy") || strings.Contains(list.Text, "Someone else") {
				t.Fatal("employee's task list is not their own")
			}
			// The task is overdue (due 2026-05-01, today 2026-06-01) and shows so on their dashboard.
			if dash := emp.Get("/o/alpha"); !strings.Contains(dash.Text, "Write the access control policy") || !strings.Contains(dash.Text, `badge bad">due 2026-05-01`) {
				t.Fatal("employee dashboard lacks the overdue task")
			}
			if res := emp.Get(fmt.Sprintf("/o/alpha/tasks/%d", other.ID)); res.StatusCode != http.StatusNotFound {
				t.Fatalf("employee opened someone else's task: %d", res.StatusCode)
			}
			if res := emp.Post(fmt.Sprintf("/o/alpha/tasks/%d/status", other.ID), url.Values{"status": {"done"}}); res.StatusCode != http.StatusNotFound {
				t.Fatalf("employee changed someone else's task: %d", res.StatusCode)
			}
			if res := emp.Post(fmt.Sprintf("/o/alpha/tasks/%d", mine.ID), url.Values{"title": {"Renamed"}}); res.StatusCode != http.StatusForbidden {
				t.Fatalf("employee edited a task: %d", res.StatusCode)
			}
			if res := emp.Post(fmt.Sprintf("/o/alpha/tasks/%d/status", mine.ID), url.Values{"status": {"done"}}); !res.RedirectsTo(fmt.Sprintf("/o/alpha/tasks/%d", mine.ID)) {
				t.Fatalf("employee completing own task: %d", res.StatusCode)
			}
			if got, _ := e.DB.Task(ctx, e.Alpha.ID, mine.ID); got.Status != attest.TaskDone || got.CompletedAt.IsZero() {
				t.Fatalf("task: %+v", got)
			}
			// Auditors read every task but change none.
			aud := e.Login("auditor")
			if res := aud.Get(fmt.Sprintf("/o/alpha/tasks/%d", other.ID)); res.StatusCode != http.StatusOK {
				t.Fatalf("auditor reading a task: %d", res.StatusCode)
			}
			if res := aud.Post(fmt.Sprintf("/o/alpha/tasks/%d/status", other.ID), url.Values{"status": {"done"}}); res.StatusCode != http.StatusForbidden {
				t.Fatalf("auditor changed a task: %d", res.StatusCode)
			}
			// The API applies the same rule.
			empToken, _ := e.Token(e.Alpha, "employee")
			got := webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/alpha/tasks?status=all", empToken, nil))["tasks"]
			if len(got) != 1 || got[0]["title"] != "Write the access control policy" {
				t.Fatalf("API tasks for an employee: %v", got)
			}
			acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "task."})
			if len(acts) != 3 || acts[0].Action != "task.status_changed" || acts[0].ActorLabel != "employee@alpha.test" {
				t.Fatalf("activity: %+v", acts)
			}
		})
	}
}

func TestScopeDrivesScoringAndDescription(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	token, _ := e.Token(e.Alpha, "manager")
	if n := len(readiness(e, token)["requirements"].([]any)); n != 33 {
		t.Fatalf("security only: %d criteria", n)
	}
	mgr := e.Login("manager")
	res := mgr.Post("/o/alpha/scope", url.Values{"categories": {"availability", "privacy"}, "system_name": {"Alpha *Cloud* <b>"}, "system_summary": {"Does things"}})
	if !res.RedirectsTo("/o/alpha/scope") {
		t.Fatalf("save scope: %d", res.StatusCode)
	}
	r := readiness(e, token)
	if n := len(r["requirements"].([]any)); n != 33+3+18 || len(r["categories"].([]any)) != 3 {
		t.Fatalf("with availability and privacy: %d criteria", n)
	}
	if res := mgr.Post("/o/alpha/scope", url.Values{"categories": {"bogus"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown category: %d", res.StatusCode)
	}
	if res := mgr.Post("/o/alpha/scope/subservices", url.Values{"name": {"Cloud | Co"}, "service": {"Hosting"}, "method": {"carve-out"}}); !res.RedirectsTo("/o/alpha/scope") {
		t.Fatalf("subservice: %d", res.StatusCode)
	}
	if res := mgr.Post("/o/alpha/scope/subservices", url.Values{"name": {"X"}, "service": {"Y"}, "method": {"sideways"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Method must be carve-out or inclusive") {
		t.Fatalf("bad method: %d", res.StatusCode)
	}
	if res := mgr.Post("/o/alpha/scope/cuecs", url.Values{"cuec": {"Customers review their users"}, "cuec_criteria": {"CC6.2 CC9.9"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `&#34;CC9.9&#34; is not a SOC 2 criterion`) {
		t.Fatalf("bad CUEC criterion: %d", res.StatusCode)
	}
	mgr.Post("/o/alpha/scope/cuecs", url.Values{"cuec": {"Customers review their users"}, "cuec_criteria": {"CC6.2, CC6.3"}})
	md := mgr.Get("/o/alpha/scope/export")
	for _, want := range []string{"# Org alpha: description of", `Alpha \*Cloud\* &lt;b&gt;`, "Categories in scope: Security, Availability, Privacy.",
		`| Cloud \| Co | Hosting | carve-out |`, "- Customers review their users (CC6.2, CC6.3)"} {
		if !strings.Contains(md.Text, want) {
			t.Errorf("system description lacks %q:\n%s", want, md.Text)
		}
	}
	if !strings.HasPrefix(md.Header.Get("Content-Type"), "text/markdown") || strings.Contains(md.Text, "- Processing integrity:") {
		t.Errorf("content type %q, or a category out of scope listed", md.Header.Get("Content-Type"))
	}
	pdf := mgr.Get("/o/alpha/scope/export?format=pdf")
	if pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Text, "%PDF-") ||
		!strings.Contains(pdf.Header.Get("Content-Disposition"), "system-description-alpha") {
		t.Errorf("PDF: %q %q", pdf.Header.Get("Content-Type"), pdf.Header.Get("Content-Disposition"))
	}
	if bad := mgr.Get("/o/alpha/scope/export?format=docx"); bad.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a docx: %d", bad.StatusCode)
	}
	as := mgr.Get("/o/alpha/scope/assertion?type=type2&from=2026-01-01&to=2026-06-30&format=md")
	if !strings.Contains(as.Text, "for the period from 1 January 2026 to 30 June 2026") || !strings.Contains(as.Text, "relies on subservice organizations (Cloud | Co)") {
		t.Errorf("assertion: %s", as.Text)
	}
	if bad := mgr.Get("/o/alpha/scope/assertion?type=type2&from=2026-01-01&to=2026-01-31"); bad.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.Text, "three to twelve months") {
		t.Errorf("a one-month Type 2: %d", bad.StatusCode)
	}
	token, _ = e.Token(e.Alpha, "auditor")
	api := e.API("GET", "/orgs/alpha/drafts/management-assertion?type=type1&as_of=2026-03-31&format=pdf", token, nil)
	if api.StatusCode != http.StatusOK || api.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("API assertion PDF: %d %q", api.StatusCode, api.Header.Get("Content-Type"))
	}
	if api := e.API("GET", "/orgs/alpha/drafts/system-description", token, nil); !strings.Contains(api.Text, "## 3. Components of the system") {
		t.Errorf("API description: %d %.200s", api.StatusCode, api.Text)
	}
}

func TestExportsOfControlsAndReadiness(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	adopt(e, "GOV-1")
	aud := e.Login("auditor")
	res := aud.Get("/o/alpha/controls/export?format=csv")
	rows, err := csv.NewReader(strings.NewReader(res.Text)).ReadAll()
	if err != nil || len(rows) < 81 || rows[0][0] != "ref" || rows[0][9] != "criteria" {
		t.Fatalf("controls CSV: %d rows %v", len(rows), err)
	}
	var ctls []map[string]any
	if err := json.Unmarshal([]byte(aud.Get("/o/alpha/controls/export?format=json").Text), &ctls); err != nil || len(ctls) != len(rows)-1 {
		t.Fatalf("controls JSON: %d %v", len(ctls), err)
	}
	if len(ctls[0]["criteria"].([]any)) == 0 || ctls[0]["state"] != "not_started" {
		t.Fatalf("control JSON: %v", ctls[0])
	}
	res = aud.Get("/o/alpha/readiness/export")
	rows, err = csv.NewReader(strings.NewReader(res.Text)).ReadAll()
	if err != nil || len(rows) != 1+33+1 || rows[1][0] != "CC1.1" || rows[34][0] != "overall" {
		t.Fatalf("readiness CSV: %d rows %v", len(rows), err)
	}
	if !strings.Contains(rows[1][7], "not started") {
		t.Fatalf("gaps column: %q", rows[1][7])
	}
}

func upload(c *webtest.Client, path, name string, content []byte) webtest.Response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.URL(path), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

const licensedOSCAL = `{"catalog": {"uuid": "2b3e8d0e-3b55-4c2b-9d43-8d6d6cf1f2a1",
 "metadata": {"title": "Licensed criteria", "last-modified": "2026-01-01T00:00:00Z", "version": "2022", "oscal-version": "1.1.2"},
 "groups": [{"id": "cc1", "title": "Control environment", "controls": [
   {"id": "cc1.1", "title": "Licensed CC1.1 title", "props": [{"name": "label", "value": "CC1.1"}],
    "parts": [{"id": "cc1.1_smt", "name": "statement", "prose": "Licensed wording of the criterion."}]}]}]}}`

func TestFrameworkImportThroughUI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr := e.Login("manager")
	bad := `urn: urn:x:lib
ref_id: bad
name: Bad
objects:
  framework:
    urn: urn:x:fw
    ref_id: bad
    name: Bad framework
    requirement_nodes:
      - {urn: "urn:x:n1", assessable: true, depth: 1, ref_id: "R1", name: "One"}
      - {urn: "urn:x:n2", assessable: true, depth: 2, ref_id: "R1", name: "Two", parent_urn: "urn:x:n1"}
      - {urn: "urn:x:n3", assessable: true, depth: 2, ref_id: "R3", name: "Three", parent_urn: "urn:x:nowhere"}
`
	res := upload(mgr, "/o/alpha/frameworks", "../../etc/bad.yaml", []byte(bad))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "bad.yaml was not imported") || !strings.Contains(res.Text, "parent_urn") || !strings.Contains(res.Text, "ref_id") {
		t.Fatalf("defective import: %d %s", res.StatusCode, res.Text)
	}
	if list, _ := e.DB.ImportedFrameworks(ctx, e.Alpha.ID); len(list) != 0 {
		t.Fatal("a defective file was half-imported")
	}
	res = upload(mgr, "/o/alpha/frameworks", "licensed.json", []byte(licensedOSCAL))
	if !res.RedirectsTo("/o/alpha/frameworks/") {
		t.Fatalf("import: %d %s", res.StatusCode, res.Text)
	}
	key := strings.TrimPrefix(res.Header.Get("Location"), "/o/alpha/frameworks/")
	// The licensed text appears beside Attest's own explanation, in this organization only.
	if page := mgr.Get("/o/alpha/criteria/CC1.1"); !strings.Contains(page.Text, "Licensed wording of the criterion.") || !strings.Contains(page.Text, "What an auditor looks for") {
		t.Fatal("imported text not shown beside the explanation")
	}
	if page := e.Login("outsider").Get("/o/beta/criteria/CC1.1"); page.StatusCode != http.StatusOK || !strings.Contains(page.Text, "What an auditor looks for") ||
		strings.Contains(page.Text, "Licensed wording") {
		t.Fatalf("beta's criterion page: %d, want Attest's explanation without alpha's imported text", page.StatusCode)
	}
	if res := mgr.Get("/o/alpha/frameworks/" + key); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Licensed CC1.1 title") {
		t.Fatalf("framework page: %d", res.StatusCode)
	}
	if res := upload(mgr, "/o/alpha/frameworks", "licensed.json", []byte(licensedOSCAL)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "already imported") {
		t.Fatalf("second import: %d", res.StatusCode)
	}
	if acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "framework.imported"}); len(acts) != 1 || !regexp.MustCompile(`sha256 [0-9a-f]{12}`).MatchString(acts[0].Summary) {
		t.Fatalf("activity: %+v", acts)
	}
	if res := mgr.Post("/o/alpha/frameworks/"+key+"/delete", nil); !res.RedirectsTo("/o/alpha/frameworks") {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if page := mgr.Get("/o/alpha/criteria/CC1.1"); page.StatusCode != http.StatusOK || !strings.Contains(page.Text, "What an auditor looks for") ||
		strings.Contains(page.Text, "Licensed wording") {
		t.Fatalf("criterion page after the delete: %d, want Attest's explanation without the deleted framework's text", page.StatusCode)
	}
}

// TestDashboardNumbersLink checks the dashboard's figures and their links.
func TestDashboardNumbersLink(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	adopt(e, "GOV-1")
	res := e.Login("admin").Get("/o/alpha")
	for _, want := range []string{`href="/o/alpha/criteria"`, `href="/o/alpha/criteria?filter=at_risk"`, `href="/o/alpha/tasks?overdue=1"`,
		`href="/o/alpha/controls?state=not_started"`, `href="/o/alpha/criteria?category=security"`, "33 criteria at risk</a>: no implemented control stands behind them yet.", "0%"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}

// TestNextActionsAndWeakestFirst: the dashboard and the readiness API name
// the same next actions, best first, and acting on the first raises the
// score by what it said; criteria and controls list weakest first on asking.
func TestNextActionsAndWeakestFirst(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			token, _ := e.Token(e.Alpha, "auditor")
			mgr := e.Login("manager")
			mgr.Post("/o/alpha/controls/adopt", nil)
			r := readiness(e, token)
			actions, _ := r["next_actions"].([]any)
			if len(actions) != 5 {
				t.Fatalf("next actions: %v", r["next_actions"])
			}
			first := actions[0].(map[string]any)
			for _, a := range actions[1:] {
				if a.(map[string]any)["gain"].(float64) > first["gain"].(float64) {
					t.Fatalf("not best first: %v", actions)
				}
			}
			page := mgr.Get("/o/alpha")
			if !strings.Contains(page.Text, `id="next-actions"`) || !strings.Contains(page.Text, html.EscapeString(first["message"].(string))) {
				t.Fatalf("the dashboard does not name the first action %q: %s", first["message"], page.Text)
			}
			// Do it: the control becomes ready (implemented, owned, fresh
			// evidence), and the score rises by the gain named.
			id := int64(first["control_id"].(float64))
			if id == 0 {
				t.Fatalf("the first action of an adopted library is a control's: %v", first)
			}
			ctl, err := e.DB.Control(ctx, e.Alpha.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			mgr.Post(fmt.Sprintf("/o/alpha/controls/%d", id), controlForm(ctl, map[string]string{"status": "implemented", "owner": fmt.Sprint(e.Users["manager"].ID)}))
			ct, body := evidenceForm([][2]string{{"control", fmt.Sprint(id)}, {"kind", "file"}, {"title", "Proof"}}, "proof.txt", []byte("proof"))
			if res := postMultipart(mgr, "/o/alpha/evidence", ct, body); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("evidence: %d %s", res.StatusCode, res.Text)
			}
			after := readiness(e, token)
			if got, want := after["score"].(float64)-r["score"].(float64), first["gain"].(float64); math.Abs(got-want) > 0.0002 {
				t.Errorf("the score rose by %.4f; the action said %.4f", got, want)
			}

			crit := mgr.Get("/o/alpha/criteria?sort=score")
			if !strings.Contains(crit.Text, "<strong>weakest first</strong>") || !strings.Contains(crit.Text, "<h3>Weakest first</h3>") {
				t.Fatalf("criteria by score: %s", crit.Text)
			}
			scores := regexp.MustCompile(`class="meter-cell">.*?</svg> (\d+)%`).FindAllStringSubmatch(crit.Text, -1)
			if len(scores) < 10 {
				t.Fatalf("%d criteria scores on the page", len(scores))
			}
			// Within the first category the scores do not fall.
			prev := -1
			for _, s := range scores[:10] {
				n, _ := strconv.Atoi(s[1])
				if n < prev {
					t.Fatalf("criteria are not weakest first: %v", scores[:10])
				}
				prev = n
			}
			// Weakest first, the one ready control is on the last page, not the first.
			ctls := mgr.Get("/o/alpha/controls?sort=score")
			if strings.Contains(ctls.Text, ctl.Ref+"</code>") || !strings.Contains(ctls.Text, "AC-1</code>") {
				t.Errorf("weakest first, the first page shows the ready %s, or not the not-started AC-1", ctl.Ref)
			}
			lastPage := mgr.Get("/o/alpha/controls?sort=score&page=99")
			rowsShown := regexp.MustCompile(`<code>([A-Z]+-\d+)</code></a></td>`).FindAllStringSubmatch(lastPage.Text, -1)
			if len(rowsShown) == 0 || rowsShown[len(rowsShown)-1][1] != ctl.Ref {
				t.Errorf("weakest first, the last row of the last page is not the ready %s: %v", ctl.Ref, rowsShown)
			}
		})
	}
}

// TestLongListsAndBulkChanges: the adopted library's controls come fifty to
// a page with links that keep the filter; a bulk change sets the owner and
// status of the ticked controls, all or nothing, naming the control that
// refused; an auditor cannot.
func TestLongListsAndBulkChanges(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			mgr := e.Login("manager")
			mgr.Post("/o/alpha/controls/adopt", nil)
			all, err := e.DB.Controls(ctx, e.Alpha.ID, store.ControlFilter{})
			if err != nil || len(all) < 101 {
				t.Fatalf("%d controls adopted, %v", len(all), err)
			}
			rows := func(res webtest.Response) int { return strings.Count(res.Text, `name="control" value=`) }
			page := mgr.Get("/o/alpha/controls?state=not_started")
			if n := rows(page); n != 50 || !strings.Contains(page.Text, `href="?page=2&amp;state=not_started" rel="next"`) ||
				!strings.Contains(page.Text, fmt.Sprintf("1–50 of %d", len(all))) {
				t.Fatalf("page 1: %d rows %s", n, page.Text)
			}
			last := (len(all) + 49) / 50
			if page := mgr.Get(fmt.Sprintf("/o/alpha/controls?page=%d", last+3)); rows(page) != len(all)-(last-1)*50 || strings.Contains(page.Text, `rel="next"`) {
				t.Errorf("a page past the end shows the last page: %d rows", rows(page))
			}

			pick := []string{fmt.Sprint(all[0].ID), fmt.Sprint(all[1].ID), fmt.Sprint(all[2].ID)}
			form := url.Values{"control": pick, "status": {"not_applicable"}, "return": {"/o/alpha/controls?state=not_started"}}
			res := mgr.Post("/o/alpha/controls/bulk", form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Nothing was changed.") || !strings.Contains(res.Text, all[0].Ref+":") {
				t.Fatalf("not applicable without a justification: %d %s", res.StatusCode, res.Text)
			}
			if c, _ := e.DB.Control(ctx, e.Alpha.ID, all[0].ID); c.Status != attest.StatusNotStarted {
				t.Fatalf("a refused bulk change changed %s", c.Ref)
			}
			form = url.Values{"control": pick, "status": {"in_progress"}, "owner": {fmt.Sprint(e.Users["manager"].ID)}, "return": {"/o/alpha/controls?state=not_started"}}
			for _, role := range []string{"auditor", "employee"} {
				if res := e.Login(role).Post("/o/alpha/controls/bulk", form); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s's bulk change: %d", role, res.StatusCode)
				}
			}
			if c, _ := e.DB.Control(ctx, e.Alpha.ID, all[0].ID); c.Status != attest.StatusNotStarted {
				t.Fatalf("a forbidden bulk change changed %s", c.Ref)
			}
			res = mgr.Post("/o/alpha/controls/bulk", form)
			if !res.RedirectsTo("/o/alpha/controls?state=not_started") {
				t.Fatalf("bulk change: %d %s", res.StatusCode, res.Text)
			}
			for _, c := range all[:3] {
				got, _ := e.DB.Control(ctx, e.Alpha.ID, c.ID)
				if got.Status != attest.StatusInProgress || got.OwnerID != e.Users["manager"].ID {
					t.Errorf("%s after the bulk change: %s, owner %d", got.Ref, got.Status, got.OwnerID)
				}
			}
			if got, _ := e.DB.Control(ctx, e.Alpha.ID, all[3].ID); got.Status != attest.StatusNotStarted {
				t.Errorf("an unticked control changed: %s", got.Ref)
			}
			acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "control.updated"})
			if len(acts) != 3 {
				t.Errorf("%d activity entries for three controls", len(acts))
			}
			// An auditor as owner is refused for the lot.
			form = url.Values{"control": pick[:2], "owner": {fmt.Sprint(e.Users["auditor"].ID)}}
			if res := mgr.Post("/o/alpha/controls/bulk", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, all[0].Ref+":") {
				t.Errorf("an auditor as owner: %d", res.StatusCode)
			}
		})
	}
}
