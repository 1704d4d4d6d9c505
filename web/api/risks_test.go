package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// compact removes the indentation of a JSON answer, for matching.
func compact(s string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(s)) != nil {
		return s
	}
	return b.String()
}

func TestRisksAPI(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { risksAPI(t, d) })
	}
}

func risksAPI(t *testing.T, d store.Dialect) {
	e := webtest.New(t, d)
	admin, _ := e.Token(e.Alpha, "admin")
	manager, _ := e.Token(e.Alpha, "manager")
	auditor, _ := e.Token(e.Alpha, "auditor")
	res := e.API("POST", "/orgs/alpha/risks", admin, map[string]any{"title": "Phishing", "owner": "admin@alpha.test", "likelihood": 4, "impact": 4,
		"residual_likelihood": 2, "residual_impact": 3, "treatment": "mitigate", "review_date": "2099-01-01"})
	r := webtest.Decode[attest.Risk](t, res)
	if res.StatusCode != http.StatusCreated || r.Ref != "R-1" || r.Residual() != 6 || r.Controls == nil {
		t.Fatalf("create: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("POST", "/orgs/alpha/risks", admin, map[string]any{"library": "RL-3", "owner": "manager@alpha.test"}); res.StatusCode != http.StatusCreated ||
		!strings.Contains(compact(res.Text), `"library_id":"RL-3"`) {
		t.Fatalf("adopt: %d %s", res.StatusCode, res.Text)
	}
	for name, c := range map[string]struct {
		method, path string
		body         any
		code         int
		field        string
	}{
		"off the scale":   {"PUT", "/orgs/alpha/risks/R-1", map[string]any{"title": "P", "owner": "admin@alpha.test", "likelihood": 0, "impact": 4, "treatment": "mitigate", "review_date": "2099-01-01"}, 422, "likelihood"},
		"owner approves":  {"POST", "/orgs/alpha/risks/R-1/accept", map[string]any{"approver": "admin@alpha.test", "expires": "2099-01-01"}, 422, "approver"},
		"unknown member":  {"POST", "/orgs/alpha/risks/R-1/accept", map[string]any{"approver": "nobody@alpha.test", "expires": "2099-01-01"}, 422, "approver"},
		"unknown risk":    {"GET", "/orgs/alpha/risks/R-99", nil, 404, ""},
		"auditor changes": {"DELETE", "/orgs/alpha/risks/R-1", nil, 403, ""},
	} {
		token := admin
		if name == "auditor changes" {
			token = auditor
		}
		res := e.API(c.method, c.path, token, c.body)
		if res.StatusCode != c.code || c.field != "" && !strings.Contains(compact(res.Text), `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s", name, res.StatusCode, res.Text)
		}
	}
	if res := e.API("POST", "/orgs/alpha/risks/R-1/accept", admin, map[string]any{"approver": "manager@alpha.test", "expires": "2099-01-01"}); res.StatusCode != http.StatusOK {
		t.Fatalf("accept: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("POST", "/orgs/alpha/risks/R-1/approve", admin, nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the owner signs off: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("POST", "/orgs/alpha/risks/R-1/approve", manager, nil); res.StatusCode != http.StatusOK || !strings.Contains(compact(res.Text), `"accept_approved_at"`) {
		t.Fatalf("sign off: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("GET", "/orgs/alpha/risks/R-1", auditor, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(compact(res.Text), `"action":"risk.accepted"`) {
		t.Fatalf("history: %d %s", res.StatusCode, res.Text)
	}

	// Import: all or nothing, the report naming row and field.
	res = e.API("POST", "/orgs/alpha/risks/import", admin, webtest.CSV("title,owner,likelihood,impact,treatment,review_date\n"+
		"Flood,admin@alpha.test,2,3,transfer,2099-01-01\nFire,admin@alpha.test,2,3,accept,2099-01-01\n"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(compact(res.Text), `{"line":3,"field":"approver"`) {
		t.Fatalf("a bad import: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("GET", "/orgs/alpha/risks?status=all", admin, nil)
	if reg := webtest.Decode[risk.Register](t, res); len(reg.Risks) != 2 || reg.Scale.Likelihood != 5 {
		t.Fatalf("after a refused import: %s", res.Text)
	}
	if res := e.API("GET", "/orgs/alpha/risks?rating=medium", auditor, nil); !strings.Contains(compact(res.Text), `"ref":"R-1"`) || strings.Contains(compact(res.Text), `"ref":"R-2"`) {
		t.Fatalf("filter by rating: %s", res.Text)
	}

	// The assessment, through to the ledger.
	res = e.API("POST", "/orgs/alpha/risk-assessments", admin, map[string]any{"approver": "manager@alpha.test"})
	a := webtest.Decode[attest.RiskAssessment](t, res)
	if res.StatusCode != http.StatusCreated || len(a.Risks) != 2 {
		t.Fatalf("start: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("POST", "/orgs/alpha/risk-assessments/"+a.UID+"/approve", manager, nil); res.StatusCode != http.StatusOK || !strings.Contains(compact(res.Text), `"state":"approved"`) {
		t.Fatalf("approve: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("GET", "/orgs/alpha/risk-library", auditor, nil); res.StatusCode != http.StatusOK || !strings.Contains(compact(res.Text), `"id":"RL-44"`) {
		t.Fatalf("library: %d", res.StatusCode)
	}
}
