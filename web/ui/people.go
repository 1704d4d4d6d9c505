package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// peopleRoutes are the workforce pages: the roster, a person, adding,
// importing from CSV, and inviting a person to sign in.
func (h *Handler) peopleRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/people", web.Read, h.peoplePage),
		route("POST", "/o/{org}/people", web.Edit, h.addPerson),
		route("POST", "/o/{org}/people/import", web.Edit, h.importPeople),
		route("GET", "/o/{org}/people/{id}", web.Read, h.personPage),
		route("POST", "/o/{org}/people/{id}", web.Edit, h.savePerson),
		route("POST", "/o/{org}/people/{id}/invite", web.Admin, h.invitePerson),
	}
}

type peopleView struct {
	People          []attest.Person // all that match, for the manager picker
	Rows            []attest.Person // the page of them the table shows
	Pager           web.Pager
	Query           url.Values
	Today           string
	EmploymentTypes []string
	Report          *people.ImportReport // after an import
	ImportError     string
}

func (h *Handler) renderPeople(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v peopleView, f *web.Form) error {
	v.Query, v.Today, v.EmploymentTypes = r.URL.Query(), attest.Today(h.Now()), attest.EmploymentTypes()
	var err error
	if v.People, err = h.People.List(r.Context(), c.P, store.PeopleFilter{Q: v.Query.Get("q")}); err != nil {
		return err
	}
	v.Rows, v.Pager = web.Paginate(v.People, v.Query, web.PageSize)
	if f == nil {
		f = &web.Form{Values: map[string]string{"employment_type": attest.EmploymentEmployee}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "people", v, f)
	return nil
}

// personFromForm reads a person's fields from a form; the manager is picked
// by their ID.
func personFromForm(r *http.Request, p *attest.Person) *web.Form {
	f := web.NewForm(r, "name", "email", "title", "department", "manager", "employment_type", "start_date", "end_date")
	p.Name, p.Email, p.Title, p.Department = f.Values["name"], f.Values["email"], f.Values["title"], f.Values["department"]
	p.EmploymentType, p.StartDate, p.EndDate = f.Values["employment_type"], f.Values["start_date"], f.Values["end_date"]
	p.ManagerID, _ = strconv.ParseInt(f.Values["manager"], 10, 64)
	return f
}

func personForm(p attest.Person) *web.Form {
	return &web.Form{Errors: map[string]string{}, Values: map[string]string{"name": p.Name, "email": p.Email, "title": p.Title,
		"department": p.Department, "manager": idOrEmpty(p.ManagerID), "employment_type": p.EmploymentType,
		"start_date": p.StartDate, "end_date": p.EndDate}}
}

func (h *Handler) loadPerson(r *http.Request, c *web.Ctx) (attest.Person, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Person{}, attest.Errorf(attest.ENOTFOUND, "person not found")
	}
	return h.People.Get(r.Context(), c.P, id)
}

type personView struct {
	Person          attest.Person
	Managers        []attest.Person // everyone else, for the manager picker
	Reports         []attest.Person // people who report to them
	Today           string
	EmploymentTypes []string
	InviteLink      string          // shown once, after "Invite to sign in"
	InviteEmailed   bool            // the link was also emailed
	Policies        []attest.AckRow // the published policies they must accept, and where they stand
	Training        *attest.TrainingRow
	Completions     []attest.TrainingCompletion
	Background      *attest.BackgroundRow
}

func (h *Handler) renderPerson(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, p attest.Person, v personView, f *web.Form) error {
	v.Person, v.Today, v.EmploymentTypes = p, attest.Today(h.Now()), attest.EmploymentTypes()
	all, err := h.People.List(r.Context(), c.P, store.PeopleFilter{})
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != p.ID {
			v.Managers = append(v.Managers, o)
		}
		if o.ManagerID == p.ID {
			v.Reports = append(v.Reports, o)
		}
	}
	if h.Policies != nil {
		acks, err := h.Policies.Acknowledgements(r.Context(), c.P, 0)
		if err != nil {
			return err
		}
		for _, a := range acks {
			if a.PersonID == p.ID {
				v.Policies = append(v.Policies, a)
			}
		}
	}
	if err := h.personTraining(r, c, p, &v); err != nil {
		return err
	}
	if f == nil {
		f = personForm(p)
	}
	h.RenderForm(w, r, c, status, "person", v, f)
	return nil
}

// personTraining adds a person's training and background check to their page.
func (h *Handler) personTraining(r *http.Request, c *web.Ctx, p attest.Person, v *personView) error {
	ctx := r.Context()
	rows, err := h.Training.List(ctx, c.P)
	if err != nil {
		return err
	}
	for i := range rows {
		if rows[i].PersonID == p.ID {
			v.Training = &rows[i]
		}
	}
	if v.Completions, err = h.Training.Completions(ctx, c.P, p.ID); err != nil {
		return err
	}
	checks, err := h.People.BackgroundChecks(ctx, c.P)
	if err != nil {
		return err
	}
	for i := range checks {
		if checks[i].PersonID == p.ID {
			v.Background = &checks[i]
		}
	}
	return nil
}
