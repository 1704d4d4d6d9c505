package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiPublishVersion publishes an approved version.
func (h *Handler) apiPublishVersion(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := versionID(r)
	if err != nil {
		return err
	}
	v, err := h.Policies.Publish(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}
