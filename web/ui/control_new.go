package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) newControlPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	refs, err := h.DB.ControlRefs(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	f := controlForm(attest.Control{Ref: programme.NextCustomRef(refs), Type: "preventive", Frequency: "quarterly", Status: attest.StatusNotStarted, Family: "Custom"})
	return h.renderNewControl(w, r, c, http.StatusOK, f)
}
