package ui

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// controlRoutes are the routes of this area, with the access each needs.
func (h *Handler) controlRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/controls", web.Read, h.controlsPage).Kept(web.KeepAlways),
		route("POST", "/o/{org}/controls", web.Edit, h.createControl),
		route("GET", "/o/{org}/controls/new", web.Edit, h.newControlPage),
		route("POST", "/o/{org}/controls/adopt", web.Edit, h.adoptLibrary),
		route("POST", "/o/{org}/controls/bulk", web.Edit, h.bulkControls),
		route("GET", "/o/{org}/controls/export", web.Read, h.exportControls),
		route("GET", "/o/{org}/controls/{id}", web.Own, h.controlPage).Kept(web.KeepAlways), // the owner's too: attest.RecordControl
		route("POST", "/o/{org}/controls/{id}", web.Edit, h.updateControl),
		route("POST", "/o/{org}/controls/{id}/mappings", web.Edit, h.addMapping),
		route("POST", "/o/{org}/controls/{id}/mappings/remove", web.Edit, h.removeMapping),
		route("POST", "/o/{org}/controls/{id}/mappings/type", web.Edit, h.retypeMapping),
		route("POST", "/o/{org}/controls/{id}/retire", web.Edit, h.retireControl(true)),
		route("POST", "/o/{org}/controls/{id}/restore", web.Edit, h.retireControl(false)),
	}
}

type controlView struct {
	Control        attest.Control
	Library        *catalog.LibraryControl // the library control it was adopted from
	Imported       []store.ImportedFramework
	State          readiness.ControlResult
	Requirements   []mappedRequirement
	Tasks          []attest.Task
	Members        []attest.Membership
	Statuses       []string
	Types          []string
	Frequencies    []string
	Options        []requirementOption // requirements that can be mapped
	ISOOptions     []requirementOption // ISO 27001 requirements that can be mapped
	MappingTypes   []string
	Evidence       []evidence.ControlItem // current and superseded, newest first: the first controlEvidenceShown
	EvidenceTotal  int                    // all of the control's, current and superseded
	MayAddEvidence bool                   // attest.Principal.MayAddEvidenceFor this control
	Tests          []monitor.TestSummary  // automated tests that support it, with their counts
	Policies       []controlPolicy        // written policies that support it
	Today          string
	// NextDue is when the control next needs evidence; zero when nothing is
	// current and it is due already.
	NextDue time.Time
	// Coverage is the control's Type 2 coverage over Window (the last twelve
	// months until audits set one).
	Coverage evidence.Coverage
	Window   evidence.Window
}

// controlEvidenceShown is how many evidence items a control's page lists.
const controlEvidenceShown = 20

type mappedRequirement struct {
	Mapping attest.Mapping
	Title   string
	InScope bool
	Href    string // the requirement's page, for built-in frameworks
}

type requirementOption struct{ Value, Label string }

func (h *Handler) renderControl(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, ctl attest.Control, f *web.Form) error {
	ctx := r.Context()
	v := controlView{Control: ctl, Statuses: attest.ControlStatuses(), Types: attest.ControlTypes(), Frequencies: attest.ControlFrequencies()}
	if lc, ok := h.Catalog.Control(ctl.LibraryID); ok {
		v.Library = &lc
	}
	a, err := h.Readiness.Assess(ctx, c.Org.ID)
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
	base := "/o/" + c.Org.Slug
	// Out of scope for another framework: not pursued, a heading, or excluded.
	pursued, err := programme.Pursued(ctx, &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	excluded := map[[2]string]bool{}
	for _, pf := range pursued[1:] {
		ex, err := h.DB.Exclusions(ctx, c.Org.ID, pf.ID)
		if err != nil {
			return err
		}
		for _, e := range ex {
			excluded[[2]string{pf.ID, e.Requirement}] = true
		}
	}
	for _, m := range ctl.Mappings {
		mr := mappedRequirement{Mapping: m, Title: m.Requirement}
		switch bfw, builtIn := h.Catalog.Framework(m.Framework); {
		case m.Framework == fw.ID:
			if req, ok := fw.Requirement(m.Requirement); ok {
				mr.Title, mr.InScope = req.Title, fw.RequirementInScope(a.Scope.Categories, req.ID)
			}
			mr.Href = base + "/criteria/" + m.Requirement
		case builtIn:
			if req, ok := bfw.Requirement(m.Requirement); ok {
				mr.Title = req.Title
				mr.InScope = slices.Contains(pursued, bfw) && req.Assessable && !excluded[[2]string{bfw.ID, req.ID}]
			}
			mr.Href = base + "/criteria/" + m.Requirement + "?framework=" + m.Framework
		}
		v.Requirements = append(v.Requirements, mr)
	}
	for _, req := range fw.Requirements {
		v.Options = append(v.Options, requirementOption{Value: req.ID, Label: req.ID + " " + req.Title})
	}
	if iso, ok := h.Catalog.Framework(programme.ISO27001); ok {
		for _, req := range iso.Requirements {
			if req.Assessable {
				v.ISOOptions = append(v.ISOOptions, requirementOption{Value: req.ID, Label: req.ID + " " + req.Title})
			}
		}
	}
	v.MappingTypes = attest.MappingTypes()
	if v.Tasks, err = h.Tasks.List(ctx, c.P, store.TaskFilter{ControlID: ctl.ID}); err != nil {
		return err
	}
	if h.Monitor != nil && c.Can(attest.ActRead) {
		sums, err := h.Monitor.Summaries(ctx, c.P)
		if err != nil {
			return err
		}
		key := ctl.Ref
		if ctl.LibraryID != "" {
			key = ctl.LibraryID
		}
		for _, t := range sums {
			if slices.Contains(t.Controls, key) {
				v.Tests = append(v.Tests, t)
			}
		}
	}
	v.Today = attest.Today(h.Now())
	if h.Policies != nil && c.Can(attest.ActRead) {
		if v.Policies, err = h.controlPolicies(ctx, c, ctl); err != nil {
			return err
		}
	}
	// Freshness, the next due date and coverage judge every item of the
	// control (hundreds for a weekly control over the years): the evidence
	// service keeps the judgement until the records or the day change.
	sum, err := h.Evidence.ControlSummary(ctx, c.Org.ID, ctl.ID, ctl.Frequency, controlEvidenceShown, h.Now())
	if err != nil {
		return err
	}
	v.Evidence, v.EvidenceTotal, v.NextDue, v.Window, v.Coverage = sum.Newest, sum.Total, sum.NextDue, sum.Window, sum.Coverage
	v.MayAddEvidence = c.P.MayAddEvidenceFor(ctl.OwnerID) == nil
	if v.Imported, err = h.DB.ImportedFrameworks(ctx, c.Org.ID); err != nil {
		return err
	}
	if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
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

// readControlForm reads the control form as a change of every field it holds
// (the ref is read by create only).
func readControlForm(r *http.Request) (*web.Form, programme.ControlChange, error) {
	f := web.NewForm(r, "ref", "name", "family", "description", "type", "frequency", "owner", "status", "justification", "evidence")
	v := func(name string) *string { s := f.Values[name]; return &s }
	evidence := []string{f.Values["evidence"]}
	var owner int64
	ch := programme.ControlChange{Name: v("name"), Family: v("family"), Description: v("description"), Type: v("type"), Frequency: v("frequency"),
		Status: v("status"), Justification: v("justification"), Evidence: &evidence, OwnerID: &owner}
	if o := f.Values["owner"]; o != "" {
		id, err := strconv.ParseInt(o, 10, 64)
		if err != nil {
			return f, ch, attest.Invalid("owner", "is not a member of this organization")
		}
		owner = id
	}
	return f, ch, nil
}

// controlID reads the {id} of a control route; the service says whether the
// organization has that control.
func controlID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	return id, nil
}

func (h *Handler) renderNewControl(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	members, err := h.ownerChoices(r.Context(), c.Org.ID)
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

// ownerChoices lists the members that control and task owner pickers (and the
// owner filters beside them) offer: only those attest.MayOwn accepts.
func (h *Handler) ownerChoices(ctx context.Context, orgID int64) ([]attest.Membership, error) {
	ms, err := h.DB.Members(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return attest.EligibleOwners(ms), nil
}

// controlPolicy is a policy supporting a control, with how many of the people
// who must accept its published version have.
type controlPolicy struct {
	Policy                   attest.Policy
	Accepted, Total, Overdue int
}

// controlPolicies lists the policies (not retired) mapped to a control by its
// reference or its library ID: their approval and acceptance are the
// control's written evidence.
func (h *Handler) controlPolicies(ctx context.Context, c *web.Ctx, ctl attest.Control) ([]controlPolicy, error) {
	list, err := h.Policies.List(ctx, c.P)
	if err != nil {
		return nil, err
	}
	counts, err := h.Policies.AckCounts(ctx, c.P)
	if err != nil {
		return nil, err
	}
	var out []controlPolicy
	for _, p := range list {
		if p.Retired || !(slices.Contains(p.Controls, ctl.Ref) || ctl.LibraryID != "" && slices.Contains(p.Controls, ctl.LibraryID)) {
			continue
		}
		n := counts[p.ID]
		cp := controlPolicy{Policy: p, Total: n.Total, Accepted: n.Accepted, Overdue: n.Overdue}
		out = append(out, cp)
	}
	return out, nil
}
