package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	gh "github.com/google/go-github/v84/github"

	"github.com/attest-hq/attest"
)

// Check verifies the credential and names each permission it lacks. For a
// token it makes the calls a collection makes and reads GitHub's answers:
// the token's identity, the organization, the owner-only two-factor list,
// and, on the first repository, branch protection, Dependabot and
// secret-scanning alerts and pull requests; classic tokens also list their
// scopes. A GitHub App's installation token states its permissions (see
// checkApp).
func (c *Connector) Check(ctx context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	s, err := c.session(req)
	if err != nil {
		return attest.CheckResult{}, err
	}
	var res attest.CheckResult
	missing := func(what string) {
		if !slices.Contains(res.Missing, what) {
			res.Missing = append(res.Missing, what)
		}
	}
	if s.app != nil {
		return c.checkApp(ctx, s)
	}
	user, resp, err := s.gh.Users.Get(ctx, "")
	if err != nil {
		if status(err) == http.StatusUnauthorized {
			res.Message = "GitHub refused the token (401 Bad credentials): it is wrong, revoked or expired"
			return res, nil
		}
		return res, describe("GET /user", err)
	}
	res.Identity = user.GetLogin()
	// A classic token says its scopes; a fine-grained token does not, and
	// its permissions show in the answers below.
	if scopes := resp.Header.Get("X-OAuth-Scopes"); resp.Header.Values("X-OAuth-Scopes") != nil {
		have := map[string]bool{}
		for _, sc := range strings.Split(scopes, ",") {
			have[strings.TrimSpace(sc)] = true
		}
		if !have["read:org"] && !have["admin:org"] && !have["write:org"] {
			missing("read:org scope (classic token)")
		}
		if !have["repo"] {
			missing("repo scope (classic token; needed for private repositories and branch protection)")
		}
		if !have["security_events"] && !have["repo"] {
			missing("security_events scope (classic token)")
		}
	}
	org := s.set.org
	if _, _, err := s.gh.Organizations.Get(ctx, org); err != nil {
		if status(err) == http.StatusNotFound {
			res.Message = fmt.Sprintf("signed in as %s, but organization %s is not visible to the token: check the login, and that the token was granted access to it", res.Identity, org)
			return res, nil
		}
		return res, describe("GET /orgs/"+org, err)
	}
	if _, _, err := s.gh.Organizations.ListMembers(ctx, org, &gh.ListMembersOptions{Filter: "2fa_disabled", ListOptions: gh.ListOptions{PerPage: 1}}); err != nil {
		missing("organization owner (GitHub shows members' two-factor state only to owners)")
	}
	if _, _, err := s.gh.Organizations.ListMembers(ctx, org, &gh.ListMembersOptions{ListOptions: gh.ListOptions{PerPage: 1}}); err != nil {
		missing("Members: read (organization)")
	}
	repos, _, err := s.gh.Repositories.ListByOrg(ctx, org, &gh.RepositoryListByOrgOptions{Type: "all", ListOptions: gh.ListOptions{PerPage: 10}})
	if err != nil {
		missing("Metadata: read (repositories)")
	}
	// Probe the first repository that is not archived.
	for _, r := range repos {
		if r.GetArchived() {
			continue
		}
		owner, name, branch := r.GetOwner().GetLogin(), r.GetName(), r.GetDefaultBranch()
		if owner == "" {
			owner = org
		}
		if branch != "" {
			_, _, err := s.gh.Repositories.GetBranchProtection(ctx, owner, name, branch)
			if err != nil && !errors.Is(err, gh.ErrBranchNotProtected) && !planLimited(err) && status(err) == http.StatusForbidden {
				missing("Administration: read (branch protection)")
			}
		}
		if _, _, err := s.gh.Dependabot.ListRepoAlerts(ctx, owner, name, &gh.ListAlertsOptions{ListOptions: gh.ListOptions{PerPage: 1}}); status(err) == http.StatusForbidden && !strings.Contains(strings.ToLower(message(err)), "disabled") {
			missing("Dependabot alerts: read")
		}
		if _, _, err := s.gh.SecretScanning.ListAlertsForRepo(ctx, owner, name, &gh.SecretScanningAlertListOptions{ListOptions: gh.ListOptions{PerPage: 1}}); status(err) == http.StatusForbidden && !strings.Contains(strings.ToLower(message(err)), "disabled") {
			missing("Secret scanning alerts: read")
		}
		if _, _, err := s.gh.PullRequests.List(ctx, owner, name, &gh.PullRequestListOptions{State: "closed", ListOptions: gh.ListOptions{PerPage: 1}}); status(err) == http.StatusForbidden {
			missing("Pull requests: read")
		}
		break
	}
	res.OK = len(res.Missing) == 0
	switch {
	case res.OK:
		res.Message = fmt.Sprintf("signed in as %s; the token reads everything Attest collects from %s", res.Identity, org)
	default:
		res.Message = fmt.Sprintf("signed in as %s; the token lacks %d permission(s): tests that need them will be unverifiable", res.Identity, len(res.Missing))
	}
	return res, nil
}

// checkApp checks a GitHub App connection. An installation token says which
// permissions the installation was granted, so they are read from it rather
// than probed; the organization is then read to prove the token works.
func (c *Connector) checkApp(ctx context.Context, s *session) (attest.CheckResult, error) {
	var res attest.CheckResult
	if _, err := s.token(ctx); err != nil {
		res.Message = err.Error()
		return res, nil
	}
	perms, selection, installation := s.app.state()
	res.Identity = fmt.Sprintf("GitHub App %s (installation %d)", s.app.appID, installation)
	for _, p := range appPermissions {
		if perms[p.key] == "" { // "read" or "write" both read
			res.Missing = append(res.Missing, p.label)
		}
	}
	org := s.set.org
	if _, _, err := s.gh.Organizations.Get(ctx, org); err != nil {
		if status(err) == http.StatusNotFound {
			res.Message = fmt.Sprintf("signed in as %s, but organization %s is not visible to it: the installation belongs to another account", res.Identity, org)
			return res, nil
		}
		return res, describe("GET /orgs/"+org, err)
	}
	res.OK = len(res.Missing) == 0
	scope := "every repository"
	if selection == "selected" {
		scope = "only the repositories selected for the installation; others are not collected"
	}
	switch {
	case res.OK:
		res.Message = fmt.Sprintf("signed in as %s; the installation reads everything Attest collects from %s (%s)", res.Identity, org, scope)
	default:
		res.Message = fmt.Sprintf("signed in as %s; the installation lacks %d permission(s): tests that need them will be unverifiable (%s)", res.Identity, len(res.Missing), scope)
	}
	return res, nil
}
