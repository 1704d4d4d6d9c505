package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// saveRisk saves a risk's fields.
func (h *Handler) saveRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f, x, err := riskForm(r)
	if err == nil {
		x.Ref = r.PathValue("key")
		_, err = h.Risks.Update(r.Context(), c.P, x)
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderRisk(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, riskPath(c, r.PathValue("key")), "Risk saved.")
}
