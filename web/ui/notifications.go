package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify"
	"github.com/attest-hq/attest/web"
)

// notificationRoutes are the routes of this area, with the access each
// needs: a member's own preferences, the admins' channels and defaults, and
// the unsubscribe link every email carries (no sign-in: the link is the
// proof).
func (h *Handler) notificationRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/notifications", web.Own, h.notificationsPage),
		route("POST", "/o/{org}/notifications", web.Own, h.saveNotificationPrefs),
		route("GET", "/o/{org}/settings/notifications", web.Admin, h.notificationSettingsPage),
		route("POST", "/o/{org}/settings/notifications/email", web.Admin, h.saveFromName),
		route("POST", "/o/{org}/settings/notifications/email/test", web.Admin, h.testEmail),
		route("POST", "/o/{org}/settings/notifications/defaults", web.Admin, h.saveNotificationDefaults),
		route("POST", "/o/{org}/settings/notifications/slack", web.Admin, h.addSlackChannel),
		route("POST", "/o/{org}/settings/notifications/slack/{id}/test", web.Admin, h.testSlackChannel),
		route("POST", "/o/{org}/settings/notifications/slack/{id}/remove", web.Admin, h.removeSlackChannel),
		route("GET", "/unsubscribe/{token}", web.Public, h.unsubscribePage),
		route("POST", "/unsubscribe/{token}", web.Public, h.unsubscribe),
	}
}

type notificationsView struct {
	MailOn   bool // the install has email: notices leave as digests
	Prefs    []notify.Preference
	Recent   []attest.Notice
	Cadences []attest.Cadence
}

func (h *Handler) notificationsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderNotifications(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderNotifications(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	v := notificationsView{Cadences: attest.Cadences}
	var err error
	if v.Prefs, err = h.Notify.Preferences(r.Context(), c.P); err != nil {
		return err
	}
	if v.Recent, err = h.Notify.Recent(r.Context(), c.P, 20); err != nil {
		return err
	}
	if v.MailOn, err = h.Notify.MailOn(r.Context()); err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
		for _, p := range v.Prefs {
			f.Values[p.Kind.ID] = string(p.Cadence)
			if !p.Chosen {
				f.Values[p.Kind.ID] = "default"
			}
		}
	}
	h.RenderForm(w, r, c, status, "notifications", v, f)
	return nil
}

// kindForm reads one cadence per changeable kind.
func kindForm(r *http.Request) (*web.Form, map[string]string) {
	var names []string
	for _, k := range attest.NoticeKinds {
		if !k.Fixed {
			names = append(names, k.ID)
		}
	}
	f := web.NewForm(r, names...)
	choices := map[string]string{}
	for _, n := range names {
		if v, ok := r.PostForm[n]; ok && len(v) > 0 {
			choices[n] = f.Values[n]
		}
	}
	return f, choices
}

func (h *Handler) saveNotificationPrefs(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f, choices := kindForm(r)
	err := h.Notify.SetPreferences(r.Context(), c.P, choices)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderNotifications(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/notifications", "Notification preferences saved.")
}

type notificationSettingsView struct {
	Mail       notify.MailStatus
	Defaults   []notify.Preference
	Channels   []attest.SlackChannel
	Deliveries []attest.Delivery
	Kinds      []attest.NoticeKind
	Cadences   []attest.Cadence
}

func (h *Handler) notificationSettingsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderNotificationSettings(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderNotificationSettings(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	v := notificationSettingsView{Cadences: attest.Cadences}
	var err error
	if v.Mail, err = h.Notify.MailStatus(ctx, c.P); err != nil {
		return err
	}
	if v.Defaults, err = h.Notify.Defaults(ctx, c.P); err != nil {
		return err
	}
	if v.Channels, err = h.Notify.SlackChannels(ctx, c.P); err != nil {
		return err
	}
	if v.Deliveries, err = h.Notify.Deliveries(ctx, c.P, 30); err != nil {
		return err
	}
	for _, k := range attest.NoticeKinds {
		if !k.Fixed {
			v.Kinds = append(v.Kinds, k)
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"from_name": v.Mail.FromName, "cadence": string(attest.CadenceHourly)}, Errors: map[string]string{}}
	}
	for _, d := range v.Defaults {
		if _, ok := f.Values[d.Kind.ID]; !ok {
			f.Values[d.Kind.ID] = string(d.Cadence)
		}
	}
	h.RenderForm(w, r, c, status, "notification_settings", v, f)
	return nil
}

const notificationSettings = "/settings/notifications"

func (h *Handler) saveFromName(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "from_name")
	err := h.Notify.SetFromName(r.Context(), c.P, f.Values["from_name"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderNotificationSettings(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+notificationSettings+"#email", "Email sender name saved.")
}

func (h *Handler) testEmail(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	d, err := h.Notify.SendTestEmail(r.Context(), c.P)
	if web.UserError(err) {
		f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
		f.Error = web.Sentence(err)
		return h.renderNotificationSettings(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+notificationSettings+"#deliveries", "Test email queued for "+d.Address+"; its outcome appears under Messages sent.")
}

func (h *Handler) saveNotificationDefaults(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f, choices := kindForm(r)
	err := h.Notify.SetDefaults(r.Context(), c.P, choices)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderNotificationSettings(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+notificationSettings+"#defaults", "Organization defaults saved.")
}

func (h *Handler) addSlackChannel(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "name", "webhook", "cadence")
	webhook := f.Values["webhook"]
	delete(f.Values, "webhook") // a credential is never sent back
	ch := attest.SlackChannel{Name: f.Values["name"], Kinds: r.PostForm["kinds"], Cadence: attest.Cadence(f.Values["cadence"])}
	for _, k := range ch.Kinds {
		f.Values["kind-"+k] = "on"
	}
	ch, err := h.Notify.AddSlackChannel(r.Context(), c.P, ch, webhook)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderNotificationSettings(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+notificationSettings+"#slack", "Slack channel "+ch.Name+" connected. Send it a test message to check the webhook.")
}

func slackParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "Slack channel not found")
	}
	return id, nil
}

func (h *Handler) testSlackChannel(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := slackParam(r)
	if err != nil {
		return err
	}
	d, err := h.Notify.SendTestSlack(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+notificationSettings+"#deliveries", "Test message queued for "+d.Address+"; its outcome appears under Messages sent.")
}

func (h *Handler) removeSlackChannel(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := slackParam(r)
	if err != nil {
		return err
	}
	if err := h.Notify.RemoveSlackChannel(r.Context(), c.P, id); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+notificationSettings+"#slack", "Slack channel disconnected.")
}

type unsubscribeView struct {
	Sub   notify.Unsubscription
	Done  bool
	Token string
}

// unsubscribePage asks before unsubscribing: a link scanner that opens
// every link in an email must not unsubscribe anyone. Mail clients offering
// one-click unsubscribe POST instead (RFC 8058).
func (h *Handler) unsubscribePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	sub, _, err := h.Notify.ReadUnsubscribe(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render(w, r, c, http.StatusOK, "unsubscribe", unsubscribeView{Sub: sub, Token: r.PathValue("token")})
	return nil
}

func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	sub, err := h.Notify.Unsubscribe(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render(w, r, c, http.StatusOK, "unsubscribe", unsubscribeView{Sub: sub, Done: true})
	return nil
}
