package api

import (
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiControls(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	controls, err := h.DB.Controls(r.Context(), c.Org.ID, store.ControlFilter{Status: q.Get("status"), Family: q.Get("family"), IncludeRetired: q.Get("retired") == "true"})
	if err != nil {
		return err
	}
	states, err := h.controlStates(r, c)
	if err != nil {
		return err
	}
	out := make([]web.ControlJSON, 0, len(controls))
	for _, ctl := range controls {
		out = append(out, web.ToControlJSON(ctl, states[ctl.ID]))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"controls": out})
	return nil
}
