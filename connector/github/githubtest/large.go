package githubtest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// LargeScenario is a large company's GitHub organization as it stood at
// time at, on a timeline running from from to to: repos repositories and
// members members. Everything is derived from the index of a repository or
// member and the timeline, so the same arguments give the same organization,
// and a later at shows the same organization further along: repositories
// created, branch protection and secret scanning turned on, Dependabot
// alerts raised and fixed (some late), members joining, two-factor
// authentication required from the middle of the timeline. Nothing dated
// after at is shown. The token is "ghp_large".
func LargeScenario(from, to, at time.Time, repos, members int) *Scenario {
	span := to.Sub(from)
	when := func(f float64) time.Time { return from.Add(time.Duration(f * float64(span))) }
	day := 24 * time.Hour
	s := &Scenario{Token: "ghp_large", Login: "attest-audit", Owner: true, Admin: true,
		Org: Org{Login: "contoso", Name: "Contoso Scale", Plan: "enterprise", TwoFactorRequired: !at.Before(when(0.5)),
			DefaultRepositoryPermission: "read"},
		Now: func() time.Time { return at }}
	for i := range members {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		// Four in five were there at the start; the rest joined along the way.
		joined := 0.0
		if rng.IntN(5) == 0 {
			joined = rng.Float64()
		}
		if at.Before(when(joined)) {
			continue
		}
		s.Members = append(s.Members, Member{Login: fmt.Sprintf("dev%04d", i), Admin: i < 3,
			TwoFactor: rng.IntN(60) != 0 || !at.Before(when(0.5))})
	}
	severities := []string{"critical", "high", "medium", "low"}
	packages := []string{"lodash", "express", "jsonwebtoken", "golang.org/x/net", "requests", "urllib3", "log4j-core", "openssl"}
	for i := range repos {
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		created := 0.0
		if rng.IntN(4) == 0 {
			created = rng.Float64() * 0.9
		}
		if at.Before(when(created)) {
			continue
		}
		r := &Repo{Name: fmt.Sprintf("service-%03d", i), Private: true, DefaultBranch: "main",
			PushedAt:       at.Add(-time.Duration(rng.IntN(20*24)) * time.Hour),
			SecretScanning: "disabled", PushProtection: "disabled", DependabotSecurityUpdate: "disabled",
			DependabotAlerts: true, SecretScanningAlertsOn: false}
		// Most repositories gain protection and scanning at some point; a
		// few never do, and keep failing.
		if p := rng.Float64(); p < 0.9 && !at.Before(when(created+p*(1-created))) {
			r.Classic = &Classic{Approvals: 1 + rng.IntN(2), DismissStale: rng.IntN(2) == 0, CodeOwners: rng.IntN(3) == 0,
				EnforceAdmins: rng.IntN(3) != 0, Checks: []string{"ci/test"}}
		}
		if p := rng.Float64(); p < 0.85 && !at.Before(when(created+p*(1-created))) {
			r.SecretScanning, r.PushProtection, r.SecretScanningAlertsOn = "enabled", "enabled", true
			r.DependabotSecurityUpdate = "enabled"
		}
		if rng.IntN(40) == 0 && !at.Before(when(0.95)) {
			r.Archived = true
		}
		// Alerts along the timeline: each raised at some moment and, most
		// often, fixed some days later; critical ones faster.
		for a := range rng.IntN(8) {
			raised := when(created + rng.Float64()*(1-created))
			if at.Before(raised) {
				continue
			}
			sev := severities[rng.IntN(len(severities))]
			alert := Alert{Number: a + 1, Severity: sev, Created: raised, Package: packages[rng.IntN(len(packages))]}
			fixIn := time.Duration(3+rng.IntN(90)) * day
			if sev == "critical" {
				fixIn = time.Duration(1+rng.IntN(20)) * day
			}
			if rng.IntN(8) != 0 {
				if fixed := raised.Add(fixIn); !at.Before(fixed) {
					alert.State, alert.Closed = "fixed", fixed
				}
			}
			r.Alerts = append(r.Alerts, alert)
		}
		// The last quarter's merged pull requests, nearly all approved by
		// someone other than their author.
		for p := range rng.IntN(4) {
			author := fmt.Sprintf("dev%04d", rng.IntN(max(members, 1)))
			pull := Pull{Number: 1000 + p, Author: author, MergedAt: at.Add(-time.Duration(1+rng.IntN(89)) * day)}
			if rng.IntN(25) != 0 {
				pull.Approvers = []string{fmt.Sprintf("dev%04d", (rng.IntN(max(members, 1))+1)%max(members, 1))}
			}
			if len(pull.Approvers) == 1 && pull.Approvers[0] == author {
				pull.Approvers = nil
			}
			r.Pulls = append(r.Pulls, pull)
		}
		s.Repos = append(s.Repos, r)
	}
	return s
}

// Become makes s show what next shows (another moment of the same
// organization), under s's lock.
func (s *Scenario) Become(next *Scenario) {
	s.Update(func(s *Scenario) {
		s.Token, s.Login, s.Owner, s.Admin = next.Token, next.Login, next.Owner, next.Admin
		s.Org, s.Members, s.Outside, s.Repos, s.OrgRulesets, s.Now = next.Org, next.Members, next.Outside, next.Repos, next.OrgRulesets, next.Now
	})
}
