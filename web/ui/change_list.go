package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// changeList is the register: every deployed change of the window with its
// verdict, filtered by state, and where the changes were read from.
func (h *Handler) changeList(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderChanges(w, r, c, http.StatusOK, changesView{}, nil)
}
