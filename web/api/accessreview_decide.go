package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiDecideAccessItem records the caller's decision on an account assigned
// to them: {"decision": "keep"|"revoke"|"change", "reason"}.
func (h *Handler) apiDecideAccessItem(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "access review")
	if err != nil {
		return err
	}
	item, err := itemPathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := h.AccessReviews.Decide(r.Context(), c.P, id, item, in.Decision, in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, it)
	return nil
}
