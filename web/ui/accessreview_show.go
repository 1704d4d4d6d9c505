package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// accessReviewPage shows a campaign with the accounts the member may see.
func (h *Handler) accessReviewPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	return h.renderAccessReview(w, r, c, http.StatusOK, id, nil)
}
