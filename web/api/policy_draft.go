package api

import (
	"net/http"

	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
)

// apiSaveDraft saves the policy's draft text (body, change_note, material):
// the newest version while it is a draft, otherwise a new draft version.
func (h *Handler) apiSaveDraft(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, _, err := h.policyByKey(r.Context(), c, r.PathValue("key"))
	if err != nil {
		return err
	}
	var in struct {
		Body       string `json:"body"`
		ChangeNote string `json:"change_note"`
		Material   bool   `json:"material"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Policies.SaveDraft(r.Context(), c.P, p.ID, policy.Draft{Body: in.Body, ChangeNote: in.ChangeNote, Material: in.Material})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}
