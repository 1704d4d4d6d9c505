package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// An editor maps a control to an ISO 27001 requirement, retypes it and
// removes it through the API; a requirement that does not exist is refused.
func TestControlMappingsInAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctl := storetest.MustControl(t, e.DB, e.Alpha, "CUS-1", attest.StatusImplemented)
	token, _ := e.Token(e.Alpha, "manager")
	base := "/orgs/alpha/controls/" + strconv.FormatInt(ctl.ID, 10) + "/mappings"
	type control struct {
		Mappings []struct {
			Framework, Requirement, Type string
		} `json:"mappings"`
	}
	typeOf := func(c control, req string) string {
		for _, m := range c.Mappings {
			if m.Requirement == req {
				return m.Type
			}
		}
		return ""
	}
	got := webtest.Decode[control](t, e.API("POST", base, token, map[string]string{"framework": "iso27001", "requirement": "A.5.15"}))
	if typeOf(got, "A.5.15") != "equivalent" {
		t.Fatalf("after mapping: %+v", got)
	}
	got = webtest.Decode[control](t, e.API("PUT", base, token, map[string]string{"framework": "iso27001", "requirement": "A.5.15", "type": "related"}))
	if typeOf(got, "A.5.15") != "related" {
		t.Fatalf("after retyping: %+v", got)
	}
	got = webtest.Decode[control](t, e.API("DELETE", base+"?framework=iso27001&requirement=A.5.15", token, nil))
	if typeOf(got, "A.5.15") != "" {
		t.Fatalf("after unmapping: %+v", got)
	}
	if res := e.API("POST", base, token, map[string]string{"framework": "iso27001", "requirement": "A.9.9"}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "A.9.9") {
		t.Errorf("a requirement that does not exist: %d %s", res.StatusCode, res.Text)
	}
}
