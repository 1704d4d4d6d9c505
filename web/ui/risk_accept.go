package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

// acceptRisk records the decision to accept a risk until a date, naming the
// approver who signs it off.
func (h *Handler) acceptRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "approver", "accept_expires", "rationale")
	approver, _ := strconv.ParseInt(f.Values["approver"], 10, 64)
	_, err := h.Risks.Accept(r.Context(), c.P, r.PathValue("key"), approver, f.Values["accept_expires"], f.Values["rationale"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderRisk(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, riskPath(c, r.PathValue("key")), "Acceptance sent to its approver.")
}
