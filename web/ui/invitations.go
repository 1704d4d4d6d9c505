package ui

import (
	"context"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/web"
)

// An invitation link lets its holder join an organization with a role: a new
// person creates an account on the spot; an existing user signs in first.

type invitationView struct {
	Invitation attest.Invitation
	Org        attest.Organization
	HasAccount bool // an account with the invited email exists
	WrongUser  bool // signed in as someone else
}

func (h *Handler) loadInvitation(ctx context.Context, c *web.Ctx, token string) (invitationView, error) {
	var v invitationView
	inv, err := h.DB.InvitationByHash(ctx, auth.HashSecret(token))
	if err != nil {
		return v, err
	}
	if !inv.Pending(h.Now()) {
		return v, attest.Errorf(attest.ENOTFOUND, "This invitation has expired, was withdrawn, or was already used. Ask an admin for a new one.")
	}
	org, err := h.DB.OrgByID(ctx, inv.OrgID)
	if err != nil {
		return v, err
	}
	v.Invitation, v.Org = inv, org
	if _, err := h.DB.UserByEmail(ctx, inv.Email); err == nil {
		v.HasAccount = true
	} else if attest.ErrorCode(err) != attest.ENOTFOUND {
		return v, err
	}
	v.WrongUser = c.User != nil && c.User.Email != inv.Email
	return v, nil
}
