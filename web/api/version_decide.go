package api

import (
	"net/http"

	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
)

// apiDecideVersion records the caller's decision as a named approver:
// {"decision": "approve"|"reject", "comment": …, "evidence": "ev_…"}.
func (h *Handler) apiDecideVersion(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := versionID(r)
	if err != nil {
		return err
	}
	var in struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
		Evidence string `json:"evidence"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Policies.Decide(r.Context(), c.P, id, policy.Decision{Decision: in.Decision, Comment: in.Comment, EvidenceUID: in.Evidence})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}
