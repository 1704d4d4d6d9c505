package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// adoptLibrary copies the default control library into the organization.
func (h *Handler) adoptLibrary(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	added, err := h.Controls.Adopt(r.Context(), c.P)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Adopted %d controls. Assign owners and set each control's status.", len(added))
	if len(added) == 0 {
		msg = "Every library control is already adopted."
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/controls", msg)
}
