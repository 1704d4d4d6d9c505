package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiPopulations answers the joiners, leavers and movers of ?from=&to= (YYYY-MM-DD),
// each with the roster's reconciliation.
func (h *Handler) apiPopulations(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	pop, err := h.Roster.Populations(r.Context(), c.P, q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, pop)
	return nil
}
