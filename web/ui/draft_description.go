package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// exportDescription downloads the draft system description: Markdown, or
// PDF with ?format=pdf.
func (h *Handler) exportDescription(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	md, err := h.Drafts.Description(r.Context(), c.P)
	if err != nil {
		return err
	}
	return h.writeDraft(w, r, c, "system-description", "System description", md)
}

// writeDraft answers a draft as Markdown or, with ?format=pdf, as PDF.
func (h *Handler) writeDraft(w http.ResponseWriter, r *http.Request, c *web.Ctx, what, title, md string) error {
	return web.WriteDraft(w, r.URL.Query().Get("format"), md, func() ([]byte, error) { return h.Drafts.PDF(c.Org.Name, title, md) },
		func(ext string) { h.attachment(w, c, what, ext) })
}
