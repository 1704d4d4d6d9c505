package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAPIToken: a token created in the UI is shown once and works as a bearer
// token for the JSON API.
func TestAPIToken(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	admin := b.person()
	setUp(t, s, admin)
	tokensURL := s.Base + "/o/" + testOrg.Slug + "/tokens"

	if st := admin.open(tokensURL); st != http.StatusOK {
		t.Fatalf("GET tokens: status %d", st)
	}
	if n := admin.count("#new-token"); n != 0 {
		t.Fatalf("the tokens page shows a secret before any token was created")
	}
	admin.choose("#f-expires", "30")
	st := admin.submit(`form[action="/o/`+testOrg.Slug+`/tokens"] button[type="submit"]`, "name", "CI readiness gate")
	if st != http.StatusCreated {
		t.Fatalf("create token: status %d; page:\n%s", st, admin.body())
	}
	secret := admin.text("#new-token")
	if !strings.HasPrefix(secret, "atk_") || len(secret) < 20 {
		t.Fatalf("new token %q, want an atk_ secret", secret)
	}
	table := admin.text("main table")
	if !strings.Contains(table, "CI readiness gate") || !strings.Contains(table, secret[:12]) || !strings.Contains(table, "Active") {
		t.Errorf("the tokens table does not list the new active token by name and prefix:\n%s", table)
	}

	// The API knows the token's owner.
	code, body := httpGet(t, s.Base+"/api/v1/me", http.Header{"Authorization": {"Bearer " + secret}})
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/me with the token: status %d: %s", code, body)
	}
	var me struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Role  string `json:"role"`
		Org   struct {
			Slug string `json:"slug"`
		} `json:"org"`
		Token struct {
			Name      string `json:"name"`
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	if err := json.Unmarshal(body, &me); err != nil {
		t.Fatalf("GET /api/v1/me: %v: %s", err, body)
	}
	if me.Email != testAdmin.Email || me.Name != testAdmin.Name || me.Role != "admin" || me.Org.Slug != testOrg.Slug ||
		me.Token.Name != "CI readiness gate" || me.Token.ExpiresAt == "" {
		t.Errorf("GET /api/v1/me = %s", body)
	}

	// A wrong token is refused.
	if code, body := httpGet(t, s.Base+"/api/v1/me", http.Header{"Authorization": {"Bearer " + secret + "x"}}); code != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with a wrong token: status %d: %s", code, body)
	}

	// The secret is shown once: a reload shows the token but not its secret.
	if st := admin.open(tokensURL); st != http.StatusOK {
		t.Fatalf("reload tokens: status %d", st)
	}
	if n := admin.count("#new-token"); n != 0 {
		t.Errorf("the reloaded tokens page still has #new-token")
	}
	if page := admin.html(); strings.Contains(page, secret) {
		t.Errorf("the reloaded tokens page still contains the secret")
	} else if !strings.Contains(page, "CI readiness gate") {
		t.Errorf("the reloaded tokens page no longer lists the token")
	}
}
