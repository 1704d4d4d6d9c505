package ui

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/catalog/importer"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type frameworksView struct {
	Imported []store.ImportedFramework
	Problems []importer.Problem // why the last upload was refused
	Filename string
}

func (h *Handler) frameworksPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderFrameworks(w, r, c, http.StatusOK, frameworksView{})
}

func (h *Handler) renderFrameworks(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v frameworksView) error {
	var err error
	if v.Imported, err = h.DB.ImportedFrameworks(r.Context(), c.Org.ID); err != nil {
		return err
	}
	h.Render(w, r, c, status, "frameworks", v)
	return nil
}

func (h *Handler) importFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	// The whole request fits in memory (ParseMultipartForm's limit is above the
	// body limit), so an upload is never spooled to a temporary file.
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxInputSize+1<<20)
	err := r.ParseMultipartForm(importer.MaxInputSize + 2<<20)
	var file multipart.File
	var hdr *multipart.FileHeader
	if err == nil {
		file, hdr, err = r.FormFile("file")
	}
	if err != nil {
		var max *http.MaxBytesError
		if errors.As(err, &max) {
			return h.renderFrameworks(w, r, c, http.StatusRequestEntityTooLarge, frameworksView{Problems: []importer.Problem{{Field: "file", Message: fmt.Sprintf("the file is larger than %d MiB", importer.MaxInputSize>>20)}}})
		}
		return h.renderFrameworks(w, r, c, http.StatusUnprocessableEntity, frameworksView{Problems: []importer.Problem{{Field: "file", Message: "choose a CISO Assistant library (YAML) or an OSCAL catalog (JSON) to upload"}}})
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, importer.MaxInputSize+1))
	if err != nil {
		return err
	}
	name := cleanFilename(hdr.Filename)
	meta, err := programme.ImportFramework(r.Context(), h.DB, h.Catalog, c.P.Actor(), c.Org.ID, name, data)
	var ie *importer.Error
	switch {
	case errors.As(err, &ie):
		return h.renderFrameworks(w, r, c, http.StatusUnprocessableEntity, frameworksView{Problems: ie.Problems, Filename: name})
	case web.UserError(err):
		return h.renderFrameworks(w, r, c, http.StatusUnprocessableEntity, frameworksView{Problems: []importer.Problem{{Message: attest.ErrorMessage(err)}}, Filename: name})
	case err != nil:
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/frameworks/"+meta.Key, fmt.Sprintf("Imported %s: %d requirements.", meta.Name, meta.Count))
}

// cleanFilename keeps only a base name without control characters, for display
// and provenance; the file itself is never written to disk.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		// Control characters and invisible format characters (such as
		// right-to-left overrides that disguise a name) are dropped.
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if runes := []rune(name); len(runes) > 200 {
		name = string(runes[:200])
	}
	if name == "" || name == "." || name == "/" {
		return "upload"
	}
	return name
}

type frameworkView struct {
	Meta         store.ImportedFramework
	Requirements []catalog.Requirement
}

func (h *Handler) frameworkPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	meta, fw, err := h.DB.ImportedFramework(r.Context(), c.Org.ID, r.PathValue("key"))
	if err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "framework", frameworkView{Meta: meta, Requirements: fw.Requirements})
	return nil
}

func (h *Handler) deleteFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		f, err := tx.DeleteImportedFramework(ctx, c.Org.ID, r.PathValue("key"))
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("framework.deleted", "framework", f.Key, "Deleted the imported framework "+f.Name+" and its mappings"))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/frameworks", "The framework was deleted.")
}
