package aws_test

import (
	"encoding/json"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
)

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func connector() *aws.Connector {
	return aws.New(aws.WithReportPoll(0), aws.WithBackoff(func(int, error) (time.Duration, error) { return 0, nil }))
}

func request(srv *awstest.Server, settings map[string]string) attest.CollectRequest {
	s := map[string]string{"endpoint_url": srv.URL, "regions": "us-east-1,eu-west-1"}
	for k, v := range settings {
		s[k] = v
	}
	return attest.CollectRequest{Settings: s, Secret: []byte("AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"), Now: now}
}

func start(t *testing.T, change func(*awstest.Scenario)) *awstest.Server {
	t.Helper()
	sc := awstest.DefaultScenario(now)
	if change != nil {
		sc.Update(change)
	}
	srv := awstest.NewServer(sc)
	t.Cleanup(srv.Close)
	return srv
}

func collect(t *testing.T, srv *awstest.Server, settings map[string]string) attest.Collection {
	t.Helper()
	col, err := connector().Collect(t.Context(), request(srv, settings))
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
	t.Fatalf("no %s %s among %d resources (failed: %v)", typ, key, len(col.Resources), col.Failed)
	return attest.Resource{}
}

const acctARN = "arn:aws:iam::123456789012:root"

func userARN(name string) string { return "arn:aws:iam::123456789012:user/" + name }

func TestCollectReadsTheDefaultAccount(t *testing.T) {
	srv := start(t, nil)
	col := collect(t, srv, nil)
	if len(col.Failed) != 0 || len(col.Warnings) != 0 {
		t.Fatalf("failed %v, warnings %v", col.Failed, col.Warnings)
	}
	reqs := srv.Scenario.Requests()
	if col.Calls != len(reqs) {
		t.Errorf("Calls = %d, the server saw %d requests", col.Calls, len(reqs))
	}
	count := map[string]int{}
	for _, r := range reqs {
		count[r.Action]++
		if !strings.Contains(r.Action, ":Get") && !strings.Contains(r.Action, ":List") && !strings.Contains(r.Action, ":Describe") && r.Action != "iam:GenerateCredentialReport" {
			t.Errorf("a request that is not a read: %s", r.Action)
		}
	}
	// Pages of two: 3 customer policies in 2 pages, 2 AWS-managed in 1; 4
	// buckets in 2; the report generated on the second ask.
	for action, n := range map[string]int{"iam:ListPolicies": 3, "s3:ListAllMyBuckets": 2, "iam:GenerateCredentialReport": 2,
		"iam:GetPolicyVersion": 5, "s3:GetAccountPublicAccessBlock": 1, "s3:GetBucketPolicy": 4,
		"ec2:GetEbsEncryptionByDefault": 2, "ec2:DescribeSecurityGroups": 3, "ec2:DescribeSnapshots": 5} {
		if count[action] != n {
			t.Errorf("%s: %d calls, want %d", action, count[action], n)
		}
	}
	if n := len(col.Resources); n != 1+5+5+4+2+5+3+6+1+2+12 {
		t.Errorf("%d resources, want the account, 5 users, 5 policies, 4 buckets, 2 regions, 5 security groups, 3 snapshots, "+
			"6 DB instances, 1 DB cluster, 2 GuardDuty regions and 12 of CloudTrail, KMS, CloudWatch Logs and Config", n)
	}
	// Each region's calls are signed for that region.
	for _, r := range reqs {
		if strings.HasPrefix(r.Action, "ec2:") && r.Region != "us-east-1" && r.Region != "eu-west-1" {
			t.Errorf("%s signed for %q", r.Action, r.Region)
		}
	}
	if eu := find(t, col, aws.TypeRegion, "123456789012/eu-west-1"); eu.Data["ebs_encryption_by_default"] != false {
		t.Errorf("eu-west-1 = %v", eu.Data)
	}
	for id, want := range map[string]string{
		"us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60001": "",
		"us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60002": "SSH (22, rule 22) from 0.0.0.0/0",
		"eu-west-1:123456789012:security-group/sg-0b1b2c3d4e5f60004": "PostgreSQL (5432, rule 5000-6000) from ::/0",
		"eu-west-1:123456789012:security-group/sg-0b1b2c3d4e5f60005": "",
	} {
		sg := find(t, col, aws.TypeSecurityGroup, "arn:aws:ec2:"+id)
		open := sg.Data["world_open_admin_ports"].([]any)
		if want == "" && len(open) != 0 || want != "" && (len(open) == 0 || open[0] != want) {
			t.Errorf("%s: %v, want %q", id, open, want)
		}
	}

	acct := find(t, col, aws.TypeAccount, acctARN)
	if acct.Data["root_mfa_enabled"] != true || acct.Data["root_access_keys_present"] != false ||
		acct.Data["root_password_last_used"] != now.Add(-200*24*time.Hour).Format(time.RFC3339) || acct.Unavailable != nil {
		t.Errorf("account = %v (unavailable %v)", acct.Data, acct.Unavailable)
	}
	pp := acct.Data["password_policy"].(map[string]any)
	if pp["status"] != "set" || pp["minimum_length"] != 14 || pp["reuse_prevention"] != 24 || pp["require_symbols"] != true {
		t.Errorf("password policy = %v", pp)
	}

	carol := find(t, col, aws.TypeUser, userARN("carol"))
	keys := carol.Data["access_keys"].([]any)
	if carol.Data["console_access"] != false || carol.Data["password_last_used"] != nil || len(keys) != 1 ||
		keys[0].(map[string]any)["last_rotated"] != now.Add(-200*24*time.Hour).Format(time.RFC3339) {
		t.Errorf("carol = %v", carol.Data)
	}
	if erin := find(t, col, aws.TypeUser, userARN("erin")); len(erin.Data["access_keys"].([]any)) != 2 ||
		erin.Data["access_keys"].([]any)[1].(map[string]any)["last_used"] != nil {
		t.Errorf("erin = %v", erin.Data)
	}

	admin := find(t, col, aws.TypePolicy, "arn:aws:iam::123456789012:policy/BreakGlassAdmin")
	if admin.Data["managed_by"] != "customer" || admin.Data["grants_full_admin"] != true {
		t.Errorf("BreakGlassAdmin = %v", admin.Data)
	}
	// A condition narrows the grant: not full administrator access.
	if p := find(t, col, aws.TypePolicy, "arn:aws:iam::123456789012:policy/AdminFromOffice"); p.Data["grants_full_admin"] != false {
		t.Errorf("AdminFromOffice = %v", p.Data)
	}
	if p := find(t, col, aws.TypePolicy, "arn:aws:iam::aws:policy/AdministratorAccess"); p.Data["managed_by"] != "aws" || p.Data["grants_full_admin"] != true {
		t.Errorf("AdministratorAccess = %v", p.Data)
	}

	logs := find(t, col, aws.TypeBucket, "arn:aws:s3:::acme-logs")
	if logs.Data["tls_required"] != true || logs.Data["default_encryption"] != "aws:kms" || logs.Data["region"] != "us-east-1" {
		t.Errorf("acme-logs = %v", logs.Data)
	}
	legacy := find(t, col, aws.TypeBucket, "arn:aws:s3:::acme-legacy")
	if legacy.Data["default_encryption"] != "none" || legacy.Data["tls_required"] != false || legacy.Data["region"] != "eu-west-1" {
		t.Errorf("acme-legacy = %v", legacy.Data)
	}
	web := find(t, col, aws.TypeBucket, "arn:aws:s3:::acme-website")
	pa := web.Data["public_access"].(map[string]any)
	if pa["public"] != false || !strings.Contains(pa["decided_by"].(string), "account-level block") || web.Data["policy_public"] != true {
		t.Errorf("acme-website = %v", web.Data)
	}
}

// TestEndpointFromTheEnvironment: AWS_ENDPOINT_URL alone (no setting)
// sends every call, S3 Control's account-prefixed host included, to the
// local server.
func TestEndpointFromTheEnvironment(t *testing.T) {
	srv := start(t, nil)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	req := request(srv, nil)
	delete(req.Settings, "endpoint_url")
	col, err := connector().Collect(t.Context(), req)
	if err != nil || len(col.Failed) != 0 || len(col.Resources) != 46 {
		t.Fatalf("%v: failed %v, %d resources", err, col.Failed, len(col.Resources))
	}
}

// TestThrottlingIsRetried: AWS's Throttling answer (400) is retried by the
// SDK's retryer, and the retries are counted as calls.
func TestThrottlingIsRetried(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) {
		s.Throttle = map[string]int{"iam:ListPolicies": 2, "s3:GetBucketPolicyStatus": 1, "s3:GetAccountPublicAccessBlock": 1}
	})
	col := collect(t, srv, nil)
	if len(col.Failed) != 0 || len(col.Resources) != 46 {
		t.Fatalf("failed %v, %d resources", col.Failed, len(col.Resources))
	}
	if col.Calls != len(srv.Scenario.Requests()) {
		t.Errorf("Calls = %d, the server saw %d", col.Calls, len(srv.Scenario.Requests()))
	}
}

// TestThrottlingBeyondRetriesFailsTheType: a type the SDK cannot read
// after its retries is in Failed with AWS's code; the others stand.
func TestThrottlingBeyondRetriesFailsTheType(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) { s.Throttle = map[string]int{"s3:ListAllMyBuckets": 100} })
	col := collect(t, srv, nil)
	if !strings.Contains(col.Failed[aws.TypeBucket], "Throttling") || len(col.Failed) != 1 {
		t.Fatalf("failed = %v", col.Failed)
	}
	find(t, col, aws.TypeUser, userARN("alice"))
}

func TestAssumeRoleWithExternalID(t *testing.T) {
	role := "arn:aws:iam::123456789012:role/AttestAudit"
	srv := start(t, func(s *awstest.Scenario) { s.RoleARN, s.ExternalID = role, "acme-7f3a" })
	col := collect(t, srv, map[string]string{"role_arn": role, "external_id": "acme-7f3a"})
	if len(col.Failed) != 0 {
		t.Fatalf("failed %v", col.Failed)
	}
	reqs := srv.Scenario.Requests()
	if reqs[0].Action != "sts:AssumeRole" || reqs[0].KeyID != "AKIAIOSFODNN7EXAMPLE" {
		t.Errorf("first request %+v", reqs[0])
	}
	for _, r := range reqs[1:] {
		if r.KeyID != "ASIAIOSFODNN7ASSUMED" {
			t.Errorf("%s signed with %s, not the role's credentials", r.Action, r.KeyID)
		}
	}
	// A wrong external ID: the check says so and names the role.
	res, err := connector().Check(t.Context(), request(srv, map[string]string{"role_arn": role, "external_id": "wrong"}))
	if err != nil || res.OK || !strings.Contains(res.Message, "AccessDenied") || !strings.Contains(res.Message, role) {
		t.Errorf("check with a wrong external ID: %+v, %v", res, err)
	}
}

func TestCheckNamesDeniedActions(t *testing.T) {
	srv := start(t, nil)
	res, err := connector().Check(t.Context(), request(srv, nil))
	if err != nil || !res.OK || res.Identity != "arn:aws:iam::123456789012:user/attest-audit" || len(res.Missing) != 0 {
		t.Fatalf("%+v, %v", res, err)
	}
	srv.Scenario.Update(func(s *awstest.Scenario) {
		s.Deny = map[string]bool{"iam:GenerateCredentialReport": true, "s3:GetAccountPublicAccessBlock": true}
		s.PasswordPolicy, s.AccountBlock = nil, nil // "none set" answers are not denials
	})
	res, err = connector().Check(t.Context(), request(srv, nil))
	if err != nil || res.OK || strings.Join(res.Missing, ",") != "iam:GenerateCredentialReport,s3:GetAccountPublicAccessBlock" {
		t.Fatalf("%+v, %v", res, err)
	}
}

func TestRefusedCredentialIsUnauthorized(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) { s.Deny = map[string]bool{"sts:GetCallerIdentity": true} })
	_, err := connector().Collect(t.Context(), request(srv, nil))
	if attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(err.Error(), "sts:GetCallerIdentity") {
		t.Fatalf("%v", err)
	}
}

func TestValidate(t *testing.T) {
	c := aws.New()
	ok := attest.CollectRequest{Settings: map[string]string{"regions": "us-east-1, eu-west-1"}}
	if err := c.Validate(ok); err != nil {
		t.Fatalf("no secret (default chain): %v", err)
	}
	for name, tc := range map[string]struct {
		settings map[string]string
		secret   string
		field    string
	}{
		"bad region":         {map[string]string{"regions": "us-east-1,moon"}, "", "regions"},
		"bad role":           {map[string]string{"role_arn": "AttestAudit"}, "", "role_arn"},
		"external id alone":  {map[string]string{"external_id": "x"}, "", "external_id"},
		"secret without key": {nil, "justasecret", "secret"},
		"http endpoint":      {map[string]string{"endpoint_url": "http://aws-proxy.example.com"}, "", "endpoint_url"},
		"profile with a key": {map[string]string{"profile": "audit"}, "AKIA:secret", "profile"},
	} {
		err := c.Validate(attest.CollectRequest{Settings: tc.settings, Secret: []byte(tc.secret)})
		var ae *attest.Error
		if !errors.As(err, &ae) || ae.Field != tc.field {
			t.Errorf("%s: %v, want an error on %s", name, err, tc.field)
		}
	}
}

// TestDocumentedPolicyIsThePermissions: the policy document in
// docs/connectors/aws.md lists exactly the connector's actions.
func TestDocumentedPolicyIsThePermissions(t *testing.T) {
	doc, err := os.ReadFile("../../docs/connectors/aws.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "```json\n")
	body, _, _ := strings.Cut(rest, "```")
	var p struct{ Statement []struct{ Action []string } }
	if err := json.Unmarshal([]byte(body), &p); err != nil || len(p.Statement) != 1 {
		t.Fatalf("policy document: %v", err)
	}
	if got, want := p.Statement[0].Action, aws.New().Spec().Permissions; !slices.Equal(got, want) {
		t.Errorf("documented %v, the connector needs %v", got, want)
	}
}

// TestFailingRegionKeepsTheOthers: a region whose every EC2 call fails
// (AuthFailure: the region is not enabled for the account) is named with
// AWS's code in Failed; the other region's resources stand.
func TestFailingRegionKeepsTheOthers(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) { s.Regions["eu-west-1"].Fail = "AuthFailure" })
	col := collect(t, srv, nil)
	for _, typ := range []string{aws.TypeRegion, aws.TypeSecurityGroup} {
		if f := col.Failed[typ]; !strings.HasPrefix(f, "eu-west-1: ") || !strings.Contains(f, "AuthFailure") {
			t.Errorf("failed[%s] = %q", typ, f)
		}
	}
	find(t, col, aws.TypeRegion, "123456789012/us-east-1")
	find(t, col, aws.TypeSecurityGroup, "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60002")
	for _, r := range col.Resources {
		if r.Data["region"] == "eu-west-1" && r.Type != aws.TypeBucket {
			t.Errorf("a resource of the failed region: %s", r.Key)
		}
	}
}

// TestEveryEnabledRegionByDefault: with no regions setting, the regions
// come from ec2:DescribeRegions, each read in its own region.
func TestEveryEnabledRegionByDefault(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) { s.Regions["ap-southeast-2"] = &awstest.Region{EBSEncryptionByDefault: true} })
	col := collect(t, srv, map[string]string{"regions": ""})
	if len(col.Failed) != 0 {
		t.Fatalf("failed %v", col.Failed)
	}
	for _, r := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
		find(t, col, aws.TypeRegion, "123456789012/"+r)
	}
	// Denied, the regional types fail naming the action and the way out.
	srv.Scenario.Update(func(s *awstest.Scenario) { s.Deny = map[string]bool{"ec2:DescribeRegions": true} })
	col = collect(t, srv, map[string]string{"regions": ""})
	if f := col.Failed[aws.TypeRegion]; !strings.Contains(f, "ec2:DescribeRegions") || !strings.Contains(f, "regions setting") {
		t.Errorf("failed = %v", col.Failed)
	}
}

// TestExpiredRoleSessionIsAssumedAgain: an assumed role's session that AWS
// calls expired part-way through is assumed again, and the collection comes
// out whole, the later calls signed with the new session.
func TestExpiredRoleSessionIsAssumedAgain(t *testing.T) {
	role := "arn:aws:iam::123456789012:role/AttestAudit"
	srv := start(t, func(s *awstest.Scenario) {
		s.RoleARN, s.ExternalID = role, "acme-7f3a"
		s.ExpireAfter = map[string]int{"ASIA*": 20}
	})
	col := collect(t, srv, map[string]string{"role_arn": role, "external_id": "acme-7f3a"})
	if len(col.Failed) != 0 || len(col.Resources) != 46 {
		t.Fatalf("failed %v, %d resources", col.Failed, len(col.Resources))
	}
	assumed, keys := 0, map[string]bool{}
	for _, r := range srv.Scenario.Requests() {
		if r.Action == "sts:AssumeRole" {
			assumed++
		} else {
			keys[r.KeyID] = true
		}
	}
	if assumed < 2 || len(keys) < 2 {
		t.Fatalf("the role was assumed %d times and %d keys signed: the expired session was not replaced", assumed, len(keys))
	}
}

// TestKeyExpiringMidRunNamesTheAccount: a key AWS stops accepting part-way
// through cannot be renewed by Attest; what was read before stands, and each
// type that failed says the credential was refused in which account.
func TestKeyExpiringMidRunNamesTheAccount(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) { s.ExpireAfter = map[string]int{"AKIAIOSFODNN7EXAMPLE": 40} })
	col := collect(t, srv, nil)
	if len(col.Failed) == 0 {
		t.Fatal("no type failed after the key expired")
	}
	for typ, reason := range col.Failed {
		if !strings.Contains(reason, "account 123456789012") || !strings.Contains(reason, "ExpiredToken") || !strings.Contains(reason, "renew the access key") {
			t.Errorf("%s failed with %q: want the account, AWS's code and what to do", typ, reason)
		}
	}
	if len(col.Resources) == 0 {
		t.Error("nothing read before the key expired was kept")
	}
	// A key that never expires: no type fails, so the rewording cannot hide in
	// every collection.
	if col := collect(t, start(t, nil), nil); len(col.Failed) != 0 {
		t.Errorf("failed %v without an expiry", col.Failed)
	}
}

// TestOneConnectionCollectsSeveralAccounts: role_arn names a role in each
// account; every account is collected with the same credential and the
// resources come out side by side, keyed by ARNs that name their account.
// An account whose role refuses the credential fails every type, naming the
// account, while the other's resources stand.
func TestOneConnectionCollectsSeveralAccounts(t *testing.T) {
	const (
		roleA = "arn:aws:iam::123456789012:role/AttestAudit"
		roleB = "arn:aws:iam::210987654321:role/AttestAudit"
	)
	other := awstest.DefaultScenario(now)
	other.Update(func(s *awstest.Scenario) {
		s.AccountID, s.RoleARN, s.ExternalID = "210987654321", roleB, "ext-b"
		for i := range s.Buckets { // bucket names are global
			s.Buckets[i].Name = "b-" + s.Buckets[i].Name
		}
	})
	srv := start(t, func(s *awstest.Scenario) {
		s.RoleARN, s.ExternalID = roleA, "ext-a"
		s.Accounts = map[string]*awstest.Scenario{roleB: other}
	})
	col := collect(t, srv, map[string]string{"role_arn": roleA + ", " + roleB, "external_id": "ext-a,ext-b"})
	if len(col.Failed) != 0 {
		t.Fatalf("failed %v", col.Failed)
	}
	find(t, col, aws.TypeAccount, "arn:aws:iam::123456789012:root")
	find(t, col, aws.TypeAccount, "arn:aws:iam::210987654321:root")
	find(t, col, aws.TypeUser, "arn:aws:iam::210987654321:user/alice")
	keys := map[string]bool{}
	for _, r := range col.Resources {
		k := r.Type + " " + r.Key
		if keys[k] {
			t.Errorf("%s is listed twice", k)
		}
		keys[k] = true
	}
	if len(col.Resources) <= 46 {
		t.Errorf("%d resources: the second account added nothing", len(col.Resources))
	}

	// The second account's trust policy wants another external ID.
	col = collect(t, srv, map[string]string{"role_arn": roleA + "," + roleB, "external_id": "ext-a,wrong"})
	find(t, col, aws.TypeAccount, "arn:aws:iam::123456789012:root")
	if len(col.Failed) == 0 {
		t.Fatal("the refused account failed nothing")
	}
	for typ, reason := range col.Failed {
		if !strings.Contains(reason, "account 210987654321") || !strings.Contains(reason, "AccessDenied") {
			t.Errorf("%s failed with %q: want the account and AWS's code", typ, reason)
		}
	}

	// Settings that cannot be split are refused before any call.
	for _, bad := range []map[string]string{
		{"role_arn": roleA + "," + roleB, "external_id": "a,b,c"},
		{"role_arn": roleA + "," + roleA},
		{"role_arn": roleA + ",AttestAudit"},
	} {
		if err := connector().Validate(request(srv, bad)); err == nil {
			t.Errorf("settings %v accepted", bad)
		}
	}
}

// TestPolicyVersionsAreReadOnce: a collection reads only the policy versions
// its identity has not read before (AWS never changes a version), and still
// sees every change: a new default version, a policy created again under the
// same name, and a credential that acts as someone else reads for itself.
func TestPolicyVersionsAreReadOnce(t *testing.T) {
	srv := start(t, nil)
	conn := connector()
	run := func() (admin map[string]any, reads int) {
		t.Helper()
		before := len(srv.Scenario.Requests())
		col, err := conn.Collect(t.Context(), request(srv, nil))
		if err != nil {
			t.Fatalf("Collect: %v", err)
		}
		for _, r := range srv.Scenario.Requests()[before:] {
			if r.Action == "iam:GetPolicyVersion" {
				reads++
			}
		}
		admin = map[string]any{}
		for _, r := range col.Resources {
			if r.Type == aws.TypePolicy {
				if len(r.Unavailable) > 0 {
					t.Errorf("%s: unavailable %v", r.Key, r.Unavailable)
				}
				admin[r.Data["name"].(string)] = r.Data["grants_full_admin"]
			}
		}
		return admin, reads
	}
	first, reads := run()
	if reads != 5 || len(first) != 5 || first["BreakGlassAdmin"] != true || first["ReadReports"] != false {
		t.Fatalf("first collection: %d versions read, verdicts %v", reads, first)
	}
	again, reads := run()
	if reads != 0 || !maps.Equal(again, first) {
		t.Errorf("unchanged account: %d versions read (want 0), verdicts %v, want %v", reads, again, first)
	}

	srv.Scenario.Update(func(sc *awstest.Scenario) {
		sc.Policies[1].Version, sc.Policies[1].Document = "v2", awstest.AdminDocument // a new default version
		sc.Policies[4].ID, sc.Policies[4].Document = "ANPANEWREADONLY", awstest.AdminDocument
	})
	changed, reads := run()
	if reads != 2 || changed["ReadReports"] != true || changed["ReadOnlyAccess"] != true || changed["BreakGlassAdmin"] != true {
		t.Errorf("two policies changed: %d versions read (want 2), verdicts %v", reads, changed)
	}

	// A server of its own that claims the same caller, answering the same
	// policy IDs and versions with other documents, reads its own and
	// leaves what is kept for the first alone.
	fake := start(t, func(sc *awstest.Scenario) {
		sc.Policies[1].Version, sc.Policies[1].Document = "v2", `{"Version":"2012-10-17","Statement":[]}`
	})
	col, err := conn.Collect(t.Context(), request(fake, nil))
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, col, aws.TypePolicy, "arn:aws:iam::"+awstest.Account+":policy/ReadReports"); r.Data["grants_full_admin"] != false {
		t.Errorf("another endpoint's policy: grants_full_admin %v, want its own document's false", r.Data["grants_full_admin"])
	}
	if after, reads := run(); reads != 0 || after["ReadReports"] != true {
		t.Errorf("after another endpoint's collection: %d versions read, verdicts %v; want none read, ReadReports still admin", reads, after)
	}

	srv.Scenario.Update(func(sc *awstest.Scenario) { sc.CallerARN = "arn:aws:iam::" + awstest.Account + ":user/someone-else" })
	if _, reads := run(); reads != 5 {
		t.Errorf("another identity: %d versions read, want all 5", reads)
	}
}
