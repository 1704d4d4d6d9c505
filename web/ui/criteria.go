package ui

import (
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/web"
	"sort"
)

// criteriaRoutes are the routes of this area, with the access each needs.
func (h *Handler) criteriaRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/criteria", web.Read, h.criteriaPage),
		route("GET", "/o/{org}/criteria/matrix", web.Read, h.matrixPage),
		route("GET", "/o/{org}/criteria/{id}", web.Read, h.criterionPage),
		route("GET", "/o/{org}/readiness/export", web.Read, h.exportReadiness),
		route("GET", "/o/{org}/oscal/{document}", web.Read, h.exportOSCAL),
		route("GET", "/o/{org}/audit-package", web.Read, h.AuditExport),
	}
}

// seriesGroup is a series of requirements with their derived readiness.
type seriesGroup struct {
	ID, Name     string
	Requirements []readiness.RequirementResult
}

type categoryGroup struct {
	Category catalog.Category
	Result   readiness.CategoryResult
	Series   []*seriesGroup
}

type criteriaView struct {
	Nav        frameworkNav
	Assessment programme.Assessment
	Groups     []*categoryGroup
	Filter     string // "at_risk", "gaps", or ""
	Category   string
	Shown      int
	ByScore    bool // weakest first within each category, instead of catalog order
}

// group arranges an assessment by category and series, keeping catalog order,
// and applies the page's filters.
func group(a programme.Assessment, category, filter string, byScore bool) ([]*categoryGroup, int) {
	fw := a.Framework
	var groups []*categoryGroup
	byCat := map[string]*categoryGroup{}
	for i, cat := range a.Categories {
		if category != "" && cat.ID != category {
			continue
		}
		g := &categoryGroup{Category: cat, Result: a.Result.Categories[i]}
		byCat[cat.ID] = g
		groups = append(groups, g)
	}
	shown := 0
	for _, rr := range a.Requirements {
		g := byCat[rr.Category]
		if g == nil || (filter == "at_risk" && !rr.AtRisk) || (filter == "gaps" && rr.Ready) {
			continue
		}
		req, _ := fw.Requirement(rr.ID)
		if n := len(g.Series); n == 0 || g.Series[n-1].ID != req.Series {
			g.Series = append(g.Series, &seriesGroup{ID: req.Series, Name: fw.SeriesName(req.Series)})
		}
		sg := g.Series[len(g.Series)-1]
		sg.Requirements = append(sg.Requirements, rr)
		shown++
	}
	if byScore {
		// One list per category, weakest first; catalog order breaks ties.
		for _, g := range groups {
			var all []readiness.RequirementResult
			for _, sg := range g.Series {
				all = append(all, sg.Requirements...)
			}
			sort.SliceStable(all, func(i, j int) bool { return all[i].Score < all[j].Score })
			g.Series = nil
			if len(all) > 0 {
				g.Series = []*seriesGroup{{Name: "Weakest first", Requirements: all}}
			}
		}
	}
	return groups, shown
}
