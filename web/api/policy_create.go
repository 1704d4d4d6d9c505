package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiCreatePolicy adopts a shipped template ({"template": "access-control"},
// optionally with a key of its own) or creates a policy written from scratch
// (key, title, body and optionally audience, review_months, controls,
// criteria). Either way the policy starts with a draft.
func (h *Handler) apiCreatePolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Template     string           `json:"template"`
		Key          string           `json:"key"`
		Title        string           `json:"title"`
		Body         string           `json:"body"`
		Audience     *attest.Audience `json:"audience"`
		ReviewMonths int              `json:"review_months"`
		Controls     []string         `json:"controls"`
		Criteria     []string         `json:"criteria"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var p attest.Policy
	var err error
	if in.Template != "" {
		if in.Title != "" || in.Body != "" {
			return attest.Invalid("template", "give a template, or a title and body, not both")
		}
		p, err = h.Policies.Adopt(r.Context(), c.P, in.Template, in.Key)
	} else {
		p = attest.Policy{Key: in.Key, Title: in.Title, ReviewMonths: in.ReviewMonths, Controls: in.Controls, Criteria: in.Criteria,
			Audience: attest.Audience{Everyone: true}, OwnerID: c.P.UserID}
		if in.Audience != nil {
			p.Audience = *in.Audience
		}
		p, err = h.Policies.Create(r.Context(), c.P, p, in.Body)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}
