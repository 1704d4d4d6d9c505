package web_test

import (
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Notifications: a member's own preferences, the admins' email, Slack
// channels, defaults and delivery log, and the unsubscribe link of emails.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/notifications":                             web.Own,
		"POST /o/{org}/notifications":                            web.Own,
		"GET /o/{org}/settings/notifications":                    web.Admin,
		"POST /o/{org}/settings/notifications/email":             web.Admin,
		"POST /o/{org}/settings/notifications/email/test":        web.Admin,
		"POST /o/{org}/settings/notifications/defaults":          web.Admin,
		"POST /o/{org}/settings/notifications/slack":             web.Admin,
		"POST /o/{org}/settings/notifications/slack/{id}/test":   web.Admin,
		"POST /o/{org}/settings/notifications/slack/{id}/remove": web.Admin,
		"GET /o/{org}/settings/notifications/email":              web.Admin, // reloads after a refused form go back to its page
		"GET /o/{org}/settings/notifications/email/test":         web.Admin,
		"GET /o/{org}/settings/notifications/defaults":           web.Admin,
		"GET /o/{org}/settings/notifications/slack":              web.Admin,
		"GET /unsubscribe/{token}":                               web.Public,
		"POST /unsubscribe/{token}":                              web.Public,
		"GET /api/v1/orgs/{org}/notifications/preferences":       web.Own,
		"PUT /api/v1/orgs/{org}/notifications/preferences":       web.Own,
		"GET /api/v1/orgs/{org}/notifications/defaults":          web.Admin,
		"PUT /api/v1/orgs/{org}/notifications/defaults":          web.Admin,
		"GET /api/v1/orgs/{org}/notifications/email":             web.Admin,
		"PUT /api/v1/orgs/{org}/notifications/email":             web.Admin,
		"POST /api/v1/orgs/{org}/notifications/email/test":       web.Admin,
		"GET /api/v1/orgs/{org}/notifications/slack":             web.Admin,
		"POST /api/v1/orgs/{org}/notifications/slack":            web.Admin,
		"PUT /api/v1/orgs/{org}/notifications/slack/{id}":        web.Admin,
		"DELETE /api/v1/orgs/{org}/notifications/slack/{id}":     web.Admin,
		"POST /api/v1/orgs/{org}/notifications/slack/{id}/test":  web.Admin,
		"GET /api/v1/orgs/{org}/notifications/deliveries":        web.Admin,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		// A channel of alpha's to test or remove, its webhook sealed with
		// another key: a test message to it fails without leaving the machine.
		c := attest.SlackChannel{OrgID: e.Alpha.ID, Name: "#compliance", Kinds: []string{"test"}, Cadence: attest.CadenceHourly}
		if err := e.DB.AddSlackChannel(ctx, &c, []byte("not sealed with this install's key")); err != nil {
			e.T.Fatal(err)
		}
		tok, err := e.Notify.UnsubscribeToken(e.Alpha.ID, e.Users["admin"].ID, "task")
		if err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{"/slack/{id}": id(c.ID), "/unsubscribe/{token}": tok}
	},
	form: func(fx records) url.Values {
		return url.Values{"task": {"hourly"}, "from_name": {"Alpha Compliance"}, "name": {"#security"},
			"webhook": {"https://hooks.slack.com/services/T0/B0/x"}, "kinds": {"test"}, "cadence": {"daily"}}
	},
	body: map[string]any{
		"PUT /api/v1/orgs/{org}/notifications/preferences": map[string]any{"cadences": map[string]string{"task": "hourly"}},
		"PUT /api/v1/orgs/{org}/notifications/defaults":    map[string]any{"cadences": map[string]string{"evidence": "daily"}},
		"PUT /api/v1/orgs/{org}/notifications/email":       map[string]any{"from_name": "Alpha Compliance"},
		"POST /api/v1/orgs/{org}/notifications/slack":      map[string]any{"name": "#security", "webhook_url": "https://hooks.slack.com/services/T0/B0/x", "kinds": []string{"test"}, "cadence": "daily"},
		"PUT /api/v1/orgs/{org}/notifications/slack/{id}":  map[string]any{"name": "#security", "kinds": []string{"test", "task"}, "cadence": "hourly"},
	},
})
