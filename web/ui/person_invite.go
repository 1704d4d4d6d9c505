package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// invitePerson invites a person to sign in as an employee, with their work
// email; the link is shown once, as on the settings page.
func (h *Handler) invitePerson(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, err := h.loadPerson(r, c)
	if err != nil {
		return err
	}
	inv, secret, err := h.Members.Invite(r.Context(), c.P, p.Email, string(attest.RoleEmployee))
	if web.UserError(err) {
		f := personForm(p)
		f.Error = "The invitation was not created: " + web.Sentence(err)
		return h.renderPerson(w, r, c, http.StatusUnprocessableEntity, p, personView{}, f)
	}
	if err != nil {
		return err
	}
	return h.renderPerson(w, r, c, http.StatusCreated, p, personView{InviteLink: h.BaseURL + "/invitations/" + secret,
		InviteEmailed: h.emailInvitation(r, c, inv, secret)}, nil)
}
