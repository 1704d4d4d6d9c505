// Package githubtest is a local server that speaks GitHub's REST API, as
// far as the GitHub connector reads it, for tests, benchmarks and the demo.
// It answers with GitHub's wire format, modeled on the examples in GitHub's
// REST documentation: JSON bodies, Link pagination, "Branch not protected",
// the plan-limit 403 for private repositories on the free plan, 403/404 for
// features that are off, rate-limit headers and a secondary limit, ETags, and
// 401 without the token. Its Scenario is mutable, so a test changes a
// repository and collects again.
package githubtest

import (
	"crypto/sha1"
	"fmt"
	"sync"
	"time"
)

// Scenario is the organization the server pretends to be. Change it only
// through Update, which holds the lock.
type Scenario struct {
	mu sync.Mutex

	Token string // the token the server accepts
	Login string // who the token belongs to
	Owner bool   // the token is an organization owner's (two-factor state, outside collaborators)
	Admin bool   // the token reads repository administration (protection, security settings)
	// RulesetWriter: the token may edit rulesets, so GitHub shows their
	// bypass actors (to a read-only token it leaves them out).
	RulesetWriter bool
	Scopes        []string // a classic token's scopes (X-OAuth-Scopes); nil for a fine-grained token

	Org         Org
	Members     []Member
	Outside     []string
	Repos       []*Repo
	OrgRulesets []Ruleset

	// App, when set, lets a GitHub App installation sign in (see App).
	App *App
	// Now is the server's clock for App JWTs and token expiry; nil: time.Now.
	Now func() time.Time

	// SecondaryLimit makes the next N requests answer GitHub's secondary
	// rate limit (403 with Retry-After: 1).
	SecondaryLimit int

	requests     []string
	issued       map[string]time.Time // installation tokens and their expiry
	tokensIssued int
}

// Org is the organization's settings.
type Org struct {
	Login, Name, Plan           string // Plan: free, team, enterprise
	TwoFactorRequired           bool
	MembersCanCreatePublic      bool
	DefaultRepositoryPermission string
}

// Member is one member of the organization.
type Member struct {
	Login     string
	Admin     bool // an owner
	TwoFactor bool
}

// Repo is one repository.
type Repo struct {
	Name                     string
	Private, Archived, Fork  bool
	DefaultBranch            string
	PushedAt                 time.Time
	SecretScanning           string // enabled or disabled
	PushProtection           string
	DependabotSecurityUpdate string
	DependabotAlerts         bool // Dependabot alerts on
	SecretScanningAlertsOn   bool // secret scanning on (alerts readable)
	Classic                  *Classic
	Rulesets                 []Ruleset // the repository's own
	Alerts                   []Alert   // open Dependabot alerts
	SecretAlerts             int       // open secret-scanning alerts
	Pulls                    []Pull    // closed pull requests into the default branch
	Deployments              []Deployment
}

// Classic is classic branch protection of the default branch.
type Classic struct {
	Approvals                               int
	DismissStale, CodeOwners, EnforceAdmins bool
	AllowForcePushes, AllowDeletions        bool
	Checks                                  []string
}

// Ruleset is a branch ruleset targeting the default branch. An organization
// ruleset applies to the repositories named in Include ("~ALL" for all).
type Ruleset struct {
	ID             int64
	Name           string
	Include        []string
	Bypass         bool // has bypass actors (administrators may skip it)
	Approvals      int
	DismissStale   bool
	NonFastForward bool
	Deletion       bool
	Checks         []string
}

// Alert is an open Dependabot alert.
type Alert struct {
	Number   int
	Severity string // critical, high, medium, low
	Created  time.Time
	// State is "" or "open" for an open alert, or fixed, dismissed or
	// auto_dismissed; Closed is when it left the open state.
	State           string
	Closed          time.Time
	DismissedReason string // fix_started, inaccurate, no_bandwidth, not_used, tolerable_risk
	Package         string
}

// open reports whether the alert is open.
func (a Alert) open() bool { return a.State == "" || a.State == "open" }

// Pull is a closed pull request; MergedAt zero when closed unmerged.
type Pull struct {
	Number    int
	Author    string
	MergedAt  time.Time
	Approvers []string // logins with an APPROVED review
	// ApprovedAt is when each approval was submitted (by index); zero is an
	// hour before the merge.
	ApprovedAt []time.Time
	Labels     []string
	Title      string // "Change N" when empty
}

// MergeSHA is the commit a merged pull request left on the default branch.
func (p Pull) MergeSHA(repo string) string {
	return fmt.Sprintf("%x", sha1.Sum([]byte(fmt.Sprintf("%s#%d", repo, p.Number))))
}

// Deployment is a deployment of a commit to an environment with its latest
// status (success, failure, error, in_progress …; empty: no status yet).
type Deployment struct {
	ID          int64
	SHA         string
	Environment string
	Creator     string
	Created     time.Time
	State       string
}

// Update changes the scenario under its lock.
func (s *Scenario) Update(fn func(s *Scenario)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s)
}

// Repo returns the repository of that name (call inside Update).
func (s *Scenario) Repo(name string) *Repo {
	for _, r := range s.Repos {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Requests returns the paths requested so far (method and path with query).
func (s *Scenario) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// DefaultScenario is organization "northwind" on GitHub's free plan, as seen
// by an owner's fine-grained token "ghp_test". Its repositories show each
// case the connector must get right:
//
//   - api: public, protected only by an organization ruleset;
//   - web: public, classic protection with every setting, and a pull request
//     merged without an independent review;
//   - docs: public, not protected, a critical Dependabot alert open 45 days;
//   - billing: private on the free plan: protection answers 403;
//   - legacy: archived.
//
// Member "dana" has no two-factor authentication.
func DefaultScenario(now time.Time) *Scenario {
	day := 24 * time.Hour
	on := "enabled"
	s := &Scenario{
		Token: "ghp_test", Login: "attest-bot", Owner: true, Admin: true,
		Org: Org{Login: "northwind", Name: "Northwind Cloud", Plan: "free", TwoFactorRequired: false, MembersCanCreatePublic: false,
			DefaultRepositoryPermission: "read"},
		Members: []Member{
			{Login: "alice", Admin: true, TwoFactor: true},
			{Login: "bob", Admin: true, TwoFactor: true},
			{Login: "carol", TwoFactor: true},
			{Login: "dana", TwoFactor: false},
			{Login: "erin", TwoFactor: true},
		},
		Outside: []string{"contractor-x"},
		OrgRulesets: []Ruleset{{ID: 501, Name: "Protect main everywhere", Include: []string{"api"}, Approvals: 1, DismissStale: true,
			NonFastForward: true, Deletion: true, Checks: []string{"ci/test"}}},
		Repos: []*Repo{
			{Name: "api", DefaultBranch: "main", PushedAt: now.Add(-2 * time.Hour), SecretScanning: on, PushProtection: on,
				DependabotSecurityUpdate: on, DependabotAlerts: true, SecretScanningAlertsOn: true,
				// Closed alerts: one fixed in time, one dismissed as
				// inaccurate, one fixed late, one long before the window.
				Alerts: []Alert{
					{Number: 21, Severity: "critical", Created: now.Add(-40 * day), State: "fixed", Closed: now.Add(-33 * day), Package: "jsonwebtoken"},
					{Number: 22, Severity: "medium", Created: now.Add(-20 * day), State: "dismissed", Closed: now.Add(-19 * day), DismissedReason: "inaccurate", Package: "lodash"},
					{Number: 23, Severity: "high", Created: now.Add(-70 * day), State: "fixed", Closed: now.Add(-12 * day), Package: "express"},
					{Number: 19, Severity: "low", Created: now.Add(-200 * day), State: "fixed", Closed: now.Add(-150 * day), Package: "minimist"},
				},
				Pulls: []Pull{{Number: 41, Author: "carol", MergedAt: now.Add(-3 * day), Approvers: []string{"alice"}},
					{Number: 42, Author: "erin", Title: "Hotfix: restore login", MergedAt: now.Add(-2 * day), Labels: []string{"emergency"},
						Approvers: []string{"bob"}, ApprovedAt: []time.Time{now.Add(-2*day + 5*time.Hour)}}}},
			{Name: "web", DefaultBranch: "main", PushedAt: now.Add(-5 * time.Hour), SecretScanning: on, PushProtection: on,
				DependabotSecurityUpdate: "disabled", DependabotAlerts: true, SecretScanningAlertsOn: true,
				Classic: &Classic{Approvals: 2, DismissStale: true, CodeOwners: true, EnforceAdmins: true, Checks: []string{"build"}},
				Alerts:  []Alert{{Number: 7, Severity: "high", Created: now.Add(-5 * day)}},
				Pulls: []Pull{
					{Number: 12, Author: "erin", MergedAt: now.Add(-10 * day), Approvers: []string{"bob"}},
					{Number: 13, Author: "bob", MergedAt: now.Add(-4 * day), Approvers: []string{"bob"}}, // approved only by its author
				}},
			{Name: "docs", DefaultBranch: "main", PushedAt: now.Add(-30 * day), SecretScanning: "disabled", PushProtection: "disabled",
				DependabotSecurityUpdate: "disabled", DependabotAlerts: true, SecretScanningAlertsOn: false,
				Alerts: []Alert{{Number: 3, Severity: "critical", Created: now.Add(-45 * day)}}},
			{Name: "billing", Private: true, DefaultBranch: "main", PushedAt: now.Add(-day), SecretScanning: on, PushProtection: on,
				DependabotSecurityUpdate: on, DependabotAlerts: true, SecretScanningAlertsOn: true},
			{Name: "legacy", Archived: true, DefaultBranch: "master", PushedAt: now.Add(-400 * day), SecretScanning: "disabled",
				PushProtection: "disabled", DependabotSecurityUpdate: "disabled"},
		},
	}
	// Deployments of api to production: each merged pull request, a commit
	// that came from no pull request, a failed attempt; and one to staging.
	api := s.Repos[0]
	api.Deployments = []Deployment{
		{ID: 9001, SHA: api.Pulls[0].MergeSHA("api"), Environment: "production", Creator: "carol", Created: now.Add(-3*day + 30*time.Minute), State: "success"},
		{ID: 9002, SHA: api.Pulls[1].MergeSHA("api"), Environment: "production", Creator: "erin", Created: now.Add(-2*day + 10*time.Minute), State: "success"},
		{ID: 9003, SHA: "5d41402abc4b2a76b9719d911017c592aa1b2c3d", Environment: "production", Creator: "bob", Created: now.Add(-day), State: "success"},
		{ID: 9004, SHA: "7c211433f02071597741e6ff5a8ea34789abbf43", Environment: "production", Creator: "bob", Created: now.Add(-20 * time.Hour), State: "failure"},
		{ID: 9005, SHA: "7c211433f02071597741e6ff5a8ea34789abbf43", Environment: "staging", Creator: "bob", Created: now.Add(-21 * time.Hour), State: "success"},
	}
	return s
}
