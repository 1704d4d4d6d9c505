package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiSetAccessReviewCadence sets how many months apart access reviews are
// due: {"months"}; it answers the schedule.
func (h *Handler) apiSetAccessReviewCadence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Months int `json:"months"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.AccessReviews.SetCadence(r.Context(), c.P, in.Months); err != nil {
		return err
	}
	sc, err := h.AccessReviews.Schedule(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sc)
	return nil
}

// apiReassignAccessItem gives an account of an open campaign to another
// reviewer: {"reviewer_id"}.
func (h *Handler) apiReassignAccessItem(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "access review")
	if err != nil {
		return err
	}
	item, err := itemPathID(r)
	if err != nil {
		return err
	}
	var in struct {
		ReviewerID int64 `json:"reviewer_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	it, err := h.AccessReviews.Reassign(r.Context(), c.P, id, item, in.ReviewerID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, it)
	return nil
}
