package ui

import (
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) deleteFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		f, err := tx.DeleteImportedFramework(ctx, c.Org.ID, r.PathValue("key"))
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("framework.deleted", "framework", f.Key, "Deleted the imported framework "+f.Name+" and its mappings"))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/frameworks", "The framework was deleted.")
}
