package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v84/github"

	"github.com/attest-hq/attest"
)

// Reasons given for fields GitHub does not show.
const (
	reasonPlan        = "GitHub's plan for this organization does not offer branch protection or rulesets for private repositories (GitHub answered: Upgrade to GitHub Pro or make this repository public to enable this feature)"
	reasonNoAdmin     = "the token cannot read branch protection: it needs Administration: read on the repository"
	reasonOwner       = "GitHub shows two-factor state only to organization owners: use an owner's token"
	reasonSecurity    = "GitHub shows security settings only to repository administrators: the token needs Administration: read"
	reasonDependabot  = "Dependabot alerts are off for this repository, or the token lacks Dependabot alerts: read"
	reasonSecretAlert = "secret scanning is off for this repository, or the token lacks Secret scanning alerts: read"
	reasonAlertsRead  = "the token cannot read whether Dependabot alerts are on: it needs Administration: read"
	reasonBypass      = "GitHub shows who may bypass a ruleset only to tokens that can edit it, so whether its rules bind administrators cannot be read with a read-only token"
)

// Collect reads the organization, its members and its repositories; with
// req.Only, only the named resources (a webhook's).
func (c *Connector) Collect(ctx context.Context, req attest.CollectRequest) (attest.Collection, error) {
	s, err := c.session(req)
	if err != nil {
		return attest.Collection{}, err
	}
	if s.app != nil {
		// Sign in first, so that an App that cannot is one clear error
		// rather than every request's.
		if _, err := s.token(ctx); err != nil {
			return attest.Collection{Calls: int(s.calls.Load())}, err
		}
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	col := &collector{s: s, now: now, failed: map[string]string{}}
	wantOrg, repos := true, []string(nil)
	if len(req.Only) > 0 {
		wantOrg = false
		for _, r := range req.Only {
			switch r.Type {
			case TypeOrganization, TypeMember:
				wantOrg = true
			case TypeRepository:
				repos = append(repos, r.Key)
			}
		}
	}
	if wantOrg || len(req.Only) == 0 {
		if err := col.organization(ctx); err != nil {
			return attest.Collection{Calls: int(s.calls.Load())}, err
		}
	}
	switch {
	case len(req.Only) == 0:
		col.allRepositories(ctx)
	case len(repos) > 0:
		col.someRepositories(ctx, repos)
	}
	out := attest.Collection{Resources: col.resources, Calls: int(s.calls.Load()), Warnings: col.warnings}
	if len(col.failed) > 0 {
		out.Failed = col.failed
	}
	sort.Slice(out.Resources, func(i, j int) bool {
		if out.Resources[i].Type != out.Resources[j].Type {
			return out.Resources[i].Type < out.Resources[j].Type
		}
		return out.Resources[i].Key < out.Resources[j].Key
	})
	return out, nil
}

type collector struct {
	s   *session
	now time.Time

	mu        sync.Mutex
	resources []attest.Resource
	failed    map[string]string
	warnings  []string
	rulesets  map[string]int // "owner/repo#id" → bypassSome, bypassNone or bypassHidden
}

func (c *collector) add(r attest.Resource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resources = append(c.resources, r)
}

func (c *collector) fail(typ string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed[typ] = err.Error()
}

func (c *collector) warn(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
}

// organization collects the organization and its members. An organization
// GitHub will not show at all stops the collection: nothing else can be read.
func (c *collector) organization(ctx context.Context) error {
	login := c.s.set.org
	var org *gh.Organization
	err := c.s.call(ctx, func() (*gh.Response, error) {
		var resp *gh.Response
		var err error
		org, resp, err = c.s.gh.Organizations.Get(ctx, login)
		return resp, err
	})
	if err != nil {
		return describe(fmt.Sprintf("GET /orgs/%s", login), err)
	}
	data := map[string]any{"login": org.GetLogin(), "name": org.GetName(), "plan": ""}
	unavailable := map[string]string{}
	if org.Plan != nil {
		data["plan"] = org.Plan.GetName()
	}
	if org.TwoFactorRequirementEnabled != nil {
		data["two_factor_requirement_enabled"] = *org.TwoFactorRequirementEnabled
	} else {
		unavailable["two_factor_requirement_enabled"] = reasonOwner
	}
	if org.MembersCanCreatePublicRepos != nil {
		data["members_can_create_public_repositories"] = *org.MembersCanCreatePublicRepos
	} else {
		unavailable["members_can_create_public_repositories"] = "GitHub shows member privileges only to organization owners"
	}
	if org.DefaultRepoPermission != nil {
		data["default_repository_permission"] = *org.DefaultRepoPermission
	} else {
		unavailable["default_repository_permission"] = "GitHub shows the base permission only to organization owners"
	}

	members, err := c.listMembers(ctx, "all", "")
	if err != nil {
		c.fail(TypeMember, describe("GET /orgs/"+login+"/members", err))
		unavailable["owners"] = "the members could not be read: " + err.Error()
		unavailable["members_without_2fa"] = unavailable["owners"]
		unavailable["outside_collaborators"] = unavailable["owners"]
		c.add(attest.Resource{Type: TypeOrganization, Key: login, Data: data, Unavailable: unavailable})
		return nil
	}
	owners, err := c.listMembers(ctx, "admin", "")
	if err != nil {
		unavailable["owners"] = "the owners could not be read: " + message(err)
		owners = nil
	}
	data["owners"] = nonNil(owners)
	data["members"] = len(members)
	no2fa, err := c.listMembers(ctx, "all", "2fa_disabled")
	twoFAKnown := err == nil
	if twoFAKnown {
		data["members_without_2fa"] = nonNil(no2fa)
	} else if st := status(err); st == http.StatusForbidden || st == http.StatusUnprocessableEntity || st == http.StatusNotFound {
		unavailable["members_without_2fa"] = reasonOwner
	} else {
		unavailable["members_without_2fa"] = "the members without two-factor authentication could not be read: " + message(err)
	}
	var outside []string
	err = pages(ctx, c.s, func(page int) (*gh.Response, error) {
		users, resp, err := c.s.gh.Organizations.ListOutsideCollaborators(ctx, login, &gh.ListOutsideCollaboratorsOptions{ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
		for _, u := range users {
			outside = append(outside, u.GetLogin())
		}
		return resp, err
	})
	if err != nil {
		unavailable["outside_collaborators"] = "GitHub shows outside collaborators only to organization owners (" + message(err) + ")"
	} else {
		sort.Strings(outside)
		data["outside_collaborators"] = nonNil(outside)
	}
	if len(unavailable) == 0 {
		unavailable = nil
	}
	c.add(attest.Resource{Type: TypeOrganization, Key: login, Data: data, Unavailable: unavailable})

	for _, m := range members {
		role := "member"
		if slices.Contains(owners, m) {
			role = "admin"
		}
		r := attest.Resource{Type: TypeMember, Key: login + "/" + m, Data: map[string]any{"login": m, "role": role}}
		if twoFAKnown {
			r.Data["two_factor_enabled"] = !slices.Contains(no2fa, m)
		} else {
			r.Unavailable = map[string]string{"two_factor_enabled": reasonOwner}
		}
		c.add(r)
	}
	return nil
}

// listMembers lists member logins, sorted, by role and filter.
func (c *collector) listMembers(ctx context.Context, role, filter string) ([]string, error) {
	var out []string
	err := pages(ctx, c.s, func(page int) (*gh.Response, error) {
		users, resp, err := c.s.gh.Organizations.ListMembers(ctx, c.s.set.org, &gh.ListMembersOptions{Role: role, Filter: filter,
			ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
		for _, u := range users {
			out = append(out, u.GetLogin())
		}
		return resp, err
	})
	sort.Strings(out)
	return out, err
}

// allRepositories lists the organization's repositories and collects each.
func (c *collector) allRepositories(ctx context.Context) {
	var repos []*gh.Repository
	err := pages(ctx, c.s, func(page int) (*gh.Response, error) {
		rs, resp, err := c.s.gh.Repositories.ListByOrg(ctx, c.s.set.org, &gh.RepositoryListByOrgOptions{Type: "all",
			ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
		repos = append(repos, rs...)
		return resp, err
	})
	if err != nil {
		c.fail(TypeRepository, describe("GET /orgs/"+c.s.set.org+"/repos", err))
		return
	}
	c.repositories(ctx, repos)
}

// someRepositories collects the named repositories ("owner/name"); one that
// no longer exists yields nothing, so its results are removed.
func (c *collector) someRepositories(ctx context.Context, names []string) {
	var repos []*gh.Repository
	for _, full := range names {
		owner, name, ok := strings.Cut(full, "/")
		if !ok {
			continue
		}
		var repo *gh.Repository
		err := c.s.call(ctx, func() (*gh.Response, error) {
			var resp *gh.Response
			var err error
			repo, resp, err = c.s.gh.Repositories.Get(ctx, owner, name)
			return resp, err
		})
		if status(err) == http.StatusNotFound {
			continue
		}
		if err != nil {
			c.fail(TypeRepository, describe("GET /repos/"+full, err))
			return
		}
		repos = append(repos, repo)
	}
	c.repositories(ctx, repos)
}

// repositories collects each repository's details, four at a time.
func (c *collector) repositories(ctx context.Context, repos []*gh.Repository) {
	work := make(chan *gh.Repository)
	var wg sync.WaitGroup
	for range min(4, max(1, len(repos))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				c.add(c.repository(ctx, r))
			}
		}()
	}
	for _, r := range repos {
		work <- r
	}
	close(work)
	wg.Wait()
}

func (c *collector) repository(ctx context.Context, r *gh.Repository) attest.Resource {
	owner, name := r.GetOwner().GetLogin(), r.GetName()
	if owner == "" {
		owner = c.s.set.org
	}
	full := r.GetFullName()
	if full == "" {
		full = owner + "/" + name
	}
	data := map[string]any{
		"name": name, "full_name": full, "visibility": r.GetVisibility(), "default_branch": r.GetDefaultBranch(),
		"private": r.GetPrivate(), "archived": r.GetArchived(), "fork": r.GetFork(), "pushed_at": "",
	}
	if r.PushedAt != nil {
		data["pushed_at"] = r.PushedAt.UTC().Format(time.RFC3339)
	}
	if data["visibility"] == "" {
		data["visibility"] = map[bool]string{true: "private", false: "public"}[r.GetPrivate()]
	}
	res := attest.Resource{Type: TypeRepository, Key: full, Data: data, Unavailable: map[string]string{}}
	sa := r.GetSecurityAndAnalysis()
	for field, st := range map[string]func() string{
		"secret_scanning":                 func() string { return sa.GetSecretScanning().GetStatus() },
		"secret_scanning_push_protection": func() string { return sa.GetSecretScanningPushProtection().GetStatus() },
		"dependabot_security_updates":     func() string { return sa.GetDependabotSecurityUpdates().GetStatus() },
	} {
		if sa == nil {
			res.Unavailable[field] = reasonSecurity
			continue
		}
		v := st()
		if v == "" {
			v = "disabled" // GitHub leaves out a feature that is not on
		}
		data[field] = v
	}
	if r.GetArchived() {
		// Archived repositories are read-only: every test is not
		// applicable, so the calls below would only spend the rate limit.
		res.Unavailable = nilIfEmpty(res.Unavailable)
		return res
	}
	c.branch(ctx, owner, name, r.GetDefaultBranch(), &res)
	c.alerts(ctx, owner, name, &res)
	c.pulls(ctx, owner, name, r.GetDefaultBranch(), &res)
	c.deployments(ctx, owner, name, &res)
	res.Unavailable = nilIfEmpty(res.Unavailable)
	return res
}

// branch merges classic protection and every ruleset rule that applies to
// the default branch, whatever its source: a branch protected only by an
// organization ruleset is protected.
func (c *collector) branch(ctx context.Context, owner, repo, branch string, res *attest.Resource) {
	b := map[string]any{
		"name": branch, "protected": false, "sources": []string{}, "required_approvals": 0, "dismiss_stale_reviews": false,
		"require_code_owner_reviews": false, "applies_to_admins": false, "force_push_blocked": false, "deletion_blocked": false,
		"required_status_checks": []string{},
	}
	if branch == "" { // an empty repository has no branch to protect
		res.Data["branch"] = b
		return
	}
	var sources, checks []string
	approvals := 0
	var prot *gh.Protection
	err := c.s.call(ctx, func() (*gh.Response, error) {
		var resp *gh.Response
		var err error
		prot, resp, err = c.s.gh.Repositories.GetBranchProtection(ctx, owner, repo, branch)
		return resp, err
	})
	switch {
	case err == nil:
		sources = append(sources, "classic")
		if rv := prot.RequiredPullRequestReviews; rv != nil {
			approvals = rv.RequiredApprovingReviewCount
			b["dismiss_stale_reviews"] = rv.DismissStaleReviews
			b["require_code_owner_reviews"] = rv.RequireCodeOwnerReviews
		}
		b["applies_to_admins"] = prot.EnforceAdmins != nil && prot.EnforceAdmins.Enabled
		b["force_push_blocked"] = prot.AllowForcePushes == nil || !prot.AllowForcePushes.Enabled
		b["deletion_blocked"] = prot.AllowDeletions == nil || !prot.AllowDeletions.Enabled
		if sc := prot.RequiredStatusChecks; sc != nil {
			if sc.Checks != nil {
				for _, ch := range *sc.Checks {
					checks = append(checks, ch.Context)
				}
			}
			if sc.Contexts != nil {
				checks = append(checks, *sc.Contexts...)
			}
		}
	case errors.Is(err, gh.ErrBranchNotProtected):
	case planLimited(err):
		res.Unavailable["branch"] = reasonPlan
		return
	case status(err) == http.StatusForbidden:
		res.Unavailable["branch"] = reasonNoAdmin
		return
	case status(err) == http.StatusNotFound: // no such branch, or no access: nothing protects it that we can see
		c.warn("%s/%s: branch %s: %s", owner, repo, branch, message(err))
	default:
		res.Unavailable["branch"] = "branch protection could not be read: " + message(err)
		return
	}

	var rules *gh.BranchRules
	err = c.s.call(ctx, func() (*gh.Response, error) {
		var resp *gh.Response
		var err error
		rules, resp, err = c.s.gh.Repositories.GetRulesForBranch(ctx, owner, repo, branch, &gh.ListOptions{PerPage: 100})
		return resp, err
	})
	switch {
	case err == nil && rules != nil:
		ids := map[int64]bool{}
		note := func(m gh.BranchRuleMetadata) {
			switch m.RulesetSourceType {
			case gh.RulesetSourceTypeOrganization:
				sources = append(sources, "organization_ruleset")
			default:
				sources = append(sources, "repository_ruleset")
			}
			ids[m.RulesetID] = true
		}
		for _, r := range rules.PullRequest {
			note(r.BranchRuleMetadata)
			approvals = max(approvals, r.Parameters.RequiredApprovingReviewCount)
			if r.Parameters.DismissStaleReviewsOnPush {
				b["dismiss_stale_reviews"] = true
			}
			if r.Parameters.RequireCodeOwnerReview {
				b["require_code_owner_reviews"] = true
			}
		}
		for _, r := range rules.NonFastForward {
			note(*r)
			b["force_push_blocked"] = true
		}
		for _, r := range rules.Deletion {
			note(*r)
			b["deletion_blocked"] = true
		}
		for _, r := range rules.RequiredStatusChecks {
			note(r.BranchRuleMetadata)
			for _, ch := range r.Parameters.RequiredStatusChecks {
				checks = append(checks, ch.Context)
			}
		}
		for _, list := range [][]*gh.BranchRuleMetadata{rules.Creation, rules.RequiredLinearHistory, rules.RequiredSignatures} {
			for _, r := range list {
				note(*r)
			}
		}
		for _, r := range rules.Update {
			note(r.BranchRuleMetadata)
		}
		// A ruleset without bypass actors applies to administrators too.
		// GitHub shows a ruleset's bypass actors only to tokens that may edit
		// it: when it hides them, whether the rules bind administrators is
		// not known, and the field says so rather than guessing.
		hidden := false
		for id := range ids {
			switch c.bypass(ctx, owner, repo, id) {
			case bypassNone:
				b["applies_to_admins"] = true
			case bypassHidden:
				hidden = true
			}
		}
		if hidden && b["applies_to_admins"] != true {
			res.Unavailable["branch.applies_to_admins"] = reasonBypass
		}
	case planLimited(err):
		if len(sources) == 0 {
			res.Unavailable["branch"] = reasonPlan
			return
		}
	case err != nil:
		c.warn("%s/%s: rules for branch %s could not be read: %s", owner, repo, branch, message(err))
	}
	slices.Sort(checks)
	sources = uniq(sources)
	b["sources"] = sources
	b["protected"] = len(sources) > 0
	b["required_approvals"] = approvals
	b["required_status_checks"] = uniq(checks)
	res.Data["branch"] = b
}

// Who may bypass a ruleset.
const (
	bypassSome   = iota // some actors may bypass it
	bypassNone          // nobody may: it binds administrators too
	bypassHidden        // GitHub does not show it to this token
)

// bypass reads a ruleset's bypass actors once per collection. GitHub leaves
// out "bypass_actors" for a token that cannot edit the ruleset; an empty
// list means nobody may bypass it.
func (c *collector) bypass(ctx context.Context, owner, repo string, id int64) int {
	key := fmt.Sprintf("%s/%s#%d", owner, repo, id)
	c.mu.Lock()
	if v, ok := c.rulesets[key]; ok {
		c.mu.Unlock()
		return v
	}
	c.mu.Unlock()
	var rs *gh.RepositoryRuleset
	err := c.s.call(ctx, func() (*gh.Response, error) {
		var resp *gh.Response
		var err error
		rs, resp, err = c.s.gh.Repositories.GetRuleset(ctx, owner, repo, id, true)
		return resp, err
	})
	v := bypassSome
	switch {
	case err != nil:
		v = bypassHidden
		c.warn("%s/%s: ruleset %d could not be read to see who may bypass it: %s", owner, repo, id, message(err))
	case rs.BypassActors == nil:
		v = bypassHidden
	case len(rs.BypassActors) == 0:
		v = bypassNone
	}
	c.mu.Lock()
	if c.rulesets == nil {
		c.rulesets = map[string]int{}
	}
	c.rulesets[key] = v
	c.mu.Unlock()
	return v
}

// alerts reads whether Dependabot alerts are on, the open Dependabot alerts
// and the number of open secret-scanning alerts.
func (c *collector) alerts(ctx context.Context, owner, repo string, res *attest.Resource) {
	var on bool
	err := c.s.call(ctx, func() (*gh.Response, error) {
		var resp *gh.Response
		var err error
		on, resp, err = c.s.gh.Repositories.GetVulnerabilityAlerts(ctx, owner, repo)
		return resp, err
	})
	switch {
	case err == nil:
		res.Data["dependabot_alerts_enabled"] = on
	case status(err) == http.StatusNotFound:
		res.Data["dependabot_alerts_enabled"] = false
	default:
		res.Unavailable["dependabot_alerts_enabled"] = reasonAlertsRead
	}
	if v, ok := res.Data["dependabot_alerts_enabled"].(bool); ok && !v {
		res.Unavailable["dependabot_open_alerts"] = "Dependabot alerts are off for this repository"
		res.Unavailable["dependabot_alerts"] = "Dependabot alerts are off for this repository"
	} else {
		var open []any
		err = pages(ctx, c.s, func(page int) (*gh.Response, error) {
			as, resp, err := c.s.gh.Dependabot.ListRepoAlerts(ctx, owner, repo, &gh.ListAlertsOptions{State: gh.Ptr("open"),
				ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
			for _, a := range as {
				created := ""
				if a.CreatedAt != nil {
					created = a.CreatedAt.UTC().Format(time.RFC3339)
				}
				open = append(open, map[string]any{"number": a.GetNumber(), "severity": a.GetSecurityAdvisory().GetSeverity(), "created_at": created})
			}
			return resp, err
		})
		if err != nil {
			res.Unavailable["dependabot_open_alerts"] = reasonDependabot
		} else {
			res.Data["dependabot_open_alerts"] = nonNilAny(open)
		}
		c.alertHistory(ctx, owner, repo, res)
	}
	n := 0
	err = pages(ctx, c.s, func(page int) (*gh.Response, error) {
		as, resp, err := c.s.gh.SecretScanning.ListAlertsForRepo(ctx, owner, repo, &gh.SecretScanningAlertListOptions{State: "open",
			ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
		n += len(as)
		return resp, err
	})
	if err != nil {
		res.Unavailable["secret_scanning_open_alerts"] = reasonSecretAlert
	} else {
		res.Data["secret_scanning_open_alerts"] = n
	}
}

// alertHistory reads the Dependabot alerts opened within the pull request
// window, in every state, each with when and how it was closed: the
// vulnerabilities an audit's population takes. Listed newest first, the
// listing stops at the first alert older than the window.
func (c *collector) alertHistory(ctx context.Context, owner, repo string, res *attest.Resource) {
	cutoff := c.now.AddDate(0, 0, -c.s.set.prDays)
	stamp := func(t *gh.Timestamp) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	out := []any{}
	page := 1
	for page != 0 {
		var as []*gh.DependabotAlert
		var resp *gh.Response
		err := c.s.call(ctx, func() (*gh.Response, error) {
			var err error
			as, resp, err = c.s.gh.Dependabot.ListRepoAlerts(ctx, owner, repo, &gh.ListAlertsOptions{Sort: gh.Ptr("created"), Direction: gh.Ptr("desc"),
				ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
			return resp, err
		})
		if err != nil {
			res.Unavailable["dependabot_alerts"] = reasonDependabot
			return
		}
		page = resp.NextPage
		for _, a := range as {
			if a.CreatedAt == nil || a.CreatedAt.Before(cutoff) {
				page = 0 // newest first: the rest are older still
				break
			}
			closed := stamp(a.FixedAt)
			switch a.GetState() {
			case "dismissed":
				closed = stamp(a.DismissedAt)
			case "auto_dismissed":
				closed = stamp(a.AutoDismissedAt)
			}
			out = append(out, map[string]any{"number": a.GetNumber(), "state": a.GetState(), "severity": a.GetSecurityAdvisory().GetSeverity(),
				"package": a.GetDependency().GetPackage().GetName(), "advisory": a.GetSecurityAdvisory().GetGHSAID(),
				"created_at": stamp(a.CreatedAt), "closed_at": closed, "dismissed_reason": a.GetDismissedReason()})
		}
	}
	res.Data["dependabot_alerts"] = out
	// The span, not its start: a start would change with every run and
	// make an unchanged repository a new snapshot each time.
	res.Data["dependabot_alerts_days"] = c.s.set.prDays
}

// pulls reads the pull requests merged into the default branch within the
// window, and who approved each.
func (c *collector) pulls(ctx context.Context, owner, repo, base string, res *attest.Resource) {
	cutoff := c.now.AddDate(0, 0, -c.s.set.prDays)
	var merged []*gh.PullRequest
	page := 1
	for page != 0 {
		var prs []*gh.PullRequest
		var resp *gh.Response
		err := c.s.call(ctx, func() (*gh.Response, error) {
			var err error
			prs, resp, err = c.s.gh.PullRequests.List(ctx, owner, repo, &gh.PullRequestListOptions{State: "closed", Base: base,
				Sort: "updated", Direction: "desc", ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
			return resp, err
		})
		if err != nil {
			res.Unavailable["merged_pulls"] = "pull requests could not be read: the token needs Pull requests: read (" + message(err) + ")"
			return
		}
		old := false
		for _, pr := range prs {
			if pr.UpdatedAt != nil && pr.UpdatedAt.Before(cutoff) {
				old = true // sorted by update: the rest are older still
				break
			}
			if pr.MergedAt != nil && !pr.MergedAt.Before(cutoff) {
				merged = append(merged, pr)
			}
		}
		page = resp.NextPage
		if old {
			page = 0
		}
	}
	out := []any{}
	for _, pr := range merged {
		author := pr.GetUser().GetLogin()
		var approvers []string
		var approvedAt time.Time // the first independent approval
		err := pages(ctx, c.s, func(page int) (*gh.Response, error) {
			rs, resp, err := c.s.gh.PullRequests.ListReviews(ctx, owner, repo, pr.GetNumber(), &gh.ListOptions{Page: page, PerPage: 100})
			for _, r := range rs {
				if r.GetState() == "APPROVED" && r.GetUser().GetLogin() != author {
					approvers = append(approvers, r.GetUser().GetLogin())
					if at := r.GetSubmittedAt().Time; !at.IsZero() && (approvedAt.IsZero() || at.Before(approvedAt)) {
						approvedAt = at
					}
				}
			}
			return resp, err
		})
		if err != nil {
			res.Unavailable["merged_pulls"] = "reviews could not be read: the token needs Pull requests: read (" + message(err) + ")"
			return
		}
		approvers = uniq(approvers)
		labels := []string{}
		for _, l := range pr.Labels {
			labels = append(labels, l.GetName())
		}
		first := ""
		if !approvedAt.IsZero() {
			first = approvedAt.UTC().Format(time.RFC3339)
		}
		out = append(out, map[string]any{"number": pr.GetNumber(), "title": pr.GetTitle(), "author": author,
			"merged_at": pr.MergedAt.UTC().Format(time.RFC3339), "merge_commit_sha": pr.GetMergeCommitSHA(), "labels": labels,
			"approvers": nonNil(approvers), "independent_approval": len(approvers) > 0, "approved_at": first})
	}
	res.Data["merged_pulls"] = out
}

// deployments reads the deployments to the configured environment within
// the pull request window, each with its latest status. Only the state of a
// deployment tells whether the change reached the environment, so a
// deployment whose statuses cannot be read is left out with a warning
// rather than counted either way.
func (c *collector) deployments(ctx context.Context, owner, repo string, res *attest.Resource) {
	cutoff := c.now.AddDate(0, 0, -c.s.set.prDays)
	var found []*gh.Deployment
	page := 1
	for page != 0 {
		var ds []*gh.Deployment
		var resp *gh.Response
		err := c.s.call(ctx, func() (*gh.Response, error) {
			var err error
			ds, resp, err = c.s.gh.Repositories.ListDeployments(ctx, owner, repo, &gh.DeploymentsListOptions{
				Environment: c.s.set.deployEnv, ListOptions: gh.ListOptions{Page: page, PerPage: 100}})
			return resp, err
		})
		if err != nil {
			res.Unavailable["deployments"] = "deployments could not be read: the token needs Deployments: read (" + message(err) + ")"
			return
		}
		old := false
		for _, d := range ds {
			if d.GetCreatedAt().Time.Before(cutoff) {
				old = true // newest first: the rest are older still
				break
			}
			found = append(found, d)
		}
		page = resp.NextPage
		if old {
			page = 0
		}
	}
	out := []any{}
	for _, d := range found {
		var sts []*gh.DeploymentStatus
		err := c.s.call(ctx, func() (*gh.Response, error) {
			var resp *gh.Response
			var err error
			sts, resp, err = c.s.gh.Repositories.ListDeploymentStatuses(ctx, owner, repo, d.GetID(), &gh.ListOptions{PerPage: 1})
			return resp, err
		})
		if err != nil {
			c.warn("%s/%s: the status of deployment %d could not be read (%s); it is left out", owner, repo, d.GetID(), message(err))
			continue
		}
		state := "pending" // a deployment without a status has not reported yet
		if len(sts) > 0 {
			state = sts[0].GetState() // newest first
		}
		out = append(out, map[string]any{"id": d.GetID(), "sha": d.GetSHA(), "environment": d.GetEnvironment(),
			"creator": d.GetCreator().GetLogin(), "created_at": d.GetCreatedAt().UTC().Format(time.RFC3339), "state": state})
	}
	res.Data["deployments"] = out
}

// describe words an error of a whole call for Failed or the collection's
// error, naming the call and what GitHub said.
func describe(call string, err error) error {
	switch st := status(err); st {
	case http.StatusUnauthorized:
		return attest.Errorf(attest.EUNAUTHORIZED, "%s: GitHub refused the token (401 %s): check that it is valid and not expired", call, message(err))
	case http.StatusNotFound:
		return attest.Errorf(attest.ENOTFOUND, "%s: not found (404): check the organization's login, and that the token can see it", call)
	case http.StatusForbidden:
		return attest.Errorf(attest.EFORBIDDEN, "%s: forbidden (403 %s)", call, message(err))
	case 0:
		return fmt.Errorf("%s: %w", call, err)
	default:
		return fmt.Errorf("%s: GitHub answered %d %s", call, st, message(err))
	}
}

func uniq(s []string) []string {
	slices.Sort(s)
	return nonNil(slices.Compact(s))
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

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
