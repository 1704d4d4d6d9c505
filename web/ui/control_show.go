package ui

import (
	"net/http"

	"github.com/attest-hq/attest"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) controlPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	if !c.P.Visibility(attest.RecordControl).Admits(ctl.OrgID, ctl.OwnerID) {
		return attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	return h.renderControl(w, r, c, http.StatusOK, ctl, nil)
}
