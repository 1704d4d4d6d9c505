package aws_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest"

	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
)

const (
	orgTrail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit"
	euTrail  = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/eu-app"
)

func mgmt(t *testing.T, r map[string]any) map[string]any {
	t.Helper()
	m, ok := r["management_events"].(map[string]any)
	if !ok {
		t.Fatalf("no management_events in %v", r)
	}
	return m
}

// TestJSONServicesCollect: CloudTrail, KMS, CloudWatch Logs and Config are
// read over JSON 1.1 in each region; management events count whether the
// trail records them through classic or advanced event selectors; the
// multi-region trail is read once, in its home region.
func TestJSONServicesCollect(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) {
		s.Throttle = map[string]int{"kms:ListKeys": 2, "logs:DescribeLogGroups": 1}
	})
	col := collect(t, srv, nil)
	if len(col.Failed) != 0 {
		t.Fatalf("failed %v", col.Failed)
	}
	org := find(t, col, aws.TypeTrail, orgTrail)
	if org.Data["multi_region"] != true || org.Data["logging"] != true || org.Data["log_file_validation"] != true ||
		mgmt(t, org.Data)["recorded"] != "All" || mgmt(t, org.Data)["configured_by"] != "classic event selectors" {
		t.Errorf("org-audit = %v", org.Data)
	}
	eu := find(t, col, aws.TypeTrail, euTrail)
	if m := mgmt(t, eu.Data); m["recorded"] != "All" || m["configured_by"] != "advanced event selectors" || eu.Data["log_file_validation"] != false {
		t.Errorf("eu-app = %v", eu.Data)
	}
	count := map[string]int{}
	for _, r := range srv.Scenario.Requests() {
		count[r.Action]++
	}
	// One status and one selector read per trail, though org-audit shows in both regions.
	for action, n := range map[string]int{"cloudtrail:GetTrailStatus": 2, "cloudtrail:GetEventSelectors": 2, "cloudtrail:DescribeTrails": 2,
		"kms:ListKeys": 2 + 2 + 1, "kms:GetKeyRotationStatus": 2, "kms:DescribeKey": 4, "logs:DescribeLogGroups": 1 + 1 + 1} {
		if count[action] != n {
			t.Errorf("%s: %d calls, want %d", action, count[action], n)
		}
	}
	acct := find(t, col, aws.TypeTrailCoverage, "123456789012")
	if a := acct.Data["audit_trail"].(map[string]any); a["found"] != true || !strings.Contains(a["explanation"].(string), orgTrail) {
		t.Errorf("coverage = %v", acct.Data)
	}
	key := func(id string) map[string]any {
		return find(t, col, aws.TypeKMSKey, "arn:aws:kms:us-east-1:123456789012:key/"+id).Data
	}
	if k := key("1234abcd-12ab-34cd-56ef-1234567890ab"); k["rotation_enabled"] != true || k["aliases"].([]any)[0] != "alias/app-data" {
		t.Errorf("rotated key = %v", k)
	}
	if k := key("0987dcba-09fe-87dc-65ba-ab0987654321"); k["rotation_enabled"] != false {
		t.Errorf("unrotated key = %v", k)
	}
	// AWS-managed and asymmetric keys are not asked about.
	for _, id := range []string{"abcd1234-aaaa-bbbb-cccc-111122223333", "5678efgh-dddd-eeee-ffff-444455556666"} {
		if k := key(id); k["rotation_enabled"] != nil {
			t.Errorf("%s = %v", id, k)
		}
	}
	lg := find(t, col, aws.TypeLogGroup, "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/org-audit").Data
	if lg["retention_days"] != 400 || lg["tags"].(map[string]any)["log-type"] != "audit" {
		t.Errorf("log group = %v", lg)
	}
	if lg := find(t, col, aws.TypeLogGroup, "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api").Data; lg["retention_days"] != 0 {
		t.Errorf("never-expiring group = %v", lg)
	}
	for region, want := range map[string]bool{"us-east-1": true, "eu-west-1": false} {
		rec := find(t, col, aws.TypeConfigRegion, "123456789012/"+region).Data["recorder"].(map[string]any)
		if rec["recording"] != want {
			t.Errorf("%s recorder = %v", region, rec)
		}
	}
}

// TestTrailSelectorTraps: advanced selectors that record only data events
// record no management events; a trail with no selectors at all is
// unavailable, not a trail without management events; and then the
// account has no audit trail it can vouch for.
func TestTrailSelectorTraps(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) {
		s.Regions["us-east-1"].Trails[0].Classic = nil
		s.Regions["us-east-1"].Trails[0].Advanced = []map[string]any{{"Name": "S3 data only", "FieldSelectors": []any{
			map[string]any{"Field": "eventCategory", "Equals": []any{"Data"}}, map[string]any{"Field": "resources.type", "Equals": []any{"AWS::S3::Object"}}}}}
		s.Regions["eu-west-1"].Trails[0].Advanced = nil
	})
	col := collect(t, srv, nil)
	if m := mgmt(t, find(t, col, aws.TypeTrail, orgTrail).Data); m["recorded"] != "none" {
		t.Errorf("data-only trail: %v", m)
	}
	eu := find(t, col, aws.TypeTrail, euTrail)
	if _, ok := eu.Data["management_events"]; ok || !strings.Contains(eu.Unavailable["management_events"], "neither") {
		t.Errorf("no selectors: %v %v", eu.Data, eu.Unavailable)
	}
	acct := find(t, col, aws.TypeTrailCoverage, "123456789012")
	if acct.Data["audit_trail"].(map[string]any)["found"] != false || !strings.Contains(acct.Data["audit_trail"].(map[string]any)["explanation"].(string), "management events recorded: none") {
		t.Errorf("coverage = %v %v", acct.Data, acct.Unavailable)
	}
}

// TestJSONRegionFailureKeepsTheOthers: a region answering
// UnrecognizedClientException fails the JSON services' types for that
// region, naming the code; us-east-1's resources stand.
func TestJSONRegionFailureKeepsTheOthers(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) { s.Regions["eu-west-1"].Fail = "AuthFailure" })
	col := collect(t, srv, nil)
	for _, typ := range []string{aws.TypeTrail, aws.TypeKMSKey, aws.TypeLogGroup, aws.TypeConfigRegion} {
		if f := col.Failed[typ]; !strings.HasPrefix(f, "eu-west-1: ") || !strings.Contains(f, "UnrecognizedClientException") {
			t.Errorf("failed[%s] = %q", typ, f)
		}
	}
	find(t, col, aws.TypeConfigRegion, "123456789012/us-east-1")
	find(t, col, aws.TypeTrail, orgTrail)
}

// TestCheckNamesDeniedJSONActions: check connection names a denied action
// of the JSON services.
func TestCheckNamesDeniedJSONActions(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) {
		s.Deny = map[string]bool{"kms:ListKeys": true, "config:DescribeConfigurationRecorders": true}
	})
	res, err := connector().Check(t.Context(), request(srv, nil))
	if err != nil || res.OK || strings.Join(res.Missing, ",") != "kms:ListKeys,config:DescribeConfigurationRecorders" {
		t.Fatalf("%+v, %v", res, err)
	}
}

// TestJSONVerdicts: the shipped tests judge the default account and the
// selector traps rightly: management events count through classic and
// advanced selectors; advanced selectors for data events only fail; no
// selectors at all are unverifiable; AWS-managed and asymmetric keys are
// not applicable; a 90-day audit group fails, a never-expiring one fails
// the retention test only.
func TestJSONVerdicts(t *testing.T) {
	const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/"
	const group = "arn:aws:logs:us-east-1:123456789012:log-group:"
	got := verdicts(t, start(t, nil))
	expect(t, got, map[string]attest.ResultStatus{
		"aws.cloudtrail_audit_trail 123456789012":                                                     attest.ResultPass,
		"aws.cloudtrail_management_events " + orgTrail:                                                attest.ResultPass, // classic
		"aws.cloudtrail_management_events " + euTrail:                                                 attest.ResultPass, // advanced
		"aws.cloudtrail_log_file_validation " + euTrail:                                               attest.ResultFail,
		"aws.kms_key_rotation " + kmsKey + "1234abcd-12ab-34cd-56ef-1234567890ab":                     attest.ResultPass,
		"aws.kms_key_rotation " + kmsKey + "0987dcba-09fe-87dc-65ba-ab0987654321":                     attest.ResultFail,
		"aws.kms_key_rotation " + kmsKey + "abcd1234-aaaa-bbbb-cccc-111122223333":                     attest.ResultNotApplicable, // AWS-managed
		"aws.kms_key_rotation " + kmsKey + "5678efgh-dddd-eeee-ffff-444455556666":                     attest.ResultNotApplicable, // asymmetric
		"aws.log_group_retention_set " + group + "/ecs/api":                                           attest.ResultFail,
		"aws.log_group_audit_retention " + group + "/aws/cloudtrail/org-audit":                        attest.ResultPass,
		"aws.log_group_audit_retention " + group + "/ecs/api":                                         attest.ResultNotApplicable,
		"aws.log_group_audit_retention arn:aws:logs:eu-west-1:123456789012:log-group:/audit/vpc-flow": attest.ResultFail,
		"aws.config_recording 123456789012/us-east-1":                                                 attest.ResultPass,
		"aws.config_recording 123456789012/eu-west-1":                                                 attest.ResultFail,
	})
	if m := got["aws.config_recording 123456789012/eu-west-1"].Message; !strings.Contains(m, "no configuration recorder") {
		t.Errorf("config: %s", m)
	}
	got = verdicts(t, start(t, func(s *awstest.Scenario) {
		s.Regions["us-east-1"].Trails[0].Classic = nil
		s.Regions["us-east-1"].Trails[0].Advanced = []map[string]any{{"Name": "S3 data only", "FieldSelectors": []any{
			map[string]any{"Field": "eventCategory", "Equals": []any{"Data"}}, map[string]any{"Field": "resources.type", "Equals": []any{"AWS::S3::Object"}}}}}
		s.Regions["eu-west-1"].Trails[0].Advanced = nil
	}))
	expect(t, got, map[string]attest.ResultStatus{
		"aws.cloudtrail_management_events " + orgTrail: attest.ResultFail,
		"aws.cloudtrail_management_events " + euTrail:  attest.ResultUnverifiable,
		"aws.cloudtrail_audit_trail 123456789012":      attest.ResultFail,
	})
	if m := got["aws.cloudtrail_management_events "+orgTrail].Message; !strings.Contains(m, orgTrail) || !strings.Contains(m, "no management events") {
		t.Errorf("data-only trail: %s", m)
	}
}
