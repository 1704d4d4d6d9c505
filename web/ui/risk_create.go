package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// createRisk adds a risk written from scratch.
func (h *Handler) createRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f, x, err := riskForm(r)
	if err == nil {
		if x.ReviewDate == "" {
			x.ReviewDate = addDaysUI(attest.Today(h.Now()), 365)
		}
		x, err = h.Risks.Create(r.Context(), c.P, x)
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderRisks(w, r, c, http.StatusUnprocessableEntity, risksView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, riskPath(c, x.Ref), "Risk "+x.Ref+" added.")
}
