package ui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/web"
)

// changeImport reads an uploaded deploy log, all or nothing.
func (h *Handler) changeImport(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, change.MaxLogSize+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		msg := "Choose a CSV file to upload."
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			msg = fmt.Sprintf("The file is larger than %d MiB.", change.MaxLogSize>>20)
		}
		return h.renderChanges(w, r, c, http.StatusUnprocessableEntity, changesView{ImportError: msg}, nil)
	}
	defer file.Close()
	read, added, err := h.Changes.ImportLog(r.Context(), c.P, file)
	if web.UserError(err) {
		return h.renderChanges(w, r, c, http.StatusUnprocessableEntity, changesView{ImportError: attest.ErrorMessage(err)}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/changes", fmt.Sprintf("Read %d deployments, %d new.", read, added))
}
