package awstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// JSON 1.1 services (CloudTrail, KMS, CloudWatch Logs, AWS Config): a POST
// to / with X-Amz-Target naming the operation and a JSON body, answered
// with application/x-amz-json-1.1 and errors as {"__type", "message"}.

// Trail is a CloudTrail trail whose home is the region holding it.
type Trail struct {
	Name                             string
	MultiRegion, Logging, Validation bool
	Classic                          []map[string]any // EventSelectors as AWS answers them
	Advanced                         []map[string]any // AdvancedEventSelectors as AWS answers them
}

// KMSKey is a KMS key.
type KMSKey struct {
	ID, Manager, Spec, State string // "CUSTOMER"/"AWS", "SYMMETRIC_DEFAULT", "Enabled"
	Rotation                 bool
	Aliases                  []string
}

// LogGroup is a CloudWatch Logs log group.
type LogGroup struct {
	Name          string
	RetentionDays int // 0: never expire
	Tags          map[string]string
}

// Recorder is an AWS Config configuration recorder.
type Recorder struct {
	Name      string
	Recording bool
}

func (c *call) jsonFail(status int, code, message string) {
	switch code { // the JSON services word these two codes so
	case "Throttling":
		code = "ThrottlingException"
	case "AccessDenied":
		code = "AccessDeniedException"
	case "AuthFailure":
		code = "UnrecognizedClientException"
	}
	c.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	c.w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"__type": code, "message": message})
	c.w.Write(b)
}

func (sc *Scenario) answerJSON(c *call, r *http.Request, region string) {
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		c.jsonFail(http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	reg := sc.Regions[region]
	if reg == nil {
		reg = &Region{}
	}
	if reg.Fail != "" {
		c.jsonFail(http.StatusBadRequest, reg.Fail, "The security token included in the request is invalid.")
		return
	}
	str := func(k string) string { s, _ := in[k].(string); return s }
	limit := func(k string) int { f, _ := in[k].(float64); return int(f) }
	trailARN := func(reg, name string) string {
		return "arn:aws:cloudtrail:" + reg + ":" + sc.account() + ":trail/" + name
	}
	findTrail := func(id string) (*Trail, bool) {
		for rn, rg := range sc.Regions {
			for i := range rg.Trails {
				if t := &rg.Trails[i]; trailARN(rn, t.Name) == id || rn == region && t.Name == id {
					return t, true
				}
			}
		}
		return nil, false
	}
	keyARN := func(id string) string { return "arn:aws:kms:" + region + ":" + sc.account() + ":key/" + id }
	switch c.action {
	case "cloudtrail:DescribeTrails":
		list := []any{}
		for rn, rg := range sc.Regions {
			for _, t := range rg.Trails {
				if rn != region && (!t.MultiRegion || in["includeShadowTrails"] == false) {
					continue
				}
				list = append(list, map[string]any{"Name": t.Name, "TrailARN": trailARN(rn, t.Name), "HomeRegion": rn, "IsMultiRegionTrail": t.MultiRegion,
					"LogFileValidationEnabled": t.Validation, "S3BucketName": "acme-cloudtrail", "IncludeGlobalServiceEvents": true,
					"IsOrganizationTrail": false, "HasCustomEventSelectors": t.Advanced != nil, "HasInsightSelectors": false})
			}
		}
		c.jsonOK(map[string]any{"trailList": list})
	case "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors":
		t, ok := findTrail(str("Name") + str("TrailName"))
		if !ok {
			c.jsonFail(http.StatusBadRequest, "TrailNotFoundException", "Unknown trail: "+str("Name")+str("TrailName"))
			return
		}
		if c.action == "cloudtrail:GetTrailStatus" {
			c.jsonOK(map[string]any{"IsLogging": t.Logging, "LatestDeliveryTime": 1.7648e9})
			return
		}
		out := map[string]any{"TrailARN": str("TrailName")}
		if t.Classic != nil {
			out["EventSelectors"] = t.Classic
		}
		if t.Advanced != nil {
			out["AdvancedEventSelectors"] = t.Advanced
		}
		c.jsonOK(out)
	case "kms:ListKeys", "kms:ListAliases":
		type item = map[string]any
		var all []item
		for _, k := range reg.KMSKeys {
			if c.action == "kms:ListKeys" {
				all = append(all, item{"KeyId": k.ID, "KeyArn": keyARN(k.ID)})
			}
			for _, a := range k.Aliases {
				if c.action == "kms:ListAliases" {
					all = append(all, item{"AliasName": a, "AliasArn": "arn:aws:kms:" + region + ":" + sc.account() + ":" + a, "TargetKeyId": k.ID})
				}
			}
		}
		from, to, next := page(len(all), sc.PageSize, str("Marker"), limit("Limit"))
		list := "Keys"
		if c.action == "kms:ListAliases" {
			list = "Aliases"
		}
		out := map[string]any{list: append([]item{}, all[from:to]...), "Truncated": next != ""}
		if next != "" {
			out["NextMarker"] = next
		}
		c.jsonOK(out)
	case "kms:DescribeKey", "kms:GetKeyRotationStatus":
		for _, k := range reg.KMSKeys {
			if id := str("KeyId"); id != k.ID && id != keyARN(k.ID) {
				continue
			}
			if c.action == "kms:GetKeyRotationStatus" {
				c.jsonOK(map[string]any{"KeyId": keyARN(k.ID), "KeyRotationEnabled": k.Rotation, "RotationPeriodInDays": 365})
				return
			}
			usage := "ENCRYPT_DECRYPT"
			if strings.HasPrefix(k.Spec, "HMAC") {
				usage = "GENERATE_VERIFY_MAC"
			}
			c.jsonOK(map[string]any{"KeyMetadata": map[string]any{"AWSAccountId": sc.account(), "KeyId": k.ID, "Arn": keyARN(k.ID), "CreationDate": 1.6e9,
				"Enabled": k.State == "Enabled", "KeyUsage": usage, "KeyState": k.State, "Origin": "AWS_KMS", "KeyManager": k.Manager,
				"KeySpec": k.Spec, "CustomerMasterKeySpec": k.Spec, "MultiRegion": false, "Description": "awstest key"}})
			return
		}
		c.jsonFail(http.StatusBadRequest, "NotFoundException", "Key '"+keyARN(str("KeyId"))+"' does not exist")
	case "logs:DescribeLogGroups":
		from, to, next := page(len(reg.LogGroups), sc.PageSize, str("nextToken"), limit("limit"))
		list := []any{}
		for _, g := range reg.LogGroups[from:to] {
			arn := "arn:aws:logs:" + region + ":" + sc.account() + ":log-group:" + g.Name
			m := map[string]any{"logGroupName": g.Name, "arn": arn + ":*", "logGroupArn": arn, "creationTime": 1.6e12, "metricFilterCount": 0,
				"storedBytes": 1024, "logGroupClass": "STANDARD"}
			if g.RetentionDays > 0 {
				m["retentionInDays"] = g.RetentionDays
			}
			list = append(list, m)
		}
		out := map[string]any{"logGroups": list}
		if next != "" {
			out["nextToken"] = next
		}
		c.jsonOK(out)
	case "logs:ListTagsForResource":
		for _, g := range reg.LogGroups {
			if str("resourceArn") == "arn:aws:logs:"+region+":"+sc.account()+":log-group:"+g.Name {
				tags := map[string]string{}
				for k, v := range g.Tags {
					tags[k] = v
				}
				c.jsonOK(map[string]any{"tags": tags})
				return
			}
		}
		c.jsonFail(http.StatusBadRequest, "ResourceNotFoundException", "The specified log group does not exist.")
	case "config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus":
		recs, sts := []any{}, []any{}
		for _, rc := range reg.Recorders {
			recs = append(recs, map[string]any{"name": rc.Name, "roleARN": "arn:aws:iam::" + sc.account() + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
				"recordingGroup": map[string]any{"allSupported": true, "includeGlobalResourceTypes": true}})
			st := map[string]any{"name": rc.Name, "recording": rc.Recording, "lastStartTime": 1.6e9}
			if rc.Recording {
				st["lastStatus"] = "Success"
			}
			sts = append(sts, st)
		}
		if c.action == "config:DescribeConfigurationRecorders" {
			c.jsonOK(map[string]any{"ConfigurationRecorders": recs})
		} else {
			c.jsonOK(map[string]any{"ConfigurationRecordersStatus": sts})
		}
	default:
		c.jsonFail(http.StatusBadRequest, "UnknownOperationException", fmt.Sprintf("awstest does not answer %s (%s)", c.action, strconv.Quote(r.Header.Get("X-Amz-Target"))))
	}
}

// jsonDefaults gives the default scenario's regions their CloudTrail, KMS,
// CloudWatch Logs and AWS Config: a multi-region trail in us-east-1 with
// classic selectors, a single-region one in eu-west-1 with advanced
// selectors for management events and no log-file validation; a
// customer key with rotation and one without, an AWS-managed key and an
// asymmetric one; an audit log group kept 400 days, one never expiring,
// an audit group kept 90 days; Config recording in us-east-1 only.
func jsonDefaults(sc *Scenario) {
	us, eu := sc.Regions["us-east-1"], sc.Regions["eu-west-1"]
	us.Trails = []Trail{{Name: "org-audit", MultiRegion: true, Logging: true, Validation: true,
		Classic: []map[string]any{{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []any{}, "ExcludeManagementEventSources": []any{}}}}}
	eu.Trails = []Trail{{Name: "eu-app", Logging: true,
		Advanced: []map[string]any{{"Name": "Management events", "FieldSelectors": []any{map[string]any{"Field": "eventCategory", "Equals": []any{"Management"}}}}}}}
	us.KMSKeys = []KMSKey{
		{ID: "1234abcd-12ab-34cd-56ef-1234567890ab", Manager: "CUSTOMER", Spec: "SYMMETRIC_DEFAULT", State: "Enabled", Rotation: true, Aliases: []string{"alias/app-data"}},
		{ID: "0987dcba-09fe-87dc-65ba-ab0987654321", Manager: "CUSTOMER", Spec: "SYMMETRIC_DEFAULT", State: "Enabled", Aliases: []string{"alias/backups"}},
		{ID: "abcd1234-aaaa-bbbb-cccc-111122223333", Manager: "AWS", Spec: "SYMMETRIC_DEFAULT", State: "Enabled", Aliases: []string{"alias/aws/s3"}},
		{ID: "5678efgh-dddd-eeee-ffff-444455556666", Manager: "CUSTOMER", Spec: "RSA_2048", State: "Enabled", Aliases: []string{"alias/signing"}},
	}
	us.LogGroups = []LogGroup{
		{Name: "/aws/cloudtrail/org-audit", RetentionDays: 400, Tags: map[string]string{"log-type": "audit"}},
		{Name: "/ecs/api"},
	}
	eu.LogGroups = []LogGroup{{Name: "/audit/vpc-flow", RetentionDays: 90, Tags: map[string]string{"log-type": "audit"}}}
	us.Recorders = []Recorder{{Name: "default", Recording: true}}
}
