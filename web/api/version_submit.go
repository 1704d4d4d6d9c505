package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiSubmitVersion sends a draft to approvers (members' emails), of whom
// quorum (default: all) must approve.
func (h *Handler) apiSubmitVersion(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := versionID(r)
	if err != nil {
		return err
	}
	var in struct {
		Approvers []string `json:"approvers"`
		Quorum    int      `json:"quorum"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ids, err := h.userIDsByEmail(r.Context(), c, "approvers", in.Approvers)
	if err != nil {
		return err
	}
	if in.Quorum == 0 {
		in.Quorum = len(ids)
	}
	v, err := h.Policies.Submit(r.Context(), c.P, id, ids, in.Quorum)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}
