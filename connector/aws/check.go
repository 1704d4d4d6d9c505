package aws

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/attest-hq/attest"
)

// Check verifies the credential (and the role it assumes) with
// sts:GetCallerIdentity, then makes one call of each kind a collection
// makes and names every action AWS denies. Answers that mean "nothing set"
// (NoSuchEntity, NoSuchPublicAccessBlockConfiguration) count as allowed.
func (c *Connector) checkAccount(ctx context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	s, err := c.session(ctx, req)
	if err != nil {
		return attest.CheckResult{}, err
	}
	var res attest.CheckResult
	id, err := s.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if refusedCredential(err) || denied(err) {
			res.Message = "AWS refused the credential: " + why("sts:GetCallerIdentity", err)
			if s.set.roleARN != "" {
				res.Message += fmt.Sprintf(" (check that the credential may assume %s and that the external ID matches its trust policy)", s.set.roleARN)
			}
			return res, nil
		}
		return res, coded("sts:GetCallerIdentity", err)
	}
	res.Identity = aws.ToString(id.Arn)
	account := aws.ToString(id.Account)
	probes := []struct {
		action string
		call   func() error
	}{
		{"iam:GetAccountSummary", func() error { _, err := s.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}); return err }},
		{"iam:GetAccountPasswordPolicy", func() error {
			_, err := s.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
			return err
		}},
		{"iam:GenerateCredentialReport", func() error {
			_, err := s.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
			return err
		}},
		{"iam:ListPolicies", func() error {
			_, err := s.iam.ListPolicies(ctx, &iam.ListPoliciesInput{MaxItems: aws.Int32(1)})
			return err
		}},
		{"s3:ListAllMyBuckets", func() error {
			_, err := s.s3.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
			return err
		}},
		{"s3:GetAccountPublicAccessBlock", func() error {
			_, err := s.s3c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(account)})
			return err
		}},
		{"ec2:GetEbsEncryptionByDefault", func() error {
			_, err := s.ec2.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
			return err
		}},
		{"ec2:DescribeRegions", func() error {
			_, err := s.ec2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}},
		{"ec2:DescribeSecurityGroups", func() error {
			_, err := s.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5)})
			return err
		}},
	}
	probes = append(probes, regionalProbes(ctx, s)...)
	probes = append(probes, jsonProbes(ctx, s)...)
	for _, p := range probes {
		err := p.call()
		switch {
		case err == nil, codeOf(err) == "NoSuchEntity", codeOf(err) == "NoSuchPublicAccessBlockConfiguration":
		case denied(err):
			if !slices.Contains(res.Missing, p.action) {
				res.Missing = append(res.Missing, p.action)
			}
		default:
			return res, coded(p.action, err)
		}
	}
	res.OK = len(res.Missing) == 0
	if res.OK {
		res.Message = fmt.Sprintf("signed in as %s in account %s; the credential reads everything Attest collects", res.Identity, account)
	} else {
		res.Message = fmt.Sprintf("signed in as %s in account %s; AWS denied %d action(s): tests that need them will be unverifiable", res.Identity, account, len(res.Missing))
	}
	return res, nil
}
