package ui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/web"
)

// importIncidents adds the incidents of an uploaded CSV file, all or
// nothing; a refused file is reported by line and field on the register page.
func (h *Handler) importIncidents(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, incident.MaxImportSize+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		v := incidentsView{ImportError: "Choose a CSV file to import."}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			v.ImportError = fmt.Sprintf("The file is larger than %d MiB.", incident.MaxImportSize>>20)
		}
		return h.renderIncidents(w, r, c, http.StatusUnprocessableEntity, v, nil)
	}
	defer file.Close()
	rep, err := h.Incidents.Import(r.Context(), c.P, file)
	if web.UserError(err) {
		return h.renderIncidents(w, r, c, http.StatusUnprocessableEntity, incidentsView{ImportError: attest.ErrorMessage(err)}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/incidents", fmt.Sprintf("Imported %d incidents.", rep.Rows))
}
