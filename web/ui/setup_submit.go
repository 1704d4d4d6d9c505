package ui

import (
	"net/http"

	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) setup(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "token", "org_name", "org_slug", "name", "email", "password")
	password := f.Values["password"]
	delete(f.Values, "password")
	org, u, err := h.Orgs.SetUp(r.Context(), c.P, account.SetUp{Token: f.Values["token"],
		OrgSlug: f.Values["org_slug"], OrgName: f.Values["org_name"],
		Name: f.Values["name"], Email: f.Values["email"], Password: password})
	if web.UserError(err) {
		f.Fail(err)
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "setup", nil, f)
		return nil
	}
	if err != nil {
		return err
	}
	if err := h.StartSession(w, r, u.ID); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+org.Slug, "Welcome to Attest. Invite your team from Settings.")
}
