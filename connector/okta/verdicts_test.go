package okta_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/connector/okta"
	"github.com/attest-hq/attest/connector/okta/oktatest"
	"github.com/attest-hq/attest/monitor/engine"
)

// TestShippedTestsJudgeTheScenarioRightly runs the shipped tests on what the
// connector collects from the default scenario: the verdicts a compliance
// lead would give by hand, with the traps (an administrator through a group,
// FastPass, suspended and deprovisioned people not judged, a locked-out
// account still judged).
func TestShippedTestsJudgeTheScenarioRightly(t *testing.T) {
	srv := start(t, nil)
	col := collect(t, srv)
	tests := shippedTests(t)
	got := map[string]attest.ResultStatus{}
	org := strings.TrimPrefix(srv.URL, "http://")
	for _, r := range engine.EvaluateCollection(tests, col, engine.Env{Now: now}) {
		key := strings.TrimSuffix(r.Resource.Key, "@acme.example")
		if key == org {
			key = "org"
		}
		got[r.Test+" "+key] = r.Status
	}
	want := map[string]attest.ResultStatus{
		"okta.user_mfa alice":                 attest.ResultPass,
		"okta.user_mfa bob":                   attest.ResultPass, // SMS is a second factor
		"okta.user_mfa dave":                  attest.ResultFail, // question and email only
		"okta.user_mfa jill":                  attest.ResultPass, // locked out, still an account
		"okta.user_mfa erin":                  attest.ResultNotApplicable,
		"okta.user_mfa frank":                 attest.ResultNotApplicable,
		"okta.user_mfa gina":                  attest.ResultNotApplicable,
		"okta.admin_phishing_resistant alice": attest.ResultPass, // security key
		"okta.admin_phishing_resistant bob":   attest.ResultFail, // SMS only
		"okta.admin_phishing_resistant carol": attest.ResultPass, // admin through a group, FastPass
		"okta.admin_phishing_resistant dave":  attest.ResultNotApplicable,
		"okta.user_inactive hank":             attest.ResultFail, // 120 days
		"okta.user_inactive alice":            attest.ResultPass,
		"okta.user_inactive erin":             attest.ResultNotApplicable, // suspended
		"okta.user_never_signed_in ivan":      attest.ResultFail,          // provisioned 45 days ago
		"okta.user_never_signed_in gina":      attest.ResultNotApplicable, // staged
		"okta.user_never_signed_in alice":     attest.ResultPass,
		"okta.admins_few org":                 attest.ResultPass,
		"okta.mfa_required_for_sign_on org":   attest.ResultPass,
		"okta.password_min_length org":        attest.ResultFail, // the default policy's 8
		"okta.password_complexity org":        attest.ResultFail,
		"okta.password_lockout org":           attest.ResultPass,
		"okta.password_max_age org":           attest.ResultPass,
		"okta.password_history org":           attest.ResultPass,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	for k, st := range got {
		if st == attest.ResultError {
			t.Errorf("%s: error", k)
		}
	}
}

// TestHiddenRolesMakeAdminTestsUnverifiable: a token that may not view role
// assignments leaves the administrator tests unverifiable, never failing,
// while the others still judge.
func TestHiddenRolesMakeAdminTestsUnverifiable(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.DenyRoles = true })
	col := collect(t, srv)
	tests := shippedTests(t)
	for _, r := range engine.EvaluateCollection(tests, col, engine.Env{Now: now}) {
		switch {
		case r.Test == "okta.admins_few", r.Test == "okta.admin_phishing_resistant" && r.Status != attest.ResultNotApplicable:
			if r.Status != attest.ResultUnverifiable || !strings.Contains(r.Message, "okta.iam.read") && !strings.Contains(r.Message, "Super Administrators") {
				t.Errorf("%s %s: %s %s", r.Test, r.Resource.Key, r.Status, r.Message)
			}
		case r.Test == "okta.user_mfa" && r.Resource.Key == "dave@acme.example" && r.Status != attest.ResultFail:
			t.Errorf("dave still lacks MFA: %+v", r)
		}
	}
}

// shippedTests loads the shipped Okta tests (only okta.yaml: the other
// connectors' tests judge types this one does not collect).
func shippedTests(t *testing.T) []*engine.Test {
	t.Helper()
	yaml, err := fs.ReadFile(catalog.TestFiles, "tests/okta.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests, err := engine.LoadFS(fstest.MapFS{"okta.yaml": {Data: yaml}}, engine.Options{ResourceTypes: okta.New().Spec().ResourceTypes})
	if err != nil {
		t.Fatal(err)
	}
	return tests
}
