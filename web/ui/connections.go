package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/web"
)

// connectionRoutes are the routes of this area, with the access each needs:
// readers see the connections (never a credential), editors add, check and
// remove them.
func (h *Handler) connectionRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/connections", web.Read, h.connectionsPage),
		route("POST", "/o/{org}/connections", web.Edit, h.addConnection),
		route("POST", "/o/{org}/connections/{id}/check", web.Edit, h.checkConnection),
		route("POST", "/o/{org}/connections/{id}/remove", web.Edit, h.removeConnection),
	}
}

// connectionsView is the connections page: the list, one add form per
// connector type (built from its spec), and the outcome of a check just made.
type connectionsView struct {
	Connections []attest.Connection
	Connectors  []connectorForm
	Checked     *checkedView
}

// connectorForm is the add form of one connector type. Only the form that
// was posted shows the posted values and errors; the others start empty.
type connectorForm struct {
	Spec attest.ConnectorSpec
	Form *web.Form
}

type checkedView struct {
	Name    string
	Result  attest.CheckResult
	Webhook *webhookView // a webhook secret just made, shown this once
}

type webhookView struct {
	URL, Secret string
}

// settingField is the form field of a connector setting: "set.KEY", so a
// setting can never collide with the form's own fields.
func settingField(key string) string { return "set." + key }

// formField maps a service error's field to the form's: a setting key to its
// "set." field, interval_minutes to interval.
func formField(field string, spec attest.ConnectorSpec) string {
	switch field {
	case "name", "secret", "type":
		return field
	case "interval_minutes":
		return "interval"
	}
	for _, s := range spec.Settings {
		if s.Key == field {
			return settingField(field)
		}
	}
	return field
}

func emptyConnectionForm() *web.Form {
	return &web.Form{Values: map[string]string{"interval": strconv.Itoa(connection.DefaultInterval)}, Errors: map[string]string{}}
}

// renderConnections renders the page; posted is the form of the type just
// posted (nil for none).
func (h *Handler) renderConnections(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, postedType string, posted *web.Form, checked *checkedView) error {
	list, err := h.Connections.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	v := connectionsView{Connections: list, Checked: checked}
	for _, spec := range h.Connections.Registry.Specs() {
		f := emptyConnectionForm()
		if spec.Type == postedType && posted != nil {
			f = posted
		}
		v.Connectors = append(v.Connectors, connectorForm{Spec: spec, Form: f})
	}
	h.RenderForm(w, r, c, status, "connections", v, nil)
	return nil
}
