package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// saveAccessReviewCadence sets how many months apart access reviews are due.
func (h *Handler) saveAccessReviewCadence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "months")
	months, err := strconv.Atoi(f.Values["months"])
	if err != nil {
		err = attest.Invalid("months", "want a number of months")
	} else {
		err = h.AccessReviews.SetCadence(r.Context(), c.P, months)
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderAccessReviews(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/access-reviews", "Access reviews are due every "+strconv.Itoa(months)+" month(s).")
}
