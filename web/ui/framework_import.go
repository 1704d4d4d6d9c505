package ui

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog/importer"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) importFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	name, data, refused, err := h.frameworkUpload(w, r, c)
	if refused || err != nil {
		return err
	}
	meta, err := h.Frameworks.Import(r.Context(), c.P, name, data)
	if refused, err := h.refusedImport(w, r, c, name, err); refused || err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/frameworks/"+meta.Key, fmt.Sprintf("Imported %s: %d requirements.", meta.Name, meta.Count))
}

// frameworkUpload reads the uploaded framework file. When the upload itself
// is refused it renders the frameworks page saying why and reports refused.
func (h *Handler) frameworkUpload(w http.ResponseWriter, r *http.Request, c *web.Ctx) (name string, data []byte, refused bool, err error) {
	// The whole request fits in memory (ParseMultipartForm's limit is above the
	// body limit), so an upload is never spooled to a temporary file.
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxInputSize+1<<20)
	err = r.ParseMultipartForm(importer.MaxInputSize + 2<<20)
	var file multipart.File
	var hdr *multipart.FileHeader
	if err == nil {
		file, hdr, err = r.FormFile("file")
	}
	if err != nil {
		var max *http.MaxBytesError
		if errors.As(err, &max) {
			return "", nil, true, h.renderFrameworks(w, r, c, http.StatusRequestEntityTooLarge, frameworksView{Problems: []importer.Problem{{Field: "file", Message: fmt.Sprintf("the file is larger than %d MiB", importer.MaxInputSize>>20)}}})
		}
		return "", nil, true, h.renderFrameworks(w, r, c, http.StatusUnprocessableEntity, frameworksView{Problems: []importer.Problem{{Field: "file", Message: "choose a CISO Assistant library (YAML) or an OSCAL catalog (JSON) to upload"}}})
	}
	defer file.Close()
	data, err = io.ReadAll(io.LimitReader(file, importer.MaxInputSize+1))
	if err != nil {
		return "", nil, false, err
	}
	return cleanFilename(hdr.Filename), data, false, nil
}

// refusedImport renders the frameworks page with the problems of a refused
// file (or a refusal a person can act on) and reports refused; other errors
// are returned.
func (h *Handler) refusedImport(w http.ResponseWriter, r *http.Request, c *web.Ctx, name string, err error) (refused bool, _ error) {
	var ie *importer.Error
	switch {
	case errors.As(err, &ie):
		return true, h.renderFrameworks(w, r, c, http.StatusUnprocessableEntity, frameworksView{Problems: ie.Problems, Filename: name})
	case web.UserError(err):
		return true, h.renderFrameworks(w, r, c, http.StatusUnprocessableEntity, frameworksView{Problems: []importer.Problem{{Message: attest.ErrorMessage(err)}}, Filename: name})
	}
	return false, err
}
