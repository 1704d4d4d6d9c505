package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// saveVendorReview saves a draft review's response and answers.
func (h *Handler) saveVendorReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	rid, err := pathID(r, "review", "vendor review")
	if err != nil {
		return err
	}
	f := web.NewForm(r, "response")
	resp := f.Values["response"]
	ch := vendors.ReviewChange{Response: &resp, Answers: map[string]string{}}
	for _, q := range attest.VendorQuestions {
		ch.Answers[q.Key] = r.PostFormValue("answer_" + q.Key)
		f.Values["answer_"+q.Key] = ch.Answers[q.Key]
	}
	if _, err := h.reviewOf(r, c, id, rid); err != nil {
		return err
	}
	_, err = h.Vendors.UpdateReview(r.Context(), c.P, rid, ch)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderVendor(w, r, c, http.StatusUnprocessableEntity, id, vendorView{DraftForm: f}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d#review-%d", c.Org.Slug, id, rid), "Review saved.")
}

// reviewOf checks that review rid is one of vendor id's.
func (h *Handler) reviewOf(r *http.Request, c *web.Ctx, id, rid int64) (attest.VendorReview, error) {
	rv, err := h.DB.VendorReview(r.Context(), c.Org.ID, rid)
	if err == nil && rv.VendorID != id {
		err = attest.Errorf(attest.ENOTFOUND, "vendor review not found")
	}
	return rv, err
}
