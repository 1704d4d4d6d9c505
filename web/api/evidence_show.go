package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	e, err := h.LoadEvidence(r, c)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toEvidenceJSON(e))
	return nil
}
