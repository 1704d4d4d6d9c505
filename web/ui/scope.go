package ui

import (
	"net/http"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
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
		route("POST", "/o/{org}/scope/frameworks", web.Edit, h.setScopeFramework),
		route("POST", "/o/{org}/scope/exclusions", web.Edit, h.excludeRequirement),
		route("POST", "/o/{org}/scope/exclusions/remove", web.Edit, h.includeRequirement),
		route("GET", "/o/{org}/soa", web.Read, h.exportSoA),
	}
}

type scopeView struct {
	Scope       attest.Scope
	Categories  []catalog.Category
	Chosen      map[string]bool
	Subservices []attest.SubserviceOrg
	CUECs       []attest.CUEC
	Vendors     []attest.Vendor // for linking a subservice organization to its vendor record
	// Frameworks are the built-in frameworks beside SOC 2 and whether the
	// organization pursues them; Applicability the Annex A controls of
	// ISO 27001 when it does.
	Frameworks    []frameworkChoice
	Applicability []applicabilityRow
}

type frameworkChoice struct {
	Framework *catalog.Framework
	InScope   bool
}

// applicabilityRow is one Annex A control on the scope page: applicable, or
// excluded with its justification.
type applicabilityRow struct {
	Requirement catalog.Requirement
	Excluded    *attest.Exclusion
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
	if v.Vendors, err = h.DB.Vendors(ctx, c.Org.ID); err != nil {
		return v, err
	}
	pursued, err := h.DB.ScopeFrameworks(ctx, c.Org.ID)
	if err != nil {
		return v, err
	}
	for _, fw := range h.Catalog.Frameworks {
		if fw.ID == programme.Framework {
			continue
		}
		in := slices.Contains(pursued, fw.ID)
		v.Frameworks = append(v.Frameworks, frameworkChoice{Framework: fw, InScope: in})
		if fw.ID != programme.ISO27001 || !in {
			continue
		}
		excluded, err := h.DB.Exclusions(ctx, c.Org.ID, fw.ID)
		if err != nil {
			return v, err
		}
		for _, req := range fw.Requirements {
			if programme.Optional(fw, "requirement", req.ID) != nil {
				continue
			}
			row := applicabilityRow{Requirement: req}
			for i := range excluded {
				if excluded[i].Requirement == req.ID {
					row.Excluded = &excluded[i]
				}
			}
			v.Applicability = append(v.Applicability, row)
		}
	}
	return v, nil
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
