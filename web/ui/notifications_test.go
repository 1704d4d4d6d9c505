package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify/email"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestNotificationSettingsPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")

	// Without email, the page says so and invitations are links to copy.
	res := admin.Get("/o/alpha/settings/notifications")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Email is not set up on this install") {
		t.Fatalf("notification settings without email: %d", res.StatusCode)
	}
	if res := admin.Post("/o/alpha/invitations", url.Values{"email": {"a@x.test"}, "role": {"employee"}}); !strings.Contains(res.Text, "so it was not emailed") {
		t.Fatalf("invitation without email does not say it was not emailed: %d", res.StatusCode)
	}

	// A Slack channel: the webhook is never sent back, even on a refused form.
	hook := "https://hooks.slack.com/services/T0/B0/supersecretpath"
	res = admin.Post("/o/alpha/settings/notifications/slack", url.Values{"name": {"#compliance"}, "webhook": {hook}, "cadence": {"daily"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "choose at least one kind") || strings.Contains(res.Text, "supersecretpath") {
		t.Fatalf("channel without kinds: %d", res.StatusCode)
	}
	res = admin.Post("/o/alpha/settings/notifications/slack", url.Values{"name": {"#compliance"}, "webhook": {"http://10.0.0.1/hook"}, "kinds": {"test"}, "cadence": {"daily"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a plain http webhook to an IP address was accepted: %d", res.StatusCode)
	}
	res = admin.Post("/o/alpha/settings/notifications/slack", url.Values{"name": {"#compliance"}, "webhook": {hook}, "kinds": {"test", "task"}, "cadence": {"daily"}})
	if !res.RedirectsTo("/o/alpha/settings/notifications") {
		t.Fatalf("add channel: %d %.300s", res.StatusCode, res.Text)
	}
	res = admin.Get("/o/alpha/settings/notifications")
	if !strings.Contains(res.Text, `data-channel="#compliance"`) || strings.Contains(res.Text, "supersecretpath") {
		t.Fatalf("channel not listed, or its webhook shown")
	}
	chans, _ := e.DB.SlackChannels(ctx, e.Alpha.ID)
	if len(chans) != 1 || strings.Join(chans[0].Kinds, ",") != "test,task" || chans[0].Cadence != attest.CadenceDaily {
		t.Fatalf("stored channel = %+v", chans)
	}
	_, sealed, _ := e.DB.SlackChannel(ctx, e.Alpha.ID, chans[0].ID)
	if strings.Contains(string(sealed), "supersecretpath") {
		t.Fatal("the webhook is stored in the clear")
	}

	// Defaults, and a member's own choice over them.
	if res := admin.Post("/o/alpha/settings/notifications/defaults", url.Values{"task": {"hourly"}}); !res.RedirectsTo("/o/alpha/settings/notifications") {
		t.Fatalf("defaults: %d", res.StatusCode)
	}
	emp := e.Login("employee")
	res = emp.Get("/o/alpha/notifications")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Organization default (hourly)") || !strings.Contains(res.Text, "Email is not set up on this install yet") {
		t.Fatalf("member's page does not show the organization's default: %d", res.StatusCode)
	}
	if res := emp.Post("/o/alpha/notifications", url.Values{"task": {"fortnightly"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown cadence: %d", res.StatusCode)
	}
	if res := emp.Post("/o/alpha/notifications", url.Values{"task": {"off"}, "test": {"immediately"}}); !res.RedirectsTo("/o/alpha/notifications") {
		t.Fatalf("save preferences: %d", res.StatusCode)
	}
	prefs, _ := e.DB.NoticePrefs(ctx, e.Alpha.ID, e.Users["employee"].ID)
	if p := prefs[e.Users["employee"].ID]; p["task"] != attest.CadenceOff || p["test"] != attest.CadenceImmediately {
		t.Fatalf("stored preferences = %v", prefs)
	}
	if res := emp.Get("/o/alpha/settings/notifications"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee opened the notification settings: %d", res.StatusCode)
	}

	// With email, an invitation is queued for it, and a test email too.
	if err := e.Notify.SetMail(ctx, email.Settings{Host: "127.0.0.1", Port: 2525, Security: email.None, From: "attest@alpha.test"}); err != nil {
		t.Fatal(err)
	}
	if res := emp.Get("/o/alpha/notifications"); strings.Contains(res.Text, "Email is not set up") {
		t.Fatal("the member's page says email is not set up after it was")
	}
	if res := admin.Post("/o/alpha/invitations", url.Values{"email": {"b@x.test"}, "role": {"employee"}}); !strings.Contains(res.Text, "It is on its way by email") {
		t.Fatalf("invitation with email: %d", res.StatusCode)
	}
	if res := admin.Post("/o/alpha/settings/notifications/email/test", nil); !res.RedirectsTo("/o/alpha/settings/notifications") {
		t.Fatalf("test email: %d", res.StatusCode)
	}
	log, _ := e.DB.Deliveries(ctx, e.Alpha.ID, 10)
	if len(log) != 2 || log[0].Purpose != attest.DeliveryTest || log[1].Purpose != attest.DeliveryInvitation || log[1].Address != "b@x.test" {
		t.Fatalf("delivery log = %+v", log)
	}
	if res := admin.Get("/o/alpha/settings/notifications"); !strings.Contains(res.Text, `data-delivery="`) || !strings.Contains(res.Text, "You are invited to join") {
		t.Fatal("the delivery log is not on the page")
	}
}

func TestUnsubscribeLink(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	uid := e.Users["employee"].ID
	tok, err := e.Notify.UnsubscribeToken(e.Alpha.ID, uid, "task", "test")
	if err != nil {
		t.Fatal(err)
	}
	anon := e.Anon()
	// Opening the link asks; it changes nothing (link scanners open links).
	res := anon.Get("/unsubscribe/" + tok)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "<strong>Tasks</strong>") || !strings.Contains(res.Text, "Failing tests") {
		t.Fatalf("unsubscribe page: %d %.300s", res.StatusCode, res.Text)
	}
	if p, _ := e.DB.NoticePrefs(ctx, e.Alpha.ID, uid); len(p) != 0 {
		t.Fatalf("opening the link unsubscribed: %v", p)
	}
	// One-click: a POST without a session, as a mail client sends it.
	req, _ := http.NewRequest("POST", anon.URL("/unsubscribe/"+tok), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := anon.Do(req); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "no longer receives emails about Tasks, Failing tests") {
		t.Fatalf("one-click unsubscribe: %d %.300s", res.StatusCode, res.Text)
	}
	p, _ := e.DB.NoticePrefs(ctx, e.Alpha.ID, uid)
	if p[uid]["task"] != attest.CadenceOff || p[uid]["test"] != attest.CadenceOff || len(p[uid]) != 2 {
		t.Fatalf("after unsubscribing: %v", p)
	}
	// A damaged or forged link unsubscribes nobody.
	if res := anon.Get("/unsubscribe/" + tok[:len(tok)-3] + "xyz"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("forged link: %d", res.StatusCode)
	}
}
