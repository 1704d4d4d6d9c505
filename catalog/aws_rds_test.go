package catalog_test

// The AWS connector's RDS and GuardDuty resource types (docs/connectors/aws.md).
func init() {
	resourceTypes = append(resourceTypes, "aws.rds_instance", "aws.rds_cluster", "aws.guardduty_region")
}
