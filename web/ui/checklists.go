package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// checklistRoutes: onboarding and offboarding checklists, derived for every
// joiner and leaver from the organization's templates; editors keep the
// templates, a step's owner (or an editor) closes it by hand.
func (h *Handler) checklistRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/people/checklists", web.Read, h.checklistsPage),
		route("POST", "/o/{org}/people/checklists/defaults", web.Edit, h.useDefaultChecklists),
		route("POST", "/o/{org}/people/checklists/templates/{id}/steps", web.Edit, h.addChecklistStep),
		route("POST", "/o/{org}/people/checklists/steps/{step}/delete", web.Edit, h.deleteChecklistStep),
		route("POST", "/o/{org}/people/{id}/checklist/{step}", web.Work, h.closeChecklistStep),
	}
}

func init() { addDue(checklistDue) }

// checklistDue lists the checklist steps past their deadline. The dashboard
// shows it, so it reads the database only, not the collections' snapshots.
func checklistDue(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error) {
	lists, err := h.Checklists.Stored(r.Context(), c.P)
	if err != nil {
		return nil, err
	}
	var out []dueItem
	for _, cl := range lists {
		for _, s := range cl.Steps {
			if s.State == attest.StepOverdue {
				out = append(out, dueItem{Kind: "Checklist", Title: cl.Person.Name + ": " + s.Step.Title,
					Href: "/o/" + c.Org.Slug + "/people/checklists#person-" + strconv.FormatInt(cl.Person.ID, 10), Due: s.Due, Overdue: true})
			}
		}
	}
	return out, nil
}

type checklistsView struct {
	Lists     []attest.Checklist
	Templates []attest.ChecklistTemplate
	Members   []attest.Membership
	Owners    []string
	Checks    map[string][]string
	// Missing counts the kinds and employment types without a template.
	Missing int
}

func (h *Handler) checklistsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderChecklists(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderChecklists(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	var v checklistsView
	var err error
	if v.Lists, err = h.Checklists.List(r.Context(), c.P); err != nil {
		return err
	}
	if v.Templates, err = h.Checklists.Templates(r.Context(), c.P); err != nil {
		return err
	}
	if v.Members, err = h.DB.Members(r.Context(), c.Org.ID); err != nil {
		return err
	}
	v.Members = attest.EligibleOwners(v.Members)
	v.Owners = attest.StepOwners()
	v.Checks = map[string][]string{}
	for _, k := range attest.ChecklistKinds() {
		v.Checks[k] = attest.StepChecks(k)
	}
	v.Missing = 2*len(attest.EmploymentTypes()) - len(v.Templates)
	if f == nil {
		f = &web.Form{Values: map[string]string{"owner": attest.OwnerTeam, "due_days": "0"}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "checklists", v, f)
	return nil
}
