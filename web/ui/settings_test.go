package ui_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestMembersRoleChangeAndRemoval(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	spare := e.Users["spare"]
	spareAPI, _ := e.Token(e.Alpha, "spare")
	if res := admin.Post(fmt.Sprintf("/o/alpha/members/%d/role", spare.ID), url.Values{"role": {"manager"}}); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("role change: %d", res.StatusCode)
	}
	if m, _ := e.DB.Membership(ctx, e.Alpha.ID, spare.ID); m.Role != attest.RoleManager {
		t.Fatalf("role not changed: %s", m.Role)
	}
	// The only admin cannot demote themself; the page says why.
	admin.Post(fmt.Sprintf("/o/alpha/members/%d/role", e.Users["admin"].ID), url.Values{"role": {"employee"}})
	if res := admin.Get("/o/alpha/settings"); !strings.Contains(res.Text, "at least one admin") {
		t.Fatal("no explanation for refusing to demote the last admin")
	}
	if res := admin.Post(fmt.Sprintf("/o/alpha/members/%d/remove", spare.ID), nil); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if res := e.API("GET", "/orgs/alpha", spareAPI, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("removed member's token still works: %d", res.StatusCode)
	}
	acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "member."})
	if len(acts) != 2 || acts[0].Action != "member.removed" || acts[1].Action != "member.role_changed" || acts[0].IP != "127.0.0.1" || acts[0].Via != attest.ViaUI {
		t.Fatalf("activity: %+v", acts)
	}
}

func TestActivityViewAndExport(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	admin.Post("/o/alpha/invitations", url.Values{"email": {"a@x.test"}, "role": {"employee"}})
	admin.Post("/o/alpha/tokens", url.Values{"name": {"=HYPERLINK(\"http://evil\")"}, "expires": {"30"}})
	res := admin.Get("/o/alpha/activity?action=member.")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Invited a@x.test as employee") || strings.Contains(res.Text, "Created API token") {
		t.Fatalf("filtered activity page: %d", res.StatusCode)
	}
	res = admin.Get("/o/alpha/activity/export?format=csv")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="attest-activity-alpha-`) {
		t.Fatalf("csv export: %d %v", res.StatusCode, res.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(res.Text)).ReadAll()
	// The token, the invitation, and the admin's sign-in.
	if err != nil || len(rows) != 4 || rows[0][6] != "action" || rows[3][6] != "user.signed_in" {
		t.Fatalf("csv: %v %v", rows, err)
	}
	if s := rows[1][9]; !strings.HasPrefix(s, "Created API token =HYPERLINK") {
		t.Fatalf("summary cell: %q", s)
	}
	res = admin.Get("/o/alpha/activity/export?format=json&action=token.")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(res.Text), &entries); err != nil || len(entries) != 1 || entries[0]["action"] != "token.created" {
		t.Fatalf("json export: %v %s", err, res.Text)
	}
	if res := admin.Get("/o/alpha/activity/export?format=xml"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad format: %d", res.StatusCode)
	}
	if res := admin.Get("/o/alpha/activity?since=notadate"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "since") {
		t.Fatalf("bad date: %d", res.StatusCode)
	}
}

func TestCSVSafeCells(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	e.DB.Update(ctx, func(tx *store.Queries) error {
		return tx.Log(ctx, attest.Actor{Label: "@attacker"}.Record(e.Alpha.ID, "x.y", "t", "=1+1", "-2+3"))
	})
	rows, _ := csv.NewReader(strings.NewReader(e.Login("admin").Get("/o/alpha/activity/export?format=csv&action=x.").Text)).ReadAll()
	if rows[1][3] != "'@attacker" || rows[1][8] != "'=1+1" || rows[1][9] != "'-2+3" {
		t.Fatalf("formula cells not defused: %v", rows[1])
	}
}

// Renaming goes through Orgs.Rename: the entry quotes the name as stored,
// trimmed, and a blank name is refused on the form's field.
func TestRenameOrganization(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	if res := admin.Post("/o/alpha/settings", url.Values{"org_name": {"  Alpha Corp  "}}); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("rename: %d", res.StatusCode)
	}
	if o, _ := e.DB.OrgBySlug(ctx, "alpha"); o.Name != "Alpha Corp" {
		t.Fatalf("name: %q", o.Name)
	}
	acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Limit: 1})
	if len(acts) != 1 || acts[0].Action != "org.renamed" || acts[0].Summary != `Renamed the organization from "Org alpha" to "Alpha Corp"` {
		t.Fatalf("activity: %+v", acts)
	}
	if res := admin.Post("/o/alpha/settings", url.Values{"org_name": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("blank name: %d", res.StatusCode)
	}
}
