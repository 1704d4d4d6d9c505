package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) saveScope(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.ParseForm()
	sc := attest.Scope{SystemName: r.PostFormValue("system_name"), SystemSummary: r.PostFormValue("system_summary"),
		Services: r.PostFormValue("services"), Infrastructure: r.PostFormValue("infrastructure"), Locations: r.PostFormValue("locations"),
		Categories: r.PostForm["categories"]}
	if _, err := h.Scope.Save(r.Context(), c.P, sc); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope", "Scope saved.")
}
