package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// peopleRoutes are the routes of this area, with the access each needs. The
// roster is read by those who read the programme (admins, managers,
// auditors) and kept by editors; employees see none of it.
func (h *Handler) peopleRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/people", web.Read, h.apiPeople),
		route("POST", "/orgs/{org}/people", web.Edit, h.apiCreatePerson),
		route("POST", "/orgs/{org}/people/import", web.Edit, h.apiImportPeople),
		route("GET", "/orgs/{org}/people/{id}", web.Read, h.apiPerson),
		route("PATCH", "/orgs/{org}/people/{id}", web.Edit, h.apiUpdatePerson),
	}
}

// personID reads the {id} of a person's path; anything but a number names no
// one.
func personID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "person not found")
	}
	return id, nil
}

// managerOf reads the manager a request body names: by manager_id (a
// person's ID, 0 for none) or by manager_email (a person's work email, ""
// for none), never both. nil when it names neither.
func (h *Handler) managerOf(r *http.Request, c *web.Ctx, id *int64, email *string) (*int64, error) {
	switch {
	case id != nil && email != nil:
		return nil, attest.Invalid("manager", "give manager_id or manager_email, not both")
	case email != nil:
		m, err := h.People.ManagerByEmail(r.Context(), c.P, *email)
		return &m, err
	}
	return id, nil
}
