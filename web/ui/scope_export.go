package ui

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// exportScope writes the scope as the start of a system description, in Markdown.
func (h *Handler) exportScope(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	v, err := h.scopeView(r, c)
	if err != nil {
		return err
	}
	h.attachment(w, c, "system-description", "md")
	_, err = w.Write([]byte(programme.SystemDescription(c.Org.Name, v.Scope, v.Categories, v.Subservices, v.CUECs, h.Now())))
	return err
}
