package ui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/web"
)

// importRisks reads an uploaded CSV file into the register, all or nothing,
// and shows the report: counts, or every rejected row with its line and field.
func (h *Handler) importRisks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, risk.MaxImportSize+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		v := risksView{Import: "Choose a CSV file to import."}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			v.Import = fmt.Sprintf("The file is larger than %d MiB.", risk.MaxImportSize>>20)
		}
		return h.renderRisks(w, r, c, http.StatusUnprocessableEntity, v, nil)
	}
	defer file.Close()
	rep, err := h.Risks.Import(r.Context(), c.P, file)
	if web.UserError(err) {
		return h.renderRisks(w, r, c, http.StatusUnprocessableEntity, risksView{Report: &rep, Import: attest.ErrorMessage(err)}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/risks", fmt.Sprintf("Imported %d rows: %d added, %d updated.", rep.Rows, rep.Created, rep.Updated))
}
