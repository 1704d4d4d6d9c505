package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiCheckConnection checks the connection's credential now and answers with
// the outcome: 200 whether or not the credential works, since the check
// itself succeeded; ok, identity and missing say the rest.
func (h *Handler) apiCheckConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	conn, err := h.LoadConnection(r, c)
	if err != nil {
		return err
	}
	res, err := h.Connections.Check(r.Context(), c.P, conn.ID)
	if err != nil {
		return err
	}
	if res.Missing == nil {
		res.Missing = []string{}
	}
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}
