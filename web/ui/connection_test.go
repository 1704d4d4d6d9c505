package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestConnectionsPage(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr := e.Login("manager")
	page := mgr.Get("/o/alpha/connections")
	for _, want := range []string{"Add a Probe connection", `name="set.org"`, "The organization&#39;s login at the provider.",
		`placeholder="https://probe.example.test"`, `type="password"`, "Probe token", "things:read, members:read", "no connections yet"} {
		if !strings.Contains(page.Text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if !strings.Contains(mgr.Get("/o/alpha").Text, `href="/o/alpha/connections"`) {
		t.Error("the organization's navigation has no link to Connections")
	}

	// A form with errors comes back explaining each, without the credential.
	res := mgr.Post("/o/alpha/connections", url.Values{"type": {"probe"}, "name": {"gh"}, "secret": {"good-token"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Organization is required") ||
		strings.Contains(res.Text, "good-token") || !strings.Contains(res.Text, `value="gh"`) {
		t.Fatalf("missing setting: %d %s", res.StatusCode, res.Text)
	}
	res = mgr.Post("/o/alpha/connections", url.Values{"type": {"probe"}, "name": {"gh"}, "set.org": {"acme"}, "interval": {"often"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Interval must be a whole number") {
		t.Fatalf("bad interval: %d", res.StatusCode)
	}
	res = mgr.Post("/o/alpha/connections", url.Values{"type": {"probe"}, "name": {"gh"}, "set.org": {"acme"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "is required: Probe token") {
		t.Fatalf("no credential: %d", res.StatusCode)
	}

	res = mgr.Post("/o/alpha/connections", url.Values{"type": {"probe"}, "name": {"gh"}, "set.org": {"acme"}, "secret": {"good-token"}, "interval": {"30"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.StatusCode, res.Text)
	}
	// The credential as an uploaded key file.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"type": "probe", "name": "limited", "set.org": "acme"} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("secret_file", "key.pem")
	fw.Write([]byte("limited-token\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", mgr.URL("/o/alpha/connections"), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if res := mgr.Do(req); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add with a key file: %d %s", res.StatusCode, res.Text)
	}
	page = mgr.Get("/o/alpha/connections")
	if !strings.Contains(page.Text, "<td>gh</td>") || !strings.Contains(page.Text, "30 min") || !strings.Contains(page.Text, "Never checked") ||
		strings.Contains(page.Text, "-token") {
		t.Fatalf("list: %s", page.Text)
	}
	list, _ := e.Connections.List(t.Context(), principalOf(e, "manager"))
	if len(list) != 2 {
		t.Fatalf("connections: %+v", list)
	}
	gh, limited := list[0], list[1]

	res = mgr.Post("/o/alpha/connections/"+itoa(gh.ID)+"/check", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "the connection works") || !strings.Contains(res.Text, "probe-bot@acme") {
		t.Fatalf("check gh: %d %s", res.StatusCode, res.Text)
	}
	res = mgr.Post("/o/alpha/connections/"+itoa(limited.ID)+"/check", nil)
	if !strings.Contains(res.Text, "the connection does not work") || !strings.Contains(res.Text, "<li><code>members:read</code></li>") {
		t.Fatalf("check limited: %s", res.Text)
	}
	if page := mgr.Get("/o/alpha/connections"); !strings.Contains(page.Text, "Works") || !strings.Contains(page.Text, "Failing") {
		t.Errorf("list after checks lacks their outcome")
	}

	// Auditors read the list and change nothing.
	aud := e.Login("auditor").Get("/o/alpha/connections")
	if !strings.Contains(aud.Text, "<td>gh</td>") || strings.Contains(aud.Text, "Add a Probe connection") || strings.Contains(aud.Text, "Check connection") {
		t.Errorf("auditor's page shows editing controls")
	}

	res = mgr.Post("/o/alpha/connections/"+itoa(gh.ID)+"/remove", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if page := mgr.Get("/o/alpha/connections"); strings.Contains(page.Text, "<td>gh</td>") || !strings.Contains(page.Text, "<td>limited</td>") {
		t.Errorf("after remove: %s", page.Text)
	}
	// Beta's admin cannot remove alpha's connection through beta.
	if res := e.Login("outsider").Post("/o/beta/connections/"+itoa(limited.ID)+"/remove", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("beta removes alpha's connection: %d", res.StatusCode)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// principalOf is the user key of alpha acting in alpha, for reading what the
// page changed through the service.
func principalOf(e *webtest.Env, key string) attest.Principal {
	return attest.Principal{UserID: e.Users[key].ID, OrgID: e.Alpha.ID, Role: attest.RoleManager, Label: key}
}
