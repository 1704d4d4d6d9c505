package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// policyDiff compares the text of two versions of a policy, line by line:
// ?from=ID&to=ID, by default the published version and the newest.
func (h *Handler) policyDiff(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ids, err := web.QueryIDs(r, "from", "to")
	if err != nil {
		return err
	}
	d, err := h.Policies.Diff(r.Context(), c.P, r.PathValue("key"), ids[0], ids[1])
	if err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "policy_diff", d)
	return nil
}
