package github_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/monitor/engine"
)

// TestShippedTestsJudgeTheScenarioRightly runs the shipped tests on what the
// connector collects from the default scenario: the verdicts a compliance
// lead would give by hand, including the two traps (a branch protected only by
// an organization ruleset passes; a private repository on the free plan is
// unverifiable, not failing).
func TestShippedTestsJudgeTheScenarioRightly(t *testing.T) {
	srv := githubtest.NewServer(githubtest.DefaultScenario(now))
	defer srv.Close()
	col := collect(t, srv)
	// Only GitHub's file: the other connectors' tests judge types GitHub
	// does not collect.
	yaml, err := fs.ReadFile(catalog.TestFiles, "tests/github.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests, err := engine.LoadFS(fstest.MapFS{"github.yaml": {Data: yaml}}, engine.Options{ResourceTypes: github.New().Spec().ResourceTypes})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]attest.ResultStatus{}
	for _, r := range engine.EvaluateCollection(tests, col, engine.Env{Now: now}) {
		got[r.Test+" "+r.Resource.Key] = r.Status
	}
	want := map[string]attest.ResultStatus{
		"github.branch_protected northwind/api":          attest.ResultPass, // organization ruleset only
		"github.branch_approvals northwind/api":          attest.ResultPass,
		"github.branch_admins_included northwind/api":    attest.ResultUnverifiable, // bypass actors hidden from a read-only token
		"github.branch_admins_included northwind/web":    attest.ResultPass,         // classic, enforce_admins
		"github.branch_force_push_blocked northwind/api": attest.ResultPass,
		"github.branch_protected northwind/web":          attest.ResultPass, // classic
		"github.branch_code_owners northwind/web":        attest.ResultPass,
		"github.branch_protected northwind/docs":         attest.ResultFail,
		"github.branch_approvals northwind/docs":         attest.ResultFail,
		"github.branch_dismiss_stale northwind/docs":     attest.ResultNotApplicable, // nothing protects it to judge
		"github.branch_protected northwind/billing":      attest.ResultUnverifiable,  // the plan hides it
		"github.branch_approvals northwind/billing":      attest.ResultUnverifiable,
		"github.branch_protected northwind/legacy":       attest.ResultNotApplicable, // archived
		"github.secret_scanning northwind/legacy":        attest.ResultNotApplicable,
		"github.merges_reviewed northwind/web":           attest.ResultFail, // #13 approved only by its author
		"github.merges_reviewed northwind/api":           attest.ResultPass,
		"github.vulnerabilities_overdue northwind/docs":  attest.ResultFail,         // critical, 45 days
		"github.vulnerabilities_overdue northwind/web":   attest.ResultPass,         // high, 5 days
		"github.secret_alerts_open northwind/docs":       attest.ResultUnverifiable, // secret scanning off
		"github.secret_scanning northwind/docs":          attest.ResultFail,
		"github.dependabot_alerts northwind/api":         attest.ResultPass,
		"github.org_members_without_2fa northwind":       attest.ResultFail,
		"github.member_2fa northwind/dana":               attest.ResultFail,
		"github.member_2fa northwind/alice":              attest.ResultPass,
		"github.org_2fa_required northwind":              attest.ResultFail,
		"github.org_owners_few northwind":                attest.ResultPass,
		"github.org_default_permission northwind":        attest.ResultPass,
		"github.org_outside_collaborators northwind":     attest.ResultFail,
		"github.branch_status_checks northwind/api":      attest.ResultPass,
		"github.branch_status_checks northwind/docs":     attest.ResultFail,
		"github.dependabot_updates northwind/web":        attest.ResultFail,
		"github.repo_visibility northwind/api":           attest.ResultFail, // public, not listed as meant to be
		"github.org_public_repos_restricted northwind":   attest.ResultPass,
		"github.push_protection northwind/api":           attest.ResultPass,
		"github.branch_deletion_blocked northwind/web":   attest.ResultPass,
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
