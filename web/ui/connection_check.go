package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// checkConnection checks the credential now and shows the outcome on the
// page: who it acts as and each missing permission by name.
func (h *Handler) checkConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	conn, err := h.LoadConnection(r, c)
	if err != nil {
		return err
	}
	res, err := h.Connections.Check(r.Context(), c.P, conn.ID)
	if err != nil {
		return err
	}
	return h.renderConnections(w, r, c, http.StatusOK, "", nil, &checkedView{Name: conn.Name, Result: res})
}
