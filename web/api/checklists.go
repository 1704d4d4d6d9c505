package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// checklistRoutes: onboarding and offboarding checklists and their
// templates.
func (h *Handler) checklistRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/checklists", web.Read, h.apiChecklists),
		route("GET", "/orgs/{org}/checklist-templates", web.Read, h.apiChecklistTemplates),
		route("POST", "/orgs/{org}/checklist-templates", web.Edit, h.apiCreateChecklistTemplate),
		route("POST", "/orgs/{org}/people/{id}/checklist-steps/{step}", web.Work, h.apiCloseChecklistStep),
	}
}

// numericPath reads a numeric path value; one that is not a number names no
// record.
func numericPath(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "%s not found", what)
	}
	return id, nil
}

// apiChecklists lists every joiner's and leaver's checklist, ?person=ID
// for one person's.
func (h *Handler) apiChecklists(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var lists []attest.Checklist
	var err error
	if v := r.URL.Query().Get("person"); v != "" {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return attest.Invalid("person", "want a person's ID, got %q", v)
		}
		_, lists, err = h.Checklists.Person(r.Context(), c.P, id)
	} else {
		lists, err = h.Checklists.List(r.Context(), c.P)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"checklists": nonNil(lists)})
	return nil
}

func (h *Handler) apiChecklistTemplates(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ts, err := h.Checklists.Templates(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"templates": nonNil(ts)})
	return nil
}

// apiCreateChecklistTemplate adds a template with its steps:
// {"kind", "employment_type", "name", "since", "steps": [{"title", "owner",
// "owner_user_id", "due_days", "check"}]}.
func (h *Handler) apiCreateChecklistTemplate(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.ChecklistTemplate
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.Checklists.CreateTemplate(r.Context(), c.P, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

// apiCloseChecklistStep closes a step by hand: {"note"}.
func (h *Handler) apiCloseChecklistStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	person, err := numericPath(r, "id", "person")
	if err != nil {
		return err
	}
	step, err := numericPath(r, "step", "checklist step")
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	done, err := h.Checklists.CloseStep(r.Context(), c.P, person, step, in.Note, nil)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, done)
	return nil
}
