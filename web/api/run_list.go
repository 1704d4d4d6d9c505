package api

import (
	"net/http"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiRuns lists per-run counts of each test (or of one) since a time,
// default the last 30 days: the history chart's data.
func (h *Handler) apiRuns(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	since := h.Now().AddDate(0, 0, -30)
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return attest.Invalid("since", "must be an RFC 3339 time such as 2026-11-01T00:00:00Z (got %q)", v)
		}
		since = t
	}
	runs, err := h.Monitor.Runs(r.Context(), c.P, q.Get("test"), since)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"runs": nonNil(runs)})
	return nil
}
