package ui

import (
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) addCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "cuec", "cuec_criteria")
	cu := attest.CUEC{OrgID: c.Org.ID, Description: f.Values["cuec"]}
	fw := h.Catalog.SOC2()
	var err error
	for _, id := range strings.FieldsFunc(f.Values["cuec_criteria"], func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, ok := fw.Requirement(id); !ok {
			err = attest.Invalid("cuec_criteria", "%q is not a SOC 2 criterion", id)
		}
		cu.Criteria = append(cu.Criteria, id)
	}
	ctx := r.Context()
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.AddCUEC(ctx, &cu); err != nil {
				return prefixField(err, "cuec_")
			}
			return tx.Log(ctx, c.P.Record("scope.cuec_added", "cuec", idString(cu.ID), "Added a complementary user entity control: "+cu.Description))
		})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#cuecs", "Complementary user entity control added.")
}
