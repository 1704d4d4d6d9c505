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
// overdue first (attest.BackgroundRow.Order), a page at a time (limit,
// cursor, next_cursor); ?overdue=true keeps the overdue.
func (h *Handler) apiBackground(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	rows, err := h.People.BackgroundChecks(r.Context(), c.P)
	if err != nil {
		return err
	}
	overdue := r.URL.Query().Get("overdue") == "true"
	shown := func(yield func(attest.BackgroundRow) bool) {
		for _, row := range rows {
			if (!overdue || row.Overdue) && !yield(row) {
				return
			}
		}
	}
	return writeKeyPage(w, r.URL.Query(), nil, "background", shown, func(row attest.BackgroundRow) pageKey {
		return pageKey{S: row.Order(), N: row.PersonID}
	})
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
