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
}

// Pull is a closed pull request; MergedAt zero when closed unmerged.
type Pull struct {
	Number    int
	Author    string
	MergedAt  time.Time
	Approvers []string // logins with an APPROVED review
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
	return &Scenario{
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
				Pulls: []Pull{{Number: 41, Author: "carol", MergedAt: now.Add(-3 * day), Approvers: []string{"alice"}}}},
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
}
