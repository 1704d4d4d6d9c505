package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestTenantIsolation proves that the admin of alpha can neither read, list,
// change nor guess anything of beta, through the UI or the API, on both databases.
func TestTenantIsolation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			betaUser := e.Member(e.Beta, "betaemp", attest.RoleEmployee)
			_, betaTok := e.Token(e.Beta, "betaemp")
			betaInvSecret := auth.NewSecret("")
			betaInv := attest.Invitation{OrgID: e.Beta.ID, Email: "x@beta.test", Role: attest.RoleAdmin, InvitedBy: e.Users["outsider"].ID, ExpiresAt: e.Clock.Now().Add(time.Hour)}
			if err := e.DB.CreateInvitation(ctx, &betaInv, auth.HashSecret(betaInvSecret)); err != nil {
				t.Fatal(err)
			}
			e.DB.Update(ctx, func(tx *store.Queries) error {
				return tx.Log(ctx, attest.Actor{Label: "outsider@beta.test"}.Record(e.Beta.ID, "secret.beta_action", "x", "1", "beta private summary"))
			})

			e.DB.Update(ctx, func(tx *store.Queries) error {
				return tx.Log(ctx, attest.Actor{Label: "admin@alpha.test"}.Record(e.Alpha.ID, "own.alpha_action", "x", "1", "alpha own summary"))
			})

			admin := e.Login("admin")
			for _, path := range []string{"/o/beta", "/o/beta/settings", "/o/beta/activity", "/o/beta/activity/export?format=json", "/o/beta/tokens", "/o/beta/controls"} {
				if res := admin.Get(path); res.StatusCode != http.StatusNotFound || strings.Contains(res.Text, "Org beta") {
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
				if res := admin.Post(path, form); res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
				}
			}
			if m, err := e.DB.Membership(ctx, e.Beta.ID, betaUser.ID); err != nil || m.Role != attest.RoleEmployee {
				t.Errorf("beta membership changed: %+v %v", m, err)
			}
			toks, _ := e.DB.Tokens(ctx, e.Beta.ID, betaUser.ID)
			if len(toks) != 1 || !toks[0].RevokedAt.IsZero() {
				t.Errorf("beta token changed: %+v", toks)
			}
			if pend, _ := e.DB.PendingInvitations(ctx, e.Beta.ID); len(pend) != 1 {
				t.Errorf("beta invitations changed: %+v", pend)
			}
			// Alpha's own activity log shows nothing of beta.
			if res := admin.Get("/o/alpha/activity/export?format=json"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "alpha own summary") ||
				strings.Contains(res.Text, "beta private") {
				t.Errorf("alpha's activity export: %d, want alpha's entry and not beta's: %.300s", res.StatusCode, res.Text)
			}
			if res := admin.Get("/o/alpha/activity"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "alpha own summary") ||
				strings.Contains(res.Text, "beta private") {
				t.Errorf("alpha's activity page: %d, want alpha's entry and not beta's", res.StatusCode)
			}

			// Controls, tasks, scope records and imported frameworks of beta.
			bctl := attest.Control{OrgID: e.Beta.ID, Ref: "B-1", Name: "Beta secret control", Family: "X", Type: "preventive", Frequency: "annual", Status: attest.StatusNotStarted}
			if err := e.DB.CreateControl(ctx, &bctl); err != nil {
				t.Fatal(err)
			}
			btask := attest.Task{OrgID: e.Beta.ID, Title: "Beta secret task", ControlID: bctl.ID}
			bsub := attest.SubserviceOrg{OrgID: e.Beta.ID, Name: "Beta vendor", Service: "x", Method: "inclusive"}
			bcuec := attest.CUEC{OrgID: e.Beta.ID, Description: "Beta CUEC"}
			for _, err := range []error{e.DB.CreateTask(ctx, &btask), e.DB.AddSubservice(ctx, &bsub), e.DB.AddCUEC(ctx, &bcuec)} {
				if err != nil {
					t.Fatal(err)
				}
			}
			bfw := &catalog.Framework{ID: "beta-fw", Name: "Beta framework", Requirements: []catalog.Requirement{{ID: "CC1.1", Title: "t", Explanation: "Beta licensed text", Assessable: true}}}
			if err := e.DB.SaveImportedFramework(ctx, &store.ImportedFramework{OrgID: e.Beta.ID, Name: "Beta framework", Format: "oscal", Filename: "b.json", SHA256: "00"}, bfw); err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{fmt.Sprintf("/o/alpha/controls/%d", bctl.ID), fmt.Sprintf("/o/alpha/tasks/%d", btask.ID), "/o/alpha/frameworks/beta-fw"} {
				if res := admin.Get(path); res.StatusCode != http.StatusNotFound || strings.Contains(res.Text, "Beta") {
					t.Errorf("GET %s: %d", path, res.StatusCode)
				}
			}
			for path, form := range map[string]url.Values{
				fmt.Sprintf("/o/alpha/controls/%d", bctl.ID):                 {"name": {"Hijacked"}, "type": {"preventive"}, "frequency": {"annual"}, "status": {"implemented"}},
				fmt.Sprintf("/o/alpha/controls/%d/retire", bctl.ID):          nil,
				fmt.Sprintf("/o/alpha/controls/%d/mappings", bctl.ID):        {"framework": {"soc2"}, "requirement": {"CC1.1"}},
				fmt.Sprintf("/o/alpha/tasks/%d", btask.ID):                   {"title": {"Hijacked"}},
				fmt.Sprintf("/o/alpha/tasks/%d/status", btask.ID):            {"status": {"done"}},
				fmt.Sprintf("/o/alpha/scope/subservices/%d/delete", bsub.ID): nil,
				fmt.Sprintf("/o/alpha/scope/cuecs/%d/delete", bcuec.ID):      nil,
				"/o/alpha/frameworks/beta-fw/delete":                         nil,
			} {
				if res := admin.Post(path, form); res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
				}
			}
			// A task in alpha cannot point at beta's control.
			if res := admin.Post("/o/alpha/tasks", url.Values{"title": {"x"}, "control": {fmt.Sprint(bctl.ID)}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("task linked to beta's control: %d", res.StatusCode)
			}
			if got, _ := e.DB.Control(ctx, e.Beta.ID, bctl.ID); got.Name != "Beta secret control" || got.Retired() || len(got.Mappings) != 0 {
				t.Errorf("beta control changed: %+v", got)
			}
			if got, _ := e.DB.Task(ctx, e.Beta.ID, btask.ID); got.Title != "Beta secret task" || got.Status != attest.TaskOpen {
				t.Errorf("beta task changed: %+v", got)
			}
			if subs, _ := e.DB.Subservices(ctx, e.Beta.ID); len(subs) != 1 {
				t.Error("beta subservice deleted")
			}
			if page := admin.Get("/o/alpha/criteria/CC1.1"); page.StatusCode != http.StatusOK || !strings.Contains(page.Text, "What an auditor looks for") ||
				strings.Contains(page.Text, "Beta licensed text") {
				t.Errorf("alpha's criterion page: %d, want Attest's explanation without beta's imported text", page.StatusCode)
			}

			// API: an alpha token cannot reach beta.
			alphaSecret, _ := e.Token(e.Alpha, "admin")
			for _, p := range []string{"/orgs/beta", "/orgs/beta/members", "/orgs/beta/activity"} {
				if res := e.API("GET", p, alphaSecret, nil); res.StatusCode != http.StatusNotFound {
					t.Errorf("API GET %s with alpha token: %d", p, res.StatusCode)
				}
			}
			// A token is bound to the organization it was made in, even when its
			// owner belongs to both.
			if err := e.DB.AddMember(ctx, e.Beta.ID, e.Users["admin"].ID, attest.RoleAdmin); err != nil {
				t.Fatal(err)
			}
			if res := e.API("GET", "/orgs/beta/members", alphaSecret, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("alpha token used on beta by a member of both: %d, want 404", res.StatusCode)
			}
			if res := e.API("GET", "/orgs/alpha/members", alphaSecret, nil); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "admin@alpha.test") || strings.Contains(res.Text, "betaemp") {
				t.Errorf("alpha members: %d %s", res.StatusCode, res.Text)
			}
		})
	}
}
