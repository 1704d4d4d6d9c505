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
