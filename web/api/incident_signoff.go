package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiSignOffIncident signs off a resolved incident's post-mortem and closes
// it; the sign-off is a ledger record.
func (h *Handler) apiSignOffIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "incident")
	if err != nil {
		return err
	}
	if _, err := h.Incidents.SignOff(r.Context(), c.P, id); err != nil {
		return err
	}
	return h.writeIncident(w, r, c, http.StatusOK, id)
}
