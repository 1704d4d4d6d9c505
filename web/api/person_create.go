package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiCreatePerson records a person entered by hand; the manager is named by
// manager_id or manager_email.
func (h *Handler) apiCreatePerson(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Name           string  `json:"name"`
		Email          string  `json:"email"`
		Title          string  `json:"title"`
		Department     string  `json:"department"`
		ManagerID      *int64  `json:"manager_id"`
		ManagerEmail   *string `json:"manager_email"`
		EmploymentType string  `json:"employment_type"`
		StartDate      string  `json:"start_date"`
		EndDate        string  `json:"end_date"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	manager, err := h.managerOf(r, c, in.ManagerID, in.ManagerEmail)
	if err != nil {
		return err
	}
	p := attest.Person{Name: in.Name, Email: in.Email, Title: in.Title, Department: in.Department, EmploymentType: in.EmploymentType,
		StartDate: in.StartDate, EndDate: in.EndDate}
	if manager != nil {
		p.ManagerID = *manager
	}
	if p, err = h.People.Add(r.Context(), c.P, p); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, web.ToPersonJSON(p, attest.Today(h.Now())))
	return nil
}
