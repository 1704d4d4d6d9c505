package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestTenantIsolation proves that the admin of alpha can neither read, list,
// change nor guess anything of beta, through the UI or the API, on both databases.
func TestTenantIsolation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			betaUser := e.member(e.beta, "betaemp", attest.RoleEmployee)
			_, betaTok := e.token(e.beta, "betaemp")
			betaInvSecret := auth.NewSecret("")
			betaInv := attest.Invitation{OrgID: e.beta.ID, Email: "x@beta.test", Role: attest.RoleAdmin, InvitedBy: e.users["outsider"].ID, ExpiresAt: e.clock.Now().Add(time.Hour)}
			if err := e.db.CreateInvitation(ctx, &betaInv, auth.HashSecret(betaInvSecret)); err != nil {
				t.Fatal(err)
			}
			e.db.Update(ctx, func(tx *store.Queries) error {
				return tx.Log(ctx, attest.Actor{Label: "outsider@beta.test"}.Record(e.beta.ID, "secret.beta_action", "x", "1", "beta private summary"))
			})

			admin := e.login("admin")
			for _, path := range []string{"/o/beta", "/o/beta/settings", "/o/beta/activity", "/o/beta/activity/export?format=json", "/o/beta/tokens", "/o/beta/controls"} {
				if res := admin.get(path); res.StatusCode != http.StatusNotFound || strings.Contains(res.body, "Org beta") {
					t.Errorf("GET %s as alpha admin: %d (want 404 without beta's name)", path, res.StatusCode)
				}
			}
			// Beta's IDs used through alpha's paths are not found, and nothing changes.
			for path, form := range map[string]url.Values{
				fmt.Sprintf("/o/alpha/members/%d/role", betaUser.ID):      {"role": {"admin"}},
				fmt.Sprintf("/o/alpha/members/%d/remove", betaUser.ID):    nil,
				fmt.Sprintf("/o/alpha/tokens/%d/revoke", betaTok.ID):      nil,
				fmt.Sprintf("/o/alpha/invitations/%d/revoke", betaInv.ID): nil,
				"/o/beta/invitations": {"email": {"spy@alpha.test"}, "role": {"admin"}},
			} {
				if res := admin.post(path, form); res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
				}
			}
			if m, err := e.db.Membership(ctx, e.beta.ID, betaUser.ID); err != nil || m.Role != attest.RoleEmployee {
				t.Errorf("beta membership changed: %+v %v", m, err)
			}
			toks, _ := e.db.Tokens(ctx, e.beta.ID, betaUser.ID)
			if len(toks) != 1 || !toks[0].RevokedAt.IsZero() {
				t.Errorf("beta token changed: %+v", toks)
			}
			if pend, _ := e.db.PendingInvitations(ctx, e.beta.ID); len(pend) != 1 {
				t.Errorf("beta invitations changed: %+v", pend)
			}
			// Alpha's own activity log shows nothing of beta.
			if res := admin.get("/o/alpha/activity/export?format=json"); strings.Contains(res.body, "beta private") {
				t.Error("alpha's export contains beta's activity")
			}

			// API: an alpha token cannot reach beta.
			alphaSecret, _ := e.token(e.alpha, "admin")
			for _, p := range []string{"/orgs/beta", "/orgs/beta/members", "/orgs/beta/activity"} {
				if res := e.api("GET", p, alphaSecret, nil); res.StatusCode != http.StatusNotFound {
					t.Errorf("API GET %s with alpha token: %d", p, res.StatusCode)
				}
			}
			// A token is bound to the organization it was made in, even when its
			// owner belongs to both.
			if err := e.db.AddMember(ctx, e.beta.ID, e.users["admin"].ID, attest.RoleAdmin); err != nil {
				t.Fatal(err)
			}
			if res := e.api("GET", "/orgs/beta/members", alphaSecret, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("alpha token used on beta by a member of both: %d, want 404", res.StatusCode)
			}
			if res := e.api("GET", "/orgs/alpha/members", alphaSecret, nil); res.StatusCode != http.StatusOK || strings.Contains(res.body, "betaemp") {
				t.Errorf("alpha members: %d %s", res.StatusCode, res.body)
			}
		})
	}
}
