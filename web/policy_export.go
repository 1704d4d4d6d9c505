package web

import (
	"bytes"
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/doc"
)

// Policy exports, shared by the pages and the API: the same files either way.

// PolicyExport downloads one policy (?format=pdf, md or html; PDF by default).
func (s *Services) PolicyExport(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	set, err := s.Policies.Document(r.Context(), c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	return writePolicies(w, r, set, doc.FileName(c.Org.Name, r.PathValue("key"), ""))
}

// PolicySetExport downloads every published policy in one file.
func (s *Services) PolicySetExport(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	set, err := s.Policies.PublishedSet(r.Context(), c.P)
	if err != nil {
		return err
	}
	return writePolicies(w, r, set, doc.FileName(c.Org.Name, "", ""))
}

func writePolicies(w http.ResponseWriter, r *http.Request, set doc.Set, name string) error {
	var buf bytes.Buffer
	var ct, ext string
	var err error
	switch f := r.URL.Query().Get("format"); f {
	case "", "pdf":
		ct, ext, err = "application/pdf", "pdf", doc.PDF(&buf, set)
	case "md", "markdown":
		ct, ext, err = "text/markdown; charset=utf-8", "md", doc.Markdown(&buf, set)
	case "html":
		ct, ext, err = "text/html; charset=utf-8", "html", doc.HTML(&buf, set)
	default:
		return attest.Invalid("format", "must be pdf, md or html (got %q)", f)
	}
	if err != nil {
		return err
	}
	download(w, ct, name+"."+ext, buf.Bytes())
	return nil
}

// AcknowledgementExport downloads the acknowledgement report as CSV or PDF
// (?format=csv or pdf), filtered like its page (?policy=KEY, ?state=…). Who
// appears follows policy.Service.Acknowledgements: everyone for those who
// read the programme, otherwise oneself and one's reports.
func (s *Services) AcknowledgementExport(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	rows, err := AcknowledgementRows(r, c, s, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := doc.FileName(c.Org.Name, "acknowledgements", "")
	switch f := q.Get("format"); f {
	case "", "csv":
		if err := doc.AckCSV(&buf, rows); err != nil {
			return err
		}
		download(w, "text/csv; charset=utf-8", name+".csv", buf.Bytes())
	case "pdf":
		if err := doc.AckPDF(&buf, c.Org.Name, rows, s.Now()); err != nil {
			return err
		}
		download(w, "application/pdf", name+".pdf", buf.Bytes())
	default:
		return attest.Invalid("format", "must be csv or pdf (got %q)", f)
	}
	return nil
}

// AcknowledgementRows is the report filtered by ?policy=KEY and ?state=
// (accepted, pending or overdue).
func AcknowledgementRows(r *http.Request, c *Ctx, s *Services, q url.Values) ([]attest.AckRow, error) {
	state := q.Get("state")
	switch state {
	case "", attest.AckAccepted, attest.AckPending, attest.AckOverdue:
	default:
		return nil, attest.Invalid("state", "must be accepted, pending or overdue (got %q)", state)
	}
	all, err := s.Policies.Acknowledgements(r.Context(), c.P, 0)
	if err != nil {
		return nil, err
	}
	var rows []attest.AckRow
	for _, row := range all {
		if (q.Get("policy") == "" || row.PolicyKey == q.Get("policy")) && (state == "" || row.State == state) {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// download sends a generated file as an attachment that never renders in
// our origin.
func download(w http.ResponseWriter, contentType, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'")
	h.Set("Cache-Control", "no-store")
	w.Write(body)
}
