package engine_test

import (
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor/engine"
)

// The Google Workspace connector's resource types (docs/connectors/google.md)
// and its shipped tests (catalog/tests/google.yaml).
func init() {
	resourceKeys["google.user"] = "alice@acme.example"
	resourceKeys["google.domain"] = "acme.example"
	goods["google.user"] = goodGoogleUser
	goods["google.domain"] = goodGoogleDomain
	shipped = append(shipped, []struct {
		id       string
		typ      string
		breakIt  func(map[string]any) map[string]any
		observed string
	}{
		{"google.user_2sv_enrolled", "google.user", func(m map[string]any) map[string]any { return set(m, "enrolled_2sv", false) }, "false"},
		{"google.user_2sv_enforced", "google.user", func(m map[string]any) map[string]any { return set(m, "enforced_2sv", false) }, "false"},
		{"google.admin_2sv_enforced", "google.user", func(m map[string]any) map[string]any { return set(m, "enforced_2sv", false) }, "false"},
		{"google.user_inactive", "google.user", func(m map[string]any) map[string]any { return set(m, "last_login", "2026-08-01T00:00:00Z") }, "2026-08-01T00:00:00Z"},
		{"google.user_never_signed_in", "google.user", func(m map[string]any) map[string]any {
			return set(set(m, "last_login", nil), "created", "2026-09-01T00:00:00Z")
		}, "2026-09-01T00:00:00Z"},
		{"google.domain_admins_few", "google.domain", func(m map[string]any) map[string]any {
			return set(m, "admins", []any{"a@acme.example", "b@acme.example", "c@acme.example", "d@acme.example", "e@acme.example"})
		}, "e@acme.example"},
		{"google.domain_users_without_2sv", "google.domain", func(m map[string]any) map[string]any {
			return set(m, "users_without_2sv", []any{"mallory@acme.example"})
		}, "[mallory@acme.example]"},
		{"google.domain_2sv_enforced", "google.domain", func(m map[string]any) map[string]any { return set(m, "two_step_enforced_everywhere", false) }, "false"},
	}...)
}

// goodGoogleUser is an active super administrator who passes every user test.
func goodGoogleUser() map[string]any {
	return map[string]any{
		"email": "alice@acme.example", "name": "Alice Ng", "admin": true, "delegated_admin": false,
		"suspended": false, "archived": false, "active": true, "suspension_reason": "",
		"enrolled_2sv": true, "enforced_2sv": true, "last_login": "2026-11-30T08:00:00Z",
		"created": "2024-03-01T10:00:00Z", "org_unit": "/IT",
	}
}

func goodGoogleDomain() map[string]any {
	return map[string]any{
		"domain": "acme.example", "customer": "my_customer", "admins": []any{"alice@acme.example", "bob@acme.example"},
		"users_total": 12, "users_without_2sv": []any{}, "two_step_enforced_everywhere": true,
	}
}

// TestGoogleUsersNotJudgedWhenSuspendedOrArchived: a suspended or archived
// user cannot sign in, so every user test is not applicable, even on a user
// that would fail it.
func TestGoogleUsersNotJudgedWhenSuspendedOrArchived(t *testing.T) {
	tests := builtIn(t)
	for _, c := range shipped {
		if c.typ != "google.user" {
			continue
		}
		for _, field := range []string{"suspended", "archived"} {
			m := set(c.breakIt(goodGoogleUser()), field, true)
			m["active"] = false
			if v := tests[c.id].Evaluate(resourceOf(t, c.typ, m), engine.Env{Now: now}); v.Status != attest.ResultNotApplicable {
				t.Errorf("%s, %s user: %+v", c.id, field, v)
			}
		}
	}
}

// TestGoogleUserDates: a never-signed-in account is judged by its age only,
// and the inactivity window follows its parameter.
func TestGoogleUserDates(t *testing.T) {
	tests := builtIn(t)
	never := goodGoogleUser()
	never["last_login"] = nil
	never["created"] = "2026-11-15T00:00:00Z" // 16 days before now
	r := resourceOf(t, "google.user", never)
	for id, want := range map[string]attest.ResultStatus{
		"google.user_inactive":        attest.ResultPass, // nothing to be inactive since
		"google.user_never_signed_in": attest.ResultPass, // within the 30-day grace
	} {
		if v := tests[id].Evaluate(r, engine.Env{Now: now}); v.Status != want {
			t.Errorf("%s: %+v, want %s", id, v, want)
		}
	}
	if v := tests["google.user_never_signed_in"].Evaluate(r, engine.Env{Now: now, Params: map[string]any{"never_signed_in_days": 7}}); v.Status != attest.ResultFail {
		t.Errorf("grace of 7 days: %+v", v)
	}
	old := resourceOf(t, "google.user", set(goodGoogleUser(), "last_login", "2026-08-01T00:00:00Z")) // 122 days
	if v := tests["google.user_inactive"].Evaluate(old, engine.Env{Now: now, Params: map[string]any{"inactive_days": 180}}); v.Status != attest.ResultPass {
		t.Errorf("180 days allowed: %+v", v)
	}
	member := resourceOf(t, "google.user", set(set(goodGoogleUser(), "admin", false), "enforced_2sv", false))
	if v := tests["google.admin_2sv_enforced"].Evaluate(member, engine.Env{Now: now}); v.Status != attest.ResultNotApplicable {
		t.Errorf("a user who is no administrator: %+v", v)
	}
}
