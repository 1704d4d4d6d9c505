package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// addPerson records a person entered by hand.
func (h *Handler) addPerson(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.Person
	f, err := h.personFromForm(r, c, &in)
	var p attest.Person
	if err == nil {
		p, err = h.People.Add(r.Context(), c.P, in)
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderPeople(w, r, c, http.StatusUnprocessableEntity, peopleView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/people/%d", c.Org.Slug, p.ID), "Added "+p.Name)
}
