package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/web"
)

// savePerson saves a person's fields.
func (h *Handler) savePerson(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, err := h.loadPerson(r, c)
	if err != nil {
		return err
	}
	before := p
	f, err := h.personFromForm(r, c, &p)
	if err == nil {
		// The form holds every field, so the change sets each of them.
		p, err = h.People.Change(r.Context(), c.P, p.ID, people.Change{Name: &p.Name, Email: &p.Email, Title: &p.Title,
			Department: &p.Department, EmploymentType: &p.EmploymentType, StartDate: &p.StartDate, EndDate: &p.EndDate,
			ManagerID: &p.ManagerID})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderPerson(w, r, c, http.StatusUnprocessableEntity, before, personView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/people/%d", c.Org.Slug, p.ID), "Saved "+p.Name)
}
