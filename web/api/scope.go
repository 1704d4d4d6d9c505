package api

import (
	"net/http"
	"slices"

	"github.com/attest-hq/attest/web"
)

// scopeRoutes are the routes of this area, with the access each needs: the
// frameworks an organization pursues and the requirements it excludes.
func (h *Handler) scopeRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/scope/frameworks", web.Read, h.apiScopeFrameworks),
		route("PUT", "/orgs/{org}/scope/frameworks/{framework}", web.Edit, h.apiSetScopeFramework),
		route("GET", "/orgs/{org}/scope/exclusions/{framework}", web.Read, h.apiExclusions),
		route("PUT", "/orgs/{org}/scope/exclusions/{framework}/{requirement}", web.Edit, h.apiExclude),
		route("DELETE", "/orgs/{org}/scope/exclusions/{framework}/{requirement}", web.Edit, h.apiInclude),
		route("GET", "/orgs/{org}/soa", web.Read, h.apiSoA),
	}
}

// frameworkInScope is a built-in framework and whether the organization
// pursues it (SOC 2 always).
type frameworkInScope struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Title   string `json:"title"`
	InScope bool   `json:"in_scope"`
}

// exclusionJSON is an excluded requirement with its reason.
type exclusionJSON struct {
	Framework     string `json:"framework"`
	Requirement   string `json:"requirement"`
	Justification string `json:"justification"`
}

func (h *Handler) scopeFrameworks(r *http.Request, c *web.Ctx) ([]frameworkInScope, error) {
	ids, err := h.DB.ScopeFrameworks(r.Context(), c.Org.ID)
	if err != nil {
		return nil, err
	}
	soc2 := h.Catalog.SOC2()
	out := []frameworkInScope{{ID: soc2.ID, Name: soc2.Name, Title: soc2.Title, InScope: true}} // always, and first
	for _, fw := range h.Catalog.Frameworks {
		if fw != soc2 {
			out = append(out, frameworkInScope{ID: fw.ID, Name: fw.Name, Title: fw.Title, InScope: slices.Contains(ids, fw.ID)})
		}
	}
	return out, nil
}

func (h *Handler) apiScopeFrameworks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	out, err := h.scopeFrameworks(r, c)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) apiSetScopeFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		InScope bool `json:"in_scope"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Scope.SetFramework(r.Context(), c.P, r.PathValue("framework"), in.InScope); err != nil {
		return err
	}
	return h.apiScopeFrameworks(w, r, c)
}

func (h *Handler) apiExclusions(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ex, err := h.DB.Exclusions(r.Context(), c.Org.ID, r.PathValue("framework"))
	if err != nil {
		return err
	}
	out := []exclusionJSON{}
	for _, e := range ex {
		out = append(out, exclusionJSON{Framework: e.Framework, Requirement: e.Requirement, Justification: e.Justification})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) apiExclude(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Justification string `json:"justification"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := h.Scope.Exclude(r.Context(), c.P, r.PathValue("framework"), r.PathValue("requirement"), in.Justification)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, exclusionJSON{Framework: e.Framework, Requirement: e.Requirement, Justification: e.Justification})
	return nil
}

func (h *Handler) apiInclude(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := h.Scope.Include(r.Context(), c.P, r.PathValue("framework"), r.PathValue("requirement")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
