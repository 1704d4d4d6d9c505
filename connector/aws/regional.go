package aws

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// jsonClients are the clients of the regional services that speak AWS's
// JSON 1.1 protocol: CloudTrail, KMS, CloudWatch Logs and AWS Config. Each
// call names its region.
type jsonClients struct {
	trail  *cloudtrail.Client
	kms    *kms.Client
	logs   *cloudwatchlogs.Client
	config *configservice.Client
}

func newJSONClients(cfg aws.Config) jsonClients {
	return jsonClients{
		trail: cloudtrail.NewFromConfig(cfg), kms: kms.NewFromConfig(cfg),
		logs: cloudwatchlogs.NewFromConfig(cfg), config: configservice.NewFromConfig(cfg),
	}
}

// regionalJob reads one service in one region; its error fails that
// service's types for the region only.
type regionalJob struct {
	region string
	types  []string
	run    func(ctx context.Context, region string) error
}

// jsonServices reads CloudTrail, KMS, CloudWatch Logs and AWS Config in
// every region, as many (service, region) pairs at a time as regionWorkers
// allows. A pair that fails is named, with AWS's error code, in Failed for
// that service's types; every other pair's resources stand. The account's
// CloudTrail coverage is judged last, from every region's trails.
func (c *collector) jsonServices(ctx context.Context) {
	all := []string{TypeTrail, TypeTrailCoverage, TypeKMSKey, TypeLogGroup, TypeConfigRegion}
	regions, reason := c.regionNames(ctx)
	if reason != "" {
		for _, typ := range all {
			c.fail(typ, reason)
		}
		return
	}
	cl := newJSONClients(c.s.cfg)
	trails := &trailSet{regions: regions}
	var jobs []regionalJob
	for _, r := range regions {
		jobs = append(jobs,
			regionalJob{r, []string{TypeTrail}, func(ctx context.Context, region string) error { return c.trails(ctx, cl.trail, region, trails) }},
			regionalJob{r, []string{TypeKMSKey}, func(ctx context.Context, region string) error { return c.kmsKeys(ctx, cl.kms, region) }},
			regionalJob{r, []string{TypeLogGroup}, func(ctx context.Context, region string) error { return c.logGroups(ctx, cl.logs, region) }},
			regionalJob{r, []string{TypeConfigRegion}, func(ctx context.Context, region string) error {
				return c.configRecorders(ctx, cl.config, region)
			}},
		)
	}
	var (
		wg     sync.WaitGroup
		work   = make(chan regionalJob)
		mu     sync.Mutex
		failed = map[string][]string{}
	)
	for range min(regionWorkers, len(jobs)) {
		wg.Go(func() {
			for j := range work {
				if err := j.run(ctx, j.region); err != nil {
					mu.Lock()
					for _, typ := range j.types {
						failed[typ] = append(failed[typ], fmt.Sprintf("%s: %s", j.region, err))
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	for typ, reasons := range failed {
		sort.Strings(reasons)
		c.fail(typ, strings.Join(reasons, "; "))
	}
	c.trailCoverage(regions, trails, failed[TypeTrail])
}

// jsonProbes are Check's calls of the JSON services, in the first region:
// one list call each, which needs the same permission as the collection's.
func jsonProbes(ctx context.Context, s *session) []struct {
	action string
	call   func() error
} {
	cl := newJSONClients(s.cfg)
	return []struct {
		action string
		call   func() error
	}{
		{"cloudtrail:DescribeTrails", func() error {
			_, err := cl.trail.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
			return err
		}},
		{"kms:ListKeys", func() error { _, err := cl.kms.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(1)}); return err }},
		{"logs:DescribeLogGroups", func() error {
			_, err := cl.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(1)})
			return err
		}},
		{"config:DescribeConfigurationRecorders", func() error {
			_, err := cl.config.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
			return err
		}},
	}
}
