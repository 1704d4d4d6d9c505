package api

import (
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiPeople lists the organization's people by name, a page at a time
// (limit, cursor, next_cursor); ?q= searches names, emails, titles and
// departments.
func (h *Handler) apiPeople(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.People.List(r.Context(), c.P, store.PeopleFilter{Q: r.URL.Query().Get("q")})
	if err != nil {
		return err
	}
	today := attest.Today(h.Now())
	people := func(yield func(web.PersonJSON) bool) {
		for _, p := range list {
			if !yield(web.ToPersonJSON(p, today)) {
				return
			}
		}
	}
	return writeKeyPage(w, r.URL.Query(), nil, "people", people, func(p web.PersonJSON) pageKey {
		return pageKey{S: strings.ToLower(p.Name), N: p.ID} // as the people page: by name in any case
	})
}
