package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// accessReviewsPage lists the campaigns the member may see, when the next
// is due, and for editors the form that starts one.
func (h *Handler) accessReviewsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderAccessReviews(w, r, c, http.StatusOK, nil)
}
