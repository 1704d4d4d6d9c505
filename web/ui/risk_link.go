package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// linkRiskControls sets the controls that mitigate a risk (the boxes ticked).
func (h *Handler) linkRiskControls(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, err := h.Risks.LinkControls(r.Context(), c.P, r.PathValue("key"), r.PostForm["control"])
	return h.afterRiskAction(w, r, c, err, "Controls linked.")
}

// afterRiskAction shows the risk page again after a small form: with the
// error as a flash when the form was refused.
func (h *Handler) afterRiskAction(w http.ResponseWriter, r *http.Request, c *web.Ctx, err error, ok string) error {
	if web.UserError(err) {
		f := web.NewForm(r)
		f.Fail(err)
		return h.renderRisk(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, riskPath(c, r.PathValue("key")), ok)
}
