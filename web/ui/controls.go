package ui

import (
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

// controlRoutes are the routes of this area, with the access each needs.
func (h *Handler) controlRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/controls", web.Read, h.controlsPage),
		route("POST", "/o/{org}/controls", web.Edit, h.createControl),
		route("GET", "/o/{org}/controls/new", web.Edit, h.newControlPage),
		route("POST", "/o/{org}/controls/adopt", web.Edit, h.adoptLibrary),
		route("GET", "/o/{org}/controls/export", web.Read, h.exportControls),
		route("GET", "/o/{org}/controls/{id}", web.Read, h.controlPage),
		route("POST", "/o/{org}/controls/{id}", web.Edit, h.updateControl),
		route("POST", "/o/{org}/controls/{id}/mappings", web.Edit, h.addMapping),
		route("POST", "/o/{org}/controls/{id}/mappings/remove", web.Edit, h.removeMapping),
		route("POST", "/o/{org}/controls/{id}/retire", web.Edit, h.retireControl(true)),
		route("POST", "/o/{org}/controls/{id}/restore", web.Edit, h.retireControl(false)),
	}
}

type controlView struct {
	Control      attest.Control
	Library      *catalog.LibraryControl // the library control it was adopted from
	Imported     []store.ImportedFramework
	State        readiness.ControlResult
	Requirements []mappedRequirement
	Tasks        []attest.Task
	Members      []attest.Membership
	Statuses     []string
	Types        []string
	Frequencies  []string
	Options      []requirementOption // requirements that can be mapped
}

type mappedRequirement struct {
	Mapping attest.Mapping
	Title   string
	InScope bool
}

type requirementOption struct{ Value, Label string }

func (h *Handler) renderControl(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, ctl attest.Control, f *web.Form) error {
	ctx := r.Context()
	v := controlView{Control: ctl, Statuses: attest.ControlStatuses(), Types: attest.ControlTypes(), Frequencies: attest.ControlFrequencies()}
	if lc, ok := h.Catalog.Control(ctl.LibraryID); ok {
		v.Library = &lc
	}
	a, err := programme.Assess(ctx, &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	v.State = readiness.ControlState(readiness.Control{ID: ctl.ID, Ref: ctl.Ref, Status: ctl.Status, OwnerID: ctl.OwnerID})
	for _, cr := range a.Controls {
		if cr.ID == ctl.ID {
			v.State = cr
		}
	}
	fw := h.Catalog.SOC2()
	_, inScope := fw.InScope(a.Scope.Categories)
	scoped := map[string]bool{}
	for _, req := range inScope {
		scoped[req.ID] = true
	}
	for _, m := range ctl.Mappings {
		mr := mappedRequirement{Mapping: m, Title: m.Requirement}
		if m.Framework == fw.ID {
			if req, ok := fw.Requirement(m.Requirement); ok {
				mr.Title, mr.InScope = req.Title, scoped[req.ID]
			}
		}
		v.Requirements = append(v.Requirements, mr)
	}
	for _, req := range fw.Requirements {
		v.Options = append(v.Options, requirementOption{Value: req.ID, Label: req.ID + " " + req.Title})
	}
	if v.Tasks, err = h.DB.Tasks(ctx, c.Org.ID, store.TaskFilter{ControlID: ctl.ID}); err != nil {
		return err
	}
	if v.Imported, err = h.DB.ImportedFrameworks(ctx, c.Org.ID); err != nil {
		return err
	}
	if v.Members, err = h.DB.Members(ctx, c.Org.ID); err != nil {
		return err
	}
	if f == nil {
		f = controlForm(ctl)
	}
	h.RenderForm(w, r, c, status, "control", v, f)
	return nil
}

func controlForm(ctl attest.Control) *web.Form {
	return &web.Form{Errors: map[string]string{}, Values: map[string]string{
		"ref": ctl.Ref, "name": ctl.Name, "family": ctl.Family, "description": ctl.Description, "type": ctl.Type,
		"frequency": ctl.Frequency, "owner": idOrEmpty(ctl.OwnerID), "status": ctl.Status, "justification": ctl.Justification,
		"evidence": strings.Join(ctl.Evidence, "\n"),
	}}
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// applyControlForm copies posted fields onto a control.
func applyControlForm(r *http.Request, ctl *attest.Control) (*web.Form, error) {
	f := web.NewForm(r, "ref", "name", "family", "description", "type", "frequency", "owner", "status", "justification", "evidence")
	ctl.Name, ctl.Family, ctl.Description = f.Values["name"], strings.TrimSpace(f.Values["family"]), strings.TrimSpace(f.Values["description"])
	ctl.Type, ctl.Frequency, ctl.Status, ctl.Justification = f.Values["type"], f.Values["frequency"], f.Values["status"], f.Values["justification"]
	ctl.Evidence = nil
	for _, l := range strings.Split(f.Values["evidence"], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			ctl.Evidence = append(ctl.Evidence, l)
		}
	}
	ctl.OwnerID = 0
	if o := f.Values["owner"]; o != "" {
		id, err := strconv.ParseInt(o, 10, 64)
		if err != nil {
			return f, attest.Invalid("owner", "is not a member of this organization")
		}
		ctl.OwnerID = id
	}
	return f, nil
}

func (h *Handler) renderNewControl(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	members, err := h.DB.Members(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	v := controlView{Members: members, Statuses: attest.ControlStatuses(), Types: attest.ControlTypes(), Frequencies: attest.ControlFrequencies()}
	for _, req := range h.Catalog.SOC2().Requirements {
		v.Options = append(v.Options, requirementOption{Value: req.ID, Label: req.ID + " " + req.Title})
	}
	h.RenderForm(w, r, c, status, "control_new", v, f)
	return nil
}

// nextCustomRef suggests CUS-n for the first n not taken.
func nextCustomRef(taken map[string]bool) string {
	for n := 1; ; n++ {
		if ref := fmt.Sprintf("CUS-%d", n); !taken[ref] {
			return ref
		}
	}
}

// frameworkRequirement checks that a requirement exists in a framework the
// organization can map to: SOC 2, or one it imported.
func (h *Handler) frameworkRequirement(r *http.Request, c *web.Ctx, framework, requirement string) error {
	if fw, ok := h.Catalog.Framework(framework); ok {
		if _, ok := fw.Requirement(requirement); ok {
			return nil
		}
		return attest.Invalid("requirement", "%q is not a requirement of %s", requirement, fw.Name)
	}
	_, fw, err := h.DB.ImportedFramework(r.Context(), c.Org.ID, framework)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid("framework", "%q is not a framework of this organization", framework)
	}
	if err != nil {
		return err
	}
	for _, req := range fw.Requirements {
		if req.ID == requirement {
			return nil
		}
	}
	return attest.Invalid("requirement", "%q is not a requirement of %s", requirement, fw.Name)
}
