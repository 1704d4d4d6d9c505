package aws

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/attest-hq/attest"
)

// TypeLogGroup is a CloudWatch Logs log group.
const TypeLogGroup = "aws.cloudwatch_log_group"

// logGroups lists a region's log groups (DescribeLogGroups, pages of 50
// with nextToken) and reads each group's tags (ListTagsForResource): the
// tags say which groups hold audit logs. Denied tags leave the tests that
// read them unverifiable; the retention tests still judge.
func (c *collector) logGroups(ctx context.Context, cl *cloudwatchlogs.Client, region string) error {
	in := func(o *cloudwatchlogs.Options) { o.Region = region }
	var groups []logstypes.LogGroup
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(cl, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, in)
		if err != nil {
			return regionalError("logs:DescribeLogGroups", err)
		}
		groups = append(groups, page.LogGroups...)
	}
	tagsDenied := ""
	for _, g := range groups {
		arn := aws.ToString(g.LogGroupArn)
		if arn == "" {
			arn = strings.TrimSuffix(aws.ToString(g.Arn), ":*")
		}
		r := attest.Resource{Type: TypeLogGroup, Key: arn, Unavailable: map[string]string{}, Data: map[string]any{
			"name": aws.ToString(g.LogGroupName), "arn": arn, "region": region, "retention_days": 0,
			"kms_key_id": aws.ToString(g.KmsKeyId), "class": string(g.LogGroupClass),
		}}
		if g.RetentionInDays != nil && *g.RetentionInDays > 0 {
			r.Data["retention_days"] = int(*g.RetentionInDays)
		}
		if g.CreationTime != nil {
			r.Data["created"] = time.UnixMilli(*g.CreationTime).UTC().Format("2006-01-02T15:04:05Z")
		}
		if tagsDenied != "" {
			r.Unavailable["tags"] = tagsDenied
			c.add(r)
			continue
		}
		t, err := cl.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn)}, in)
		switch {
		case err == nil:
			tags := map[string]any{}
			for k, v := range t.Tags {
				tags[k] = v
			}
			r.Data["tags"] = tags
		case denied(err):
			// One denial is every group's: ask no further.
			tagsDenied = deniedReason("logs:ListTagsForResource", err)
			r.Unavailable["tags"] = tagsDenied
		default:
			r.Unavailable["tags"] = why("logs:ListTagsForResource", err)
		}
		c.add(r)
	}
	return nil
}
