package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

// startRiskAssessment freezes the register as it stands today and submits it
// to the approver chosen.
func (h *Handler) startRiskAssessment(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "approver", "note")
	approver, _ := strconv.ParseInt(f.Values["approver"], 10, 64)
	a, err := h.Risks.StartAssessment(r.Context(), c.P, approver, f.Values["note"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderRiskAssessments(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/risk-assessments/"+a.UID, "Assessment submitted to "+a.ApproverName+".")
}
