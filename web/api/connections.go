package api

import (
	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// connectionRoutes are the routes of this area, with the access each needs.
// Reading connections (never their credentials) is for readers; adding,
// checking and removing one is for editors.
func (h *Handler) connectionRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/connectors", web.Read, h.apiConnectors),
		route("GET", "/orgs/{org}/connections", web.Read, h.apiConnections),
		route("POST", "/orgs/{org}/connections", web.Edit, h.apiCreateConnection),
		route("POST", "/orgs/{org}/connections/{id}/check", web.Edit, h.apiCheckConnection),
		route("DELETE", "/orgs/{org}/connections/{id}", web.Edit, h.apiRemoveConnection),
	}
}

// connectionJSON is a connection on the wire. It has no field for the
// credential: there is nothing to leak by mistake.
type connectionJSON struct {
	ID              int64             `json:"id"`
	Type            string            `json:"type"`
	Name            string            `json:"name"`
	Settings        map[string]string `json:"settings"`
	IntervalMinutes int               `json:"interval_minutes"`
	Enabled         bool              `json:"enabled"`
	CreatedAt       string            `json:"created_at"`
	CheckedAt       string            `json:"checked_at,omitempty"`
	CheckOK         bool              `json:"check_ok"`
	CheckMessage    string            `json:"check_message,omitempty"`
}

func toConnectionJSON(c attest.Connection) connectionJSON {
	out := connectionJSON{ID: c.ID, Type: c.Type, Name: c.Name, Settings: c.Settings, IntervalMinutes: c.IntervalMinutes,
		Enabled: c.Enabled, CreatedAt: web.RFC3339(c.CreatedAt), CheckOK: c.CheckOK, CheckMessage: c.CheckMessage}
	if out.Settings == nil {
		out.Settings = map[string]string{}
	}
	if !c.CheckedAt.IsZero() {
		out.CheckedAt = web.RFC3339(c.CheckedAt)
	}
	return out
}
