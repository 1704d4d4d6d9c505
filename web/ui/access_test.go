package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestKeptAccessFollowsTheDatabase changes, in the database alone (as
// another server on it would), what decides which organizations a signed-in
// user may open and as what, between their requests to a server that keeps
// each user's organizations: every change shows at the next request.
func TestKeptAccessFollowsTheDatabase(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			spare, guest := e.Users["spare"], e.Users["guest"]
			c := e.Login("spare")
			status := func(path string, want int) webtest.Response {
				t.Helper()
				res := c.Get(path)
				if res.StatusCode != want {
					t.Fatalf("GET %s: %d, want %d", path, res.StatusCode, want)
				}
				return res
			}
			// Kept: a second request with nothing changed reads nothing again.
			status("/o/alpha", http.StatusOK)
			hits, _ := e.Srv.KeptAccess()
			status("/o/alpha/settings", http.StatusForbidden)
			if now, _ := e.Srv.KeptAccess(); now != hits+1 {
				t.Fatalf("the caller's organizations were read again with nothing changed (kept %d times, then %d)", hits, now)
			}
			must(t, e.DB.SetRole(ctx, e.Alpha.ID, spare.ID, attest.RoleAdmin))
			status("/o/alpha/settings", http.StatusOK)
			must(t, e.DB.SetRole(ctx, e.Alpha.ID, spare.ID, attest.RoleEmployee))
			status("/o/alpha/settings", http.StatusForbidden)

			status("/o/beta", http.StatusNotFound)
			must(t, e.DB.AddMember(ctx, e.Beta.ID, spare.ID, attest.RoleManager))
			status("/o/beta", http.StatusOK)
			must(t, e.DB.RenameOrg(ctx, e.Beta.ID, "Beta Renamed"))
			if res := status("/o/alpha", http.StatusOK); !strings.Contains(res.Text, "Beta Renamed") {
				t.Fatal("the switcher does not show the organization's new name")
			}
			// An API token: its read carries the revision.
			token, _ := e.Token(e.Alpha, "spare")
			api := func(want int) {
				t.Helper()
				if res := e.API("GET", "/orgs/alpha/activity", token, nil); res.StatusCode != want {
					t.Fatalf("the API's activity as %s: %d, want %d", spare.Email, res.StatusCode, want)
				}
			}
			api(http.StatusForbidden)
			must(t, e.DB.SetRole(ctx, e.Alpha.ID, spare.ID, attest.RoleAdmin))
			api(http.StatusOK)
			must(t, e.DB.SetRole(ctx, e.Alpha.ID, spare.ID, attest.RoleEmployee))
			api(http.StatusForbidden)

			must(t, e.DB.RemoveMember(ctx, e.Alpha.ID, spare.ID))
			status("/o/alpha", http.StatusNotFound)

			// An auditor of alpha's audit is sent into it until the audit
			// closes; then alpha is no longer theirs to open.
			c = e.Login("guest")
			if res := c.Get("/"); !res.RedirectsTo("/o/alpha/audits") {
				t.Fatalf("the guest's home: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			audits, err := e.DB.Audits(ctx, e.Alpha.ID, true, nil)
			must(t, err)
			a := audits[0]
			a.Status = attest.AuditClosed
			must(t, e.DB.UpdateAudit(ctx, &a))
			if res := c.Get("/"); res.StatusCode != http.StatusOK || strings.Contains(res.Text, "/o/alpha") {
				t.Fatalf("after the audit closed, %s's home: %d", guest.Email, res.StatusCode)
			}
		})
	}
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
