package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

// reassignAccessItem gives an undecided account to another reviewer.
func (h *Handler) reassignAccessItem(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	item, err := pathID(r, "item", "access review item")
	if err != nil {
		return err
	}
	f := web.NewForm(r, "reviewer")
	reviewer, _ := strconv.ParseInt(f.Values["reviewer"], 10, 64)
	it, err := h.AccessReviews.Reassign(r.Context(), c.P, id, item, reviewer)
	if web.UserError(err) {
		f.Error = "Reviewer: " + sentence(err)
		return h.renderAccessReview(w, r, c, http.StatusUnprocessableEntity, id, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/access-reviews/%d#item-%d", c.Org.Slug, id, item),
		fmt.Sprintf("%s is now reviewed by %s.", it.Login, it.ReviewerName))
}
