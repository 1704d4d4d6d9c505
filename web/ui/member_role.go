package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) changeRole(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	m, err := h.memberParam(r, c)
	if err != nil {
		return err
	}
	role, err := attest.ParseRole(r.PostFormValue("role"))
	if err == nil {
		ctx := r.Context()
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.SetRole(ctx, c.Org.ID, m.User.ID, role); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("member.role_changed", "membership", idString(m.User.ID),
				fmt.Sprintf("Changed the role of %s from %s to %s", m.User.Email, m.Role, role)))
		})
	}
	if web.UserError(err) {
		h.SetFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" is now "+string(role)+".")
}
