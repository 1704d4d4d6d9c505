package githubtest

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Server is a running local GitHub API; URL ends with "/" and is what the
// connector's base_url setting takes.
type Server struct {
	*httptest.Server
	URL      string
	Scenario *Scenario
}

// NewServer starts a server for the scenario on a loopback port.
func NewServer(s *Scenario) *Server {
	srv := httptest.NewServer(Handler(s))
	return &Server{Server: srv, URL: srv.URL + "/", Scenario: s}
}

// Handler serves the scenario as GitHub's REST API at the root path.
func Handler(s *Scenario) http.Handler { return &api{s: s} }

type api struct {
	s    *Scenario
	link string // the Link header of the answer being built (under the scenario's lock)
	// What the current request's credential may see (under the lock).
	owner, admin bool
	denied       string // GitHub's 403 message for a missing permission
}

// ghError writes GitHub's error body.
func ghError(w http.ResponseWriter, status int, msg, doc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest" + doc})
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	reset := time.Now().Add(time.Hour).Unix()
	w.Header().Set("X-RateLimit-Limit", "5000")
	// The quota counts down and starts again every 4,000 requests, as if an
	// hour had passed: a long test run must not exhaust it by accident.
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(4999-len(s.requests)%4000))
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	w.Header().Set("X-RateLimit-Resource", "core")
	w.Header().Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		token, _ = strings.CutPrefix(auth, "token ")
	}
	// Who is asking decides what GitHub shows: a personal token as the
	// scenario says; an App installation by its permissions.
	a.owner, a.admin, a.denied = s.Owner, s.Admin, "Resource not accessible by personal access token"
	switch exp, issued := s.issued[token]; {
	case token != "" && isJWT(token) && s.App != nil:
		if ok, msg := s.checkJWT(token); !ok {
			ghError(w, http.StatusUnauthorized, msg, "")
			return
		}
		a.write(w, r, a.appRoute)
		return
	case issued:
		if !s.clock().Before(exp) {
			ghError(w, http.StatusUnauthorized, "Bad credentials", "")
			return
		}
		p := s.App.Permissions
		a.owner = p["organization_administration"] != "" && p["members"] != ""
		a.admin = p["administration"] != ""
		a.denied = "Resource not accessible by integration"
		if r.URL.Path == "/user" {
			ghError(w, http.StatusForbidden, a.denied, "/users/users#get-the-authenticated-user")
			return
		}
		if p["deployments"] == "" && strings.Contains(r.URL.Path, "/deployments") {
			ghError(w, http.StatusForbidden, a.denied, "/deployments/deployments")
			return
		}
		if p["members"] == "" && strings.HasPrefix(r.URL.Path, "/orgs/"+s.Org.Login+"/members") {
			ghError(w, http.StatusForbidden, a.denied, "/orgs/members")
			return
		}
	case token == "" || token != s.Token:
		ghError(w, http.StatusUnauthorized, "Bad credentials", "")
		return
	}
	if s.SecondaryLimit > 0 {
		s.SecondaryLimit--
		w.Header().Set("Retry-After", "1")
		ghError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
		return
	}
	if s.Scopes != nil {
		w.Header().Set("X-OAuth-Scopes", strings.Join(s.Scopes, ", "))
	}
	if r.Method != http.MethodGet {
		ghError(w, http.StatusNotFound, "Not Found", "")
		return
	}
	a.write(w, r, a.route)
}

// write answers r with route's status and body, with GitHub's Link and
// ETag headers.
func (a *api) write(w http.ResponseWriter, r *http.Request, route func(*http.Request) (int, []byte)) {
	a.link = ""
	status, body := route(r)
	if a.link != "" {
		w.Header().Set("Link", a.link)
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if status >= 400 {
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(status)
	w.Write(body)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func errBody(msg, doc string) []byte {
	return mustJSON(map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest" + doc})
}

var notFound = errBody("Not Found", "")

// route answers one GET; it runs under the scenario's lock.
func (a *api) route(r *http.Request) (int, []byte) {
	s := a.s
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	org := s.Org.Login
	switch {
	case len(parts) == 1 && parts[0] == "user":
		return 200, mustJSON(map[string]any{"login": s.Login, "id": 9001, "type": "User", "site_admin": false})
	case len(parts) >= 2 && parts[0] == "orgs":
		if parts[1] != org {
			return 404, notFound
		}
		return a.orgRoute(r, parts[2:], q)
	case len(parts) >= 3 && parts[0] == "repos":
		if parts[1] != org {
			return 404, notFound
		}
		repo := s.Repo(parts[2])
		if repo == nil {
			return 404, notFound
		}
		return a.repoRoute(r, repo, parts[3:], q)
	}
	return 404, notFound
}

func user(login string) map[string]any {
	return map[string]any{"login": login, "id": len(login)*1000 + int(login[0]), "type": "User", "site_admin": false,
		"url": "https://api.github.com/users/" + login}
}

func (a *api) orgRoute(r *http.Request, rest []string, q map[string][]string) (int, []byte) {
	s := a.s
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if len(rest) == 0 {
		o := map[string]any{"login": s.Org.Login, "id": 4242, "name": s.Org.Name, "type": "Organization",
			"public_repos": 0, "total_private_repos": 0}
		if a.owner {
			o["plan"] = map[string]any{"name": s.Org.Plan, "space": 976562499, "private_repos": 10000}
			o["two_factor_requirement_enabled"] = s.Org.TwoFactorRequired
			o["members_can_create_public_repositories"] = s.Org.MembersCanCreatePublic
			o["default_repository_permission"] = s.Org.DefaultRepositoryPermission
		}
		return 200, mustJSON(o)
	}
	switch rest[0] {
	case "members":
		if get("filter") == "2fa_disabled" && !a.owner {
			return 403, errBody("You must be an organization owner to filter by two-factor authentication.", "/orgs/members")
		}
		var out []any
		for _, m := range s.Members {
			switch {
			case get("role") == "admin" && !m.Admin, get("role") == "member" && m.Admin:
				continue
			case get("filter") == "2fa_disabled" && m.TwoFactor:
				continue
			}
			out = append(out, user(m.Login))
		}
		return a.page(r, out)
	case "outside_collaborators":
		if !a.owner {
			return 403, errBody("You must be an organization owner to list outside collaborators.", "/orgs/outside-collaborators")
		}
		var out []any
		for _, l := range s.Outside {
			out = append(out, user(l))
		}
		return a.page(r, out)
	case "repos":
		var out []any
		for _, repo := range s.Repos {
			out = append(out, a.repoJSON(repo))
		}
		return a.page(r, out)
	}
	return 404, notFound
}

func (a *api) repoJSON(repo *Repo) map[string]any {
	s := a.s
	vis := "public"
	if repo.Private {
		vis = "private"
	}
	full := s.Org.Login + "/" + repo.Name
	out := map[string]any{
		"id": 1000 + len(repo.Name), "name": repo.Name, "full_name": full, "private": repo.Private, "visibility": vis,
		"owner": map[string]any{"login": s.Org.Login, "type": "Organization"}, "archived": repo.Archived, "fork": repo.Fork,
		"default_branch": repo.DefaultBranch, "pushed_at": repo.PushedAt.UTC().Format(time.RFC3339),
		"html_url": "https://github.com/" + full,
	}
	if a.admin {
		status := func(v string) map[string]string { return map[string]string{"status": v} }
		out["security_and_analysis"] = map[string]any{"secret_scanning": status(repo.SecretScanning),
			"secret_scanning_push_protection": status(repo.PushProtection), "dependabot_security_updates": status(repo.DependabotSecurityUpdate)}
	}
	return out
}

// planHides reports the free plan's refusal of protection on private repositories.
func (a *api) planHides(repo *Repo) bool { return repo.Private && a.s.Org.Plan == "free" }

var planBody = errBody("Upgrade to GitHub Pro or make this repository public to enable this feature.", "/branches/branch-protection")

func (a *api) repoRoute(r *http.Request, repo *Repo, rest []string, q map[string][]string) (int, []byte) {
	s := a.s
	full := s.Org.Login + "/" + repo.Name
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if len(rest) == 0 {
		return 200, mustJSON(a.repoJSON(repo))
	}
	switch {
	case len(rest) == 3 && rest[0] == "branches" && rest[2] == "protection":
		switch {
		case !a.admin:
			return 403, errBody(a.denied, "/branches/branch-protection")
		case a.planHides(repo):
			return 403, planBody
		case rest[1] != repo.DefaultBranch || repo.Classic == nil:
			return 404, errBody("Branch not protected", "/branches/branch-protection#get-branch-protection")
		}
		c := repo.Classic
		base := "https://api.github.com/repos/" + full + "/branches/" + repo.DefaultBranch + "/protection"
		var checks []any
		for _, ch := range c.Checks {
			checks = append(checks, map[string]any{"context": ch, "app_id": nil})
		}
		return 200, mustJSON(map[string]any{
			"url": base,
			"required_status_checks": map[string]any{"url": base + "/required_status_checks", "strict": true,
				"contexts": nonNil(c.Checks), "checks": nonNilAny(checks)},
			"required_pull_request_reviews": map[string]any{"url": base + "/required_pull_request_reviews",
				"dismiss_stale_reviews": c.DismissStale, "require_code_owner_reviews": c.CodeOwners,
				"required_approving_review_count": c.Approvals, "require_last_push_approval": false},
			"enforce_admins":                   map[string]any{"url": base + "/enforce_admins", "enabled": c.EnforceAdmins},
			"required_linear_history":          map[string]any{"enabled": false},
			"allow_force_pushes":               map[string]any{"enabled": c.AllowForcePushes},
			"allow_deletions":                  map[string]any{"enabled": c.AllowDeletions},
			"block_creations":                  map[string]any{"enabled": false},
			"required_conversation_resolution": map[string]any{"enabled": false},
			"lock_branch":                      map[string]any{"enabled": false},
			"allow_fork_syncing":               map[string]any{"enabled": false},
		})
	case len(rest) == 3 && rest[0] == "rules" && rest[1] == "branches":
		if a.planHides(repo) {
			return 403, planBody
		}
		var out []any
		if rest[2] == repo.DefaultBranch {
			for _, rs := range repo.Rulesets {
				out = append(out, rules(rs, "Repository", full)...)
			}
			for _, rs := range s.OrgRulesets {
				if slices.Contains(rs.Include, repo.Name) || slices.Contains(rs.Include, "~ALL") {
					out = append(out, rules(rs, "Organization", s.Org.Login)...)
				}
			}
		}
		return a.page(r, out)
	case len(rest) == 2 && rest[0] == "rulesets":
		id, _ := strconv.ParseInt(rest[1], 10, 64)
		for _, src := range []struct {
			sets       []Ruleset
			typ, named string
		}{{repo.Rulesets, "Repository", full}, {s.OrgRulesets, "Organization", s.Org.Login}} {
			for _, rs := range src.sets {
				if rs.ID == id && (src.typ == "Repository" || get("includes_parents") == "true") {
					var bypass []any
					if rs.Bypass {
						bypass = append(bypass, map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"})
					}
					out := map[string]any{"id": rs.ID, "name": rs.Name, "target": "branch", "source_type": src.typ,
						"source": src.named, "enforcement": "active",
						"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}}}
					if s.RulesetWriter { // GitHub shows bypass actors only to those who may edit the ruleset
						out["bypass_actors"] = nonNilAny(bypass)
					}
					return 200, mustJSON(out)
				}
			}
		}
		return 404, notFound
	case len(rest) == 1 && rest[0] == "vulnerability-alerts":
		if !a.admin {
			return 403, errBody(a.denied, "/repos/repos#check-if-vulnerability-alerts-are-enabled-for-a-repository")
		}
		if repo.DependabotAlerts {
			return http.StatusNoContent, nil
		}
		return 404, notFound
	case len(rest) == 2 && rest[0] == "dependabot" && rest[1] == "alerts":
		if !repo.DependabotAlerts {
			return 403, errBody("Dependabot alerts are disabled for this repository.", "/dependabot/alerts")
		}
		// state is a comma-separated list of states (all when absent);
		// sort=created orders by creation, newest first unless
		// direction=asc (GitHub's default order is also by creation).
		alerts := slices.Clone(repo.Alerts)
		slices.SortStableFunc(alerts, func(x, y Alert) int { return y.Created.Compare(x.Created) })
		if get("direction") == "asc" {
			slices.Reverse(alerts)
		}
		var out []any
		for _, al := range alerts {
			state := al.State
			if al.open() {
				state = "open"
			}
			if st := get("state"); st != "" && !slices.Contains(strings.Split(st, ","), state) {
				continue
			}
			stamp := func(t time.Time) any {
				if t.IsZero() {
					return nil
				}
				return t.UTC().Format(time.RFC3339)
			}
			updated := al.Created
			var fixed, dismissed, auto time.Time
			switch state {
			case "fixed":
				fixed, updated = al.Closed, al.Closed
			case "dismissed":
				dismissed, updated = al.Closed, al.Closed
			case "auto_dismissed":
				auto, updated = al.Closed, al.Closed
			}
			var reason any
			if state == "dismissed" {
				reason = al.DismissedReason
			}
			pkg := cmp.Or(al.Package, "left-pad")
			out = append(out, map[string]any{"number": al.Number, "state": state, "created_at": stamp(al.Created),
				"updated_at": stamp(updated), "fixed_at": stamp(fixed), "dismissed_at": stamp(dismissed), "auto_dismissed_at": stamp(auto),
				"dismissed_reason": reason, "dismissed_comment": nil,
				"dependency": map[string]any{"package": map[string]any{"ecosystem": "npm", "name": pkg}, "manifest_path": "package-lock.json", "scope": "runtime"},
				"security_advisory": map[string]any{"ghsa_id": fmt.Sprintf("GHSA-test-%04d", al.Number), "severity": al.Severity,
					"summary": "A vulnerable dependency"},
				"security_vulnerability": map[string]any{"severity": al.Severity, "package": map[string]any{"ecosystem": "npm", "name": pkg}},
				"html_url":               fmt.Sprintf("https://github.com/%s/%s/security/dependabot/%d", a.s.Org.Login, repo.Name, al.Number)})
		}
		return a.page(r, out)
	case len(rest) == 2 && rest[0] == "secret-scanning" && rest[1] == "alerts":
		if !repo.SecretScanningAlertsOn {
			return 404, errBody("Secret scanning is disabled on this repository.", "/secret-scanning/secret-scanning")
		}
		var out []any
		for i := range repo.SecretAlerts {
			out = append(out, map[string]any{"number": i + 1, "state": "open", "secret_type": "github_personal_access_token"})
		}
		return a.page(r, out)
	case len(rest) == 1 && rest[0] == "pulls":
		if get("base") != "" && get("base") != repo.DefaultBranch {
			return a.page(r, nil)
		}
		pulls := slices.Clone(repo.Pulls)
		slices.SortFunc(pulls, func(x, y Pull) int { return y.MergedAt.Compare(x.MergedAt) }) // updated, newest first
		var out []any
		for _, p := range pulls {
			title := p.Title
			if title == "" {
				title = fmt.Sprintf("Change %d", p.Number)
			}
			labels := []any{}
			for i, l := range p.Labels {
				labels = append(labels, map[string]any{"id": 700 + i, "name": l, "color": "ededed", "default": false})
			}
			pr := map[string]any{"number": p.Number, "state": "closed", "title": title,
				"user": user(p.Author), "base": map[string]any{"ref": repo.DefaultBranch}, "merged_at": nil, "merge_commit_sha": nil,
				"labels": labels, "html_url": fmt.Sprintf("https://github.com/%s/pull/%d", full, p.Number),
				"closed_at": p.MergedAt.UTC().Format(time.RFC3339), "updated_at": p.MergedAt.UTC().Format(time.RFC3339)}
			if !p.MergedAt.IsZero() {
				pr["merged_at"] = p.MergedAt.UTC().Format(time.RFC3339)
				pr["merge_commit_sha"] = p.MergeSHA(repo.Name)
			}
			out = append(out, pr)
		}
		return a.page(r, out)
	case len(rest) == 1 && rest[0] == "deployments":
		deps := slices.Clone(repo.Deployments)
		slices.SortFunc(deps, func(x, y Deployment) int { return y.Created.Compare(x.Created) }) // newest first
		var out []any
		for _, d := range deps {
			if env := get("environment"); env != "" && env != d.Environment {
				continue
			}
			if sha := get("sha"); sha != "" && sha != d.SHA {
				continue
			}
			at := d.Created.UTC().Format(time.RFC3339)
			out = append(out, map[string]any{"id": d.ID, "sha": d.SHA, "ref": repo.DefaultBranch, "task": "deploy",
				"environment": d.Environment, "creator": user(d.Creator), "created_at": at, "updated_at": at,
				"statuses_url": fmt.Sprintf("https://api.github.com/repos/%s/deployments/%d/statuses", full, d.ID)})
		}
		return a.page(r, out)
	case len(rest) == 3 && rest[0] == "deployments" && rest[2] == "statuses":
		id, _ := strconv.ParseInt(rest[1], 10, 64)
		for _, d := range repo.Deployments {
			if d.ID != id {
				continue
			}
			var out []any
			if d.State != "" {
				at := d.Created.Add(2 * time.Minute).UTC().Format(time.RFC3339)
				out = append(out, map[string]any{"id": id*10 + 1, "state": d.State, "environment": d.Environment,
					"creator": user(d.Creator), "created_at": at, "updated_at": at})
			}
			return a.page(r, out)
		}
		return 404, notFound
	case len(rest) == 3 && rest[0] == "pulls" && rest[2] == "reviews":
		n, _ := strconv.Atoi(rest[1])
		for _, p := range repo.Pulls {
			if p.Number != n {
				continue
			}
			var out []any
			for i, who := range p.Approvers {
				at := p.MergedAt.Add(-time.Hour)
				if i < len(p.ApprovedAt) && !p.ApprovedAt[i].IsZero() {
					at = p.ApprovedAt[i]
				}
				out = append(out, map[string]any{"id": n*100 + i, "user": user(who), "state": "APPROVED", "body": "",
					"submitted_at": at.UTC().Format(time.RFC3339), "commit_id": p.MergeSHA(repo.Name)})
			}
			return a.page(r, out)
		}
		return 404, notFound
	}
	return 404, notFound
}

// rules lists a ruleset's rules as GET /repos/{o}/{r}/rules/branches/{b} does.
func rules(rs Ruleset, sourceType, source string) []any {
	meta := func(typ string, params any) map[string]any {
		m := map[string]any{"type": typ, "ruleset_source_type": sourceType, "ruleset_source": source, "ruleset_id": rs.ID}
		if params != nil {
			m["parameters"] = params
		}
		return m
	}
	var out []any
	if rs.Approvals > 0 || rs.DismissStale {
		out = append(out, meta("pull_request", map[string]any{"required_approving_review_count": rs.Approvals,
			"dismiss_stale_reviews_on_push": rs.DismissStale, "require_code_owner_review": false, "require_last_push_approval": false,
			"required_review_thread_resolution": false, "allowed_merge_methods": []string{"merge", "squash", "rebase"}}))
	}
	if rs.NonFastForward {
		out = append(out, meta("non_fast_forward", nil))
	}
	if rs.Deletion {
		out = append(out, meta("deletion", nil))
	}
	if len(rs.Checks) > 0 {
		var checks []any
		for _, c := range rs.Checks {
			checks = append(checks, map[string]any{"context": c})
		}
		out = append(out, meta("required_status_checks", map[string]any{"required_status_checks": checks,
			"strict_required_status_checks_policy": false}))
	}
	return out
}

// page answers one page of a list with GitHub's Link header: per_page
// (default 30, at most 100) and page (from 1).
func (a *api) page(r *http.Request, items []any) (int, []byte) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	last := max(1, (len(items)+per-1)/per)
	start := min((page-1)*per, len(items))
	end := min(start+per, len(items))
	link := func(p int, rel string) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		qv := u.Query()
		qv.Set("page", strconv.Itoa(p))
		qv.Set("per_page", strconv.Itoa(per))
		u.RawQuery = qv.Encode()
		return fmt.Sprintf(`<%s>; rel="%s"`, u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	body := mustJSON(nonNilAny(items[start:end]))
	a.link = strings.Join(links, ", ")
	return 200, body
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilAny(s []any) []any {
	if s == nil {
		return []any{}
	}
	return s
}

// SignWebhook returns GitHub's X-Hub-Signature-256 value for a body.
func SignWebhook(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Deliver posts a signed webhook delivery of event with payload to url, as
// GitHub does.
func Deliver(client *http.Client, url string, secret []byte, event string, payload any) (*http.Response, error) {
	body := mustJSON(payload)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/test")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("%d", time.Now().UnixNano()))
	req.Header.Set("X-Hub-Signature-256", SignWebhook(secret, body))
	if client == nil {
		client = http.DefaultClient
	}
	return client.Do(req)
}

// PushPayload is a minimal push event for a repository of the scenario.
func PushPayload(org, repo string) map[string]any {
	return map[string]any{"ref": "refs/heads/main", "repository": map[string]any{"name": repo, "full_name": org + "/" + repo},
		"organization": map[string]any{"login": org}, "sender": map[string]any{"login": "alice"}}
}
