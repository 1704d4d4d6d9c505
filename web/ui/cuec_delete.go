package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) deleteCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		cu, err := tx.DeleteCUEC(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.cuec_removed", "cuec", idString(cu.ID), "Removed a complementary user entity control: "+cu.Description))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#cuecs", "Complementary user entity control removed.")
}
