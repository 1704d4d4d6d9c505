package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store/storetest"
)

// A manager adopts the default checklists, then closes a joiner's laptop
// step with a note; an empty note is refused with the reason on the page.
func TestChecklistsInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	st := mustStaffedOrg(t, s.App.DB)
	base := s.Base + "/o/" + testOrg.Slug + "/people/checklists"
	mp := b.person()
	signIn(t, s, mp, testManager)
	mp.open(base)
	if code := mp.submit(`#templates button[type="submit"]`, "since", "2020-01-01"); code != 200 {
		t.Fatalf("defaults answered %d: %s", code, mp.body())
	}
	joiner := storetest.MustPerson(t, s.App.DB, st.Org, "Jo Joiner", "jo@"+testOrg.Slug+".test")
	var laptop int64
	ts, err := s.App.DB.ChecklistTemplates(t.Context(), st.Org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range ts {
		for _, step := range tpl.Steps {
			if tpl.Kind == attest.ChecklistOnboarding && tpl.EmploymentType == attest.EmploymentEmployee && strings.HasPrefix(step.Title, "Hand over a managed laptop") {
				laptop = step.ID
			}
		}
	}
	row := fmt.Sprintf(`#person-%d tr[data-step="%d"]`, joiner.ID, laptop)
	mp.open(base)
	mp.mustHave(row)
	if code := mp.submit(row + ` button[type="submit"]`); code != 422 {
		t.Fatalf("closing without a note answered %d", code)
	}
	if got := mp.text(`[role="alert"]`); !strings.Contains(got, "Note say what was done") {
		t.Fatalf("the refusal says %q", got)
	}
	mp.open(base)
	if err := chromedp.Do(mp.ctx, chromedp.SetValue(chromedp.CSS(row+` input[name="note"]`), "Laptop SN-9 handed over")); err != nil {
		t.Fatal(err)
	}
	if code := mp.submit(row + ` button[type="submit"]`); code != 200 {
		t.Fatalf("close answered %d", code)
	}
	if got := mp.text(row); !strings.Contains(got, "Closed by "+testManager.Email) || !strings.Contains(got, "Laptop SN-9 handed over") {
		t.Fatalf("after closing: %s", got)
	}
}
