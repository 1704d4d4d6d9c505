package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestEmployeeOwnsAControl: an employee who owns a control opens it (guidance,
// criteria as text without links to pages they cannot read, evidence with
// freshness), finds it under "Your work", and adds evidence for it from its
// page, in the UI and the API; another member's control stays not found and
// refuses their evidence.
func TestEmployeeOwnsAControl(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			mine := control(e, "AC-4")
			mine.OwnerID = e.Users["employee"].ID
			mine.Evidence = []string{"Quarterly access review export"}
			if err := e.DB.UpdateControl(ctx, &mine); err != nil {
				t.Fatal(err)
			}
			other := control(e, "AC-5") // the manager's
			emp := e.Login("employee")

			if res := emp.Get("/o/alpha"); !strings.Contains(res.Text, fmt.Sprintf(`href="/o/alpha/controls/%d"`, mine.ID)) ||
				strings.Contains(res.Text, fmt.Sprintf(`href="/o/alpha/controls/%d"`, other.ID)) {
				t.Fatalf("Your work does not list exactly the employee's control: %s", res.Text)
			}
			// A manager reads the programme: their own controls come from
			// the (kept) assessment, and only theirs.
			mgrDash := e.Login("manager").Get("/o/alpha").Text
			i := strings.Index(mgrDash, `id="my-controls"`)
			if i < 0 {
				t.Fatalf("the manager's dashboard lists no control they own: %s", mgrDash)
			}
			if mc, _, _ := strings.Cut(mgrDash[i:], "</ul>"); !strings.Contains(mc, fmt.Sprintf(`href="/o/alpha/controls/%d"`, other.ID)) ||
				strings.Contains(mc, fmt.Sprintf(`href="/o/alpha/controls/%d"`, mine.ID)) {
				t.Fatalf("the manager's own controls: %s", mc)
			}
			page := emp.Get(fmt.Sprintf("/o/alpha/controls/%d", mine.ID))
			if page.StatusCode != http.StatusOK || !strings.Contains(page.Text, "Quarterly access review export") || !strings.Contains(page.Text, "CC6.2") ||
				!strings.Contains(page.Text, `id="control-upload"`) || !strings.Contains(page.Text, "No evidence yet.") {
				t.Fatalf("own control page: %d %s", page.StatusCode, page.Text)
			}
			for _, forbidden := range []string{`href="/o/alpha/criteria/`, `href="/o/alpha/controls"`} {
				if strings.Contains(page.Text, forbidden) {
					t.Errorf("own control page links to %s, which an employee may not open", forbidden)
				}
			}
			if res := emp.Get(fmt.Sprintf("/o/alpha/controls/%d", other.ID)); res.StatusCode != http.StatusNotFound {
				t.Fatalf("another's control: %d", res.StatusCode)
			}

			// Evidence for their control, from its page, lands back on it.
			ct, body := evidenceForm([][2]string{{"control", fmt.Sprint(mine.ID)}, {"kind", "file"}, {"title", "Q2 review"}}, "review.csv", []byte("a,b\n"))
			res := postMultipart(emp, "/o/alpha/evidence", ct, body)
			if !res.RedirectsTo(fmt.Sprintf("/o/alpha/controls/%d", mine.ID)) {
				t.Fatalf("employee upload: %d %s", res.StatusCode, res.Text)
			}
			page = emp.Get(fmt.Sprintf("/o/alpha/controls/%d", mine.ID))
			if !strings.Contains(page.Text, "Q2 review") || !strings.Contains(page.Text, "Current until") || strings.Contains(page.Text, `href="/o/alpha/evidence/`) {
				t.Fatalf("the control page does not show the evidence as current (without a link to the library): %s", page.Text)
			}
			// Not for another's control: the refusal is said on a page that
			// reloads and that they may open (Your work, not the other control).
			ct, body = evidenceForm([][2]string{{"control", fmt.Sprint(other.ID)}, {"kind", "file"}, {"title", "Sneaky"}}, "x.csv", []byte("x"))
			if res := postMultipart(emp, "/o/alpha/evidence", ct, body); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/o/alpha" {
				t.Fatalf("employee upload for another's control: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			if page := emp.Get("/o/alpha"); !strings.Contains(page.Text, "may only name controls you own") {
				t.Errorf("the dashboard does not say why the evidence was refused")
			}
			// A refusal for their own control goes back to it.
			ct, body = evidenceForm([][2]string{{"control", fmt.Sprint(mine.ID)}, {"kind", "file"}, {"title", "No file"}}, "", nil)
			if res := postMultipart(emp, "/o/alpha/evidence", ct, body); !res.RedirectsTo(fmt.Sprintf("/o/alpha/controls/%d", mine.ID)) {
				t.Fatalf("employee upload without a file: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if page := emp.Get(fmt.Sprintf("/o/alpha/controls/%d", mine.ID)); !strings.Contains(page.Text, "File is required: choose a file to upload") {
				t.Errorf("the control page does not say why the evidence was refused")
			}
			token, _ := e.Token(e.Alpha, "employee")
			if res := e.API("GET", fmt.Sprintf("/orgs/alpha/controls/%d", mine.ID), token, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("API own control: %d %s", res.StatusCode, res.Text)
			}
			if res := e.API("GET", fmt.Sprintf("/orgs/alpha/controls/%d", other.ID), token, nil); res.StatusCode != http.StatusNotFound {
				t.Fatalf("API another's control: %d", res.StatusCode)
			}
			ct, body = evidenceForm([][2]string{{"control", fmt.Sprint(other.ID)}, {"kind", "attestation"}, {"title", "Sneaky"}, {"text", "x"}}, "", nil)
			req, _ := http.NewRequest("POST", e.TS.URL+"/api/v1/orgs/alpha/evidence", body)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+token)
			if res := e.Anon().Do(req); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "controls you own") {
				t.Fatalf("API upload for another's control: %d %s", res.StatusCode, res.Text)
			}
			list, _ := e.DB.EvidenceList(ctx, e.Alpha.ID, store.EvidenceFilter{IncludeReplaced: true})
			if len(list) != 1 || list[0].Title != "Q2 review" {
				t.Fatalf("evidence: %+v", list)
			}
			// The API reads it too: the employee's evidence add answers 201 for their control.
			ct, body = evidenceForm([][2]string{{"control", fmt.Sprint(mine.ID)}, {"kind", "attestation"}, {"title", "Done"}, {"text", "Reviewed."}}, "", nil)
			req, _ = http.NewRequest("POST", e.TS.URL+"/api/v1/orgs/alpha/evidence", body)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+token)
			if res := e.Anon().Do(req); res.StatusCode != http.StatusCreated {
				t.Fatalf("API upload for their control: %d %s", res.StatusCode, res.Text)
			}
		})
	}
}
