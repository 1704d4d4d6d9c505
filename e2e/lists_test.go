package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// TestLongListsInTheBrowser: the controls list comes a page at a time,
// narrows as you type, and changes the status of the ticked controls at
// once after asking.
func TestLongListsInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	people := mustStaffedOrg(t, s.App.DB)
	adoptLibrary(t, s, people.Org.ID)
	base := s.Base + "/o/" + testOrg.Slug
	mp := b.person()
	signIn(t, s, mp, testManager)
	mp.open(base + "/controls")
	if n := mp.count("#controls-table tbody tr"); n != 50 {
		t.Fatalf("the first page lists %d controls", n)
	}
	mp.mustHave(`.filterbox:not([hidden]) input[data-filter="#controls-table"]`)
	if err := chromedp.Do(mp.ctx, chromedp.SendKeys(chromedp.CSS(`input[data-filter="#controls-table"]`), "AC-")); err != nil {
		t.Fatal(err)
	}
	visible, err := chromedp.Run(mp.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#controls-table tbody tr:not([hidden]) code'), c => c.innerText)`))
	if err != nil || len(visible) == 0 || len(visible) >= 50 {
		t.Fatalf("typing AC- leaves %d rows (%v)", len(visible), err)
	}
	for _, ref := range visible {
		if !strings.HasPrefix(ref, "AC-") {
			t.Errorf("typing AC- leaves %s visible", ref)
		}
	}
	if got := mp.text(`[data-filter-count="#controls-table"]`); !strings.Contains(got, "of 50 shown") {
		t.Errorf("the filter's count reads %q", got)
	}

	// Tick the first two visible and set them in progress.
	if err := chromedp.Do(mp.ctx,
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('#controls-table tbody tr:not([hidden]) input[name="control"]')).slice(0, 2).forEach(b => b.click())`),
	); err != nil {
		t.Fatal(err)
	}
	mp.choose("#b-status", "in_progress")
	if st := mp.submit(`#bulk button[type="submit"]`); st != 200 {
		t.Fatalf("the bulk change answered %d", st)
	}
	if got := mp.text(".flash"); !strings.Contains(got, "Changed 2 controls.") {
		t.Errorf("after the bulk change the flash says %q", got)
	}
	controls, err := s.App.DB.Controls(t.Context(), people.Org.ID, store.ControlFilter{})
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]bool{}
	for _, c := range controls {
		if c.Status == attest.StatusInProgress {
			changed[c.Ref] = true
		}
	}
	if len(changed) != 2 || !changed[visible[0]] || !changed[visible[1]] {
		t.Errorf("in progress after the bulk change: %v, want %s and %s", changed, visible[0], visible[1])
	}
}
