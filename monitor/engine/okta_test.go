package engine_test

// The Okta connector's resource types, a passing resource of each, and a
// change that makes each of its shipped tests fail.
func init() {
	resourceKeys["okta.user"] = "carol@acme.example"
	resourceKeys["okta.org"] = "acme.okta.com"
	goods["okta.user"] = goodOktaUser
	goods["okta.org"] = goodOktaOrg
	type change = func(map[string]any) map[string]any
	entry := func(id, typ string, breakIt change, observed string) {
		shipped = append(shipped, struct {
			id       string
			typ      string
			breakIt  func(map[string]any) map[string]any
			observed string
		}{id, typ, breakIt, observed})
	}
	user, org := "okta.user", "okta.org"
	entry("okta.user_mfa", user, func(m map[string]any) map[string]any { return set(m, "mfa_enrolled", false) }, "false")
	entry("okta.admin_phishing_resistant", user, func(m map[string]any) map[string]any { return set(m, "phishing_resistant", false) }, "false")
	entry("okta.user_inactive", user, func(m map[string]any) map[string]any { return set(m, "last_login", "2026-06-01T00:00:00Z") }, "2026-06-01T00:00:00Z")
	entry("okta.user_never_signed_in", user, func(m map[string]any) map[string]any { return set(m, "last_login", nil) }, "2025-01-01T00:00:00Z")
	entry("okta.admins_few", org, func(m map[string]any) map[string]any {
		return set(m, "admins", []any{"a@acme.example", "b@acme.example", "c@acme.example", "d@acme.example", "e@acme.example", "f@acme.example"})
	}, "6 in all")
	entry("okta.mfa_required_for_sign_on", org, func(m map[string]any) map[string]any { return set(m, "mfa_required_for_sign_on", false) }, "false")
	entry("okta.password_min_length", org, func(m map[string]any) map[string]any { return set(m, "password_policy.min_length", 8) }, "8")
	entry("okta.password_complexity", org, func(m map[string]any) map[string]any { return set(m, "password_policy.min_length", 10) }, "10")
	entry("okta.password_lockout", org, func(m map[string]any) map[string]any { return set(m, "password_policy.lockout_attempts", 0) }, "0")
	entry("okta.password_max_age", org, func(m map[string]any) map[string]any { return set(m, "password_policy.max_age_days", 180) }, "180")
	entry("okta.password_history", org, func(m map[string]any) map[string]any { return set(m, "password_policy.history_count", 2) }, "2")
}

// goodOktaUser is an active administrator with a security key who signed in
// yesterday: it passes every okta.user test (and each applies to it).
func goodOktaUser() map[string]any {
	return map[string]any{
		"id": "00u1carol0000000003", "login": "carol@acme.example", "email": "carol@acme.example", "status": "ACTIVE", "active": true,
		"created": "2025-01-01T00:00:00Z", "last_login": "2026-11-30T09:00:00Z",
		"factors": []any{"push", "webauthn"}, "mfa_enrolled": true, "phishing_resistant": true,
		"admin_roles": []any{"ORG_ADMIN"}, "is_admin": true,
	}
}

// goodOktaOrg passes every okta.org test: 14 characters without a required
// symbol (long enough for the complexity test), no expiry.
func goodOktaOrg() map[string]any {
	return map[string]any{
		"org_url": "https://acme.okta.com", "admins": []any{"alice@acme.example", "carol@acme.example"},
		"mfa_required_for_sign_on": true,
		"password_policy": map[string]any{
			"min_length": 14, "require_uppercase": true, "require_lowercase": true, "require_number": true, "require_symbol": false,
			"max_age_days": 0, "history_count": 5, "lockout_attempts": 10, "policies": []any{"Default Policy"},
		},
	}
}
