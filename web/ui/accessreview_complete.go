package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// completeAccessReview completes a campaign whose accounts are all
// decided: its report becomes evidence and the completion a ledger record.
func (h *Handler) completeAccessReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	rv, err := h.AccessReviews.Complete(r.Context(), c.P, id)
	if web.UserError(err) {
		f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}, Error: sentence(err)}
		return h.renderAccessReview(w, r, c, http.StatusUnprocessableEntity, id, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/access-reviews/"+idOrEmpty(rv.ID),
		"Completed: the report is stored as evidence and the completion recorded in the ledger.")
}
