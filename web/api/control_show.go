package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	states, err := h.controlStates(r, c)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ToControlJSON(ctl, states[ctl.ID]))
	return nil
}
