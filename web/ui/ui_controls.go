package ui

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type controlsView struct {
	Controls     []attest.Control
	States       map[int64]readiness.ControlResult
	Query        url.Values
	Families     []string
	Members      []attest.Membership
	LibraryCount int
	Total        int // before filtering
	Statuses     []string
}

// controlsPage lists the organization's controls with their derived state.
func (h *Handler) controlsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	q := r.URL.Query()
	all, err := h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{IncludeRetired: q.Get("retired") == "1"})
	if err != nil {
		return err
	}
	a, err := programme.Assess(ctx, &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	v := controlsView{States: map[int64]readiness.ControlResult{}, Query: q, LibraryCount: len(h.Catalog.Controls), Total: len(all), Statuses: attest.ControlStatuses()}
	for _, cr := range a.Controls {
		v.States[cr.ID] = cr
	}
	owner := int64(0)
	if q.Get("owner") == "me" {
		owner = c.User.ID
	} else if id, err := strconv.ParseInt(q.Get("owner"), 10, 64); err == nil {
		owner = id
	}
	for _, ctl := range all {
		if !slices.Contains(v.Families, ctl.Family) {
			v.Families = append(v.Families, ctl.Family)
		}
		switch {
		case q.Get("status") != "" && ctl.Status != q.Get("status"):
		case q.Get("family") != "" && ctl.Family != q.Get("family"):
		case q.Get("state") != "" && v.States[ctl.ID].State != q.Get("state"):
		case owner != 0 && ctl.OwnerID != owner:
		case q.Get("owner") == "none" && ctl.OwnerID != 0:
		case q.Get("q") != "" && !strings.Contains(strings.ToLower(ctl.Ref+" "+ctl.Name), strings.ToLower(q.Get("q"))):
		default:
			v.Controls = append(v.Controls, ctl)
		}
	}
	slices.Sort(v.Families)
	if v.Members, err = h.DB.Members(ctx, c.Org.ID); err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "controls", v)
	return nil
}

// adoptLibrary copies the default control library into the organization.
func (h *Handler) adoptLibrary(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	var added []attest.Control
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if added, err = programme.Adopt(ctx, tx, h.Catalog, c.Org.ID); err != nil || len(added) == 0 {
			return err
		}
		return tx.Log(ctx, c.P.Record("controls.adopted", "control", "library",
			fmt.Sprintf("Adopted %d controls from the Attest control library", len(added))))
	})
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Adopted %d controls. Assign owners and set each control's status.", len(added))
	if len(added) == 0 {
		msg = "Every library control is already adopted."
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/controls", msg)
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

func (h *Handler) controlPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	return h.renderControl(w, r, c, http.StatusOK, ctl, nil)
}

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

func (h *Handler) updateControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	before, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	ctl := before
	f, err := applyControlForm(r, &ctl)
	ctx := r.Context()
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.UpdateControl(ctx, &ctl); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("control.updated", "control", ctl.Ref, web.DescribeControlChange(before, ctl)))
		})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderControl(w, r, c, http.StatusUnprocessableEntity, before, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" saved.")
}

func (h *Handler) newControlPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	refs, err := h.DB.ControlRefs(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	f := controlForm(attest.Control{Ref: nextCustomRef(refs), Type: "preventive", Frequency: "quarterly", Status: attest.StatusNotStarted, Family: "Custom"})
	return h.renderNewControl(w, r, c, http.StatusOK, f)
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

func (h *Handler) createControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl := attest.Control{OrgID: c.Org.ID, Ref: r.PostFormValue("ref")}
	f, err := applyControlForm(r, &ctl)
	if ctl.Family == "" {
		ctl.Family = "Custom"
	}
	if _, ok := h.Catalog.Control(strings.TrimSpace(ctl.Ref)); ok && err == nil {
		// A library ID as a custom ref would block adopting that library control.
		err = attest.Invalid("ref", "%s is an ID of the control library; choose another, such as %s", ctl.Ref, nextCustomRef(map[string]bool{}))
	}
	fw := h.Catalog.SOC2()
	r.ParseForm()
	for _, req := range r.PostForm["criteria"] {
		if _, ok := fw.Requirement(req); !ok && err == nil {
			err = attest.Invalid("criteria", "%q is not a SOC 2 criterion", req)
		}
		ctl.Mappings = append(ctl.Mappings, attest.Mapping{Framework: fw.ID, Requirement: req, Source: attest.SourceOrganization})
	}
	ctx := r.Context()
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.CreateControl(ctx, &ctl); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("control.created", "control", ctl.Ref, "Created custom control "+ctl.Ref+" "+ctl.Name))
		})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderNewControl(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" created.")
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

func (h *Handler) addMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	m := attest.Mapping{Framework: r.PostFormValue("framework"), Requirement: strings.TrimSpace(r.PostFormValue("requirement")), Source: attest.SourceOrganization}
	if m.Framework == "" {
		m.Framework = programme.Framework
	}
	ctx := r.Context()
	err = h.frameworkRequirement(r, c, m.Framework, m.Requirement)
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.Map(ctx, c.Org.ID, ctl.ID, m); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("control.mapped", "control", ctl.Ref, fmt.Sprintf("Mapped %s to %s %s", ctl.Ref, m.Framework, m.Requirement)))
		})
	}
	if web.UserError(err) {
		h.SetFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" now maps to "+m.Requirement+".")
}

func (h *Handler) removeMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	fw, req := r.PostFormValue("framework"), r.PostFormValue("requirement")
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.Unmap(ctx, c.Org.ID, ctl.ID, fw, req); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("control.unmapped", "control", ctl.Ref, fmt.Sprintf("Unmapped %s from %s %s", ctl.Ref, fw, req)))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" no longer maps to "+req+".")
}

func (h *Handler) retireControl(retire bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
		ctl, err := h.LoadControl(r, c)
		if err != nil {
			return err
		}
		action, verb := "control.retired", "Retired"
		if !retire {
			action, verb = "control.restored", "Restored"
		}
		ctx := r.Context()
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.SetControlRetired(ctx, c.Org.ID, ctl.ID, retire); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record(action, "control", ctl.Ref, verb+" "+ctl.Ref+" "+ctl.Name))
		})
		if err != nil {
			return err
		}
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), verb+" "+ctl.Ref+".")
	}
}

// exportControls writes every control with its mappings and state.
func (h *Handler) exportControls(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "json" {
		return attest.Invalid("format", "must be csv or json (got %q)", format)
	}
	ctx := r.Context()
	controls, err := h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		return err
	}
	a, err := programme.Assess(ctx, &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	states := map[int64]string{}
	for _, cr := range a.Controls {
		states[cr.ID] = cr.State
	}
	out := make([]web.ControlJSON, 0, len(controls))
	for _, ctl := range controls {
		st := states[ctl.ID]
		if ctl.Retired() {
			st = "retired"
		}
		out = append(out, web.ToControlJSON(ctl, st))
	}
	h.attachment(w, c, "controls", format)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"ref", "name", "family", "type", "frequency", "owner", "status", "state", "justification", "criteria", "library_id", "retired", "description", "expected_evidence"})
	for _, j := range out {
		cw.Write([]string{csvSafe(j.Ref), csvSafe(j.Name), csvSafe(j.Family), j.Type, j.Frequency, csvSafe(j.Owner), j.Status, j.State, csvSafe(j.Justification),
			strings.Join(j.Criteria, " "), j.LibraryID, strconv.FormatBool(j.Retired), csvSafe(j.Description), csvSafe(strings.Join(j.Evidence, "; "))})
	}
	cw.Flush()
	return cw.Error()
}

// attachment sets the headers of a download named after the organization and now.
func (h *Handler) attachment(w http.ResponseWriter, c *web.Ctx, what, ext string) {
	types := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json", "md": "text/markdown; charset=utf-8", "zip": "application/zip"}
	name := fmt.Sprintf("attest-%s-%s-%s.%s", what, c.Org.Slug, h.Now().UTC().Format("20060102T150405Z"), ext)
	w.Header().Set("Content-Type", types[ext])
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}
