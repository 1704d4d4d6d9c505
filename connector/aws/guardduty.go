package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/attest-hq/attest"
)

// TypeGuardDuty is one region's GuardDuty, keyed ACCOUNT/REGION whether or
// not it has a detector, so that a region without one is a resource whose
// verdict names it.
const TypeGuardDuty = "aws.guardduty_region"

// noDetector is the status of a region without a GuardDuty detector.
const noDetector = "none: ListDetectors found no GuardDuty detector in the region, so GuardDuty is off there"

// guardDuty reads every region's GuardDuty detector: ListDetectors, then
// GetDetector for the one AWS allows per account and region. A region
// whose calls fail is named in Failed with AWS's code (its test gives an
// error, never a failure); the other regions stand.
func (c *collector) guardDuty(ctx context.Context) {
	client := guardduty.NewFromConfig(c.s.cfg)
	if reason := c.eachRegion(ctx, func(region string) error { return c.guardDutyIn(ctx, client, region) }); reason != "" {
		c.fail(TypeGuardDuty, reason)
	}
}

func (c *collector) guardDutyIn(ctx context.Context, client *guardduty.Client, region string) error {
	in := func(o *guardduty.Options) { o.Region = region }
	var ids []string
	p := guardduty.NewListDetectorsPaginator(client, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, in)
		if err != nil {
			return regionalError("guardduty:ListDetectors", err)
		}
		ids = append(ids, page.DetectorIds...)
	}
	data := map[string]any{"account_id": c.account, "region": region, "detector_count": len(ids),
		"detector_id": "", "detector_arn": "", "status": noDetector, "finding_publishing_frequency": "", "features": map[string]any{}}
	// One detector per region is AWS's rule; should there be more, an
	// enabled one decides.
	for _, id := range ids {
		d, err := client.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)}, in)
		if err != nil {
			return regionalError("guardduty:GetDetector", err)
		}
		if data["status"] == string(d.Status) || data["status"] == "ENABLED" {
			continue
		}
		features := map[string]any{}
		for _, f := range d.Features {
			features[string(f.Name)] = string(f.Status)
		}
		data["detector_id"], data["status"], data["features"] = id, string(d.Status), features
		data["detector_arn"] = fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s", region, c.account, id)
		data["finding_publishing_frequency"] = string(d.FindingPublishingFrequency)
	}
	c.add(attest.Resource{Type: TypeGuardDuty, Key: c.account + "/" + region, Data: data})
	return nil
}

// regionalProbes are the check's calls of RDS and GuardDuty, in the first
// region. GetDetector needs a detector, so ListDetectors stands for it.
func regionalProbes(ctx context.Context, s *session) []struct {
	action string
	call   func() error
} {
	db, gd := rds.NewFromConfig(s.cfg), guardduty.NewFromConfig(s.cfg)
	return []struct {
		action string
		call   func() error
	}{
		{"rds:DescribeDBInstances", func() error {
			_, err := db.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
			return err
		}},
		{"rds:DescribeDBClusters", func() error {
			_, err := db.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(20)})
			return err
		}},
		{"guardduty:ListDetectors", func() error {
			_, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(1)})
			return err
		}},
	}
}
