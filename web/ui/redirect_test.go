package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// hostile are destinations that browsers would read as another origin.
var hostile = []string{
	"/\t/127.0.0.1:1/x", "/%09/127.0.0.1:1/x", "/%0a/evil.example", "/%0d/evil.example", "/%5cevil.example",
	"//evil.example", "/\\evil.example", "/%2fevil.example", "/%252fevil.example", "/%2509/evil.example",
	"https://evil.example", "javascript:alert(1)",
}

// local reports whether a Location header names a path on this server, as a
// browser would resolve it: no scheme, no host, and nothing a browser drops
// (tabs, newlines) or reads as a slash (a backslash).
func local(loc string) bool {
	if loc == "" || strings.ContainsAny(loc, "\\\t\r\n") || strings.Contains(strings.ToLower(loc), "%2f") ||
		strings.Contains(strings.ToLower(loc), "%5c") || strings.Contains(loc, "%09") || strings.Contains(loc, "%0") {
		return false
	}
	u, err := url.Parse(loc)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//")
}

func TestRedirectsStayLocal(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	signedIn := e.Login("admin")
	task := storetest.MustTask(t, e.DB, e.Alpha, "Review access", nil)
	for i, next := range hostile {
		// The login form's hidden next, shown again after a failure.
		res := e.Anon().Post("/login", url.Values{"email": {fmt.Sprintf("nobody%d@alpha.test", i)}, "password": {"a wrong password"}, "next": {next}})
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Text, `name="next" value="/"`) {
			t.Errorf("login form, next=%q: %d, hidden next not reset", next, res.StatusCode)
		}
		res = e.Anon().Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {webtest.Password}, "next": {next}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !local(loc) {
			t.Errorf("login POST, next=%q: Location %q", next, loc)
		}
		// GET /login?next= when already signed in redirects at once.
		res = signedIn.Get("/login?next=" + url.QueryEscape(next))
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !local(loc) {
			t.Errorf("login GET, next=%q: %d Location %q", next, res.StatusCode, loc)
		}
		// A task form's return, on create and on progress.
		res = signedIn.Post("/o/alpha/tasks", url.Values{"title": {"Rotate keys"}, "return": {next}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !local(loc) {
			t.Errorf("task create, return=%q: %d Location %q", next, res.StatusCode, loc)
		}
		res = signedIn.Post(fmt.Sprintf("/o/alpha/tasks/%d/status", task.ID), url.Values{"status": {"in_progress"}, "return": {next}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !local(loc) {
			t.Errorf("task progress, return=%q: %d Location %q", next, res.StatusCode, loc)
		}
	}
}
