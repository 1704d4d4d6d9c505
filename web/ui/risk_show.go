package ui

import (
	"net/http"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type riskView struct {
	Risk       attest.Risk
	History    []attest.Activity
	Scale      attest.RiskScale
	Inherent   string // bands
	Residual   string
	Today      string
	Members    []attest.Membership
	Controls   []riskControl
	Treatments []string
	Statuses   []string
	Levels     struct{ Likelihood, Impact []string }
	// MayApprove is set when the signed-in member is the named approver of
	// an acceptance waiting for sign-off.
	MayApprove bool
}

// riskControl is a control offered for linking, and whether it is linked.
type riskControl struct {
	Ref, Name string
	Linked    bool
}

// riskPage shows a risk, its scores, treatment, controls and history, with
// the forms to change it.
func (h *Handler) riskPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderRisk(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	x, hist, err := h.Risks.Get(ctx, c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	sc, err := h.Risks.Scale(ctx, c.P)
	if err != nil {
		return err
	}
	v := riskView{Risk: x, History: hist, Scale: sc, Inherent: sc.Band(x.Inherent()), Residual: sc.Band(x.Residual()),
		Today: attest.Today(h.Now()), Treatments: attest.Treatments, Statuses: attest.RiskStatuses,
		MayApprove: x.AcceptancePending() && x.ApproverID == c.P.UserID}
	v.Levels.Likelihood, v.Levels.Impact = levels(sc.Likelihood), levels(sc.Impact)
	if v.Members, err = h.ownerChoices(ctx, c.P.OrgID); err != nil {
		return err
	}
	controls, err := h.DB.Controls(ctx, c.P.OrgID, store.ControlFilter{})
	if err != nil {
		return err
	}
	for _, ctl := range controls {
		v.Controls = append(v.Controls, riskControl{Ref: ctl.Ref, Name: ctl.Name, Linked: slices.Contains(x.Controls, ctl.Ref)})
	}
	// The forms start from the risk; a refused form keeps what was posted.
	base := riskValues(x)
	if f != nil {
		for k, val := range f.Values {
			base.Values[k] = val
		}
		base.Errors, base.Error = f.Errors, f.Error
	}
	f = base
	h.RenderForm(w, r, c, status, "risk", v, f)
	return nil
}
