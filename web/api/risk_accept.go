package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiAcceptRisk accepts a risk until a date: {"approver": email, "expires":
// "YYYY-MM-DD", "rationale"}. The approver then signs it off.
func (h *Handler) apiAcceptRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Approver  string `json:"approver"`
		Expires   string `json:"expires"`
		Rationale string `json:"rationale"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	approver, err := h.memberID(r, c, "approver", in.Approver)
	if err != nil {
		return err
	}
	x, err := h.Risks.Accept(r.Context(), c.P, r.PathValue("ref"), approver, in.Expires, in.Rationale)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, riskOut(x))
	return nil
}
