package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify"
	"github.com/attest-hq/attest/web"
)

// notificationRoutes are the routes of this area, with the access each needs.
func (h *Handler) notificationRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/notifications/preferences", web.Own, h.apiNotificationPrefs),
		route("PUT", "/orgs/{org}/notifications/preferences", web.Own, h.apiSetNotificationPrefs),
		route("GET", "/orgs/{org}/notifications/defaults", web.Admin, h.apiNotificationDefaults),
		route("PUT", "/orgs/{org}/notifications/defaults", web.Admin, h.apiSetNotificationDefaults),
		route("GET", "/orgs/{org}/notifications/email", web.Admin, h.apiMailStatus),
		route("PUT", "/orgs/{org}/notifications/email", web.Admin, h.apiSetMail),
		route("POST", "/orgs/{org}/notifications/email/test", web.Admin, h.apiTestEmail),
		route("GET", "/orgs/{org}/notifications/slack", web.Admin, h.apiSlackChannels),
		route("POST", "/orgs/{org}/notifications/slack", web.Admin, h.apiAddSlackChannel),
		route("PUT", "/orgs/{org}/notifications/slack/{id}", web.Admin, h.apiUpdateSlackChannel),
		route("DELETE", "/orgs/{org}/notifications/slack/{id}", web.Admin, h.apiRemoveSlackChannel),
		route("POST", "/orgs/{org}/notifications/slack/{id}/test", web.Admin, h.apiTestSlackChannel),
		route("GET", "/orgs/{org}/notifications/deliveries", web.Admin, h.apiDeliveries),
	}
}

// prefsJSON is a cadence per kind, with the kinds' descriptions.
type prefsJSON struct {
	Preferences []notify.Preference `json:"preferences"`
}

func (h *Handler) apiNotificationPrefs(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, err := h.Notify.Preferences(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, prefsJSON{Preferences: nonNil(p)})
	return nil
}

// apiSetNotificationPrefs takes {"cadences": {"task": "daily", "test": "off"}};
// "default" returns a kind to the organization's default.
func (h *Handler) apiSetNotificationPrefs(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Cadences map[string]string `json:"cadences"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Notify.SetPreferences(r.Context(), c.P, in.Cadences); err != nil {
		return err
	}
	return h.apiNotificationPrefs(w, r, c)
}

func (h *Handler) apiNotificationDefaults(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, err := h.Notify.Defaults(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, prefsJSON{Preferences: nonNil(p)})
	return nil
}

func (h *Handler) apiSetNotificationDefaults(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Cadences map[string]string `json:"cadences"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Notify.SetDefaults(r.Context(), c.P, in.Cadences); err != nil {
		return err
	}
	return h.apiNotificationDefaults(w, r, c)
}

func (h *Handler) apiMailStatus(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	st, err := h.Notify.MailStatus(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

// apiSetMail sets the organization's sender name; the SMTP server is the
// install's, set with `attest email set`.
func (h *Handler) apiSetMail(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		FromName string `json:"from_name"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Notify.SetFromName(r.Context(), c.P, in.FromName); err != nil {
		return err
	}
	return h.apiMailStatus(w, r, c)
}

func (h *Handler) apiTestEmail(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	d, err := h.Notify.SendTestEmail(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, d)
	return nil
}

func (h *Handler) apiSlackChannels(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Notify.SlackChannels(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"channels": nonNil(list)})
	return nil
}

// slackIn is a channel as posted; the webhook URL is write-only.
type slackIn struct {
	Name    string   `json:"name"`
	Webhook string   `json:"webhook_url"`
	Kinds   []string `json:"kinds"`
	Cadence string   `json:"cadence"`
}

func (in slackIn) channel() attest.SlackChannel {
	return attest.SlackChannel{Name: in.Name, Kinds: in.Kinds, Cadence: attest.Cadence(in.Cadence)}
}

func (h *Handler) apiAddSlackChannel(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in slackIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ch, err := h.Notify.AddSlackChannel(r.Context(), c.P, in.channel(), in.Webhook)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, ch)
	return nil
}

func slackID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "Slack channel not found")
	}
	return id, nil
}

// apiUpdateSlackChannel replaces a channel's name, kinds and cadence; an
// empty webhook_url keeps the stored one.
func (h *Handler) apiUpdateSlackChannel(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := slackID(r)
	if err != nil {
		return err
	}
	var in slackIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ch := in.channel()
	ch.ID = id
	if err := h.Notify.UpdateSlackChannel(r.Context(), c.P, ch, in.Webhook); err != nil {
		return err
	}
	return h.apiSlackChannels(w, r, c)
}

func (h *Handler) apiRemoveSlackChannel(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := slackID(r)
	if err != nil {
		return err
	}
	if err := h.Notify.RemoveSlackChannel(r.Context(), c.P, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) apiTestSlackChannel(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := slackID(r)
	if err != nil {
		return err
	}
	d, err := h.Notify.SendTestSlack(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, d)
	return nil
}

func (h *Handler) apiDeliveries(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	list, err := h.Notify.Deliveries(r.Context(), c.P, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"deliveries": nonNil(list)})
	return nil
}
