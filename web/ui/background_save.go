package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/web"
)

// saveBackgroundCheck records where one person's background check stands,
// or their exemption.
func (h *Handler) saveBackgroundCheck(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "person", "provider", "status", "checked_on", "exempt_reason")
	in := attest.BackgroundCheck{Provider: f.Values["provider"], Status: f.Values["status"], CheckedOn: f.Values["checked_on"],
		ExemptReason: f.Values["exempt_reason"]}
	in.PersonID, _ = strconv.ParseInt(f.Values["person"], 10, 64)
	b, err := h.People.SaveBackgroundCheck(r.Context(), c.P, in)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderBackground(w, r, c, http.StatusUnprocessableEntity, backgroundView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/background", "Recorded "+b.PersonName+"'s background check.")
}

// importBackgroundChecks reads a CSV file of background checks, all or
// nothing, and shows every rejected row with its line and field.
func (h *Handler) importBackgroundChecks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, people.MaxImportSize+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		v := backgroundView{ImportError: "Choose a CSV file to import."}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			v.ImportError = fmt.Sprintf("The file is larger than %d MiB.", people.MaxImportSize>>20)
		}
		return h.renderBackground(w, r, c, http.StatusUnprocessableEntity, v, nil)
	}
	defer file.Close()
	rep, err := h.People.ImportBackgroundChecks(r.Context(), c.P, file)
	if web.UserError(err) {
		return h.renderBackground(w, r, c, http.StatusUnprocessableEntity, backgroundView{Report: &rep, ImportError: attest.ErrorMessage(err)}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/background",
		fmt.Sprintf("Imported %d rows: %d new, %d updated, %d unchanged.", rep.Rows, rep.Created, rep.Updated, rep.Unchanged))
}
