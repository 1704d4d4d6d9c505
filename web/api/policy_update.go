package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiUpdatePolicy changes the fields the body names: title, owner_email ("":
// nobody), audience, review_months, controls, criteria.
func (h *Handler) apiUpdatePolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, _, err := h.policyByKey(r.Context(), c, r.PathValue("key"))
	if err != nil {
		return err
	}
	var in struct {
		Title        *string          `json:"title"`
		OwnerEmail   *string          `json:"owner_email"`
		Audience     *attest.Audience `json:"audience"`
		ReviewMonths *int             `json:"review_months"`
		Controls     *[]string        `json:"controls"`
		Criteria     *[]string        `json:"criteria"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.OwnerEmail != nil {
		p.OwnerID = 0
		if *in.OwnerEmail != "" {
			ids, err := h.userIDsByEmail(r.Context(), c, "owner_email", []string{*in.OwnerEmail})
			if err != nil {
				return err
			}
			p.OwnerID = ids[0]
		}
	}
	if in.Audience != nil {
		p.Audience = *in.Audience
	}
	if in.ReviewMonths != nil {
		p.ReviewMonths = *in.ReviewMonths
	}
	if in.Controls != nil {
		p.Controls = *in.Controls
	}
	if in.Criteria != nil {
		p.Criteria = *in.Criteria
	}
	if p, err = h.Policies.Change(r.Context(), c.P, p); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, withoutText(p))
	return nil
}
