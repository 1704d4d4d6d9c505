package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"

	"github.com/attest-hq/attest"
)

// TypeConfigRegion is AWS Config's setting in a region.
const TypeConfigRegion = "aws.config_region"

// configRecorders reads a region's configuration recorder and its status:
// two calls a region, each answering for every recorder. The customer's
// own recorder counts (a region has at most one); recorders linked to
// another AWS service (servicePrincipal) record only that service's
// resources and do not.
func (c *collector) configRecorders(ctx context.Context, cl *configservice.Client, region string) error {
	in := func(o *configservice.Options) { o.Region = region }
	recs, err := cl.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{}, in)
	if err != nil {
		return regionalError("config:DescribeConfigurationRecorders", err)
	}
	key := c.account + "/" + region
	r := attest.Resource{Type: TypeConfigRegion, Key: key, Unavailable: map[string]string{}, Data: map[string]any{"account_id": c.account, "region": region}}
	rec := map[string]any{"exists": false, "name": "", "recording": false, "last_status": "", "last_error": "",
		"all_supported": false, "include_global_resource_types": false}
	name := ""
	for _, cr := range recs.ConfigurationRecorders {
		if aws.ToString(cr.ServicePrincipal) != "" {
			continue
		}
		name = aws.ToString(cr.Name)
		rec["exists"], rec["name"] = true, name
		if g := cr.RecordingGroup; g != nil {
			rec["all_supported"], rec["include_global_resource_types"] = g.AllSupported, g.IncludeGlobalResourceTypes
		}
		break
	}
	if name == "" {
		rec["explanation"] = "no configuration recorder in " + region + ": AWS Config records nothing there"
		r.Data["recorder"] = rec
		c.add(r)
		return nil
	}
	st, err := cl.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{ConfigurationRecorderNames: []string{name}}, in)
	switch {
	case err == nil:
		for _, s := range st.ConfigurationRecordersStatus {
			if aws.ToString(s.Name) != name {
				continue
			}
			rec["recording"], rec["last_status"] = s.Recording, string(s.LastStatus)
			if code := aws.ToString(s.LastErrorCode); code != "" {
				rec["last_error"] = code + ": " + aws.ToString(s.LastErrorMessage)
			}
		}
		switch {
		case rec["recording"] != true:
			rec["explanation"] = fmt.Sprintf("recorder %s is stopped", name)
		case rec["last_status"] == "Failure":
			rec["explanation"] = fmt.Sprintf("recorder %s is on but its last recording failed (%s)", name, rec["last_error"])
		default:
			rec["explanation"] = fmt.Sprintf("recorder %s is recording (last status %s)", name, rec["last_status"])
		}
		r.Data["recorder"] = rec
	case denied(err):
		r.Unavailable["recorder"] = deniedReason("config:DescribeConfigurationRecorderStatus", err)
	default:
		return regionalError("config:DescribeConfigurationRecorderStatus", err)
	}
	c.add(r)
	return nil
}
