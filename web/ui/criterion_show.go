package ui

import (
	"net/http"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type criterionView struct {
	Nav         frameworkNav
	Requirement catalog.Requirement
	SeriesName  string
	Category    catalog.Category
	InScope     bool
	Excluded    *attest.Exclusion // an Annex A control excluded from the Statement of Applicability
	Result      readiness.RequirementResult
	Imported    []store.ImportedText
	Tasks       []attest.Task
	Members     []attest.Membership
	// Shared are the requirements of the other frameworks the organization
	// pursues that the same controls count toward: the crosswalk at work.
	Shared []sharedRequirement
}

// sharedRequirement is a requirement of another framework reached through
// controls this one shares with it.
type sharedRequirement struct {
	Framework   *catalog.Framework
	Requirement catalog.Requirement
	Href        string
	Via         []string // refs of the shared controls
}

// criterionPage shows one requirement of a framework (?framework=iso27001;
// SOC 2 by default): its readiness, controls, gaps and the requirements of
// other pursued frameworks that share its controls.
func (h *Handler) criterionPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	fw := h.Catalog.SOC2()
	if id := r.URL.Query().Get("framework"); id != "" {
		var ok bool
		if fw, ok = h.Catalog.Framework(id); !ok {
			return attest.Errorf(attest.ENOTFOUND, "There is no built-in framework %q.", id)
		}
	}
	req, ok := fw.Requirement(r.PathValue("id"))
	if !ok {
		return attest.Errorf(attest.ENOTFOUND, "There is no %s requirement %q.", fw.Name, r.PathValue("id"))
	}
	nav, err := h.frameworkNav(r, c, fw)
	if err != nil {
		return err
	}
	v := criterionView{Nav: nav, Requirement: req, SeriesName: fw.SeriesName(req.Series)}
	v.Category, _ = fw.Category(req.Category)
	if slices.Contains(nav.Pursued, fw) {
		a, err := h.Readiness.AssessFramework(ctx, c.Org.ID, fw.ID)
		if err != nil {
			return err
		}
		for _, rr := range a.Requirements {
			if rr.ID == req.ID {
				v.Result, v.InScope = rr, true
			}
		}
		for i := range a.Excluded {
			if a.Excluded[i].Requirement == req.ID {
				v.Excluded = &a.Excluded[i]
			}
		}
	}
	controls, err := h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{})
	if err != nil {
		return err
	}
	var mine []attest.Control // controls that count toward this requirement
	for _, ctl := range controls {
		if counts(ctl, fw.ID, req.ID) {
			mine = append(mine, ctl)
		}
	}
	if !v.InScope {
		// Out of scope or excluded: still show which controls map here, without a score.
		for _, ctl := range mine {
			v.Result.Controls = append(v.Result.Controls, readiness.ControlState(readiness.Control{ID: ctl.ID, Ref: ctl.Ref, Name: ctl.Name, Status: ctl.Status, OwnerID: ctl.OwnerID}))
		}
	}
	v.Shared = shared(c, nav.Pursued, fw, mine)
	if fw.ID == programme.Framework {
		if v.Imported, err = h.DB.ImportedTexts(ctx, c.Org.ID, req.ID); err != nil {
			return err
		}
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

// counts reports whether control ctl has a mapping to framework requirement
// that counts toward readiness.
func counts(ctl attest.Control, framework, requirement string) bool {
	return slices.ContainsFunc(ctl.Mappings, func(m attest.Mapping) bool {
		return m.Framework == framework && m.Requirement == requirement && m.Counts()
	})
}

// shared lists, in catalog order, the requirements of the other pursued
// frameworks that the given controls count toward, each with the controls
// that reach it.
func shared(c *web.Ctx, pursued []*catalog.Framework, fw *catalog.Framework, mine []attest.Control) []sharedRequirement {
	var out []sharedRequirement
	for _, other := range pursued {
		if other == fw {
			continue
		}
		for _, req := range other.Requirements {
			var via []string
			for _, ctl := range mine {
				if counts(ctl, other.ID, req.ID) {
					via = append(via, ctl.Ref)
				}
			}
			if len(via) == 0 {
				continue
			}
			href := "/o/" + c.Org.Slug + "/criteria/" + req.ID
			if other.ID != programme.Framework {
				href += "?framework=" + other.ID
			}
			out = append(out, sharedRequirement{Framework: other, Requirement: req, Href: href, Via: via})
		}
	}
	return out
}
