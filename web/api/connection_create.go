package api

import (
	"net/http"

	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/web"
)

// apiCreateConnection adds a connection. The credential comes in the body
// once and is sealed by the service; no response ever carries it.
func (h *Handler) apiCreateConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Type            string            `json:"type"`
		Name            string            `json:"name"`
		Settings        map[string]string `json:"settings"`
		Secret          string            `json:"secret"`
		IntervalMinutes int               `json:"interval_minutes"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	conn, err := h.Connections.Add(r.Context(), c.P, connection.Input{Type: in.Type, Name: in.Name, Settings: in.Settings,
		Secret: []byte(in.Secret), IntervalMinutes: in.IntervalMinutes})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toConnectionJSON(conn))
	return nil
}
