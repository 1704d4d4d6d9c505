package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

type meJSON struct {
	ID    int64   `json:"id"`
	Email string  `json:"email"`
	Name  string  `json:"name"`
	Org   orgJSON `json:"org"`
	Role  string  `json:"role"`
	Token struct {
		Name      string `json:"name"`
		Prefix    string `json:"prefix"`
		ExpiresAt string `json:"expires_at,omitempty"`
	} `json:"token"`
}

// apiMe describes the caller: who the token belongs to and where it works.
func (h *Handler) apiMe(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	org, err := h.DB.OrgByID(ctx, c.Token.OrgID)
	if err != nil {
		return err
	}
	m, err := h.DB.Membership(ctx, org.ID, c.User.ID)
	if err != nil {
		return attest.Errorf(attest.EUNAUTHORIZED, "the token's owner is no longer a member of its organization")
	}
	out := meJSON{ID: c.User.ID, Email: c.User.Email, Name: c.User.Name, Org: toOrgJSON(org), Role: string(m.Role)}
	out.Token.Name, out.Token.Prefix = c.Token.Name, c.Token.Prefix
	if !c.Token.ExpiresAt.IsZero() {
		out.Token.ExpiresAt = web.RFC3339(c.Token.ExpiresAt)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
