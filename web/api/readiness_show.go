package api

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiReadiness(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := programme.Assess(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, programme.NewReport(c.Org.Slug, a, h.Now()))
	return nil
}
