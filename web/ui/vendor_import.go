package ui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// importVendors reads an uploaded CSV file into the register, all or
// nothing, and shows every rejected row with its line and field.
func (h *Handler) importVendors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, vendors.MaxImportSize+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		v := vendorsView{ImportError: "Choose a CSV file to import."}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			v.ImportError = fmt.Sprintf("The file is larger than %d MiB.", vendors.MaxImportSize>>20)
		}
		return h.renderVendors(w, r, c, http.StatusUnprocessableEntity, v, nil)
	}
	defer file.Close()
	rep, err := h.Vendors.Import(r.Context(), c.P, file)
	if web.UserError(err) {
		return h.renderVendors(w, r, c, http.StatusUnprocessableEntity, vendorsView{Report: &rep, ImportError: attest.ErrorMessage(err)}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/vendors",
		fmt.Sprintf("Imported %d rows: %d added, %d updated, %d unchanged.", rep.Rows, rep.Created, rep.Updated, rep.Unchanged))
}
