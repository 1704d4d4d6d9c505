package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiSaveTest adds (or replaces) one of the organization's own tests, written
// as YAML in "source"; it is compiled and checked before it is saved.
func (h *Handler) apiSaveTest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Source string `json:"source"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.Monitor.SaveTest(r.Context(), c.P, []byte(in.Source))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"test": t.Definition, "version": t.Version, "custom": true})
	return nil
}
