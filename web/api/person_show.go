package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiPerson(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := personID(r)
	if err != nil {
		return err
	}
	p, err := h.People.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ToPersonJSON(p, attest.Today(h.Now())))
	return nil
}
