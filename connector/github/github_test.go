package github_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func request(srv *githubtest.Server, only ...attest.ResourceRef) attest.CollectRequest {
	return attest.CollectRequest{Settings: map[string]string{"org": "northwind", "base_url": srv.URL}, Secret: []byte("ghp_test\n"),
		Only: only, Now: now}
}

func collect(t *testing.T, srv *githubtest.Server, only ...attest.ResourceRef) attest.Collection {
	t.Helper()
	col, err := github.New().Collect(t.Context(), request(srv, only...))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return col
}

func find(t *testing.T, col attest.Collection, typ, key string) attest.Resource {
	t.Helper()
	for _, r := range col.Resources {
		if r.Type == typ && r.Key == key {
			return r
		}
	}
	t.Fatalf("no %s %s among %d resources", typ, key, len(col.Resources))
	return attest.Resource{}
}

func branch(t *testing.T, r attest.Resource) map[string]any {
	t.Helper()
	b, ok := r.Data["branch"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no branch object: %v (unavailable: %v)", r.Key, r.Data["branch"], r.Unavailable)
	}
	return b
}

func TestCollectReadsEveryCase(t *testing.T) {
	srv := githubtest.NewServer(githubtest.DefaultScenario(now))
	defer srv.Close()
	col := collect(t, srv)
	if len(col.Failed) != 0 {
		t.Errorf("failed types: %v", col.Failed)
	}
	if got := len(srv.Scenario.Requests()); col.Calls != got {
		t.Errorf("Calls = %d, the server saw %d requests", col.Calls, got)
	}

	org := find(t, col, github.TypeOrganization, "northwind")
	if !slices.Equal(org.Data["owners"].([]string), []string{"alice", "bob"}) || org.Data["members"] != 5 ||
		!slices.Equal(org.Data["members_without_2fa"].([]string), []string{"dana"}) ||
		!slices.Equal(org.Data["outside_collaborators"].([]string), []string{"contractor-x"}) ||
		org.Data["plan"] != "free" || org.Data["two_factor_requirement_enabled"] != false || org.Data["default_repository_permission"] != "read" {
		t.Errorf("organization = %v", org.Data)
	}
	if m := find(t, col, github.TypeMember, "northwind/dana"); m.Data["two_factor_enabled"] != false || m.Data["role"] != "member" {
		t.Errorf("dana = %v", m.Data)
	}
	if m := find(t, col, github.TypeMember, "northwind/alice"); m.Data["two_factor_enabled"] != true || m.Data["role"] != "admin" {
		t.Errorf("alice = %v", m.Data)
	}

	// The trap: protected only by an organization ruleset is protected.
	api := branch(t, find(t, col, github.TypeRepository, "northwind/api"))
	if api["protected"] != true || !slices.Equal(api["sources"].([]string), []string{"organization_ruleset"}) || api["required_approvals"] != 1 ||
		api["force_push_blocked"] != true || api["deletion_blocked"] != true ||
		api["dismiss_stale_reviews"] != true || !slices.Equal(api["required_status_checks"].([]string), []string{"ci/test"}) {
		t.Errorf("api (organization ruleset only) = %v", api)
	}
	// A read-only token is not shown who may bypass a ruleset: unknown, not false.
	if apiRes := find(t, col, github.TypeRepository, "northwind/api"); !strings.Contains(apiRes.Unavailable["branch.applies_to_admins"], "bypass") {
		t.Errorf("api: bypass actors hidden from a read-only token should leave applies_to_admins unavailable: %v", apiRes.Unavailable)
	}
	web := find(t, col, github.TypeRepository, "northwind/web")
	wb := branch(t, web)
	if wb["protected"] != true || !slices.Equal(wb["sources"].([]string), []string{"classic"}) || wb["required_approvals"] != 2 ||
		wb["applies_to_admins"] != true || wb["require_code_owner_reviews"] != true || wb["force_push_blocked"] != true ||
		!slices.Equal(wb["required_status_checks"].([]string), []string{"build"}) {
		t.Errorf("web (classic) = %v", wb)
	}
	pulls := web.Data["merged_pulls"].([]any)
	if len(pulls) != 2 {
		t.Fatalf("web merged pulls = %v", pulls)
	}
	for _, p := range pulls {
		p := p.(map[string]any)
		want := p["number"] == 12
		if p["independent_approval"] != want {
			t.Errorf("pull %v: independent_approval = %v, want %v (approvers %v)", p["number"], p["independent_approval"], want, p["approvers"])
		}
	}
	// Change management: pull requests carry what reconciling them with
	// deployments needs, and deployments to production their latest state.
	apiRes := find(t, col, github.TypeRepository, "northwind/api")
	var hotfix map[string]any
	for _, p := range apiRes.Data["merged_pulls"].([]any) {
		if p := p.(map[string]any); p["number"] == 42 {
			hotfix = p
		}
	}
	if hotfix == nil || hotfix["title"] != "Hotfix: restore login" || !slices.Equal(hotfix["labels"].([]string), []string{"emergency"}) ||
		hotfix["approved_at"] != now.Add(-43*time.Hour).UTC().Format(time.RFC3339) || len(hotfix["merge_commit_sha"].(string)) != 40 {
		t.Errorf("api pull 42 = %v", hotfix)
	}
	deps := apiRes.Data["deployments"].([]any)
	var states []string
	for _, d := range deps {
		d := d.(map[string]any)
		if d["environment"] != "production" {
			t.Errorf("deployment to %v read, want production only", d["environment"])
		}
		states = append(states, fmt.Sprint(d["id"], ":", d["state"]))
	}
	if !slices.Equal(states, []string{"9004:failure", "9003:success", "9002:success", "9001:success"}) {
		t.Errorf("api deployments = %v", states)
	}
	if d := deps[3].(map[string]any); d["sha"] != (githubtest.Pull{Number: 41}).MergeSHA("api") || d["creator"] != "carol" {
		t.Errorf("deployment sha = %v", d)
	}
	docs := find(t, col, github.TypeRepository, "northwind/docs")
	if d := docs.Data["deployments"].([]any); len(d) != 0 {
		t.Errorf("docs has no deployments, read %v", d)
	}
	if db := branch(t, docs); db["protected"] != false || len(db["sources"].([]string)) != 0 {
		t.Errorf("docs (404 Branch not protected) = %v", db)
	}
	alerts := docs.Data["dependabot_open_alerts"].([]any)
	if len(alerts) != 1 || alerts[0].(map[string]any)["severity"] != "critical" || alerts[0].(map[string]any)["number"] != 3 {
		t.Errorf("docs alerts = %v", alerts)
	}
	// The alerts opened within the window, in every state, newest first:
	// api's #19, opened 200 days ago, is older than the 90-day window.
	var history []string
	for _, a := range apiRes.Data["dependabot_alerts"].([]any) {
		a := a.(map[string]any)
		history = append(history, fmt.Sprint(a["number"], ":", a["state"], ":", a["severity"], ":", a["package"], ":", a["dismissed_reason"], ":", a["closed_at"] != ""))
	}
	if want := []string{"22:dismissed:medium:lodash:inaccurate:true", "21:fixed:critical:jsonwebtoken::true", "23:fixed:high:express::true"}; !slices.Equal(history, want) {
		t.Errorf("api alert history = %v, want %v", history, want)
	}
	if open := apiRes.Data["dependabot_open_alerts"].([]any); len(open) != 0 {
		t.Errorf("api has no open alerts, read %v", open)
	}
	if !strings.Contains(docs.Unavailable["secret_scanning_open_alerts"], "secret scanning is off") {
		t.Errorf("docs, secret scanning off: unavailable = %v", docs.Unavailable)
	}
	// The plan trap: not protected is not the same as cannot be seen.
	billing := find(t, col, github.TypeRepository, "northwind/billing")
	if _, has := billing.Data["branch"]; has || !strings.Contains(billing.Unavailable["branch"], "Upgrade to GitHub Pro") {
		t.Errorf("billing (private, free plan) = %v / %v", billing.Data["branch"], billing.Unavailable)
	}
	legacy := find(t, col, github.TypeRepository, "northwind/legacy")
	if legacy.Data["archived"] != true {
		t.Errorf("legacy = %v", legacy.Data)
	}
	for _, req := range srv.Scenario.Requests() {
		if strings.Contains(req, "/repos/northwind/legacy/") {
			t.Errorf("an archived repository cost a request: %s", req)
		}
	}
}

func TestRulesetBypassVisibleToItsEditors(t *testing.T) {
	sc := githubtest.DefaultScenario(now)
	sc.RulesetWriter = true
	srv := githubtest.NewServer(sc)
	defer srv.Close()
	api := find(t, collect(t, srv), github.TypeRepository, "northwind/api")
	if branch(t, api)["applies_to_admins"] != true || api.Unavailable["branch.applies_to_admins"] != "" {
		t.Errorf("a ruleset without bypass actors, seen by a token that may edit it: %v / %v", api.Data["branch"], api.Unavailable)
	}
	sc.Update(func(s *githubtest.Scenario) { s.OrgRulesets[0].Bypass = true })
	api = find(t, collect(t, srv), github.TypeRepository, "northwind/api")
	if branch(t, api)["applies_to_admins"] != false || api.Unavailable["branch.applies_to_admins"] != "" {
		t.Errorf("a ruleset with bypass actors: %v / %v", api.Data["branch"], api.Unavailable)
	}
}

func TestPagination(t *testing.T) {
	sc := githubtest.DefaultScenario(now)
	for i := range 230 {
		sc.Repos = append(sc.Repos, &githubtest.Repo{Name: fmt.Sprintf("svc-%03d", i), Archived: true, DefaultBranch: "main", PushedAt: now})
	}
	for i := range 150 {
		sc.Members = append(sc.Members, githubtest.Member{Login: fmt.Sprintf("dev%03d", i), TwoFactor: i%50 != 0})
	}
	srv := githubtest.NewServer(sc)
	defer srv.Close()
	col := collect(t, srv)
	repos, members := 0, 0
	for _, r := range col.Resources {
		switch r.Type {
		case github.TypeRepository:
			repos++
		case github.TypeMember:
			members++
		}
	}
	if repos != 235 || members != 155 {
		t.Errorf("collected %d repositories and %d members, want 235 and 155", repos, members)
	}
	var pages []string
	for _, req := range sc.Requests() {
		if strings.HasPrefix(req, "GET /orgs/northwind/repos") {
			pages = append(pages, req)
		}
	}
	if len(pages) != 3 || !strings.Contains(pages[2], "page=3") {
		t.Errorf("repository pages requested: %v", pages)
	}
	org := find(t, col, github.TypeOrganization, "northwind")
	if n := len(org.Data["members_without_2fa"].([]string)); n != 4 {
		t.Errorf("members without 2FA across pages = %d, want 4", n)
	}
}

func TestTokenWithoutOwnerOrAdmin(t *testing.T) {
	sc := githubtest.DefaultScenario(now)
	sc.Owner, sc.Admin = false, false
	srv := githubtest.NewServer(sc)
	defer srv.Close()
	col := collect(t, srv)
	org := find(t, col, github.TypeOrganization, "northwind")
	for _, f := range []string{"two_factor_requirement_enabled", "members_without_2fa", "outside_collaborators"} {
		if org.Unavailable[f] == "" {
			t.Errorf("organization %s should be unavailable without an owner's token: %v", f, org.Unavailable)
		}
		if _, has := org.Data[f]; has {
			t.Errorf("organization %s has a value without an owner's token: %v", f, org.Data[f])
		}
	}
	if m := find(t, col, github.TypeMember, "northwind/dana"); !strings.Contains(m.Unavailable["two_factor_enabled"], "owner") {
		t.Errorf("member 2FA without an owner's token: %v", m.Unavailable)
	}
	api := find(t, col, github.TypeRepository, "northwind/api")
	if !strings.Contains(api.Unavailable["branch"], "Administration: read") || !strings.Contains(api.Unavailable["secret_scanning"], "administrators") {
		t.Errorf("api without administration access: %v", api.Unavailable)
	}
}

func TestOnlyCollectsTheNamedRepository(t *testing.T) {
	srv := githubtest.NewServer(githubtest.DefaultScenario(now))
	defer srv.Close()
	col := collect(t, srv, attest.ResourceRef{Type: github.TypeRepository, Key: "northwind/web"},
		attest.ResourceRef{Type: github.TypeRepository, Key: "northwind/gone"})
	if len(col.Resources) != 1 || col.Resources[0].Key != "northwind/web" {
		t.Fatalf("resources = %+v", col.Resources)
	}
	for _, req := range srv.Scenario.Requests() {
		if !strings.Contains(req, "/repos/northwind/web") && !strings.Contains(req, "/repos/northwind/gone") {
			t.Errorf("a webhook's collection asked for more: %s", req)
		}
	}
}

func TestSecondaryRateLimitIsWaitedOut(t *testing.T) {
	sc := githubtest.DefaultScenario(now)
	sc.SecondaryLimit = 1
	srv := githubtest.NewServer(sc)
	defer srv.Close()
	start := time.Now()
	col := collect(t, srv)
	if len(col.Failed) != 0 || len(col.Resources) < 10 {
		t.Errorf("after a secondary limit: failed %v, %d resources", col.Failed, len(col.Resources))
	}
	if time.Since(start) < time.Second {
		t.Errorf("the collection did not wait for Retry-After")
	}
}

func TestBadTokenStopsTheCollection(t *testing.T) {
	srv := githubtest.NewServer(githubtest.DefaultScenario(now))
	defer srv.Close()
	req := request(srv)
	req.Secret = []byte("ghp_wrong")
	_, err := github.New().Collect(t.Context(), req)
	if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), "401") {
		t.Errorf("Collect with a bad token = %v", err)
	}
	req.Settings["org"] = "nowhere"
	req.Secret = []byte("ghp_test")
	if _, err := github.New().Collect(t.Context(), req); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("Collect of an unknown organization = %v", err)
	}
}

func TestSettingsAreChecked(t *testing.T) {
	for name, set := range map[string]map[string]string{
		"org":               {"base_url": "https://x.test/"},
		"base_url":          {"org": "a", "base_url": "ftp://x"},
		"pull_request_days": {"org": "a", "pull_request_days": "0"},
	} {
		_, err := github.New().Collect(context.Background(), attest.CollectRequest{Settings: set, Secret: []byte("t")})
		if attest.ErrorField(err) != name {
			t.Errorf("%v: %v; want an error naming %s", set, err, name)
		}
	}
}

func TestCheckNamesWhatIsMissing(t *testing.T) {
	sc := githubtest.DefaultScenario(now)
	srv := githubtest.NewServer(sc)
	defer srv.Close()
	c := github.New()
	res, err := c.Check(t.Context(), request(srv))
	if err != nil || !res.OK || res.Identity != "attest-bot" || len(res.Missing) != 0 {
		t.Errorf("owner's token: %+v, %v", res, err)
	}
	sc.Update(func(s *githubtest.Scenario) {
		s.Owner, s.Admin = false, false
		s.Scopes = []string{"public_repo"}
	})
	res, err = c.Check(t.Context(), request(srv))
	if err != nil || res.OK {
		t.Fatalf("limited token: %+v, %v", res, err)
	}
	for _, want := range []string{"read:org", "repo scope", "organization owner", "Administration: read"} {
		if !slices.ContainsFunc(res.Missing, func(m string) bool { return strings.Contains(m, want) }) {
			t.Errorf("Missing %v does not name %q", res.Missing, want)
		}
	}
	bad := request(srv)
	bad.Secret = []byte("nope")
	if res, err := c.Check(t.Context(), bad); err != nil || res.OK || !strings.Contains(res.Message, "401") {
		t.Errorf("bad token: %+v, %v", res, err)
	}
}

func TestWebhookSignatureAndEvents(t *testing.T) {
	secret := []byte("s3cret")
	body := []byte(`{"ref":"refs/heads/main","repository":{"full_name":"northwind/api"},"organization":{"login":"northwind"}}`)
	h := http.Header{}
	h.Set("X-GitHub-Event", "push")
	h.Set("X-Hub-Signature-256", githubtest.SignWebhook(secret, body))
	refs, err := github.ParseWebhook(h, body, secret)
	if err != nil || len(refs) != 1 || refs[0] != (attest.ResourceRef{Type: github.TypeRepository, Key: "northwind/api"}) {
		t.Errorf("push = %v, %v", refs, err)
	}
	if _, err := github.ParseWebhook(h, body, []byte("other")); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
		t.Errorf("wrong secret: %v", err)
	}
	tampered := append([]byte(nil), body...)
	tampered[10] = 'X'
	if _, err := github.ParseWebhook(h, tampered, secret); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
		t.Errorf("changed body: %v", err)
	}
	h.Del("X-Hub-Signature-256")
	if _, err := github.ParseWebhook(h, body, secret); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
		t.Errorf("unsigned: %v", err)
	}
	for event, want := range map[string]string{"member": "github.organization:northwind", "ping": "", "repository_ruleset": "github.repository:northwind/api"} {
		h := http.Header{}
		h.Set("X-GitHub-Event", event)
		h.Set("X-Hub-Signature-256", githubtest.SignWebhook(secret, body))
		refs, err := github.ParseWebhook(h, body, secret)
		got := ""
		if len(refs) > 0 {
			got = refs[0].Type + ":" + refs[0].Key
		}
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %q", event, refs, err, want)
		}
	}
}
