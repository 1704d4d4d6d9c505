package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	m, err := h.memberParam(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.RemoveMember(ctx, c.Org.ID, m.User.ID); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("member.removed", "membership", idString(m.User.ID),
			"Removed "+m.User.Email+" ("+string(m.Role)+"), revoked their API tokens and unassigned their controls and tasks"))
	})
	if web.UserError(err) {
		h.SetFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" was removed.")
}
