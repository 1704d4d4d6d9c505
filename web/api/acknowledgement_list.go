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
// one state. The rows come a page at a time, by policy key and then person
// (limit, cursor, next_cursor); the totals count every row the filters keep.
func (h *Handler) apiAcknowledgements(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	key, state := q.Get("policy"), q.Get("state")
	switch state {
	case "", attest.AckAccepted, attest.AckPending, attest.AckOverdue:
	default:
		return attest.Invalid("state", "must be accepted, pending or overdue (got %q)", state)
	}
	rows, err := h.Policies.AckRows(r.Context(), c.P, 0)
	if err != nil {
		return err
	}
	shown := func(yield func(attest.AckRow) bool) {
		for row := range rows {
			if (key == "" || row.PolicyKey == key) && (state == "" || row.State == state) && !yield(row) {
				return
			}
		}
	}
	totals := map[string]int{attest.AckAccepted: 0, attest.AckPending: 0, attest.AckOverdue: 0}
	for row := range shown {
		totals[row.State]++
	}
	return writeKeyPage(w, q, map[string]any{"totals": totals}, "acknowledgements", shown, func(row attest.AckRow) pageKey {
		return pageKey{S: row.PolicyKey, N: row.PersonID}
	})
}
