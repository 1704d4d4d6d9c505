package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// replaceFramework replaces an imported framework with a new version of the
// same key, keeping the mappings whose requirement remains.
func (h *Handler) replaceFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	name, data, refused, err := h.frameworkUpload(w, r, c)
	if refused || err != nil {
		return err
	}
	res, err := h.Frameworks.Replace(r.Context(), c.P, r.PathValue("key"), name, data)
	if refused, err := h.refusedImport(w, r, c, name, err); refused || err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/frameworks/"+res.Key, fmt.Sprintf("Replaced with %s %s: %d requirements; kept %d mappings, dropped %d whose requirement is gone.",
		res.Name, res.Version, res.Count, res.KeptMappings, res.DroppedMappings))
}
