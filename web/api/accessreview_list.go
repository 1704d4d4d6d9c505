package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAccessReviews lists the campaigns the caller may see and when the
// next is due.
func (h *Handler) apiAccessReviews(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.AccessReviews.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	sc, err := h.AccessReviews.Schedule(r.Context(), c.P)
	if err != nil {
		return err
	}
	if list == nil {
		list = []attest.AccessReview{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"reviews": list, "schedule": sc})
	return nil
}
