package aws_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
	"github.com/attest-hq/attest/monitor/engine"
)

// verdicts collects from srv and judges with the shipped AWS tests, keyed
// "test key" with the key's ARN prefix cut.
func verdicts(t *testing.T, srv *awstest.Server) map[string]engine.Result {
	t.Helper()
	col := collect(t, srv, nil)
	got := map[string]engine.Result{}
	for _, r := range engine.EvaluateCollection(shippedTests(t), col, engine.Env{Now: now}) {
		key := r.Resource.Key
		for _, p := range []string{"arn:aws:iam::123456789012:user/", "arn:aws:iam::123456789012:policy/", "arn:aws:iam::aws:policy/aws/", "arn:aws:s3:::"} {
			key = strings.TrimPrefix(key, p)
		}
		key = strings.Replace(key, "arn:aws:iam::aws:policy/", "aws/", 1)
		for _, sep := range []string{":security-group/", ":snapshot/"} {
			if _, id, ok := strings.Cut(key, sep); ok {
				key = id
			}
		}
		if key == acctARN {
			key = "account"
		}
		got[r.Test+" "+key] = r
	}
	return got
}

func expect(t *testing.T, got map[string]engine.Result, want map[string]attest.ResultStatus) {
	t.Helper()
	for k, w := range want {
		if got[k].Status != w {
			t.Errorf("%s: %q (%s), want %q", k, got[k].Status, got[k].Message, w)
		}
	}
}

// TestShippedTestsJudgeTheScenarioRightly: the verdicts a compliance lead
// would give by hand on the default account, with both traps: AWS-managed
// AdministratorAccess is not applicable (never failing) while the
// customer's own admin policy fails; acme-website's public policy and ACL
// are neutralised by the account-level block, which the verdict names.
func TestShippedTestsJudgeTheScenarioRightly(t *testing.T) {
	got := verdicts(t, start(t, nil))
	expect(t, got, map[string]attest.ResultStatus{
		"aws.root_mfa account":                                 attest.ResultPass,
		"aws.root_no_access_keys account":                      attest.ResultPass,
		"aws.root_not_used_recently account":                   attest.ResultPass,
		"aws.password_policy_set account":                      attest.ResultPass,
		"aws.password_min_length account":                      attest.ResultPass,
		"aws.password_complexity account":                      attest.ResultPass,
		"aws.password_reuse_prevention account":                attest.ResultPass,
		"aws.user_console_mfa alice":                           attest.ResultPass,
		"aws.user_console_mfa bob":                             attest.ResultFail,
		"aws.user_console_mfa carol":                           attest.ResultNotApplicable, // keys only
		"aws.user_access_keys_rotated alice":                   attest.ResultPass,
		"aws.user_access_keys_rotated carol":                   attest.ResultFail,          // 200 days
		"aws.user_access_keys_rotated dave":                    attest.ResultNotApplicable, // old key, inactive
		"aws.user_access_keys_rotated erin":                    attest.ResultFail,          // second key 100 days
		"aws.user_access_keys_used erin":                       attest.ResultFail,          // second key never used in 100 days
		"aws.user_access_keys_used carol":                      attest.ResultPass,
		"aws.user_console_used dave":                           attest.ResultFail, // 150 days
		"aws.user_console_used bob":                            attest.ResultPass,
		"aws.iam_policy_no_full_admin BreakGlassAdmin":         attest.ResultFail,
		"aws.iam_policy_no_full_admin AdminFromOffice":         attest.ResultPass, // a condition narrows it
		"aws.iam_policy_no_full_admin ReadReports":             attest.ResultPass,
		"aws.iam_policy_no_full_admin aws/AdministratorAccess": attest.ResultNotApplicable, // the trap
		"aws.iam_policy_no_full_admin aws/ReadOnlyAccess":      attest.ResultNotApplicable,
		"aws.s3_not_public acme-website":                       attest.ResultPass, // the trap
		"aws.s3_not_public acme-logs":                          attest.ResultPass,
		"aws.s3_public_access_blocked acme-legacy":             attest.ResultPass,
		"aws.s3_default_encryption acme-legacy":                attest.ResultFail,
		"aws.s3_default_encryption acme-data":                  attest.ResultPass,
		"aws.s3_tls_required acme-logs":                        attest.ResultPass,
		"aws.s3_tls_required acme-data":                        attest.ResultFail,
	})
	for k, r := range got {
		if r.Status == attest.ResultError || r.Status == attest.ResultUnverifiable {
			t.Errorf("%s: %s %s", k, r.Status, r.Message)
		}
	}
}

// TestBucketVerdictNamesTheDecidingLayer: without the account-level block
// the public policy makes acme-website public (named as the deciding
// layer), acme-data stays private by its own block, and the bucket whose
// only block ignores nothing is reported as not fully blocked.
func TestBucketVerdictNamesTheDecidingLayer(t *testing.T) {
	got := verdicts(t, start(t, func(s *awstest.Scenario) { s.AccountBlock = nil }))
	expect(t, got, map[string]attest.ResultStatus{
		"aws.s3_not_public acme-website":            attest.ResultFail,
		"aws.s3_not_public acme-data":               attest.ResultPass,
		"aws.s3_not_public acme-logs":               attest.ResultPass,
		"aws.s3_public_access_blocked acme-data":    attest.ResultPass,
		"aws.s3_public_access_blocked acme-logs":    attest.ResultFail,
		"aws.s3_public_access_blocked acme-website": attest.ResultFail,
	})
	if m := got["aws.s3_not_public acme-website"].Message; !strings.Contains(m, "the bucket policy") || !strings.Contains(m, "RestrictPublicBuckets is off") {
		t.Errorf("acme-website: %s", m)
	}
	// RestrictPublicBuckets alone at the account level neutralises the
	// policy; the ACL still makes it public unless IgnorePublicAcls is on.
	got = verdicts(t, start(t, func(s *awstest.Scenario) { s.AccountBlock = &awstest.Block{RestrictPublicBuckets: true} }))
	if r := got["aws.s3_not_public acme-website"]; r.Status != attest.ResultFail || !strings.Contains(r.Message, "the bucket ACL: it grants AllUsers READ") {
		t.Errorf("ACL layer: %s %s", r.Status, r.Message)
	}
	got = verdicts(t, start(t, func(s *awstest.Scenario) {
		s.AccountBlock = &awstest.Block{RestrictPublicBuckets: true, IgnorePublicAcls: true}
	}))
	if r := got["aws.s3_not_public acme-website"]; r.Status != attest.ResultPass {
		t.Errorf("both neutralised: %s %s", r.Status, r.Message)
	}
}

// TestDeniedAccountBlockIsUnverifiableOnlyWhereItDecides: with S3 Control
// denied, a bucket whose own block is fully on is still judged; the one
// with a public policy cannot be, and says why.
func TestDeniedAccountBlockIsUnverifiableOnlyWhereItDecides(t *testing.T) {
	got := verdicts(t, start(t, func(s *awstest.Scenario) { s.Deny = map[string]bool{"s3:GetAccountPublicAccessBlock": true} }))
	if r := got["aws.s3_not_public acme-website"]; r.Status != attest.ResultUnverifiable || !strings.Contains(r.Message, "account-level") {
		t.Errorf("acme-website: %s %s", r.Status, r.Message)
	}
	expect(t, got, map[string]attest.ResultStatus{"aws.s3_not_public acme-data": attest.ResultPass})
}

// TestMissingPasswordPolicyFailsWithTheReason: NoSuchEntity is "no policy",
// a failure that says so; the policy's detail tests are not applicable.
func TestMissingPasswordPolicyFailsWithTheReason(t *testing.T) {
	got := verdicts(t, start(t, func(s *awstest.Scenario) { s.PasswordPolicy = nil }))
	if r := got["aws.password_policy_set account"]; r.Status != attest.ResultFail || !strings.Contains(r.Message, "NoSuchEntity") {
		t.Errorf("%s %s", r.Status, r.Message)
	}
	expect(t, got, map[string]attest.ResultStatus{"aws.password_min_length account": attest.ResultNotApplicable})
}

// TestRootFindings: root access keys, no MFA and a sign-in last week fail.
func TestRootFindings(t *testing.T) {
	got := verdicts(t, start(t, func(s *awstest.Scenario) {
		s.RootMFA, s.RootAccessKeys, s.RootLastUsed = false, true, now.Add(-7*24*time.Hour)
	}))
	expect(t, got, map[string]attest.ResultStatus{
		"aws.root_mfa account": attest.ResultFail, "aws.root_no_access_keys account": attest.ResultFail, "aws.root_not_used_recently account": attest.ResultFail,
	})
}

// TestDeniedSummaryMakesRootTestsUnverifiable names the action.
func TestDeniedSummaryMakesRootTestsUnverifiable(t *testing.T) {
	got := verdicts(t, start(t, func(s *awstest.Scenario) { s.Deny = map[string]bool{"iam:GetAccountSummary": true} }))
	if r := got["aws.root_mfa account"]; r.Status != attest.ResultUnverifiable || !strings.Contains(r.Message, "iam:GetAccountSummary") {
		t.Errorf("%s %s", r.Status, r.Message)
	}
	expect(t, got, map[string]attest.ResultStatus{"aws.password_policy_set account": attest.ResultPass})
}

func shippedTests(t *testing.T) []*engine.Test {
	t.Helper()
	yaml, err := fs.ReadFile(catalog.TestFiles, "tests/aws.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests, err := engine.LoadFS(fstest.MapFS{"aws.yaml": {Data: yaml}}, engine.Options{ResourceTypes: aws.New().Spec().ResourceTypes})
	if err != nil {
		t.Fatal(err)
	}
	return tests
}
