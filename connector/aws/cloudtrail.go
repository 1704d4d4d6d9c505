package aws

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/attest-hq/attest"
)

// CloudTrail's resource types.
const (
	TypeTrail         = "aws.cloudtrail_trail"
	TypeTrailCoverage = "aws.cloudtrail_account"
)

// Management events a trail records, as management_events.recorded says.
const (
	mgmtAll       = "All"
	mgmtReadOnly  = "ReadOnly"
	mgmtWriteOnly = "WriteOnly"
	mgmtNone      = "none"
)

// trailFacts is what the account-level judgement needs of a trail.
type trailFacts struct {
	arn, home   string
	multiRegion bool
	validation  bool
	logging     string // "true", "false", or the reason it is unknown
	mgmt        string // mgmtAll…, or "" when unknown
}

// trailSet gathers every region's trails, each once: a multi-region trail
// shows in every region (a shadow trail) and is read in its home region.
type trailSet struct {
	regions []string // the regions read
	mu      sync.Mutex
	claim   map[string]bool
	trails  []trailFacts
}

func (t *trailSet) take(arn string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.claim == nil {
		t.claim = map[string]bool{}
	}
	if t.claim[arn] {
		return false
	}
	t.claim[arn] = true
	return true
}

func (t *trailSet) add(f trailFacts) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.trails = append(t.trails, f)
}

// trails lists the trails a region shows (its own and other regions'
// multi-region trails, organization trails included) and reads each trail
// once, in its home region when that region is read: its status
// (GetTrailStatus) and its event selectors (GetEventSelectors).
func (c *collector) trails(ctx context.Context, cl *cloudtrail.Client, region string, set *trailSet) error {
	in := func(o *cloudtrail.Options) { o.Region = region }
	out, err := cl.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{}, in)
	if err != nil {
		return regionalError("cloudtrail:DescribeTrails", err)
	}
	for _, t := range out.TrailList {
		arn, home := aws.ToString(t.TrailARN), aws.ToString(t.HomeRegion)
		if home != region && slices.Contains(set.regions, home) || !set.take(arn) {
			continue
		}
		r := attest.Resource{Type: TypeTrail, Key: arn, Unavailable: map[string]string{}, Data: map[string]any{
			"name": aws.ToString(t.Name), "arn": arn, "home_region": home,
			"multi_region": aws.ToBool(t.IsMultiRegionTrail), "organization_trail": aws.ToBool(t.IsOrganizationTrail),
			"log_file_validation": aws.ToBool(t.LogFileValidationEnabled), "include_global_service_events": aws.ToBool(t.IncludeGlobalServiceEvents),
			"s3_bucket": aws.ToString(t.S3BucketName), "kms_key_id": aws.ToString(t.KmsKeyId),
			"cloudwatch_logs_group_arn": aws.ToString(t.CloudWatchLogsLogGroupArn),
		}}
		facts := trailFacts{arn: arn, home: home, multiRegion: aws.ToBool(t.IsMultiRegionTrail), validation: aws.ToBool(t.LogFileValidationEnabled)}
		st, err := cl.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: t.TrailARN}, in)
		switch {
		case err == nil:
			r.Data["logging"] = aws.ToBool(st.IsLogging)
			r.Data["latest_delivery_error"] = aws.ToString(st.LatestDeliveryError)
			facts.logging = fmt.Sprint(aws.ToBool(st.IsLogging))
		case denied(err):
			r.Unavailable["logging"] = deniedReason("cloudtrail:GetTrailStatus", err)
			facts.logging = r.Unavailable["logging"]
		default:
			return regionalError("cloudtrail:GetTrailStatus", err)
		}
		sel, err := cl.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: t.TrailARN}, in)
		switch {
		case err == nil:
			if m, ok := managementEvents(sel.EventSelectors, sel.AdvancedEventSelectors); ok {
				r.Data["management_events"] = m
				facts.mgmt = m["recorded"].(string)
			} else {
				r.Unavailable["management_events"] = "GetEventSelectors answered with neither event selectors nor advanced event selectors, " +
					"so which management events the trail records cannot be told"
			}
		case denied(err):
			r.Unavailable["management_events"] = deniedReason("cloudtrail:GetEventSelectors", err)
		default:
			return regionalError("cloudtrail:GetEventSelectors", err)
		}
		c.add(r)
		set.add(facts)
	}
	return nil
}

// managementEvents reads which management events a trail records, whether
// configured through classic event selectors (IncludeManagementEvents and
// ReadWriteType) or advanced ones (a selector whose eventCategory field
// equals Management, narrowed by readOnly). Selectors add up: one for
// reads and one for writes record both. It reports false when the trail
// has neither kind.
func managementEvents(classic []cttypes.EventSelector, advanced []cttypes.AdvancedEventSelector) (map[string]any, bool) {
	var reads, writes bool
	excluded := []string{}
	by := ""
	switch {
	case len(advanced) > 0:
		by = "advanced event selectors"
		for _, s := range advanced {
			mgmt, r, w := false, true, true
			for _, f := range s.FieldSelectors {
				switch aws.ToString(f.Field) {
				case "eventCategory":
					mgmt = slices.Contains(f.Equals, "Management") || len(f.Equals) == 0 && len(f.NotEquals) > 0 && !slices.Contains(f.NotEquals, "Management")
				case "readOnly":
					if slices.Contains(f.Equals, "true") && !slices.Contains(f.Equals, "false") {
						w = false
					}
					if slices.Contains(f.Equals, "false") && !slices.Contains(f.Equals, "true") {
						r = false
					}
				case "eventSource":
					excluded = append(excluded, f.NotEquals...)
				}
			}
			if mgmt {
				reads, writes = reads || r, writes || w
			}
		}
	case len(classic) > 0:
		by = "classic event selectors"
		for _, s := range classic {
			if s.IncludeManagementEvents != nil && !*s.IncludeManagementEvents {
				continue
			}
			switch s.ReadWriteType {
			case cttypes.ReadWriteTypeReadOnly:
				reads = true
			case cttypes.ReadWriteTypeWriteOnly:
				writes = true
			default:
				reads, writes = true, true
			}
			excluded = append(excluded, s.ExcludeManagementEventSources...)
		}
	default:
		return nil, false
	}
	recorded := mgmtNone
	switch {
	case reads && writes:
		recorded = mgmtAll
	case reads:
		recorded = mgmtReadOnly
	case writes:
		recorded = mgmtWriteOnly
	}
	sort.Strings(excluded)
	excluded = slices.Compact(excluded)
	words := map[string]string{mgmtAll: "read and write management events", mgmtReadOnly: "read-only management events only",
		mgmtWriteOnly: "write management events only", mgmtNone: "no management events"}[recorded]
	detail := fmt.Sprintf("its %s record %s", by, words)
	if len(excluded) > 0 && recorded != mgmtNone {
		detail += ", except from " + strings.Join(excluded, ", ")
	}
	return map[string]any{"recorded": recorded, "configured_by": by, "excluded_sources": toAny(excluded), "detail": detail}, true
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// trailCoverage judges the account as a whole: it has an audit trail when
// one trail is multi-region, logging, validates its log files and records
// read and write management events. With none, a trail whose missing fact
// was hidden, or a region that could not be read, makes the answer
// unavailable rather than a failure.
func (c *collector) trailCoverage(regions []string, set *trailSet, failed []string) {
	if len(failed) == len(regions) && len(regions) > 0 {
		c.fail(TypeTrailCoverage, "no region's trails could be read: "+strings.Join(failed, "; "))
		return
	}
	trails := slices.Clone(set.trails)
	sort.Slice(trails, func(i, j int) bool { return trails[i].arn < trails[j].arn })
	r := attest.Resource{Type: TypeTrailCoverage, Key: c.account, Unavailable: map[string]string{},
		Data: map[string]any{"account_id": c.account, "trail_count": len(trails)}}
	var good []any
	var short, unknown []string
	for _, t := range trails {
		var gaps, hidden []string
		if !t.multiRegion {
			gaps = append(gaps, "single-region ("+t.home+")")
		}
		switch t.logging {
		case "true":
		case "false":
			gaps = append(gaps, "not logging")
		default:
			hidden = append(hidden, "its status: "+t.logging)
		}
		if !t.validation {
			gaps = append(gaps, "no log-file validation")
		}
		switch t.mgmt {
		case mgmtAll:
		case "":
			hidden = append(hidden, "its event selectors")
		default:
			gaps = append(gaps, "management events recorded: "+t.mgmt)
		}
		switch {
		case len(gaps) == 0 && len(hidden) == 0:
			good = append(good, t.arn)
		case len(gaps) == 0:
			unknown = append(unknown, t.arn+" (cannot read "+strings.Join(hidden, ", ")+")")
		default:
			short = append(short, t.arn+": "+strings.Join(gaps, ", "))
		}
	}
	audit := map[string]any{"found": len(good) > 0, "trails": good}
	switch {
	case len(good) > 0:
		audit["explanation"] = fmt.Sprintf("%s is multi-region, logging, validates its log files and records read and write management events", good[0])
	case len(trails) == 0:
		audit["explanation"] = "no trail: no region read shows one"
	default:
		audit["explanation"] = "no trail is multi-region, logging, validated and recording read and write management events: " + strings.Join(short, "; ")
	}
	if good == nil {
		audit["trails"] = []any{}
		switch {
		case len(unknown) > 0:
			r.Unavailable["audit_trail"] = "whether " + strings.Join(unknown, "; ") + " qualifies cannot be told"
		case len(failed) > 0:
			r.Unavailable["audit_trail"] = "the trails of some regions could not be read (" + strings.Join(failed, "; ") + ")"
		}
	}
	r.Data["audit_trail"] = audit
	c.add(r)
}
