package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/web"
)

// scopeRoutes are the routes of this area, with the access each needs.
func (h *Handler) scopeRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/scope", web.Read, h.scopePage),
		route("POST", "/o/{org}/scope", web.Edit, h.saveScope),
		route("GET", "/o/{org}/scope/export", web.Read, h.exportDescription),
		route("GET", "/o/{org}/scope/assertion", web.Read, h.exportAssertion),
		route("POST", "/o/{org}/scope/subservices", web.Edit, h.addSubservice),
		route("POST", "/o/{org}/scope/subservices/{id}/delete", web.Edit, h.deleteSubservice),
		route("POST", "/o/{org}/scope/cuecs", web.Edit, h.addCUEC),
		route("POST", "/o/{org}/scope/cuecs/{id}/delete", web.Edit, h.deleteCUEC),
	}
}

type scopeView struct {
	Scope       attest.Scope
	Categories  []catalog.Category
	Chosen      map[string]bool
	Subservices []attest.SubserviceOrg
	CUECs       []attest.CUEC
	Vendors     []attest.Vendor // for linking a subservice organization to its vendor record
}

func (h *Handler) scopeView(r *http.Request, c *web.Ctx) (scopeView, error) {
	ctx := r.Context()
	v := scopeView{Categories: h.Catalog.SOC2().Categories, Chosen: map[string]bool{}}
	var err error
	if v.Scope, err = h.DB.Scope(ctx, c.Org.ID); err != nil {
		return v, err
	}
	for _, cat := range v.Scope.Categories {
		v.Chosen[cat] = true
	}
	if v.Subservices, err = h.DB.Subservices(ctx, c.Org.ID); err != nil {
		return v, err
	}
	if v.CUECs, err = h.DB.CUECs(ctx, c.Org.ID); err != nil {
		return v, err
	}
	v.Vendors, err = h.DB.Vendors(ctx, c.Org.ID)
	return v, err
}

func (h *Handler) renderScope(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	v, err := h.scopeView(r, c)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Errors: map[string]string{}, Values: map[string]string{"system_name": v.Scope.SystemName, "system_summary": v.Scope.SystemSummary,
			"services": v.Scope.Services, "infrastructure": v.Scope.Infrastructure, "locations": v.Scope.Locations, "method": "carve-out"}}
	}
	h.RenderForm(w, r, c, status, "scope", v, f)
	return nil
}
