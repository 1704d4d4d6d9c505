package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/web"
)

// apiBackground lists every person's background check with its deadline,
// overdue first; ?overdue=true keeps the overdue.
func (h *Handler) apiBackground(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	rows, err := h.People.BackgroundChecks(r.Context(), c.P)
	if err != nil {
		return err
	}
	out := []attest.BackgroundRow{}
	for _, row := range rows {
		if r.URL.Query().Get("overdue") != "true" || row.Overdue {
			out = append(out, row)
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiImportBackground imports background checks from a CSV file sent as the
// body (Content-Type: text/csv), all or nothing: 200 with the report, or
// 422 naming each rejected row's line and field.
func (h *Handler) apiImportBackground(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/csv" {
		return attest.Invalid("file", "send the CSV file as the request body with Content-Type: text/csv (got %q)", r.Header.Get("Content-Type"))
	}
	rep, err := h.People.ImportBackgroundChecks(r.Context(), c.P, http.MaxBytesReader(w, r.Body, people.MaxImportSize+1))
	if errors.Is(err, people.ErrRejected) {
		return web.WithDetail(err, "report", rep)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}
