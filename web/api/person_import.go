package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/web"
)

// apiImportPeople imports a CSV file sent as the body (Content-Type:
// text/csv), all or nothing. It answers 200 with the report, or, when rows
// were rejected, 422 with the error and the report naming each of them.
func (h *Handler) apiImportPeople(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/csv" {
		return attest.Invalid("file", "send the CSV file as the request body with Content-Type: text/csv (got %q)", r.Header.Get("Content-Type"))
	}
	// A declared length over the limit is refused before the body is read; a
	// body that does not declare its length is cut off by the service just
	// past the limit.
	if r.ContentLength > people.MaxImportSize {
		return attest.Invalid("file", "is larger than %d MiB", people.MaxImportSize>>20)
	}
	rep, err := h.People.Import(r.Context(), c.P, r.Body)
	if errors.Is(err, people.ErrRejected) {
		return web.WithDetail(err, "report", rep)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}
