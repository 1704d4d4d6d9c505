package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) deleteSubservice(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		sub, err := tx.DeleteSubservice(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.subservice_removed", "subservice", idString(sub.ID), "Removed subservice organization "+sub.Name))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", "Subservice organization removed.")
}
