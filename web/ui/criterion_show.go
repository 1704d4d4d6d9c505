package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

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
	if v.Tasks, err = h.Tasks.List(ctx, c.P, store.TaskFilter{Requirement: req.ID}); err != nil {
		return err
	}
	if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
		return err
	}
	f := &web.Form{Values: map[string]string{"title": "Close the gap in " + req.ID + ": " + req.Title, "priority": "medium"}, Errors: map[string]string{}}
	h.RenderForm(w, r, c, http.StatusOK, "criterion", v, f)
	return nil
}
