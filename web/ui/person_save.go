package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// savePerson saves a person's fields.
func (h *Handler) savePerson(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, err := h.loadPerson(r, c)
	if err != nil {
		return err
	}
	before := p
	f := personFromForm(r, &p)
	p, err = h.People.Update(r.Context(), c.P, p)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderPerson(w, r, c, http.StatusUnprocessableEntity, before, personView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/people/%d", c.Org.Slug, p.ID), "Saved "+p.Name)
}
