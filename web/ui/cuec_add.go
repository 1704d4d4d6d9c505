package ui

import (
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) addCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "cuec", "cuec_criteria")
	cu := attest.CUEC{Description: f.Values["cuec"],
		Criteria: strings.FieldsFunc(f.Values["cuec_criteria"], func(r rune) bool { return r == ',' || r == ' ' })}
	_, err := h.Scope.AddCUEC(r.Context(), c.P, cu)
	if web.UserError(err) {
		// The form holds a subservice's fields too; the CUEC's are prefixed.
		f.Fail(prefixField(err, "cuec_"))
		return h.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#cuecs", "Complementary user entity control added.")
}
