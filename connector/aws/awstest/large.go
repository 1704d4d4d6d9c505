package awstest

import (
	"fmt"
	"time"
)

// LargeScenario is an account of about n resources for benchmarks, spread
// as a large company's would be: a fifth IAM users (one credential report
// for all), 6% customer-managed policies, 2% buckets, and the rest security
// groups, EBS snapshots and RDS instances shared evenly among the regions,
// each region with GuardDuty on. Lists come in AWS's largest pages.
func LargeScenario(now time.Time, n int, regions []string) *Scenario {
	day := 24 * time.Hour
	sc := &Scenario{Now: now, CallerARN: "arn:aws:iam::" + Account + ":user/attest-audit", RootMFA: true,
		AccountBlock: AllOn, Regions: map[string]*Region{}, PageSize: 1000,
		PasswordPolicy: &PasswordPolicy{MinLength: 14, Symbols: true, Numbers: true, Uppercase: true, Lowercase: true, ReusePrevention: 24}}
	for i := range n / 5 {
		sc.Users = append(sc.Users, User{Name: fmt.Sprintf("user-%05d", i), Created: now.Add(-400 * day), Password: i%2 == 0,
			PasswordLastUsed: now.Add(-time.Duration(i%120) * day), MFA: i%7 != 0,
			Keys: []Key{{Active: true, LastRotated: now.Add(-time.Duration(i%200) * day), LastUsed: now.Add(-day)}}})
	}
	for i := range n * 6 / 100 {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}`
		if i%50 == 0 {
			doc = AdminDocument
		}
		sc.Policies = append(sc.Policies, Policy{Name: fmt.Sprintf("policy-%05d", i), Attachments: 1, Document: doc})
	}
	for i := range n * 2 / 100 {
		b := Bucket{Name: fmt.Sprintf("bucket-%05d", i), Region: regions[i%len(regions)], Encryption: "AES256", Policy: TLSPolicy}
		if i%10 == 0 {
			b.PolicyPublic, b.ACLPublic = true, true
		}
		sc.Buckets = append(sc.Buckets, b)
	}
	per := (n - len(sc.Users) - len(sc.Policies) - len(sc.Buckets)) / (3 * len(regions))
	for r, name := range regions {
		reg := &Region{EBSEncryptionByDefault: r%2 == 0, Detectors: []Detector{{ID: fmt.Sprintf("%032d", r), Status: "ENABLED"}}}
		for i := range per {
			id := fmt.Sprintf("%d%016x", r, i)
			reg.SecurityGroups = append(reg.SecurityGroups, SecurityGroup{ID: "sg-" + id, Name: "group-" + id, VPC: "vpc-0f1e2d3c",
				Inbound: []Rule{{Protocol: "tcp", From: 443, To: 443, CIDRs: []string{"0.0.0.0/0"}}, {Protocol: "tcp", From: 22, To: 22, CIDRs: []string{"10.0.0.0/8"}}}})
			reg.Snapshots = append(reg.Snapshots, Snapshot{ID: "snap-" + id, Volume: "vol-" + id, Encrypted: i%3 != 0, Public: i%500 == 0})
			reg.DBInstances = append(reg.DBInstances, DBInstance{ID: "db-" + id, Engine: "postgres", Class: "db.t4g.medium",
				Encrypted: i%4 != 0, BackupRetention: 7, DeletionProtection: i%2 == 0})
		}
		sc.Regions[name] = reg
	}
	return sc
}

// LargeScenarioAt is LargeScenario as it stood at time at, on a timeline
// running from from to to: the account's findings are fixed along the way, so
// a collection at an earlier moment sees more of them. An unencrypted
// snapshot, a bucket without default encryption, a user without MFA or an
// RDS instance without deletion protection at to was, for a share of them,
// fixed between from and to (derived from its index, so the same arguments
// give the same account); before that moment it shows the finding. The
// count of resources is the same at every moment.
func LargeScenarioAt(from, to, at time.Time, n int, regions []string) *Scenario {
	sc := LargeScenario(at, n, regions)
	span := to.Sub(from)
	// open reports whether the finding of resource i, fixed at a moment
	// derived from i, was still open at at.
	open := func(i int) bool {
		f := float64((i*7919)%1000) / 1000
		return at.Before(from.Add(time.Duration(f * float64(span))))
	}
	for i := range sc.Users {
		if i%7 == 3 && open(i) {
			sc.Users[i].MFA = false
		}
	}
	for i := range sc.Buckets {
		if i%10 == 5 && open(i) {
			sc.Buckets[i].Encryption = ""
		}
	}
	for _, name := range regions {
		reg := sc.Regions[name]
		for i := range reg.Snapshots {
			if i%3 == 1 && open(i) {
				reg.Snapshots[i].Encrypted = false
			}
		}
		for i := range reg.DBInstances {
			if i%2 == 1 && i%5 == 0 && open(i) {
				reg.DBInstances[i].Encrypted = false
			}
		}
	}
	return sc
}

// Become makes s show what next shows (another moment of the same account),
// under s's lock.
func (s *Scenario) Become(next *Scenario) {
	s.Update(func(s *Scenario) {
		s.Now, s.Users, s.Policies, s.Buckets, s.Regions = next.Now, next.Users, next.Policies, next.Buckets, next.Regions
		s.PasswordPolicy, s.AccountBlock, s.RootMFA = next.PasswordPolicy, next.AccountBlock, next.RootMFA
	})
}
