package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiStartRiskAssessment freezes the register and submits it to an
// approver: {"approver": email, "note"}.
func (h *Handler) apiStartRiskAssessment(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Approver string `json:"approver"`
		Note     string `json:"note"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	approver, err := h.memberID(r, c, "approver", in.Approver)
	if err != nil {
		return err
	}
	a, err := h.Risks.StartAssessment(r.Context(), c.P, approver, in.Note)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, a)
	return nil
}
