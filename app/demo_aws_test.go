package app

import (
	"context"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// checkDemoAWS: the demo's AWS account was collected through the real
// connector and each trap is judged rightly, its verdict saying why.
func checkDemoAWS(t *testing.T, ctx context.Context, a *App, p attest.Principal, start int) {
	t.Helper()
	for _, w := range []struct {
		test, key string
		status    attest.ResultStatus
		says      string
	}{
		// A public policy and ACL neutralised by the account-level block.
		{"aws.s3_not_public", "arn:aws:s3:::acme-website", attest.ResultPass, "the account-level block (S3 Control)"},
		// AWS-managed AdministratorAccess is information, never a failure;
		// the customer's own admin policy fails.
		{"aws.iam_policy_no_full_admin", "arn:aws:iam::aws:policy/AdministratorAccess", attest.ResultNotApplicable, "customer-managed"},
		{"aws.iam_policy_no_full_admin", "arn:aws:iam::123456789012:policy/BreakGlassAdmin", attest.ResultFail, "grants_full_admin is true"},
		// No password policy: NoSuchEntity is the failure's reason.
		{"aws.password_policy_set", "arn:aws:iam::123456789012:root", attest.ResultFail, "NoSuchEntity"},
		// Aurora's instances are judged by their cluster.
		{"aws.rds_backup_retention", "arn:aws:rds:us-east-1:123456789012:db:ledger-1", attest.ResultNotApplicable, ""},
		{"aws.rds_cluster_backup_retention", "arn:aws:rds:us-east-1:123456789012:cluster:ledger", attest.ResultPass, "backup_retention_days is 35"},
		{"aws.rds_not_public", "arn:aws:rds:us-east-1:123456789012:db:legacy-crm", attest.ResultFail, "publicly_accessible is true"},
		// A region without GuardDuty fails by name.
		{"aws.guardduty_enabled", "123456789012/eu-west-1", attest.ResultFail, "no GuardDuty detector"},
		{"aws.sg_admin_ports_closed", "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60002", attest.ResultFail, "SSH (22, rule 22) from 0.0.0.0/0"},
	} {
		list, err := a.Services.Monitor.Results(ctx, p, store.ResultFilter{Test: w.test})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range list {
			if r.Resource.Key != w.key {
				continue
			}
			found = true
			if r.Status != w.status || !strings.Contains(r.Message, w.says) {
				t.Errorf("start %d: %s %s: %s %q, want %s saying %q", start+1, w.test, w.key, r.Status, r.Message, w.status, w.says)
			}
		}
		if !found {
			t.Errorf("start %d: no %s result for %s among %d (%v)", start+1, w.test, w.key, len(list), list)
		}
	}
}
