package ui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/web"
)

// importPeople reads an uploaded CSV file into the roster, all or nothing,
// and shows the report: counts, or every rejected row with its line.
func (h *Handler) importPeople(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, people.MaxImportSize+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		v := peopleView{ImportError: "Choose a CSV file to import."}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			v.ImportError = fmt.Sprintf("The file is larger than %d MiB.", people.MaxImportSize>>20)
		}
		return h.renderPeople(w, r, c, http.StatusUnprocessableEntity, v, nil)
	}
	defer file.Close()
	rep, err := h.People.Import(r.Context(), c.P, file)
	if web.UserError(err) {
		return h.renderPeople(w, r, c, http.StatusUnprocessableEntity, peopleView{Report: &rep, ImportError: attest.ErrorMessage(err)}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people",
		fmt.Sprintf("Imported %d rows: %d added, %d updated, %d unchanged.", rep.Rows, rep.Created, rep.Updated, rep.Unchanged))
}
