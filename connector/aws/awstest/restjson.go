package awstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Detector is a GuardDuty detector.
type Detector struct {
	ID       string
	Status   string            // "ENABLED" or "DISABLED"
	Features map[string]string // "S3_DATA_EVENTS": "ENABLED"
}

// defaultDetectors turns GuardDuty on in us-east-1 only: eu-west-1 has no
// detector.
func defaultDetectors(sc *Scenario) {
	sc.Regions["us-east-1"].Detectors = []Detector{{ID: "12abc34d567e8fa901bc2d34e56789f0", Status: "ENABLED",
		Features: map[string]string{"CLOUD_TRAIL": "ENABLED", "DNS_LOGS": "ENABLED", "FLOW_LOGS": "ENABLED", "S3_DATA_EVENTS": "ENABLED", "RDS_LOGIN_EVENTS": "DISABLED"}}}
}

// guardDutyAction names a GuardDuty REST request by its IAM action.
func guardDutyAction(r *http.Request) string {
	switch p := strings.Trim(r.URL.Path, "/"); {
	case r.Method == http.MethodGet && p == "detector":
		return "guardduty:ListDetectors"
	case r.Method == http.MethodGet && strings.HasPrefix(p, "detector/") && !strings.Contains(p[len("detector/"):], "/"):
		return "guardduty:GetDetector"
	}
	return "guardduty:" + r.Method + " " + r.URL.Path
}

// jsonError writes a REST-JSON error as GuardDuty does: the code in the
// X-Amzn-ErrorType header and in the body's __type, with a message.
func (c *call) jsonError(status int, code, message string) {
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("X-Amzn-ErrorType", code)
	c.w.Header().Set("X-Amzn-RequestId", requestID)
	c.w.WriteHeader(status)
	_ = json.NewEncoder(c.w).Encode(map[string]string{"message": message, "__type": code})
}

// jsonOK writes v as a successful answer of either JSON protocol.
func (c *call) jsonOK(v any) {
	c.w.Header().Set("Content-Type", "application/json")
	if c.proto == json11 {
		c.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	}
	c.w.Header().Set("X-Amzn-RequestId", requestID)
	_ = json.NewEncoder(c.w).Encode(v)
}

// answerGuardDuty answers GuardDuty's REST-JSON protocol in region:
// ListDetectors (paged with maxResults and nextToken) and GetDetector.
func (sc *Scenario) answerGuardDuty(c *call, r *http.Request, region string) {
	reg := sc.Regions[region]
	if reg == nil {
		reg = &Region{}
	}
	if reg.Fail != "" {
		c.fail(http.StatusForbidden, reg.Fail, "The security token included in the request is invalid.")
		return
	}
	q := r.URL.Query()
	switch c.action {
	case "guardduty:ListDetectors":
		maxResults := 50
		if v := q.Get("maxResults"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 50 {
				c.fail(http.StatusBadRequest, "BadRequestException", "The request is rejected because the input value "+v+" for maxResults is invalid.")
				return
			}
			maxResults = n
		}
		from, to, next := page(len(reg.Detectors), sc.PageSize, q.Get("nextToken"), maxResults)
		ids := []string{}
		for _, d := range reg.Detectors[from:to] {
			ids = append(ids, d.ID)
		}
		out := map[string]any{"detectorIds": ids}
		if next != "" {
			out["nextToken"] = next
		}
		c.jsonOK(out)
	case "guardduty:GetDetector":
		id := strings.TrimPrefix(strings.Trim(r.URL.Path, "/"), "detector/")
		for _, d := range reg.Detectors {
			if d.ID != id {
				continue
			}
			names := make([]string, 0, len(d.Features))
			for n := range d.Features {
				names = append(names, n)
			}
			sort.Strings(names)
			features := []map[string]any{}
			for _, n := range names {
				features = append(features, map[string]any{"name": n, "status": d.Features[n], "updatedAt": 1772446500})
			}
			c.jsonOK(map[string]any{
				"createdAt": "2025-11-20T14:02:31.000Z", "updatedAt": "2026-03-02T10:15:00.000Z",
				"findingPublishingFrequency": "SIX_HOURS", "status": d.Status, "features": features, "tags": map[string]string{},
				"serviceRole": fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", sc.account()),
			})
			return
		}
		c.fail(http.StatusBadRequest, "BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.")
	default:
		c.fail(http.StatusNotFound, "BadRequestException", "awstest does not answer "+r.Method+" "+r.URL.Path)
	}
}

// Handler answers from sc like a Server, without a listener: the demo
// serves its AWS inside the process.
func Handler(sc *Scenario) http.Handler {
	s := &Server{Scenario: sc}
	return http.HandlerFunc(s.serve)
}
