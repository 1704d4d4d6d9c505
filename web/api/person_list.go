package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiPeople lists the organization's people by name; ?q= searches names,
// emails, titles and departments.
func (h *Handler) apiPeople(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.People.List(r.Context(), c.P, store.PeopleFilter{Q: r.URL.Query().Get("q")})
	if err != nil {
		return err
	}
	today := attest.Today(h.Now())
	out := make([]web.PersonJSON, 0, len(list))
	for _, p := range list {
		out = append(out, web.ToPersonJSON(p, today))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"people": out})
	return nil
}
