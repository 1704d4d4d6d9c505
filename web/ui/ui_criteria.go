package ui

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

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
	Assessment programme.Assessment
	Groups     []*categoryGroup
	Filter     string // "at_risk", "gaps", or ""
	Category   string
	Shown      int
}

// group arranges an assessment by category and series, keeping catalog order,
// and applies the page's filters.
func group(a programme.Assessment, category, filter string) ([]*categoryGroup, int) {
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
	return groups, shown
}

func (h *Handler) criteriaPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := programme.Assess(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := criteriaView{Assessment: a, Filter: q.Get("filter"), Category: q.Get("category")}
	v.Groups, v.Shown = group(a, v.Category, v.Filter)
	h.Render(w, r, c, http.StatusOK, "criteria", v)
	return nil
}

// matrixPage is the coverage matrix: every criterion in scope with the
// controls that address it, coloured by state, uncovered ones first to see.
func (h *Handler) matrixPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := programme.Assess(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	v := criteriaView{Assessment: a, Filter: r.URL.Query().Get("filter")}
	v.Groups, v.Shown = group(a, "", v.Filter)
	h.Render(w, r, c, http.StatusOK, "matrix", v)
	return nil
}

type criterionView struct {
	Requirement catalog.Requirement
	SeriesName  string
	Category    catalog.Category
	InScope     bool
	Result      readiness.RequirementResult
	Imported    []store.ImportedText
	Tasks       []attest.Task
	Members     []attest.Membership
}

func (h *Handler) criterionPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	fw := h.Catalog.SOC2()
	req, ok := fw.Requirement(r.PathValue("id"))
	if !ok {
		return attest.Errorf(attest.ENOTFOUND, "There is no SOC 2 criterion %q.", r.PathValue("id"))
	}
	a, err := programme.Assess(ctx, &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	v := criterionView{Requirement: req, SeriesName: fw.SeriesName(req.Series)}
	v.Category, _ = fw.Category(req.Category)
	for _, rr := range a.Requirements {
		if rr.ID == req.ID {
			v.Result, v.InScope = rr, true
		}
	}
	if !v.InScope {
		// Out of scope: still show which controls map here, without a score.
		controls, err := h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{})
		if err != nil {
			return err
		}
		for _, ctl := range controls {
			for _, m := range ctl.Mappings {
				if m.Framework == fw.ID && m.Requirement == req.ID {
					v.Result.Controls = append(v.Result.Controls, readiness.ControlState(readiness.Control{ID: ctl.ID, Ref: ctl.Ref, Name: ctl.Name, Status: ctl.Status, OwnerID: ctl.OwnerID}))
				}
			}
		}
	}
	if v.Imported, err = h.DB.ImportedTexts(ctx, c.Org.ID, req.ID); err != nil {
		return err
	}
	if v.Tasks, err = h.DB.Tasks(ctx, c.Org.ID, store.TaskFilter{Requirement: req.ID}); err != nil {
		return err
	}
	if v.Members, err = h.DB.Members(ctx, c.Org.ID); err != nil {
		return err
	}
	f := &web.Form{Values: map[string]string{"title": "Close the gap in " + req.ID + ": " + req.Title, "priority": "medium"}, Errors: map[string]string{}}
	h.RenderForm(w, r, c, http.StatusOK, "criterion", v, f)
	return nil
}

// exportReadiness writes the readiness report as CSV: one row per criterion in
// scope with its score, the controls behind it and every gap.
func (h *Handler) exportReadiness(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := programme.Assess(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	h.attachment(w, c, "readiness", "csv")
	cw := csv.NewWriter(w)
	cw.Write([]string{"criterion", "title", "category", "score_percent", "ready", "at_risk", "controls", "gaps"})
	for _, rr := range a.Requirements {
		var refs, gaps []string
		for _, ctl := range rr.Controls {
			refs = append(refs, ctl.Ref+" ("+ctl.State+")")
		}
		for _, g := range rr.Gaps {
			gaps = append(gaps, g.Message)
		}
		cw.Write([]string{rr.ID, rr.Title, rr.Category, strconv.Itoa(readiness.Percent(rr.Score)), strconv.FormatBool(rr.Ready), strconv.FormatBool(rr.AtRisk),
			csvSafe(strings.Join(refs, "; ")), csvSafe(strings.Join(gaps, "; "))})
	}
	cw.Write([]string{"overall", "", "", strconv.Itoa(a.Percent), strconv.FormatBool(a.Percent == 100), "", "", fmt.Sprintf("%d criteria in scope", len(a.Requirements))})
	cw.Flush()
	return cw.Error()
}
