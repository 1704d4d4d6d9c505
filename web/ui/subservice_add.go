package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) addSubservice(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "name", "service", "method", "controls", "vendor")
	sub := attest.SubserviceOrg{Name: f.Values["name"], Service: f.Values["service"], Method: f.Values["method"], Controls: f.Values["controls"]}
	sub.VendorID, _ = strconv.ParseInt(f.Values["vendor"], 10, 64)
	sub, err := h.Scope.AddSubservice(r.Context(), c.P, sub)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", sub.Name+" added.")
}
