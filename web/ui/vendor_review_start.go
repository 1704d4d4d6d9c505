package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// reviewFields are the fields of the form that starts a review.
var reviewFields = []string{"report_type", "period_start", "period_end", "opinion", "exceptions"}

// startVendorReview starts a review: the vendor's report uploaded as
// evidence with its type, period, opinion and exceptions, and the
// questionnaire's answers.
func (h *Handler) startVendorReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.Evidence.MaxSize+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		f := web.NewForm(r, reviewFields...)
		f.Errors["report"] = "could not be read: it may be larger than the upload limit"
		return h.renderVendor(w, r, c, http.StatusUnprocessableEntity, id, vendorView{ReviewForm: f}, nil)
	}
	f := web.NewForm(r, reviewFields...)
	in := attest.VendorReview{ReportType: f.Values["report_type"], PeriodStart: f.Values["period_start"], PeriodEnd: f.Values["period_end"],
		Opinion: f.Values["opinion"], Exceptions: f.Values["exceptions"], Answers: map[string]string{}}
	for _, q := range attest.VendorQuestions {
		in.Answers[q.Key] = r.PostFormValue("answer_" + q.Key)
		f.Values["answer_"+q.Key] = in.Answers[q.Key]
	}
	var report *vendors.Report
	if file, hdr, err := r.FormFile("file"); err == nil {
		defer file.Close()
		report = &vendors.Report{Filename: hdr.Filename, Content: file}
	}
	rv, err := h.Vendors.StartReview(r.Context(), c.P, id, in, report)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderVendor(w, r, c, http.StatusUnprocessableEntity, id, vendorView{ReviewForm: f}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d#review-%d", c.Org.Slug, id, rv.ID), "Review started.")
}
