package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) addSubservice(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "name", "service", "method", "controls")
	sub := attest.SubserviceOrg{OrgID: c.Org.ID, Name: f.Values["name"], Service: f.Values["service"], Method: f.Values["method"], Controls: strings.TrimSpace(f.Values["controls"])}
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddSubservice(ctx, &sub); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.subservice_added", "subservice", idString(sub.ID), fmt.Sprintf("Added subservice organization %s (%s, %s)", sub.Name, sub.Service, sub.Method)))
	})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", sub.Name+" added.")
}
