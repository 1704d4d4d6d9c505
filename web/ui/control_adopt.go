package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// adoptLibrary copies the default control library into the organization.
func (h *Handler) adoptLibrary(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	var added []attest.Control
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if added, err = programme.Adopt(ctx, tx, h.Catalog, c.Org.ID); err != nil || len(added) == 0 {
			return err
		}
		return tx.Log(ctx, c.P.Record("controls.adopted", "control", "library",
			fmt.Sprintf("Adopted %d controls from the Attest control library", len(added))))
	})
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Adopted %d controls. Assign owners and set each control's status.", len(added))
	if len(added) == 0 {
		msg = "Every library control is already adopted."
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/controls", msg)
}
