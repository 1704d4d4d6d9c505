package ui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// The request list through the browser's forms: a manager generates and
// provides, the invited auditor adds, imports, flags and accepts, and each
// side sees only the forms that are theirs.
func TestAuditRequestPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	audits, err := e.DB.Audits(t.Context(), e.Alpha.ID, true, nil)
	if err != nil || len(audits) != 1 {
		t.Fatalf("alpha's audit: %v", err)
	}
	base := "/o/alpha/audits/" + strconv.FormatInt(audits[0].ID, 10) + "/requests"
	mgr, guest := e.Login("manager"), e.Login("guest")
	if res := mgr.Get(base); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No request yet") || !strings.Contains(res.Text, `id="generate-requests"`) {
		t.Fatalf("an empty list: %d %.500s", res.StatusCode, res.Text)
	}
	if res := mgr.Post(base+"/generate", nil); !res.RedirectsTo(base) {
		t.Fatalf("generate: %d %.500s", res.StatusCode, res.Text)
	}
	list := guest.Get(base)
	if list.StatusCode != http.StatusOK || strings.Contains(list.Text, `id="generate-requests"`) || !strings.Contains(list.Text, "Import a request list") {
		t.Fatalf("the guest's list: %d %.2000s", list.StatusCode, list.Text)
	}
	// The auditor's own request, and their firm's list.
	added := guest.Post(base, url.Values{"title": {"Board minutes"}})
	if !added.RedirectsTo(base + "/") {
		t.Fatalf("the guest adds: %d %.2000s", added.StatusCode, added.Text)
	}
	if res := upload(guest, base+"/import", "pbc.csv", []byte("ref,title\nPBC-1,Org chart\nPBC-1,Again\n")); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "line 3: ref") {
		t.Fatalf("a refused file: %d %.3000s", res.StatusCode, res.Text)
	}
	if res := upload(guest, base+"/import", "pbc.csv", []byte("ref,title\nPBC-1,Org chart\n")); !res.RedirectsTo(base) {
		t.Fatalf("import: %d %.2000s", res.StatusCode, res.Text)
	}
	// The manager provides the auditor's request; the auditor flags it,
	// then accepts the resubmission.
	req := added.Header.Get("Location")
	page := mgr.Get(req)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Text, `id="submit-request"`) || strings.Contains(page.Text, `id="accept-request"`) {
		t.Fatalf("the manager's request page: %d %.3000s", page.StatusCode, page.Text)
	}
	if res := mgr.Post(req+"/submit", url.Values{"evidence_ids": {"x1"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "as numbers") {
		t.Fatalf("a bad evidence ID: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := mgr.Post(req+"/submit", url.Values{"text": {"minutes of the March board"}}); !res.RedirectsTo(req) {
		t.Fatalf("submit: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := mgr.Post(req+"/review", url.Values{"action": {"accept"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a manager accepts: %d", res.StatusCode)
	}
	if res := guest.Post(req+"/review", url.Values{"action": {"flag"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "say what is wrong") {
		t.Fatalf("a flag without its reason: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := guest.Post(req+"/review", url.Values{"action": {"flag"}, "text": {"the minutes are unsigned"}}); !res.RedirectsTo(req) {
		t.Fatalf("flag: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := mgr.Post(req+"/submit", url.Values{"text": {"signed minutes"}}); !res.RedirectsTo(req) {
		t.Fatalf("resubmit: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := guest.Post(req+"/review", url.Values{"action": {"accept"}}); !res.RedirectsTo(req) {
		t.Fatalf("accept: %d %.2000s", res.StatusCode, res.Text)
	}
	if res := guest.Post(req+"/comment", url.Values{"text": {"thank you"}}); !res.RedirectsTo(req) {
		t.Fatalf("comment: %d %.2000s", res.StatusCode, res.Text)
	}
	page = guest.Get(req)
	for _, want := range []string{`id="request-status">Accepted`, "flagged it: the minutes are unsigned", "submitted it: signed minutes", "accepted it", "commented: thank you"} {
		if !strings.Contains(page.Text, want) {
			t.Fatalf("the guest's request page lacks %q: %.5000s", want, page.Text)
		}
	}
	if strings.Contains(page.Text, `id="submit-request"`) || strings.Contains(page.Text, "Owner and due day") {
		t.Fatalf("the guest sees the organization's forms: %.5000s", page.Text)
	}
	// The counts and the filter.
	if res := guest.Get(base + "?status=accepted"); !strings.Contains(res.Text, "Board minutes") || strings.Contains(res.Text, "Org chart") {
		t.Fatalf("accepted requests: %.3000s", res.Text)
	}
	// The activity log shows what the auditor did.
	acts, err := e.DB.Activity(t.Context(), e.Alpha.ID, attest.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var flagged bool
	for _, a := range acts {
		flagged = flagged || (a.Action == "audit.request_flag" && strings.Contains(a.Summary, "from submitted to flagged"))
	}
	if !flagged {
		t.Fatalf("no flag in the activity log: %+v", acts)
	}

	// The API: members with a token list, read and act; the import takes CSV.
	tok, _ := e.Token(e.Alpha, "admin")
	api := "/orgs/alpha/audits/" + strconv.FormatInt(audits[0].ID, 10) + "/requests"
	got := webtest.Decode[struct {
		Requests []attest.AuditRequest        `json:"requests"`
		Counts   map[attest.RequestStatus]int `json:"counts"`
	}](t, e.API("GET", api+"?status=accepted", tok, nil))
	if len(got.Requests) != 1 || got.Requests[0].Title != "Board minutes" || got.Counts[attest.RequestAccepted] != 1 {
		t.Fatalf("the API's list: %+v", got)
	}
	if res := e.API("POST", api+"/import", tok, webtest.CSV("ref,title,control\nPBC-2,Network diagram,NOPE-1\n")); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "line 2: control") {
		t.Fatalf("the API's refused import: %d %s", res.StatusCode, res.Text)
	}
	id := strconv.FormatInt(got.Requests[0].ID, 10)
	if res := e.API("POST", api+"/"+id+"/actions", tok, map[string]any{"action": "accept"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a member accepts through the API: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("POST", api+"/"+id+"/actions", tok, map[string]any{"action": "comment", "text": "filed"}); res.StatusCode != http.StatusOK {
		t.Fatalf("a comment through the API: %d %s", res.StatusCode, res.Text)
	}
	detail := e.API("GET", api+"/"+id, tok, nil)
	if detail.StatusCode != http.StatusOK || !strings.Contains(detail.Text, `"text": "filed"`) || !strings.Contains(detail.Text, `"auditor": true`) {
		t.Fatalf("the API's request: %d %s", detail.StatusCode, detail.Text)
	}
}
