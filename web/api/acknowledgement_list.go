package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAcknowledgements is the acknowledgement report: who must accept which
// published policy, and whether they have, are still within their grace
// period, or are overdue. Readers see everyone; anyone else sees themselves
// and their direct reports. ?policy=KEY narrows to one policy, ?state= to
// one state.
func (h *Handler) apiAcknowledgements(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	rows, err := h.Policies.Acknowledgements(r.Context(), c.P, 0)
	if err != nil {
		return err
	}
	key, state := r.URL.Query().Get("policy"), r.URL.Query().Get("state")
	switch state {
	case "", attest.AckAccepted, attest.AckPending, attest.AckOverdue:
	default:
		return attest.Invalid("state", "must be accepted, pending or overdue (got %q)", state)
	}
	out := []attest.AckRow{}
	totals := map[string]int{attest.AckAccepted: 0, attest.AckPending: 0, attest.AckOverdue: 0}
	for _, row := range rows {
		if (key == "" || row.PolicyKey == key) && (state == "" || row.State == state) {
			out = append(out, row)
			totals[row.State]++
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"acknowledgements": out, "totals": totals})
	return nil
}
