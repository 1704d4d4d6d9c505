package engine_test

// The AWS connector's CloudTrail, KMS, CloudWatch Logs and AWS Config
// types: a passing resource of each and a change that makes each of their
// shipped tests fail.
func init() {
	for typ, key := range map[string]string{
		"aws.cloudtrail_account":   "123456789012",
		"aws.cloudtrail_trail":     "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit",
		"aws.kms_key":              "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"aws.cloudwatch_log_group": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/org-audit",
		"aws.config_region":        "123456789012/us-east-1",
	} {
		resourceKeys[typ] = key
	}
	goods["aws.cloudtrail_account"] = func() map[string]any {
		return map[string]any{"account_id": "123456789012", "trail_count": 1, "audit_trail": map[string]any{
			"found": true, "trails": []any{"arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit"},
			"explanation": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit is multi-region, logging, validates its log files and records read and write management events"}}
	}
	goods["aws.cloudtrail_trail"] = func() map[string]any {
		return map[string]any{"name": "org-audit", "arn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit", "home_region": "us-east-1",
			"multi_region": true, "logging": true, "log_file_validation": true, "management_events": map[string]any{
				"recorded": "All", "configured_by": "advanced event selectors", "excluded_sources": []any{},
				"detail": "its advanced event selectors record read and write management events"}}
	}
	goods["aws.kms_key"] = func() map[string]any {
		return map[string]any{"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "region": "us-east-1", "key_manager": "CUSTOMER", "key_spec": "SYMMETRIC_DEFAULT",
			"key_usage": "ENCRYPT_DECRYPT", "key_state": "Enabled", "origin": "AWS_KMS", "rotation_enabled": true, "aliases": []any{"alias/app-data"}}
	}
	goods["aws.cloudwatch_log_group"] = func() map[string]any {
		return map[string]any{"name": "/aws/cloudtrail/org-audit", "region": "us-east-1", "retention_days": 400, "tags": map[string]any{"log-type": "audit"}}
	}
	goods["aws.config_region"] = func() map[string]any {
		return map[string]any{"account_id": "123456789012", "region": "us-east-1", "recorder": map[string]any{"exists": true, "name": "default",
			"recording": true, "last_status": "Success", "last_error": "", "explanation": "recorder default is recording (last status Success)"}}
	}
	addShipped("aws.cloudtrail_audit_trail", "aws.cloudtrail_account", func(m map[string]any) map[string]any {
		return set(m, "audit_trail", map[string]any{"found": false, "trails": []any{}, "explanation": "no trail is multi-region: arn:aws:cloudtrail:eu-west-1:123456789012:trail/eu-app: single-region (eu-west-1)"})
	}, "single-region (eu-west-1)")
	addShipped("aws.cloudtrail_management_events", "aws.cloudtrail_trail", func(m map[string]any) map[string]any {
		return set(m, "management_events", map[string]any{"recorded": "none", "configured_by": "advanced event selectors", "excluded_sources": []any{},
			"detail": "its advanced event selectors record no management events"})
	}, "no management events")
	addShipped("aws.cloudtrail_log_file_validation", "aws.cloudtrail_trail", func(m map[string]any) map[string]any { return set(m, "log_file_validation", false) }, "false")
	addShipped("aws.kms_key_rotation", "aws.kms_key", func(m map[string]any) map[string]any { return set(m, "rotation_enabled", false) }, "false")
	addShipped("aws.log_group_retention_set", "aws.cloudwatch_log_group", func(m map[string]any) map[string]any { return set(m, "retention_days", 0) }, "0")
	addShipped("aws.log_group_audit_retention", "aws.cloudwatch_log_group", func(m map[string]any) map[string]any { return set(m, "retention_days", 90) }, "90")
	addShipped("aws.config_recording", "aws.config_region", func(m map[string]any) map[string]any {
		return set(m, "recorder", map[string]any{"exists": false, "name": "", "recording": false, "last_status": "", "last_error": "",
			"explanation": "no configuration recorder in us-east-1: AWS Config records nothing there"})
	}, "no configuration recorder")
}

// addShipped adds a shipped test's row to the table of TestShippedTestsPassAndFail.
func addShipped(id, typ string, breakIt func(map[string]any) map[string]any, observed string) {
	shipped = append(shipped, struct {
		id       string
		typ      string
		breakIt  func(map[string]any) map[string]any
		observed string
	}{id, typ, breakIt, observed})
}
