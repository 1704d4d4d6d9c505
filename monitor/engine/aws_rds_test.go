package engine_test

// The AWS connector's RDS and GuardDuty resource types, a passing resource
// of each, and a change that makes each of their shipped tests fail.
func init() {
	resourceKeys["aws.rds_instance"] = "arn:aws:rds:us-east-1:123456789012:db:orders-db"
	resourceKeys["aws.rds_cluster"] = "arn:aws:rds:us-east-1:123456789012:cluster:ledger"
	resourceKeys["aws.guardduty_region"] = "123456789012/us-east-1"
	goods["aws.rds_instance"] = func() map[string]any {
		return map[string]any{
			"id": "orders-db", "arn": "arn:aws:rds:us-east-1:123456789012:db:orders-db", "region": "us-east-1", "engine": "postgres",
			"cluster_id": "", "replica_of": "", "storage_encrypted": true, "publicly_accessible": false, "backup_retention_days": 14,
			"deletion_protection": true, "multi_az": true, "tags": map[string]any{},
		}
	}
	goods["aws.rds_cluster"] = func() map[string]any {
		return map[string]any{
			"id": "ledger", "arn": "arn:aws:rds:us-east-1:123456789012:cluster:ledger", "region": "us-east-1", "engine": "aurora-postgresql",
			"storage_encrypted": true, "backup_retention_days": 35, "deletion_protection": true, "members": []any{"ledger-1"}, "tags": map[string]any{},
		}
	}
	goods["aws.guardduty_region"] = func() map[string]any {
		return map[string]any{"account_id": "123456789012", "region": "us-east-1", "status": "ENABLED", "detector_count": 1,
			"detector_id": "12abc34d567e8fa901bc2d34e56789f0", "features": map[string]any{}}
	}
	db, cluster, gd := "aws.rds_instance", "aws.rds_cluster", "aws.guardduty_region"
	for _, e := range []struct {
		id, typ, field string
		value          any
		observed       string
	}{
		{"aws.rds_storage_encrypted", db, "storage_encrypted", false, "false"},
		{"aws.rds_not_public", db, "publicly_accessible", true, "true"},
		{"aws.rds_backup_retention", db, "backup_retention_days", 3, "3"},
		{"aws.rds_deletion_protection", db, "deletion_protection", false, "false"},
		{"aws.rds_cluster_storage_encrypted", cluster, "storage_encrypted", false, "false"},
		{"aws.rds_cluster_backup_retention", cluster, "backup_retention_days", 1, "1"},
		{"aws.rds_cluster_deletion_protection", cluster, "deletion_protection", false, "false"},
		{"aws.guardduty_enabled", gd, "status", "DISABLED", "DISABLED"},
	} {
		shipped = append(shipped, struct {
			id       string
			typ      string
			breakIt  func(map[string]any) map[string]any
			observed string
		}{e.id, e.typ, func(m map[string]any) map[string]any { return set(m, e.field, e.value) }, e.observed})
	}
}
