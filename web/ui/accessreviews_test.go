package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestAccessReviewPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin, employee := e.Login("admin"), e.Login("employee")
	if res := admin.Get("/o/alpha/access-reviews"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No access review yet") ||
		!strings.Contains(res.Text, "overdue") {
		t.Fatalf("empty: %d %.300s", res.StatusCode, res.Text)
	}
	// A bad uploaded list: the form again, the line named, nothing started.
	owner := fmt.Sprint(e.Users["employee"].ID)
	ct, body := evidenceForm([][2]string{{"upload_system", "Billing DB"}, {"upload_owner", owner}}, "accounts.csv", []byte("login,admin\nroot,maybe\n"))
	res := postMultipart(admin, "/o/alpha/access-reviews", ct, body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "line 2: admin") {
		t.Fatalf("bad list: %d %.500s", res.StatusCode, res.Text)
	}
	ct, body = evidenceForm([][2]string{{"title", "Q4 billing"}, {"upload_system", "Billing DB"}, {"upload_owner", owner}}, "accounts.csv",
		[]byte("login,admin\nroot,yes\n"))
	if res = postMultipart(admin, "/o/alpha/access-reviews", ct, body); !res.RedirectsTo("/o/alpha/access-reviews/") {
		t.Fatalf("start: %d %.500s", res.StatusCode, res.Text)
	}
	page := res.Header.Get("Location")
	// The employee owns the system: the account is theirs to decide.
	res = employee.Get(page)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "root") || !strings.Contains(res.Text, `name="decision"`) {
		t.Fatalf("reviewer's page: %d %.500s", res.StatusCode, res.Text)
	}
	m := regexp.MustCompile(`action="(/o/alpha/access-reviews/\d+/items/\d+)"`).FindStringSubmatch(res.Text)
	if m == nil {
		t.Fatalf("no decision form: %.2000s", res.Text)
	}
	action := m[1]
	res = employee.Post(action, url.Values{"decision": {"revoke"}, "login": {"root"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Account root: Reason is required to revoke access") {
		t.Fatalf("revoke without a reason: %d %.500s", res.StatusCode, res.Text)
	}
	if res = employee.Post(action, url.Values{"decision": {"revoke"}, "reason": {"shared root login"}}); !res.RedirectsTo(page) {
		t.Fatalf("decide: %d %.500s", res.StatusCode, res.Text)
	}
	if res = admin.Post(page+"/complete", nil); !res.RedirectsTo(page) {
		t.Fatalf("complete: %d %.500s", res.StatusCode, res.Text)
	}
	res = admin.Get(page + "/report")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Billing DB,upload,root,,,true,") || !strings.Contains(res.Text, "revoke,shared root login") ||
		!strings.Contains(res.Text, "removal task open") {
		t.Fatalf("report: %d %.500s", res.StatusCode, res.Text)
	}
	if res := admin.Get(page); !strings.Contains(res.Text, "completed") || !strings.Contains(res.Text, "evidence <code>ev_") {
		t.Fatalf("completed page: %.500s", res.Text)
	}
}

// Admins set the cadence on the page and with the API; a cadence out of
// range is refused on its field; managers may not.
func TestAccessReviewCadence(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	if res := admin.Post("/o/alpha/access-reviews/cadence", url.Values{"months": {"13"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "want 1 to 12 months") {
		t.Fatalf("13 months: %d", res.StatusCode)
	}
	if res := admin.Post("/o/alpha/access-reviews/cadence", url.Values{"months": {"6"}}); !res.RedirectsTo("/o/alpha/access-reviews") {
		t.Fatalf("6 months: %d %.300s", res.StatusCode, res.Text)
	}
	if res := admin.Get("/o/alpha/access-reviews"); !strings.Contains(res.Text, "every 6 month(s)") {
		t.Fatal("the page does not show the new cadence")
	}
	if res := e.Login("manager").Post("/o/alpha/access-reviews/cadence", url.Values{"months": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a manager set the cadence: %d", res.StatusCode)
	}
	token, _ := e.Token(e.Alpha, "admin")
	res := e.API("PUT", "/orgs/alpha/access-reviews/cadence", token, map[string]int{"months": 3})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `"months": 3`) {
		t.Fatalf("API: %d %s", res.StatusCode, res.Text)
	}
}
