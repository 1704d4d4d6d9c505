package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) updateSettings(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "org_name")
	_, err := h.Orgs.Rename(r.Context(), c.P, f.Values["org_name"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", "Settings saved.")
}
