package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) updateSettings(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "org_name")
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.RenameOrg(ctx, c.Org.ID, f.Values["org_name"]); err != nil {
			return prefixField(err, "org_")
		}
		return tx.Log(ctx, c.P.Record("org.renamed", "organization", c.Org.Slug, fmt.Sprintf("Renamed the organization from %q to %q", c.Org.Name, f.Values["org_name"])))
	})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", "Settings saved.")
}
