package api

import (
	"mime"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// apiStartVendorReview starts a draft review. With a report, send a
// multipart form: report_type, period_start, period_end, opinion,
// exceptions and answer_<key> fields, then the report as the part "file";
// it is stored as evidence. Without one, a JSON body: {"report_type":
// "none", "answers": {…}}.
func (h *Handler) apiStartVendorReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := vendorPathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	var in attest.VendorReview
	var report *vendors.Report
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, h.Evidence.MaxSize+64<<10)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return attest.Invalid("file", "could not be read: %v", err)
		}
		in = attest.VendorReview{ReportType: r.PostFormValue("report_type"), PeriodStart: r.PostFormValue("period_start"),
			PeriodEnd: r.PostFormValue("period_end"), Opinion: r.PostFormValue("opinion"), Exceptions: r.PostFormValue("exceptions"),
			Answers: map[string]string{}}
		for _, q := range attest.VendorQuestions {
			in.Answers[q.Key] = r.PostFormValue("answer_" + q.Key)
		}
		if file, hdr, err := r.FormFile("file"); err == nil {
			defer file.Close()
			report = &vendors.Report{Filename: hdr.Filename, Content: file}
		}
	} else {
		var body struct {
			ReportType string            `json:"report_type"`
			Answers    map[string]string `json:"answers"`
		}
		if err := web.DecodeJSON(w, r, &body); err != nil {
			return err
		}
		in = attest.VendorReview{ReportType: body.ReportType, Answers: body.Answers}
	}
	rv, err := h.Vendors.StartReview(r.Context(), c.P, id, in, report)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, rv)
	return nil
}
