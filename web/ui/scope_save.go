package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) saveScope(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	before, err := h.DB.Scope(ctx, c.Org.ID)
	if err != nil {
		return err
	}
	r.ParseForm()
	sc := attest.Scope{OrgID: c.Org.ID, SystemName: strings.TrimSpace(r.PostFormValue("system_name")), SystemSummary: strings.TrimSpace(r.PostFormValue("system_summary")),
		Services: strings.TrimSpace(r.PostFormValue("services")), Infrastructure: strings.TrimSpace(r.PostFormValue("infrastructure")), Locations: strings.TrimSpace(r.PostFormValue("locations"))}
	fw := h.Catalog.SOC2()
	for _, id := range r.PostForm["categories"] {
		cat, ok := fw.Category(id)
		if !ok {
			return attest.Invalid("categories", "%q is not a category", id)
		}
		if !cat.Required && !slices.Contains(sc.Categories, id) {
			sc.Categories = append(sc.Categories, id)
		}
	}
	summary := "Updated the system description"
	if strings.Join(before.Categories, ",") != strings.Join(sc.Categories, ",") {
		summary = fmt.Sprintf("Categories in scope: security%s", prefixEach(sc.Categories, ", "))
	}
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveScope(ctx, &sc); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.updated", "scope", c.Org.Slug, summary))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope", "Scope saved.")
}
