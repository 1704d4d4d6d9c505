package engine_test

// The AWS connector's resource types, a passing resource of each, and a
// change that makes each of its shipped tests fail.
func init() {
	resourceKeys["aws.account"] = "arn:aws:iam::123456789012:root"
	resourceKeys["aws.iam_user"] = "arn:aws:iam::123456789012:user/alice"
	resourceKeys["aws.iam_policy"] = "arn:aws:iam::123456789012:policy/ReadReports"
	resourceKeys["aws.s3_bucket"] = "arn:aws:s3:::acme-logs"
	resourceKeys["aws.ec2_region"] = "123456789012/us-east-1"
	resourceKeys["aws.ec2_security_group"] = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60001"
	goods["aws.ec2_region"] = func() map[string]any {
		return map[string]any{"account_id": "123456789012", "region": "us-east-1", "ebs_encryption_by_default": true}
	}
	goods["aws.ec2_security_group"] = func() map[string]any {
		return map[string]any{"id": "sg-0a1b2c3d4e5f60001", "name": "web", "vpc_id": "vpc-0f1e2d3c", "region": "us-east-1", "world_open_admin_ports": []any{}}
	}
	resourceKeys["aws.ebs_snapshot"] = "arn:aws:ec2:eu-west-1:123456789012:snapshot/snap-0a1b2c3d4e5f00001"
	goods["aws.ebs_snapshot"] = func() map[string]any {
		return map[string]any{"id": "snap-0a1b2c3d4e5f00001", "region": "eu-west-1", "volume_id": "vol-0a1b2c3d4e5f00001", "encrypted": true, "public": false}
	}
	goods["aws.account"] = goodAWSAccount
	goods["aws.iam_user"] = goodAWSUser
	goods["aws.iam_policy"] = goodAWSPolicy
	goods["aws.s3_bucket"] = goodAWSBucket
	type change = func(map[string]any) map[string]any
	entry := func(id, typ string, breakIt change, observed string) {
		shipped = append(shipped, struct {
			id       string
			typ      string
			breakIt  func(map[string]any) map[string]any
			observed string
		}{id, typ, breakIt, observed})
	}
	acct, user, policy, bucket := "aws.account", "aws.iam_user", "aws.iam_policy", "aws.s3_bucket"
	entry("aws.root_mfa", acct, func(m map[string]any) map[string]any { return set(m, "root_mfa_enabled", false) }, "false")
	entry("aws.root_no_access_keys", acct, func(m map[string]any) map[string]any { return set(m, "root_access_keys_present", true) }, "true")
	entry("aws.root_not_used_recently", acct, func(m map[string]any) map[string]any {
		return set(m, "root_password_last_used", "2026-11-30T08:00:00Z")
	}, "2026-11-30T08:00:00Z")
	entry("aws.password_policy_set", acct, func(m map[string]any) map[string]any {
		return set(m, "password_policy.status", "none: GetAccountPasswordPolicy answered NoSuchEntity")
	}, "NoSuchEntity")
	entry("aws.password_min_length", acct, func(m map[string]any) map[string]any { return set(m, "password_policy.minimum_length", 8) }, "8")
	entry("aws.password_complexity", acct, func(m map[string]any) map[string]any { return set(m, "password_policy.require_symbols", false) }, "false")
	entry("aws.password_reuse_prevention", acct, func(m map[string]any) map[string]any { return set(m, "password_policy.reuse_prevention", 0) }, "0")
	entry("aws.user_console_mfa", user, func(m map[string]any) map[string]any { return set(m, "mfa_active", false) }, "false")
	entry("aws.user_access_keys_rotated", user, func(m map[string]any) map[string]any {
		return set(m, "access_keys", []any{map[string]any{"slot": "1", "active": true, "last_rotated": "2026-01-10T00:00:00Z", "last_used": "2026-12-01T00:00:00Z"}})
	}, "2026-01-10T00:00:00Z")
	entry("aws.user_access_keys_used", user, func(m map[string]any) map[string]any {
		return set(m, "access_keys", []any{map[string]any{"slot": "2", "active": true, "last_rotated": "2026-11-01T00:00:00Z", "last_used": "2026-08-01T00:00:00Z"}})
	}, "2026-08-01T00:00:00Z")
	entry("aws.user_console_used", user, func(m map[string]any) map[string]any { return set(m, "password_last_used", "2026-07-01T00:00:00Z") }, "2026-07-01T00:00:00Z")
	entry("aws.iam_policy_no_full_admin", policy, func(m map[string]any) map[string]any { return set(m, "grants_full_admin", true) }, "true")
	entry("aws.s3_not_public", bucket, func(m map[string]any) map[string]any {
		return set(m, "public_access", map[string]any{"public": true, "fully_blocked": false, "decided_by": "the bucket policy"})
	}, "the bucket policy")
	entry("aws.s3_public_access_blocked", bucket, func(m map[string]any) map[string]any {
		return set(m, "public_access", map[string]any{"public": false, "fully_blocked": false, "decided_by": "the bucket's own policy and ACL"})
	}, "the bucket's own policy and ACL")
	entry("aws.s3_default_encryption", bucket, func(m map[string]any) map[string]any { return set(m, "default_encryption", "none") }, "none")
	entry("aws.ebs_default_encryption", "aws.ec2_region", func(m map[string]any) map[string]any { return set(m, "ebs_encryption_by_default", false) }, "false")
	entry("aws.sg_admin_ports_closed", "aws.ec2_security_group", func(m map[string]any) map[string]any {
		return set(m, "world_open_admin_ports", []any{"SSH (22, rule 22) from 0.0.0.0/0"})
	}, "SSH (22, rule 22) from 0.0.0.0/0")
	entry("aws.ebs_snapshot_not_public", "aws.ebs_snapshot", func(m map[string]any) map[string]any { return set(m, "public", true) }, "true")
	entry("aws.s3_versioning_production", bucket, func(m map[string]any) map[string]any { return set(m, "versioning", "Suspended") }, "Suspended")
	entry("aws.s3_tls_required", bucket, func(m map[string]any) map[string]any { return set(m, "tls_required", false) }, "false")
}

// goodAWSAccount passes every aws.account test: root with MFA, no keys,
// last used long ago, and a strong password policy.
func goodAWSAccount() map[string]any {
	return map[string]any{
		"account_id": "123456789012", "arn": "arn:aws:iam::123456789012:root",
		"root_mfa_enabled": true, "root_access_keys_present": false, "root_password_last_used": "2026-03-01T10:00:00Z",
		"password_policy": map[string]any{
			"status": "set", "minimum_length": 14, "require_symbols": true, "require_numbers": true,
			"require_uppercase": true, "require_lowercase": true, "max_age_days": 0, "reuse_prevention": 24,
		},
	}
}

// goodAWSUser is a console user with MFA who signed in yesterday and a key
// rotated a month ago, used yesterday.
func goodAWSUser() map[string]any {
	return map[string]any{
		"name": "alice", "arn": "arn:aws:iam::123456789012:user/alice", "created": "2025-06-01T00:00:00Z",
		"console_access": true, "password_last_used": "2026-12-03T09:00:00Z", "mfa_active": true,
		"access_keys": []any{map[string]any{"slot": "1", "active": true, "last_rotated": "2026-11-01T00:00:00Z", "last_used": "2026-12-03T09:00:00Z"}},
	}
}

func goodAWSPolicy() map[string]any {
	return map[string]any{
		"name": "ReadReports", "arn": "arn:aws:iam::123456789012:policy/ReadReports", "managed_by": "customer",
		"attachment_count": 2, "default_version": "v1", "grants_full_admin": false, "full_admin_statements": []any{},
	}
}

func goodAWSBucket() map[string]any {
	block := map[string]any{"configured": true, "block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true, "all": true}
	return map[string]any{
		"name": "acme-logs", "arn": "arn:aws:s3:::acme-logs", "region": "us-east-1", "created": "2023-06-01T12:00:00Z",
		"account_block": block, "bucket_block": map[string]any{"configured": false, "block_public_acls": false, "ignore_public_acls": false,
			"block_public_policy": false, "restrict_public_buckets": false, "all": false},
		"policy_public": false, "acl_public_grants": []any{},
		"public_access":      map[string]any{"public": false, "fully_blocked": true, "decided_by": "the account-level block (S3 Control)"},
		"default_encryption": "aws:kms", "has_policy": true, "tls_required": true,
		"tags": map[string]any{"data-classification": "production"}, "versioning": "Enabled",
	}
}
