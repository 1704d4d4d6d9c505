package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/web"
)

// apiUpdatePerson changes the fields the body names and keeps the rest; ""
// clears an optional field, and the manager is named by manager_id (0: none)
// or manager_email ("": none).
func (h *Handler) apiUpdatePerson(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := personID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name           *string `json:"name"`
		Email          *string `json:"email"`
		Title          *string `json:"title"`
		Department     *string `json:"department"`
		ManagerID      *int64  `json:"manager_id"`
		ManagerEmail   *string `json:"manager_email"`
		EmploymentType *string `json:"employment_type"`
		StartDate      *string `json:"start_date"`
		EndDate        *string `json:"end_date"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ch := people.Change{Name: in.Name, Email: in.Email, Title: in.Title, Department: in.Department, EmploymentType: in.EmploymentType,
		StartDate: in.StartDate, EndDate: in.EndDate}
	if ch.ManagerID, err = h.managerOf(r, c, in.ManagerID, in.ManagerEmail); err != nil {
		return err
	}
	p, err := h.People.Change(r.Context(), c.P, id, ch)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ToPersonJSON(p, attest.Today(h.Now())))
	return nil
}
