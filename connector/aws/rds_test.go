package aws_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/connector/aws/awstest"
	"github.com/attest-hq/attest/monitor/engine"
)

func dbARN(region, id string) string { return "arn:aws:rds:" + region + ":123456789012:db:" + id }

// TestDatabasesAndDetectorsAreCollected: RDS instances and clusters come
// in Marker pages per region, each region's calls signed for it; Aurora
// instances name their cluster, a replica its source; GuardDuty gives one
// resource per region, with or without a detector.
func TestDatabasesAndDetectorsAreCollected(t *testing.T) {
	srv := start(t, nil)
	col := collect(t, srv, nil)
	if len(col.Failed) != 0 {
		t.Fatalf("failed %v", col.Failed)
	}
	count := map[string]int{}
	for _, r := range srv.Scenario.Requests() {
		key := r.Action + " " + r.Region
		count[key]++
	}
	// Pages of two: five instances in us-east-1 take three pages.
	for key, n := range map[string]int{
		"rds:DescribeDBInstances us-east-1": 3, "rds:DescribeDBInstances eu-west-1": 1,
		"rds:DescribeDBClusters us-east-1": 1, "rds:DescribeDBClusters eu-west-1": 1,
		"guardduty:ListDetectors us-east-1": 1, "guardduty:ListDetectors eu-west-1": 1,
		"guardduty:GetDetector us-east-1": 1, "guardduty:GetDetector eu-west-1": 0,
	} {
		if count[key] != n {
			t.Errorf("%s: %d calls, want %d", key, count[key], n)
		}
	}
	crm := find(t, col, aws.TypeDBInstance, dbARN("us-east-1", "legacy-crm"))
	if crm.Data["publicly_accessible"] != true || crm.Data["storage_encrypted"] != false || crm.Data["backup_retention_days"] != 1 ||
		crm.Data["engine"] != "mysql" || crm.Data["cluster_id"] != "" {
		t.Errorf("legacy-crm = %v", crm.Data)
	}
	if r := find(t, col, aws.TypeDBInstance, dbARN("us-east-1", "legacy-crm-replica")); r.Data["replica_of"] != "legacy-crm" {
		t.Errorf("replica = %v", r.Data)
	}
	if r := find(t, col, aws.TypeDBInstance, dbARN("us-east-1", "ledger-2")); r.Data["cluster_id"] != "ledger" || r.Data["deletion_protection"] != false {
		t.Errorf("ledger-2 = %v", r.Data)
	}
	if r := find(t, col, aws.TypeDBInstance, dbARN("us-east-1", "orders-db")); r.Data["tags"].(map[string]any)["data-classification"] != "production" ||
		!strings.HasPrefix(r.Data["kms_key_id"].(string), "arn:aws:kms:us-east-1:") {
		t.Errorf("orders-db = %v", r.Data)
	}
	ledger := find(t, col, aws.TypeDBCluster, "arn:aws:rds:us-east-1:123456789012:cluster:ledger")
	if ledger.Data["backup_retention_days"] != 35 || ledger.Data["deletion_protection"] != true || ledger.Data["storage_encrypted"] != true ||
		len(ledger.Data["members"].([]any)) != 2 {
		t.Errorf("ledger = %v", ledger.Data)
	}
	use1 := find(t, col, aws.TypeGuardDuty, "123456789012/us-east-1")
	if use1.Data["status"] != "ENABLED" || use1.Data["detector_arn"] != "arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0" ||
		use1.Data["features"].(map[string]any)["S3_DATA_EVENTS"] != "ENABLED" || use1.Data["finding_publishing_frequency"] != "SIX_HOURS" {
		t.Errorf("us-east-1 GuardDuty = %v", use1.Data)
	}
	if euw1 := find(t, col, aws.TypeGuardDuty, "123456789012/eu-west-1"); euw1.Data["detector_count"] != 0 || euw1.Data["detector_id"] != "" {
		t.Errorf("eu-west-1 GuardDuty = %v", euw1.Data)
	}
}

// judged collects from srv and judges with the shipped tests, keyed "test key".
func judged(t *testing.T, srv *awstest.Server) map[string]engine.Result {
	t.Helper()
	got := map[string]engine.Result{}
	for _, r := range engine.EvaluateCollection(shippedTests(t), collect(t, srv, nil), engine.Env{Now: now}) {
		got[r.Test+" "+r.Resource.Key] = r
	}
	return got
}

// TestDatabaseVerdicts: each database test on the default account, with
// the Aurora trap: the cluster's instances show instance-level backups of a
// day and no deletion protection, which are not theirs to have; only the
// cluster is judged on them. A read replica needs no backups of its own.
func TestDatabaseVerdicts(t *testing.T) {
	got := judged(t, start(t, nil))
	ledger := "arn:aws:rds:us-east-1:123456789012:cluster:ledger"
	expect(t, got, map[string]attest.ResultStatus{
		"aws.rds_storage_encrypted " + dbARN("us-east-1", "orders-db"):         attest.ResultPass,
		"aws.rds_storage_encrypted " + dbARN("us-east-1", "legacy-crm"):        attest.ResultFail,
		"aws.rds_storage_encrypted " + dbARN("us-east-1", "ledger-1"):          attest.ResultNotApplicable,
		"aws.rds_not_public " + dbARN("us-east-1", "legacy-crm"):               attest.ResultFail,
		"aws.rds_not_public " + dbARN("us-east-1", "ledger-1"):                 attest.ResultPass,
		"aws.rds_not_public " + dbARN("eu-west-1", "analytics"):                attest.ResultPass,
		"aws.rds_backup_retention " + dbARN("us-east-1", "orders-db"):          attest.ResultPass,
		"aws.rds_backup_retention " + dbARN("us-east-1", "legacy-crm"):         attest.ResultFail,
		"aws.rds_backup_retention " + dbARN("eu-west-1", "analytics"):          attest.ResultFail, // 3 days
		"aws.rds_backup_retention " + dbARN("us-east-1", "legacy-crm-replica"): attest.ResultNotApplicable,
		"aws.rds_backup_retention " + dbARN("us-east-1", "ledger-1"):           attest.ResultNotApplicable, // the trap
		"aws.rds_deletion_protection " + dbARN("us-east-1", "ledger-2"):        attest.ResultNotApplicable, // the trap
		"aws.rds_deletion_protection " + dbARN("us-east-1", "legacy-crm"):      attest.ResultFail,
		"aws.rds_deletion_protection " + dbARN("us-east-1", "orders-db"):       attest.ResultPass,
		"aws.rds_cluster_storage_encrypted " + ledger:                          attest.ResultPass,
		"aws.rds_cluster_backup_retention " + ledger:                           attest.ResultPass,
		"aws.rds_cluster_deletion_protection " + ledger:                        attest.ResultPass,
		"aws.guardduty_enabled 123456789012/us-east-1":                         attest.ResultPass,
		"aws.guardduty_enabled 123456789012/eu-west-1":                         attest.ResultFail,
	})
	if m := got["aws.rds_backup_retention "+dbARN("eu-west-1", "analytics")].Message; !strings.Contains(m, dbARN("eu-west-1", "analytics")) ||
		!strings.Contains(m, "backup_retention_days is 3") {
		t.Errorf("analytics: %s", m)
	}
	if m := got["aws.guardduty_enabled 123456789012/eu-west-1"].Message; !strings.Contains(m, "eu-west-1") || !strings.Contains(m, "no GuardDuty detector") {
		t.Errorf("eu-west-1: %s", m)
	}
	// The cluster's own settings do fail when they fall short.
	got = judged(t, start(t, func(s *awstest.Scenario) {
		c := &s.Regions["us-east-1"].DBClusters[0]
		c.BackupRetention, c.DeletionProtection = 1, false
	}))
	expect(t, got, map[string]attest.ResultStatus{
		"aws.rds_cluster_backup_retention " + ledger:    attest.ResultFail,
		"aws.rds_cluster_deletion_protection " + ledger: attest.ResultFail,
	})
}

// TestSuspendedDetectorFails: a detector whose status is DISABLED fails
// with that status; a region without one fails naming the region.
func TestSuspendedDetectorFails(t *testing.T) {
	got := judged(t, start(t, func(s *awstest.Scenario) { s.Regions["us-east-1"].Detectors[0].Status = "DISABLED" }))
	r := got["aws.guardduty_enabled 123456789012/us-east-1"]
	if r.Status != attest.ResultFail || !strings.Contains(r.Message, "status is DISABLED") {
		t.Errorf("%s %s", r.Status, r.Message)
	}
}

// TestRegionalServiceFailureIsAnError: a region whose RDS and GuardDuty
// calls fail gives their tests an error naming the region and AWS's code,
// never a failure, and the other region's verdicts stand.
func TestRegionalServiceFailureIsAnError(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) { s.Regions["eu-west-1"].Fail = "UnrecognizedClientException" })
	col := collect(t, srv, nil)
	for _, typ := range []string{aws.TypeDBInstance, aws.TypeDBCluster, aws.TypeGuardDuty} {
		if f := col.Failed[typ]; !strings.HasPrefix(f, "eu-west-1: ") || !strings.Contains(f, "UnrecognizedClientException") {
			t.Errorf("failed[%s] = %q", typ, f)
		}
	}
	got := map[string]engine.Result{}
	for _, r := range engine.EvaluateCollection(shippedTests(t), col, engine.Env{Now: now}) {
		got[r.Test+" "+r.Resource.Key] = r
	}
	if r := got["aws.guardduty_enabled *"]; r.Status != attest.ResultError || !strings.Contains(r.Message, "eu-west-1") {
		t.Errorf("GuardDuty in the failing region: %s %s", r.Status, r.Message)
	}
	if _, ok := got["aws.guardduty_enabled 123456789012/eu-west-1"]; ok {
		t.Error("the failing region was judged")
	}
	expect(t, got, map[string]attest.ResultStatus{
		"aws.guardduty_enabled 123456789012/us-east-1":                                        attest.ResultPass,
		"aws.rds_not_public " + dbARN("us-east-1", "legacy-crm"):                              attest.ResultFail,
		"aws.rds_cluster_storage_encrypted arn:aws:rds:us-east-1:123456789012:cluster:ledger": attest.ResultPass,
	})
}

// TestDatabaseThrottlingIsRetried: RDS's and GuardDuty's Throttling
// answers are retried and the lists come out whole.
func TestDatabaseThrottlingIsRetried(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) {
		s.Throttle = map[string]int{"rds:DescribeDBInstances": 2, "guardduty:ListDetectors": 1, "guardduty:GetDetector": 1}
	})
	col := collect(t, srv, nil)
	if len(col.Failed) != 0 || len(col.Resources) != 46 {
		t.Fatalf("failed %v, %d resources", col.Failed, len(col.Resources))
	}
	find(t, col, aws.TypeGuardDuty, "123456789012/us-east-1")
}

// TestCheckNamesDeniedDatabaseActions: the check probes RDS and GuardDuty
// and names what AWS denies; a collection with GuardDuty denied reports
// the action to add, region by region.
func TestCheckNamesDeniedDatabaseActions(t *testing.T) {
	srv := start(t, func(s *awstest.Scenario) {
		s.Deny = map[string]bool{"rds:DescribeDBClusters": true, "guardduty:ListDetectors": true}
	})
	res, err := connector().Check(t.Context(), request(srv, nil))
	if err != nil || res.OK || strings.Join(res.Missing, ",") != "rds:DescribeDBClusters,guardduty:ListDetectors" {
		t.Fatalf("%+v, %v", res, err)
	}
	col := collect(t, srv, nil)
	if f := col.Failed[aws.TypeGuardDuty]; !strings.Contains(f, "AWS denied guardduty:ListDetectors") || !strings.Contains(f, "us-east-1: ") {
		t.Errorf("failed = %q", f)
	}
}
