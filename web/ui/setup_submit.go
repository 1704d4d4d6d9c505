package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) setup(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "token", "org_name", "org_slug", "name", "email", "password")
	password := f.Values["password"]
	delete(f.Values, "password")
	ctx := r.Context()
	secretHash := auth.HashSecret(f.Values["token"])
	if err := h.DB.CheckSetupToken(ctx, secretHash); err != nil {
		return err
	}
	if err := attest.ValidatePassword(password); err != nil {
		f.Fail(err)
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "setup", nil, f)
		return nil
	}
	hash, err := auth.HashPassword(password, h.PasswordParams)
	if err != nil {
		return err
	}
	org := attest.Organization{Slug: f.Values["org_slug"], Name: f.Values["org_name"]}
	u := attest.User{Email: f.Values["email"], Name: f.Values["name"], PasswordHash: hash}
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UseSetupToken(ctx, secretHash); err != nil {
			return err
		}
		if err := tx.CreateOrg(ctx, &org); err != nil {
			return prefixField(err, "org_")
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.AddMember(ctx, org.ID, u.ID, attest.RoleAdmin); err != nil {
			return err
		}
		actor := c.P.Actor()
		actor.UserID, actor.Label = u.ID, u.Email
		return tx.Log(ctx, actor.Record(org.ID, "org.created", "organization", org.Slug,
			"Created the organization "+org.Name+" with "+u.Email+" as its first admin"))
	})
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
