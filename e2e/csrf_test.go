package e2e

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestCrossSiteFormIsRefused: a page on another site that makes a signed-in
// admin's browser post an invitation is refused by the cross-origin
// protection, and no invitation is created.
func TestCrossSiteFormIsRefused(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	admin := b.person()
	setUp(t, s, admin) // the admin's session cookie is now in this browser

	const victimEmail = "mallory@evil.test"
	target := s.Base + "/o/" + testOrg.Slug + "/invitations"
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="%s">
<input name="email" value="%s"><input name="role" value="admin">
</form>
<script>document.getElementById("f").submit()</script>`, html.EscapeString(target), victimEmail)
	}))
	t.Cleanup(attacker.Close)
	// The app is on 127.0.0.1; the attacker on localhost, which the browser
	// treats as another site.
	attackerURL := strings.Replace(attacker.URL, "127.0.0.1", "localhost", 1)
	if !strings.HasPrefix(s.Base, "http://127.0.0.1:") || attackerURL == attacker.URL {
		t.Fatalf("the test needs the app on 127.0.0.1 and the attacker on localhost (app %s, attacker %s)", s.Base, attackerURL)
	}

	// Leave the app, so that any page of the app shown later is the answer to
	// the forged post.
	if err := chromedp.Do(admin.ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	// Visit the attacker's page, which posts its form at once, and wait
	// until the browser shows whatever the app answered.
	ctx, cancel := context.WithTimeout(admin.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: attackerURL}); err != nil {
		t.Fatalf("open the attacker's page: %v", err)
	}
	landed := waitForPage(t, ctx, admin, s.Base+"/")
	if landed.URL != target || landed.Status != http.StatusForbidden {
		t.Errorf("the forged POST ended at %s with status %d, want %s refused with 403", landed.URL, landed.Status, target)
	}
	if !strings.Contains(landed.Text, "cross-site request forgery") || !strings.Contains(landed.Text, "Forbidden") {
		t.Errorf("the browser shows:\n%s\nwant the app's refusal of a cross-site request (403 Forbidden, cross-site request forgery)", landed.Text)
	}

	org, err := s.App.DB.OrgBySlug(context.Background(), testOrg.Slug)
	if err != nil {
		t.Fatal(err)
	}
	invs, err := s.App.DB.PendingInvitations(context.Background(), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Email == victimEmail {
			t.Fatalf("the forged request created an invitation for %s as %s", inv.Email, inv.Role)
		}
	}

	// Control: the same browser, on the app's own form, may invite. So the
	// refusal above came from the origin check, not from a lost session.
	admin.open(s.Base + "/o/" + testOrg.Slug + "/settings")
	if st := admin.submit(`form[action="/o/`+testOrg.Slug+`/invitations"] button[type="submit"]`, "email", "friend@acme.test"); st != http.StatusCreated {
		t.Errorf("same-site invitation: status %d, want 201; page:\n%s", st, admin.body())
	}
}

// loadedPage is what the browser shows once a navigation has finished.
type loadedPage struct {
	URL    string `json:"url"`
	Status int    `json:"status"` // of the document's response, after redirects
	Text   string `json:"text"`
}

// waitForPage waits until the tab, which may be navigating through several
// pages, has fully loaded a page whose URL starts with prefix.
func waitForPage(t *testing.T, ctx context.Context, p *tab, prefix string) loadedPage {
	t.Helper()
	const js = `document.readyState !== "complete" ? null : {
		url: location.href,
		status: (performance.getEntriesByType("navigation")[0] || {}).responseStatus || 0,
		text: document.body ? document.body.innerText : ""}`
	var last loadedPage
	for ctx.Err() == nil {
		// Errors are expected while a navigation replaces the document.
		if pg, err := chromedp.Run(ctx, chromedp.Evaluate[*loadedPage](js)); err == nil && pg != nil {
			last = *pg
			if strings.HasPrefix(pg.URL, prefix) {
				return last
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the browser never reached %s…; last page %s (status %d):\n%s", prefix, last.URL, last.Status, last.Text)
	return loadedPage{}
}
