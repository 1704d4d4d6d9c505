package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// personPage shows one person, with their manager and reports, and the
// edit form for editors.
func (h *Handler) personPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, err := h.loadPerson(r, c)
	if err != nil {
		return err
	}
	return h.renderPerson(w, r, c, http.StatusOK, p, personView{}, nil)
}
