package ui_test

import (
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// TestReloadAfterRefusedForm: the addresses refused forms leave in the address
// bar answer a reload by going back to their page, not 404.
func TestReloadAfterRefusedForm(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	for path, want := range map[string]string{
		"/account/password":                     "/account",
		"/o/alpha/invitations":                  "/o/alpha/settings",
		"/o/alpha/scope/cuecs":                  "/o/alpha/scope",
		"/o/alpha/controls/7/mappings":          "/o/alpha/controls/7",
		"/o/alpha/controls/7/mappings/remove":   "/o/alpha/controls/7",
		"/o/alpha/tasks/3/status":               "/o/alpha/tasks/3",
		"/o/alpha/settings/notifications/slack": "/o/alpha/settings/notifications",
		"/o/alpha/people/roster/rules":          "/o/alpha/people/roster",
	} {
		res := admin.Get(path)
		if res.StatusCode != 303 || res.Header.Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want 303 to %s", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
}
