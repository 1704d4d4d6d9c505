package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// peoplePage lists the workforce, searchable, with forms to add a person and
// to import a CSV file.
func (h *Handler) peoplePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderPeople(w, r, c, http.StatusOK, peopleView{}, nil)
}
