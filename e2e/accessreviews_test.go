package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAccessReviewInTheBrowser: a manager starts an access review over an
// uploaded account list owned by the employee; the employee sees the
// campaign, is refused a revocation without a reason, then revokes with
// one; the manager completes the campaign and downloads its report.
func TestAccessReviewInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	st := mustStaffedOrg(t, s.App.DB)
	base := s.Base + "/o/" + testOrg.Slug + "/access-reviews"
	mp := b.person()
	signIn(t, s, mp, testManager)
	mp.open(base)
	file := filepath.Join(t.TempDir(), "accounts.csv")
	if err := os.WriteFile(file, []byte("login,admin\nroot,yes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(mp.ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file})); err != nil {
		t.Fatal(err)
	}
	mp.choose("#f-upload_owner", fmt.Sprint(st.Employee.ID))
	if code := mp.submit(`#start button[type="submit"]`, "title", "Billing review", "upload_system", "Billing DB"); code != 200 {
		t.Fatalf("start answered %d: %s", code, mp.body())
	}
	campaign := mp.location()
	if !strings.Contains(mp.body(), "1 accounts frozen in the ledger") {
		t.Fatalf("after the start: %s", mp.body())
	}

	ep := b.person()
	signIn(t, s, ep, testEmployee)
	ep.open(base)
	ep.mustHave(`#campaigns a[href$="` + strings.TrimPrefix(campaign, s.Base) + `"]`)
	ep.open(campaign)
	ep.choose(`select[name="decision"]`, "revoke")
	if code := ep.submit(`#accounts button[type="submit"]`); code != 422 {
		t.Fatalf("a revocation without a reason answered %d", code)
	}
	if got := ep.text(`[role="alert"]`); !strings.Contains(got, "Reason is required to revoke access") {
		t.Fatalf("the refusal says %q", got)
	}
	ep.open(campaign)
	ep.choose(`select[name="decision"]`, "revoke")
	if code := ep.submit(`#accounts button[type="submit"]`, "reason", "Shared root login"); code != 200 {
		t.Fatalf("decide answered %d", code)
	}
	if got := ep.text("#accounts"); !strings.Contains(got, "revoke: Shared root login") || !strings.Contains(got, "removal task open") {
		t.Fatalf("after the decision: %s", got)
	}

	mp.open(campaign)
	if code := mp.submit(`#campaign button[type="submit"]`); code != 200 {
		t.Fatalf("complete answered %d", code)
	}
	if got := mp.text("#campaign"); !strings.Contains(got, "evidence ev_") {
		t.Fatalf("after completion: %s", got)
	}
	mp.mustHave(`a[href$="/report"]`)
}
