package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiUpdateRisk replaces a risk's fields.
func (h *Handler) apiUpdateRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in riskIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	x, err := h.riskOf(r, c, in)
	if err != nil {
		return err
	}
	x.Ref = r.PathValue("ref")
	if x, err = h.Risks.Update(r.Context(), c.P, x); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, riskOut(x))
	return nil
}
