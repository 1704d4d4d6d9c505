package ui

import (
	"net/http"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/attest-hq/attest/catalog/importer"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// frameworkRoutes are the routes of this area, with the access each needs.
func (h *Handler) frameworkRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/frameworks", web.Read, h.frameworksPage),
		route("POST", "/o/{org}/frameworks", web.Edit, h.importFramework),
		route("GET", "/o/{org}/frameworks/{key}", web.Read, h.frameworkPage),
		route("POST", "/o/{org}/frameworks/{key}/delete", web.Edit, h.deleteFramework),
		route("POST", "/o/{org}/frameworks/{key}/replace", web.Edit, h.replaceFramework),
	}
}

type frameworksView struct {
	Imported []store.ImportedFramework
	Problems []importer.Problem // why the last upload was refused
	Filename string
}

func (h *Handler) renderFrameworks(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v frameworksView) error {
	var err error
	if v.Imported, err = h.DB.ImportedFrameworks(r.Context(), c.Org.ID); err != nil {
		return err
	}
	h.Render(w, r, c, status, "frameworks", v)
	return nil
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
