package aws

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// regionList is the regions the regional services read, worked out once
// per collection whichever service asks first.
type regionList struct {
	once  sync.Once
	names []string
	err   string // why they are unknown: the reason of every regional type's failure
}

// regionNames returns the regions setting's regions, or, with none set,
// every region enabled for the account (ec2:DescribeRegions, one call per
// collection). On failure it returns the reason.
func (c *collector) regionNames(ctx context.Context) ([]string, string) {
	l := &c.regionList
	l.once.Do(func() {
		if !c.s.set.allRegions {
			l.names = c.s.set.regions
			return
		}
		out, err := c.s.ec2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		if err != nil {
			l.err = why("ec2:DescribeRegions", err)
			if denied(err) {
				l.err = deniedReason("ec2:DescribeRegions", err) + ", or list the regions in the connection's regions setting"
			}
			return
		}
		for _, r := range out.Regions {
			l.names = append(l.names, aws.ToString(r.RegionName))
		}
		sort.Strings(l.names)
	})
	return l.names, l.err
}

// eachRegion runs read for every region, regionWorkers at a time, and
// returns the failures' reasons, each led by its region and sorted, joined
// with "; " ("" when every region was read). A region's failure leaves the
// other regions' resources standing.
func (c *collector) eachRegion(ctx context.Context, read func(region string) error) string {
	regions, reason := c.regionNames(ctx)
	if reason != "" {
		return reason
	}
	var (
		wg     sync.WaitGroup
		work   = make(chan string)
		mu     sync.Mutex
		failed []string
	)
	for range min(regionWorkers, len(regions)) {
		wg.Go(func() {
			for region := range work {
				if err := read(region); err != nil {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("%s: %s", region, err))
					mu.Unlock()
				}
			}
		})
	}
	for _, r := range regions {
		work <- r
	}
	close(work)
	wg.Wait()
	sort.Strings(failed)
	return strings.Join(failed, "; ")
}

// regionalError is a region's failure: the action, AWS's code and message,
// or, for a denied action, what to add to the policy.
func regionalError(action string, err error) error {
	if denied(err) {
		return fmt.Errorf("%s", deniedReason(action, err))
	}
	return fmt.Errorf("%s", why(action, err))
}
