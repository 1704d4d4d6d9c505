package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiPolicyDiff compares two versions of a policy line by line: ?from=ID and
// ?to=ID, by default the published version and the newest.
func (h *Handler) apiPolicyDiff(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ids, err := web.QueryIDs(r, "from", "to")
	if err != nil {
		return err
	}
	d, err := h.Policies.Diff(r.Context(), c.P, r.PathValue("key"), ids[0], ids[1])
	if err != nil {
		return err
	}
	d.From.Body, d.From.Content, d.To.Body, d.To.Content = "", "", "", ""
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
