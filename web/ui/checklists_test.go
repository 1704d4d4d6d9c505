package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

func TestChecklistsPage(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	res := admin.Get("/o/alpha/people/checklists")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Use the default templates") || !strings.Contains(res.Text, "No checklist template yet") {
		t.Fatalf("no templates: %d %.500s", res.StatusCode, res.Text)
	}
	if res := admin.Post("/o/alpha/people/checklists/defaults", url.Values{"since": {"2025-02-30"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "Apply to people joining or leaving from") {
		t.Fatalf("a day that does not exist: %d", res.StatusCode)
	}
	if res := admin.Post("/o/alpha/people/checklists/defaults", url.Values{"since": {"2025-01-01"}}); !res.RedirectsTo("/o/alpha/people/checklists") {
		t.Fatalf("defaults: %d %.300s", res.StatusCode, res.Text)
	}
	ada := storetest.MustPerson(t, e.DB, e.Alpha, "Ada Lovelace", "ada@alpha.test")
	res = admin.Get("/o/alpha/people/checklists")
	if !strings.Contains(res.Text, fmt.Sprintf(`id="person-%d" data-kind="onboarding"`, ada.ID)) || strings.Contains(res.Text, "Use the default templates") {
		t.Fatalf("Ada's onboarding is not shown:\n%.3000s", res.Text)
	}
	if dash := admin.Get("/o/alpha"); !strings.Contains(dash.Text, "Ada Lovelace: Hand over a managed laptop") {
		t.Error("the dashboard's due list does not name Ada's overdue laptop step")
	}
	m := regexp.MustCompile(fmt.Sprintf(`/people/%d/checklist/(\d+)" enctype="multipart/form-data" novalidate><input name="note" aria-label="What was done for “Hand over a managed laptop`, ada.ID)).FindStringSubmatch(res.Text)
	if m == nil {
		t.Fatalf("no close form for the laptop step:\n%.4000s", res.Text)
	}
	closeURL := fmt.Sprintf("/o/alpha/people/%d/checklist/%s", ada.ID, m[1])
	if res := admin.Post(closeURL, url.Values{"note": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Note say what was done") {
		t.Fatalf("closing without a note: %d %.300s", res.StatusCode, res.Text)
	}
	if res := e.Login("employee").Post(closeURL, url.Values{"note": {"not mine"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee who owns nothing closed the step: %d", res.StatusCode)
	}
	ct, body := evidenceForm([][2]string{{"note", "Laptop SN-7 handed over"}}, "handover.pdf", []byte("%PDF signed handover"))
	if res := postMultipart(admin, closeURL, ct, body); !res.RedirectsTo(fmt.Sprintf("/o/alpha/people/checklists#person-%d", ada.ID)) {
		t.Fatalf("close: %d %.300s", res.StatusCode, res.Text)
	}
	evs, err := e.DB.EvidenceList(t.Context(), e.Alpha.ID, store.EvidenceFilter{Query: "Hand over a managed laptop"})
	if err != nil || len(evs) != 1 || evs[0].Filename != "handover.pdf" {
		t.Fatalf("the handover file as evidence: %+v, %v", evs, err)
	}
	res = admin.Get("/o/alpha/people/checklists")
	if !strings.Contains(res.Text, "Laptop SN-7 handed over") || !strings.Contains(res.Text, "Closed by admin@alpha.test") || !strings.Contains(res.Text, "evidence "+evs[0].UID) {
		t.Fatalf("the closed step is not shown:\n%s", res.Text)
	}
	tpl := regexp.MustCompile(`id="template-(\d+)">\s*<h3>Onboarding \(employee\)`).FindStringSubmatch(res.Text)
	if tpl == nil {
		t.Fatal("no employee onboarding template shown")
	}
	stepsURL := "/o/alpha/people/checklists/templates/" + tpl[1] + "/steps"
	if res := admin.Post(stepsURL, url.Values{"title": {"Badge"}, "owner": {"team"}, "due_days": {"soon"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "Due days want a number of days") {
		t.Fatalf("due in soon days: %d", res.StatusCode)
	}
	if res := admin.Post(stepsURL, url.Values{"title": {"Order a badge"}, "owner": {"team"}, "due_days": {"3"}}); !res.RedirectsTo("/o/alpha/people/checklists#template-" + tpl[1]) {
		t.Fatalf("add a step: %d %.300s", res.StatusCode, res.Text)
	}
	res = admin.Get("/o/alpha/people/checklists")
	del := regexp.MustCompile(`(?s)<tr><td>Order a badge</td>.*?action="(/o/alpha/people/checklists/steps/\d+/delete)"`).FindStringSubmatch(res.Text)
	if del == nil {
		t.Fatal("the new step has no remove button")
	}
	if res := admin.Post(del[1], nil); !res.RedirectsTo("/o/alpha/people/checklists") {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if res := admin.Get("/o/alpha/people/checklists"); strings.Contains(res.Text, "Order a badge") {
		t.Fatal("the removed step is still shown")
	}
	if res := e.Login("employee").Get("/o/alpha/people/checklists"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee opened every checklist: %d", res.StatusCode)
	}
}
