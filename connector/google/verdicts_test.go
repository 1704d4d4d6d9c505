package google_test

import (
	"slices"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/connector/google"
	"github.com/attest-hq/attest/monitor/engine"
)

// TestShippedTestsJudgeTheScenarioRightly runs the shipped tests on what the
// connector collects from the default scenario: the verdicts a compliance
// lead would give by hand, including the traps (Google's 1970 "never signed
// in", enrolled but not enforced, suspended and archived users not judged).
func TestShippedTestsJudgeTheScenarioRightly(t *testing.T) {
	srv := start(t)
	col := collect(t, srv)
	all, err := engine.LoadFS(catalog.TestFiles, engine.Options{}) // every connector's types
	if err != nil {
		t.Fatal(err)
	}
	var tests []*engine.Test
	for _, tt := range all {
		if slices.Contains(google.New().Spec().ResourceTypes, tt.ResourceType) {
			tests = append(tests, tt)
		}
	}
	if len(tests) < 7 {
		t.Fatalf("%d Google tests shipped", len(tests))
	}
	got := map[string]attest.ResultStatus{}
	for _, r := range engine.EvaluateCollection(tests, col, engine.Env{Now: now}) {
		got[r.Test+" "+r.Resource.Key] = r.Status
	}
	want := map[string]attest.ResultStatus{
		"google.user_2sv_enrolled alice@acme.example":    attest.ResultPass,
		"google.admin_2sv_enforced alice@acme.example":   attest.ResultPass,
		"google.user_2sv_enrolled bob@acme.example":      attest.ResultFail,
		"google.admin_2sv_enforced bob@acme.example":     attest.ResultFail, // a super administrator without 2SV
		"google.admin_2sv_enforced carol@acme.example":   attest.ResultPass, // delegated administrator
		"google.admin_2sv_enforced dave@acme.example":    attest.ResultNotApplicable,
		"google.user_2sv_enrolled dave@acme.example":     attest.ResultPass,
		"google.user_2sv_enforced dave@acme.example":     attest.ResultFail,          // enrolled is not enforced
		"google.user_2sv_enrolled erin@acme.example":     attest.ResultNotApplicable, // suspended
		"google.user_inactive erin@acme.example":         attest.ResultNotApplicable,
		"google.user_2sv_enrolled frank@acme.example":    attest.ResultNotApplicable, // archived
		"google.user_inactive frank@acme.example":        attest.ResultNotApplicable,
		"google.user_never_signed_in grace@acme.example": attest.ResultFail, // 1970: never, created 60 days ago
		"google.user_inactive grace@acme.example":        attest.ResultPass, // judged by the test above instead
		"google.user_2sv_enrolled grace@acme.example":    attest.ResultFail,
		"google.user_2sv_enforced grace@acme.example":    attest.ResultPass,
		"google.user_inactive heidi@acme.example":        attest.ResultFail, // 120 days
		"google.user_inactive alice@acme.example":        attest.ResultPass,
		"google.user_never_signed_in alice@acme.example": attest.ResultPass,
		"google.domain_admins_few acme.example":          attest.ResultPass,
		"google.domain_users_without_2sv acme.example":   attest.ResultFail,
		"google.domain_2sv_enforced acme.example":        attest.ResultFail,
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
