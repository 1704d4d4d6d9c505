package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiRiskLibrary lists the library of common risks to adopt.
func (h *Handler) apiRiskLibrary(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if !c.P.Can(attest.ActRead) {
		return attest.Errorf(attest.EFORBIDDEN, "your role (%s) does not allow this", c.P.Role)
	}
	web.WriteJSON(w, http.StatusOK, h.Risks.Library)
	return nil
}
