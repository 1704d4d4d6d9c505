package engine_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/monitor/engine"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// jsonData round-trips v through JSON so that resources look exactly like
// those read from a snapshot (numbers are float64).
func jsonData(t testing.TB, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// goodOrg, goodMember and goodRepo pass every shipped test.
func goodOrg() map[string]any {
	return map[string]any{
		"login": "acme", "name": "Acme", "plan": "team",
		"two_factor_requirement_enabled":         true,
		"members_can_create_public_repositories": false,
		"default_repository_permission":          "read",
		"owners":                                 []any{"alice", "bob"},
		"members":                                12,
		"members_without_2fa":                    []any{},
		"outside_collaborators":                  []any{},
	}
}

func goodMember() map[string]any {
	return map[string]any{"login": "carol", "role": "member", "two_factor_enabled": true}
}

func goodRepo() map[string]any {
	return map[string]any{
		"name": "api", "full_name": "acme/api", "visibility": "private", "default_branch": "main",
		"private": true, "archived": false, "fork": false, "pushed_at": "2026-11-30T10:00:00Z",
		"secret_scanning": "enabled", "secret_scanning_push_protection": "enabled", "dependabot_security_updates": "enabled",
		"dependabot_alerts_enabled": true,
		"branch": map[string]any{
			"name": "main", "protected": true, "sources": []any{"classic"}, "required_approvals": 1,
			"dismiss_stale_reviews": true, "require_code_owner_reviews": true, "applies_to_admins": true,
			"force_push_blocked": true, "deletion_blocked": true, "required_status_checks": []any{"ci/test"},
		},
		"dependabot_open_alerts": []any{
			map[string]any{"number": 7, "severity": "high", "created_at": "2026-11-25T00:00:00Z"}, // 6 days old: within 30
			map[string]any{"number": 3, "severity": "low", "created_at": "2025-01-01T00:00:00Z"},  // old but low
		},
		"secret_scanning_open_alerts": 0,
		"merged_pulls": []any{
			map[string]any{"number": 41, "author": "carol", "merged_at": "2026-11-20T09:00:00Z", "approvers": []any{"dave"}, "independent_approval": true},
		},
	}
}

func builtIn(t testing.TB) map[string]*engine.Test {
	t.Helper()
	tests, err := engine.LoadFS(catalog.TestFiles, engine.Options{ResourceTypes: slices.Collect(maps.Keys(resourceKeys))})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*engine.Test{}
	for _, tt := range tests {
		m[tt.ID] = tt
	}
	return m
}

// resourceKeys names a resource of every type the shipped tests read; each
// connector's test file adds its own types (in an init), with goods and
// shipped entries.
var resourceKeys = map[string]string{"github.organization": "acme", "github.member": "acme/carol", "github.repository": "acme/api"}

func resourceOf(t testing.TB, typ string, data map[string]any) attest.Resource {
	key, ok := resourceKeys[typ]
	if !ok {
		t.Fatalf("no resource key for type %s: add it to resourceKeys", typ)
	}
	return attest.Resource{Type: typ, Key: key, Data: jsonData(t, data)}
}

func set(m map[string]any, path string, v any) map[string]any {
	parts := strings.Split(path, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		cur = cur[p].(map[string]any)
	}
	cur[parts[len(parts)-1]] = v
	return m
}

func del(m map[string]any, path string) map[string]any {
	parts := strings.Split(path, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		cur = cur[p].(map[string]any)
	}
	delete(cur, parts[len(parts)-1])
	return m
}

// shipped lists, for every built-in test, a change to a passing resource that
// makes it fail, and the observed value the message must show.
var shipped = []struct {
	id       string
	typ      string
	breakIt  func(map[string]any) map[string]any
	observed string
}{
	{"github.org_2fa_required", "github.organization", func(m map[string]any) map[string]any { return set(m, "two_factor_requirement_enabled", false) }, "false"},
	{"github.org_members_without_2fa", "github.organization", func(m map[string]any) map[string]any { return set(m, "members_without_2fa", []any{"mallory"}) }, `[mallory]`},
	{"github.org_owners_few", "github.organization", func(m map[string]any) map[string]any { return set(m, "owners", []any{"a", "b", "c", "d"}) }, `[a, b, c, d]`},
	{"github.org_public_repos_restricted", "github.organization", func(m map[string]any) map[string]any { return set(m, "members_can_create_public_repositories", true) }, "true"},
	{"github.org_default_permission", "github.organization", func(m map[string]any) map[string]any { return set(m, "default_repository_permission", "write") }, `write`},
	{"github.org_outside_collaborators", "github.organization", func(m map[string]any) map[string]any { return set(m, "outside_collaborators", []any{"eve"}) }, `[eve]`},
	{"github.member_2fa", "github.member", func(m map[string]any) map[string]any { return set(m, "two_factor_enabled", false) }, "false"},
	{"github.branch_protected", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.protected", false) }, "false"},
	{"github.branch_approvals", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.required_approvals", 0) }, "0"},
	{"github.branch_dismiss_stale", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.dismiss_stale_reviews", false) }, "false"},
	{"github.branch_code_owners", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.require_code_owner_reviews", false) }, "false"},
	{"github.branch_admins_included", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.applies_to_admins", false) }, "false"},
	{"github.branch_force_push_blocked", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.force_push_blocked", false) }, "false"},
	{"github.branch_deletion_blocked", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.deletion_blocked", false) }, "false"},
	{"github.branch_status_checks", "github.repository", func(m map[string]any) map[string]any { return set(m, "branch.required_status_checks", []any{}) }, "empty"},
	{"github.repo_visibility", "github.repository", func(m map[string]any) map[string]any { return set(m, "visibility", "public") }, "public"},
	{"github.secret_scanning", "github.repository", func(m map[string]any) map[string]any { return set(m, "secret_scanning", "disabled") }, `disabled`},
	{"github.push_protection", "github.repository", func(m map[string]any) map[string]any { return set(m, "secret_scanning_push_protection", "") }, `""`},
	{"github.dependabot_alerts", "github.repository", func(m map[string]any) map[string]any { return set(m, "dependabot_alerts_enabled", false) }, "false"},
	{"github.dependabot_updates", "github.repository", func(m map[string]any) map[string]any { return set(m, "dependabot_security_updates", "disabled") }, `disabled`},
	{"github.vulnerabilities_overdue", "github.repository", func(m map[string]any) map[string]any {
		return set(m, "dependabot_open_alerts", []any{map[string]any{"number": 9, "severity": "critical", "created_at": "2026-10-01T00:00:00Z"}})
	}, `"number":9`},
	{"github.secret_alerts_open", "github.repository", func(m map[string]any) map[string]any { return set(m, "secret_scanning_open_alerts", 2) }, "2"},
	{"github.merges_reviewed", "github.repository", func(m map[string]any) map[string]any {
		return set(m, "merged_pulls", []any{map[string]any{"number": 42, "author": "carol", "merged_at": "2026-11-21T09:00:00Z", "approvers": []any{}, "independent_approval": false}})
	}, `"number":42`},
}

// goods builds a resource of each type that passes every shipped test of
// its type.
var goods = map[string]func() map[string]any{"github.organization": goodOrg, "github.member": goodMember, "github.repository": goodRepo}

func good(typ string) map[string]any { return goods[typ]() }

func TestShippedTestsPassAndFail(t *testing.T) {
	tests := builtIn(t)
	if len(shipped) != len(tests) {
		t.Errorf("the table covers %d tests, %d are shipped: add the new ones", len(shipped), len(tests))
	}
	for _, c := range shipped {
		t.Run(c.id, func(t *testing.T) {
			tt := tests[c.id]
			if tt == nil {
				t.Fatalf("no built-in test %s", c.id)
			}
			if tt.ResourceType != c.typ {
				t.Fatalf("resource type %s, want %s", tt.ResourceType, c.typ)
			}
			ok := resourceOf(t, c.typ, good(c.typ))
			if v := tt.Evaluate(ok, engine.Env{Now: now}); v.Status != attest.ResultPass {
				t.Fatalf("good resource: %+v", v)
			}
			bad := resourceOf(t, c.typ, c.breakIt(good(c.typ)))
			v := tt.Evaluate(bad, engine.Env{Now: now})
			if v.Status != attest.ResultFail {
				t.Fatalf("broken resource: %+v", v)
			}
			for _, want := range []string{bad.Key, tt.Field, c.observed, tt.Expected} {
				if !strings.Contains(v.Message, want) {
					t.Errorf("message %q does not name %q", v.Message, want)
				}
			}
			if v.Expected != tt.Expected || v.Observed == nil {
				t.Errorf("observed %v, expected %q", v.Observed, v.Expected)
			}
			// A missing field is an evaluation error, never a fail.
			missing := resourceOf(t, c.typ, del(good(c.typ), tt.Field))
			if v := tt.Evaluate(missing, engine.Env{Now: now}); v.Status != attest.ResultError || !strings.Contains(v.Message, missing.Key) {
				t.Errorf("field %s missing: %+v", tt.Field, v)
			}
			// A hidden field makes it unverifiable, with the source's reason.
			hidden := resourceOf(t, c.typ, c.breakIt(good(c.typ)))
			top, _, _ := strings.Cut(tt.Field, ".")
			hidden.Unavailable = map[string]string{top: "the token cannot see " + top}
			if v := tt.Evaluate(hidden, engine.Env{Now: now}); v.Status != attest.ResultUnverifiable || !strings.Contains(v.Message, "the token cannot see "+top) {
				t.Errorf("field %s unavailable: %+v", top, v)
			}
			if c.typ == "github.repository" {
				archived := resourceOf(t, c.typ, set(c.breakIt(good(c.typ)), "archived", true))
				if v := tt.Evaluate(archived, engine.Env{Now: now}); v.Status != attest.ResultNotApplicable {
					t.Errorf("archived repository: %+v", v)
				}
			}
		})
	}
}

func TestBranchProtectedOnlyByOrganizationRuleset(t *testing.T) {
	tests := builtIn(t)
	repo := goodRepo()
	repo["branch"] = map[string]any{
		"name": "main", "protected": true, "sources": []any{"organization_ruleset"}, "required_approvals": 2,
		"dismiss_stale_reviews": true, "require_code_owner_reviews": false, "applies_to_admins": true,
		"force_push_blocked": true, "deletion_blocked": true, "required_status_checks": []any{},
	}
	r := resourceOf(t, "github.repository", repo)
	for id, want := range map[string]attest.ResultStatus{
		"github.branch_protected":          attest.ResultPass,
		"github.branch_approvals":          attest.ResultPass,
		"github.branch_force_push_blocked": attest.ResultPass,
		"github.branch_admins_included":    attest.ResultPass,
		"github.branch_status_checks":      attest.ResultFail,
		"github.branch_code_owners":        attest.ResultFail,
		"github.branch_dismiss_stale":      attest.ResultPass,
	} {
		if v := tests[id].Evaluate(r, engine.Env{Now: now}); v.Status != want {
			t.Errorf("%s: %+v, want %s", id, v, want)
		}
	}
}

func TestFreePlanPrivateRepoIsUnverifiableNotFailing(t *testing.T) {
	tests := builtIn(t)
	repo := goodRepo()
	delete(repo, "branch")
	r := resourceOf(t, "github.repository", repo)
	r.Unavailable = map[string]string{"branch": "GitHub Free does not offer branch protection for private repositories (403 Upgrade to GitHub Pro)"}
	v := tests["github.branch_protected"].Evaluate(r, engine.Env{Now: now})
	if v.Status != attest.ResultUnverifiable || !strings.Contains(v.Message, "GitHub Free") {
		t.Fatalf("%+v", v)
	}
	// Tests that do not read branch still judge the repository.
	if v := tests["github.secret_scanning"].Evaluate(r, engine.Env{Now: now}); v.Status != attest.ResultPass {
		t.Fatalf("secret scanning: %+v", v)
	}
	// An archived repository is not applicable even when branch is hidden.
	r.Data["archived"] = true
	if v := tests["github.branch_protected"].Evaluate(r, engine.Env{Now: now}); v.Status != attest.ResultNotApplicable {
		t.Fatalf("archived: %+v", v)
	}
}

func TestDeadlineUsesCollectionTimeAndParams(t *testing.T) {
	tt := builtIn(t)["github.vulnerabilities_overdue"]
	repo := goodRepo()
	repo["dependabot_open_alerts"] = []any{map[string]any{"number": 1, "severity": "critical", "created_at": "2026-11-01T00:00:00Z"}}
	r := resourceOf(t, "github.repository", repo)
	// Created Nov 1; the collection ran Dec 1 at noon: 30.5 days open.
	cases := []struct {
		now    time.Time
		params map[string]any
		want   attest.ResultStatus
	}{
		{now, nil, attest.ResultFail},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), nil, attest.ResultPass},
		{now, map[string]any{"deadline_days": float64(45)}, attest.ResultPass}, // a JSON number
		{now, map[string]any{"deadline_days": 7}, attest.ResultFail},
	}
	for i, c := range cases {
		if v := tt.Evaluate(r, engine.Env{Now: c.now, Params: c.params}); v.Status != c.want {
			t.Errorf("case %d: %+v, want %s", i, v, c.want)
		}
	}
}

func TestOwnersParamOverride(t *testing.T) {
	tt := builtIn(t)["github.org_owners_few"]
	r := resourceOf(t, "github.organization", set(goodOrg(), "owners", []any{"a", "b", "c", "d"}))
	if v := tt.Evaluate(r, engine.Env{Now: now}); v.Status != attest.ResultFail {
		t.Fatalf("default max 3: %+v", v)
	}
	if v := tt.Evaluate(r, engine.Env{Now: now, Params: map[string]any{"max_owners": 4}}); v.Status != attest.ResultPass {
		t.Fatalf("max 4: %+v", v)
	}
}

func def() engine.Definition {
	return engine.Definition{
		ID: "x.flag_on", Title: "Flag is on", ResourceType: "x.thing", Pass: "resource.flag == true",
		Field: "flag", Expected: "true", Severity: "low", Reads: []string{"flag"}, Controls: []string{"DEV-2"}, Remediation: "Turn it on.",
		Params: map[string]any{"n": 1},
	}
}

func TestVersionIsTheContentHash(t *testing.T) {
	a, err := engine.Compile(def(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := engine.Compile(def(), engine.Options{})
	if a.Version != b.Version || !strings.HasPrefix(a.Version, "sha256:") || len(a.Version) != len("sha256:")+64 {
		t.Fatalf("versions %s %s", a.Version, b.Version)
	}
	// The same params from JSON (float64) hash the same as from YAML (int).
	d := def()
	d.Params = map[string]any{"n": float64(1)}
	if c, _ := engine.Compile(d, engine.Options{}); c.Version != a.Version {
		t.Errorf("JSON number changed the version")
	}
	changes := []func(*engine.Definition){
		func(d *engine.Definition) { d.Pass = "resource.flag" },
		func(d *engine.Definition) { d.Remediation = "do it" },
		func(d *engine.Definition) { d.Severity = "high" },
		func(d *engine.Definition) { d.Params = map[string]any{"n": 2} },
		func(d *engine.Definition) { d.Controls = []string{"DEV-3"} },
		func(d *engine.Definition) { d.Applies = "true" },
	}
	for i, ch := range changes {
		d := def()
		ch(&d)
		c, err := engine.Compile(d, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Version == a.Version {
			t.Errorf("change %d kept the version", i)
		}
	}
}

func TestBadDefinitionsNameTheField(t *testing.T) {
	cases := []struct {
		change func(*engine.Definition)
		field  string
	}{
		{func(d *engine.Definition) { d.ID = "" }, "id"},
		{func(d *engine.Definition) { d.ID = "Flag On" }, "id"},
		{func(d *engine.Definition) { d.ID = "noprefix" }, "id"},
		{func(d *engine.Definition) { d.Title = " " }, "title"},
		{func(d *engine.Definition) { d.ResourceType = "" }, "resource_type"},
		{func(d *engine.Definition) { d.ResourceType = "aws.bucket" }, "resource_type"},
		{func(d *engine.Definition) { d.Severity = "urgent" }, "severity"},
		{func(d *engine.Definition) { d.Pass = "" }, "pass"},
		{func(d *engine.Definition) { d.Pass = "resource.flag ==" }, "pass"},
		{func(d *engine.Definition) { d.Pass = "size(resource)" }, "pass"},   // returns int
		{func(d *engine.Definition) { d.Pass = "unknown_var == 1" }, "pass"}, // undeclared
		{func(d *engine.Definition) { d.Applies = "'yes'" }, "applies"},      // returns string
		{func(d *engine.Definition) { d.Reads = nil }, "reads"},
		{func(d *engine.Definition) { d.Reads = []string{"branch.protected"} }, "reads"},
		{func(d *engine.Definition) { d.Field = "" }, "field"},
		{func(d *engine.Definition) { d.Field = "other.flag" }, "field"},
		{func(d *engine.Definition) { d.Expected = "" }, "expected"},
	}
	for i, c := range cases {
		d := def()
		c.change(&d)
		_, err := engine.Compile(d, engine.Options{ResourceTypes: []string{"x.thing"}})
		if err == nil {
			t.Errorf("case %d (%s): accepted", i, c.field)
			continue
		}
		if attest.ErrorField(err) != c.field {
			t.Errorf("case %d: %q does not name the field %s", i, err, c.field)
		}
		if d.ID != "" && !strings.Contains(err.Error(), d.ID) {
			t.Errorf("case %d: %q does not name the test", i, err)
		}
	}
	if _, err := engine.Compile(def(), engine.Options{ResourceTypes: []string{"x.thing"}}); err != nil {
		t.Fatalf("the base definition is valid: %v", err)
	}
}

func TestCostBound(t *testing.T) {
	d := def()
	d.Reads = []string{"flag", "items"}
	// A scan inside a scan inside a scan: a billion steps over lists of 1,000.
	d.Pass = "resource.items.all(a, resource.items.all(b, resource.items.all(c, a + b + c >= 0)))"
	_, err := engine.Compile(d, engine.Options{})
	if attest.ErrorField(err) != "pass" || !strings.Contains(err.Error(), "too costly") {
		t.Fatalf("runaway expression accepted: %v", err)
	}
	// A single scan is fine.
	d.Pass = "resource.items.all(a, a >= 0)"
	tt, err := engine.Compile(d, engine.Options{MaxCost: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	small := make([]any, 10)
	big := make([]any, 100_000)
	for i := range big {
		big[i] = float64(i)
		if i < len(small) {
			small[i] = float64(i)
		}
	}
	if v := tt.Evaluate(attest.Resource{Type: "x.thing", Key: "k", Data: map[string]any{"items": small}}, engine.Env{Now: now}); v.Status != attest.ResultPass {
		t.Fatalf("small: %+v", v)
	}
	// Just over the size the estimate assumed: judged on the cost-tracked path, same verdict.
	over := make([]any, 1001)
	for i := range over {
		over[i] = float64(i)
	}
	if v := tt.Evaluate(attest.Resource{Type: "x.thing", Key: "k", Data: map[string]any{"items": over}}, engine.Env{Now: now}); v.Status != attest.ResultPass {
		t.Fatalf("1001 items: %+v", v)
	}
	over[1000] = float64(-1)
	if v := tt.Evaluate(attest.Resource{Type: "x.thing", Key: "k", Data: map[string]any{"items": over}}, engine.Env{Now: now}); v.Status != attest.ResultFail {
		t.Fatalf("1001 items, one negative: %+v", v)
	}
	// Larger than the estimate assumed: the runtime limit stops it, as an error.
	v := tt.Evaluate(attest.Resource{Type: "x.thing", Key: "k", Data: map[string]any{"items": big}}, engine.Env{Now: now})
	if v.Status != attest.ResultError || !strings.Contains(v.Message, "cost limit") {
		t.Fatalf("big: %+v", v)
	}
}

func TestNonBoolResultIsAnError(t *testing.T) {
	d := def()
	d.Pass = "resource.flag" // dyn: accepted at compile time, checked when run
	tt, err := engine.Compile(d, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := tt.Evaluate(attest.Resource{Type: "x.thing", Key: "k", Data: map[string]any{"flag": "yes"}}, engine.Env{Now: now})
	if v.Status != attest.ResultError || !strings.Contains(v.Message, "bool") {
		t.Fatalf("%+v", v)
	}
	v = tt.Evaluate(attest.Resource{Type: "x.thing", Key: "k", Data: map[string]any{"flag": true}}, engine.Env{Now: now})
	if v.Status != attest.ResultPass {
		t.Fatalf("%+v", v)
	}
}

func TestParseAndLoadFS(t *testing.T) {
	good := `tests:
  - id: x.flag_on
    title: Flag is on
    resource_type: x.thing
    reads: [flag]
    pass: resource.flag == true
    field: flag
    expected: "true"
    severity: low
    remediation: Turn it on.
    controls: [DEV-2]
`
	second := strings.ReplaceAll(good, "x.flag_on", "x.a_first")
	fsys := fstest.MapFS{"b.yaml": {Data: []byte(good)}, "sub/a.yaml": {Data: []byte(second)}, "README.md": {Data: []byte("not a test")}}
	tests, err := engine.LoadFS(fsys, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) != 2 || tests[0].ID != "x.a_first" || tests[1].ID != "x.flag_on" {
		t.Fatalf("not sorted by ID: %v, %v", tests[0].ID, tests[1].ID)
	}
	fsys["c.yaml"] = &fstest.MapFile{Data: []byte(good)}
	if _, err := engine.LoadFS(fsys, engine.Options{}); err == nil || !strings.Contains(err.Error(), "x.flag_on") || !strings.Contains(err.Error(), "also defined in b.yaml") {
		t.Fatalf("duplicate: %v", err)
	}
	misspelt := strings.Replace(good, "severity: low", "severty: low", 1)
	if _, err := engine.Parse([]byte(misspelt), "mine.yaml"); err == nil || !strings.Contains(err.Error(), "mine.yaml") ||
		!strings.Contains(err.Error(), "line 9") || !strings.Contains(err.Error(), "severty") {
		t.Fatalf("unknown field: %v", err)
	}
	bad := strings.Replace(good, "severity: low", "severity: dire", 1)
	if _, err := engine.LoadFS(fstest.MapFS{"bad.yaml": {Data: []byte(bad)}}, engine.Options{}); err == nil ||
		!strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), "test x.flag_on") || attest.ErrorField(err) != "severity" {
		t.Fatalf("invalid: %v", err)
	}
	if _, err := engine.Parse([]byte("checks: []"), "empty.yaml"); err == nil || !strings.Contains(err.Error(), "empty.yaml") {
		t.Fatalf("no tests key: %v", err)
	}
}

func TestEvaluateCollection(t *testing.T) {
	tests := builtIn(t)
	list := []*engine.Test{tests["github.secret_scanning"], tests["github.member_2fa"], tests["github.org_2fa_required"]}
	bad := goodRepo()
	bad["full_name"] = "acme/web"
	bad["secret_scanning"] = "disabled"
	c := attest.Collection{
		Resources: []attest.Resource{
			{Type: "github.repository", Key: "acme/web", Data: jsonData(t, bad)},
			{Type: "github.repository", Key: "acme/api", Data: jsonData(t, goodRepo())},
			{Type: "github.organization", Key: "acme", Data: jsonData(t, goodOrg())},
		},
		Failed: map[string]string{"github.member": "403: the token lacks read:org"},
	}
	res := engine.EvaluateCollection(list, c, engine.Env{Now: now})
	var got []string
	for _, r := range res {
		got = append(got, r.Test+" "+r.Resource.Key+" "+string(r.Status))
		if r.TestVersion != tests[r.Test].Version {
			t.Errorf("%s: version %s", r.Test, r.TestVersion)
		}
	}
	want := []string{
		"github.member_2fa * error",
		"github.org_2fa_required acme pass",
		"github.secret_scanning acme/api pass",
		"github.secret_scanning acme/web fail",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(res[0].Message, "read:org") || res[0].Resource.Type != "github.member" {
		t.Errorf("failed type: %+v", res[0])
	}
	// The same verdicts come from Evaluate one by one.
	for _, r := range res[1:] {
		for _, rs := range c.Resources {
			if rs.Key == r.Resource.Key && rs.Type == r.Resource.Type {
				if v := tests[r.Test].Evaluate(rs, engine.Env{Now: now}); v.Status != r.Status || v.Message != r.Message {
					t.Errorf("%s %s: %+v vs %+v", r.Test, rs.Key, v, r.Verdict)
				}
			}
		}
	}
}

// TestEvaluateCollectionInParallel judges a collection large enough to be
// cut into many chunks with one goroutine and with several, and gets the
// same results in the same order, with a failed type's error in its place.
func TestEvaluateCollectionInParallel(t *testing.T) {
	tests := builtIn(t)
	var list []*engine.Test
	for _, tt := range tests {
		list = append(list, tt)
	}
	c := benchCollection(t, 5000)
	c.Failed = map[string]string{"github.member": "403"}
	one := engine.EvaluateCollection(list, c, engine.Env{Now: now, Workers: 1})
	many := engine.EvaluateCollection(list, c, engine.Env{Now: now, Workers: 4})
	if len(one) != len(many) || len(one) < 50_000 {
		t.Fatalf("%d results with one goroutine, %d with four", len(one), len(many))
	}
	fails := 0
	for i := range one {
		a, b := one[i], many[i]
		if a.Test != b.Test || a.Resource != b.Resource || a.Status != b.Status || a.Message != b.Message {
			t.Fatalf("result %d differs: %+v vs %+v", i, a, b)
		}
		if i > 0 && (one[i-1].Test > a.Test || (one[i-1].Test == a.Test && one[i-1].Resource.Key > a.Resource.Key && a.Resource.Key != "*")) {
			t.Fatalf("results out of order at %d: %s %s after %s %s", i, a.Test, a.Resource.Key, one[i-1].Test, one[i-1].Resource.Key)
		}
		if a.Status == attest.ResultFail {
			fails++
		}
	}
	if fails == 0 {
		t.Fatal("no failing verdicts: the collection does not exercise the tests")
	}
}
