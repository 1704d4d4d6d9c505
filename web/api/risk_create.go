package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiCreateRisk adds a risk, or adopts a library risk when the body names
// "library".
func (h *Handler) apiCreateRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in riskIn
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var x attest.Risk
	var err error
	if in.Library != "" {
		var owner int64
		if owner, err = h.memberID(r, c, "owner", in.Owner); err == nil {
			x, err = h.Risks.Adopt(r.Context(), c.P, in.Library, owner)
		}
	} else if x, err = h.riskOf(r, c, in); err == nil {
		x, err = h.Risks.Create(r.Context(), c.P, x)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, riskOut(x))
	return nil
}
