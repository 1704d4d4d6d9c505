package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	People          []attest.Person // all that match
	Rows            []attest.Person // the page of them the table shows
	Managers        []attest.Person // the manager picker's suggestions
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
	all := v.People
	if v.Query.Get("q") != "" {
		if all, err = h.People.List(r.Context(), c.P, store.PeopleFilter{}); err != nil {
			return err
		}
	}
	v.Managers = managerChoices(all, 0)
	if f == nil {
		f = &web.Form{Values: map[string]string{"employment_type": attest.EmploymentEmployee}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "people", v, f)
	return nil
}

// personFromForm reads a person's fields from a form. The manager is
// named by work email (what the picker sends) or, from a script, by person
// ID; an email no one here has is an error beside the field.
func (h *Handler) personFromForm(r *http.Request, c *web.Ctx, p *attest.Person) (*web.Form, error) {
	f := web.NewForm(r, "name", "email", "title", "department", "manager", "employment_type", "start_date", "end_date")
	p.Name, p.Email, p.Title, p.Department = f.Values["name"], f.Values["email"], f.Values["title"], f.Values["department"]
	p.EmploymentType, p.StartDate, p.EndDate = f.Values["employment_type"], f.Values["start_date"], f.Values["end_date"]
	p.ManagerID = 0
	m := strings.TrimSpace(f.Values["manager"])
	if m == "" {
		return f, nil
	}
	if id, err := strconv.ParseInt(m, 10, 64); err == nil {
		p.ManagerID = id
		return f, nil
	}
	found, err := h.People.List(r.Context(), c.P, store.PeopleFilter{Q: m})
	if err != nil {
		return f, err
	}
	for _, o := range found {
		if strings.EqualFold(o.Email, m) {
			p.ManagerID = o.ID
			return f, nil
		}
	}
	return f, attest.Invalid("manager", "is nobody here: no person has the work email %q", m)
}

// managerChoices are the manager picker's suggestions: the people who
// already manage someone, but self. The field takes anyone's work email; a
// list of everyone would make the page grow with the organization (2,000
// people are about 100 KB of options).
func managerChoices(all []attest.Person, self int64) []attest.Person {
	manages := map[int64]bool{}
	for _, p := range all {
		manages[p.ManagerID] = true
	}
	var out []attest.Person
	for _, p := range all {
		if manages[p.ID] && p.ID != self {
			out = append(out, p)
		}
	}
	return out
}

// managerEmail shows the form's manager, kept as a person ID, as their work
// email, as the picker takes it.
func managerEmail(f *web.Form, all []attest.Person) {
	id, err := strconv.ParseInt(f.Values["manager"], 10, 64)
	if err != nil {
		return
	}
	for _, p := range all {
		if p.ID == id {
			f.Values["manager"] = p.Email
		}
	}
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
	Managers        []attest.Person // the manager picker's suggestions
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
	v.Managers = managerChoices(all, p.ID)
	for _, o := range all {
		if o.ManagerID == p.ID {
			v.Reports = append(v.Reports, o)
		}
	}
	if h.Policies != nil {
		acks, err := h.Policies.AckRows(r.Context(), c.P, 0)
		if err != nil {
			return err
		}
		for a := range acks {
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
	managerEmail(f, all)
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
