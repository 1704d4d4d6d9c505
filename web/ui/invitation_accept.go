package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	token := r.PathValue("token")
	v, err := h.Members.Invitation(ctx, c.P, token)
	if err != nil {
		return err
	}
	if c.User == nil && v.HasAccount {
		// An existing account must prove it is theirs by signing in.
		q := url.Values{"next": {"/invitations/" + token}, "email": {v.Invitation.Email}}
		http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	f := web.NewForm(r, "name", "password")
	password := f.Values["password"]
	delete(f.Values, "password")
	org, user, err := h.Members.Accept(ctx, c.P, token, f.Values["name"], password)
	if web.UserError(err) {
		f.Fail(err)
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "invitation", v, f)
		return nil
	}
	if err != nil {
		return err
	}
	if c.User == nil {
		if err := h.StartSession(w, r, user.ID); err != nil {
			return err
		}
	}
	if v.Invitation.AuditID != 0 {
		return h.Redirect(w, r, "/o/"+org.Slug+"/audits/"+strconv.FormatInt(v.Invitation.AuditID, 10), "You joined an audit of "+org.Name+" as its auditor.")
	}
	return h.Redirect(w, r, "/o/"+org.Slug, "You joined "+org.Name+".")
}
