package catalog_test

// The AWS connector's resource types (docs/connectors/aws.md) and how many
// shipped tests it must keep.
func init() {
	resourceTypes = append(resourceTypes, "aws.account", "aws.iam_user", "aws.iam_policy", "aws.s3_bucket", "aws.ec2_region", "aws.ec2_security_group", "aws.ebs_snapshot",
		"aws.cloudtrail_trail", "aws.cloudtrail_account", "aws.kms_key", "aws.cloudwatch_log_group", "aws.config_region")
	minTests["aws"] = 35
}
