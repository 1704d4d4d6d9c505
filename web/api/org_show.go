package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiOrg(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	web.WriteJSON(w, http.StatusOK, toOrgJSON(*c.Org))
	return nil
}
