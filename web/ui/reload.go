package ui

import (
	"net/http"
	"strings"

	"github.com/attest-hq/attest/web"
)

// reloadRoutes answer a reload of the address a refused form leaves in the
// address bar. Those forms render their page with the errors beside the
// fields at the form's action address; reloading it (a GET there) goes back
// to that page instead of answering 404. Each needs the access of its form.
func (h *Handler) reloadRoutes() []web.Route {
	return []web.Route{
		back("/account/password", web.SignedIn, "/account"),
		back("/account/two-step/confirm", web.SignedIn, "/account/two-step"),
		back("/account/two-step/disable", web.SignedIn, "/account/two-step"),
		back("/account/two-step/recovery-codes", web.SignedIn, "/account/two-step"),
		back("/o/{org}/invitations", web.Admin, "/o/{org}/settings"),
		back("/o/{org}/scope/cuecs", web.Edit, "/o/{org}/scope"),
		back("/o/{org}/controls/{id}/mappings", web.Edit, "/o/{org}/controls/{id}"),
		back("/o/{org}/controls/{id}/mappings/remove", web.Edit, "/o/{org}/controls/{id}"),
		back("/o/{org}/tasks/{id}/status", web.Work, "/o/{org}/tasks/{id}"),
		back("/o/{org}/people/import", web.Edit, "/o/{org}/people"),
		back("/o/{org}/people/{id}/invite", web.Admin, "/o/{org}/people/{id}"),
		back("/o/{org}/policy-values", web.Edit, "/o/{org}/policies"),
		back("/o/{org}/policies/{key}/draft", web.Edit, "/o/{org}/policies/{key}"),
		back("/o/{org}/settings/notifications/email", web.Admin, "/o/{org}/settings/notifications"),
		back("/o/{org}/settings/notifications/email/test", web.Admin, "/o/{org}/settings/notifications"),
		back("/o/{org}/settings/notifications/defaults", web.Admin, "/o/{org}/settings/notifications"),
		back("/o/{org}/settings/notifications/slack", web.Admin, "/o/{org}/settings/notifications"),
		back("/o/{org}/people/roster/links", web.Edit, "/o/{org}/people/roster"),
		back("/o/{org}/people/checklists/defaults", web.Edit, "/o/{org}/people/checklists"),
		back("/o/{org}/access-reviews/cadence", web.Admin, "/o/{org}/access-reviews"),
		back("/o/{org}/people/checklists/templates/{id}/steps", web.Edit, "/o/{org}/people/checklists"),
		back("/o/{org}/people/{id}/checklist/{step}", web.Work, "/o/{org}/people/checklists"),
		back("/o/{org}/people/roster/rules", web.Admin, "/o/{org}/people/roster"),
		back("/o/{org}/risks/import", web.Edit, "/o/{org}/risks"),
		back("/o/{org}/risks/{key}/controls", web.Edit, "/o/{org}/risks/{key}"),
		back("/o/{org}/risks/{key}/accept", web.Edit, "/o/{org}/risks/{key}"),
		back("/o/{org}/risks/{key}/approve", web.Work, "/o/{org}/risks/{key}"),
		back("/o/{org}/risks/{key}/retire", web.Edit, "/o/{org}/risks/{key}"),
		back("/o/{org}/risks/{key}/review", web.Edit, "/o/{org}/risks/{key}"),
		back("/o/{org}/vendors/import", web.Edit, "/o/{org}/vendors"),
		back("/o/{org}/people/background/import", web.Edit, "/o/{org}/people/background"),
		back("/o/{org}/vendors/{id}/reviews", web.Edit, "/o/{org}/vendors/{id}"),
		back("/o/{org}/vendors/{id}/reviews/{review}", web.Edit, "/o/{org}/vendors/{id}"),
		back("/o/{org}/vendors/{id}/reviews/{review}/complete", web.Edit, "/o/{org}/vendors/{id}"),
		back("/o/{org}/vendors/{id}/cuecs", web.Edit, "/o/{org}/vendors/{id}"),
		back("/o/{org}/incidents/import", web.Edit, "/o/{org}/incidents"),
		back("/o/{org}/incidents/{id}/actions", web.Edit, "/o/{org}/incidents/{id}"),
		back("/o/{org}/exercises", web.Edit, "/o/{org}/incidents"),
		back("/o/{org}/exercises/{id}/follow-ups", web.Edit, "/o/{org}/exercises/{id}"),
		back("/o/{org}/access-reviews/{id}/items/{item}", web.Work, "/o/{org}/access-reviews/{id}"),
		back("/o/{org}/access-reviews/{id}/items/{item}/reviewer", web.Edit, "/o/{org}/access-reviews/{id}"),
		back("/o/{org}/access-reviews/{id}/complete", web.Edit, "/o/{org}/access-reviews/{id}"),
	}
}

// back is a GET route at path that redirects to the page at to, with the
// path's {org} and {id} filled in.
func back(path string, access web.Access, to string) web.Route {
	return route("GET", path, access, func(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
		target := strings.NewReplacer("{org}", r.PathValue("org"), "{id}", r.PathValue("id"), "{key}", r.PathValue("key")).Replace(to)
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	})
}
