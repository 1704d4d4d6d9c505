package demo

import (
	"context"

	"github.com/attest-hq/attest"
)

// workforce is the demo organization's people: the demo users, who sign in,
// and colleagues who do not, with a joiner who starts next month, a leaver
// of last month and a contractor, so the roster shows every state. Start
// and end dates are days from today; managers are named by email.
var workforce = []struct {
	name, email, title, department, manager, kind string
	started, ended                                int // days from today; ended 0: still here
}{
	{"Ada Admin", "admin@demo.attest.test", "Head of Platform", "Engineering", "", attest.EmploymentEmployee, -900, 0},
	{"Max Manager", "manager@demo.attest.test", "Compliance Lead", "Security", "admin@demo.attest.test", attest.EmploymentEmployee, -700, 0},
	{"Emma Employee", "employee@demo.attest.test", "Software Engineer", "Engineering", "admin@demo.attest.test", attest.EmploymentEmployee, -400, 0},
	{"Noor Haddad", "noor@demo.attest.test", "Site Reliability Engineer", "Engineering", "admin@demo.attest.test", attest.EmploymentEmployee, -520, 0},
	{"Tomás Ruiz", "tomas@demo.attest.test", "Software Engineer", "Engineering", "noor@demo.attest.test", attest.EmploymentEmployee, -230, 0},
	{"Priya Natarajan", "priya@demo.attest.test", "Account Executive", "Sales", "manager@demo.attest.test", attest.EmploymentEmployee, -300, 0},
	{"Liam O'Connor", "liam@demo.attest.test", "Support Engineer", "Customer Success", "manager@demo.attest.test", attest.EmploymentEmployee, -610, -30},
	{"Mei Lin", "mei@demo.attest.test", "Security Consultant", "Security", "manager@demo.attest.test", attest.EmploymentContractor, -90, 0},
	{"Sam Okafor", "sam@demo.attest.test", "Data Engineer", "Engineering", "noor@demo.attest.test", attest.EmploymentEmployee, 21, 0},
	{"Jonas Berg", "jonas@demo.attest.test", "Engineering Intern", "Engineering", "employee@demo.attest.test", attest.EmploymentIntern, -60, 0},
}

// Workforce returns the demo people's work emails, names and departments,
// in the order they are recorded: app's demo identity providers give them
// accounts.
func Workforce() (emails, names, departments []string) {
	for _, w := range workforce {
		emails, names, departments = append(emails, w.email), append(names, w.name), append(departments, w.department)
	}
	return emails, names, departments
}

// seedPeople records the workforce once; people already recorded are left
// as they are.
func seedPeople(ctx context.Context, env *Env) error {
	today := env.Now().UTC()
	day := func(offset int) string {
		if offset == 0 {
			return ""
		}
		return today.AddDate(0, 0, offset).Format("2006-01-02")
	}
	ids := map[string]int64{}
	for _, w := range workforce {
		p, err := env.Tx.PersonByEmail(ctx, env.Org.ID, w.email)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			p = attest.Person{OrgID: env.Org.ID, Name: w.name, Email: w.email, Title: w.title, Department: w.department,
				EmploymentType: w.kind, StartDate: day(w.started), EndDate: day(w.ended), Source: attest.SourceManual}
			err = env.Tx.CreatePerson(ctx, &p)
		}
		if err != nil {
			return err
		}
		ids[w.email] = p.ID
	}
	for _, w := range workforce {
		if w.manager == "" || ids[w.manager] == 0 {
			continue
		}
		p, err := env.Tx.Person(ctx, env.Org.ID, ids[w.email])
		if err != nil {
			return err
		}
		if p.ManagerID != 0 {
			continue
		}
		p.ManagerID = ids[w.manager]
		if err := env.Tx.UpdatePerson(ctx, &p); err != nil {
			return err
		}
	}
	// A promotion, so the movers population has someone: once, since a
	// later start finds the new title.
	p, err := env.Tx.Person(ctx, env.Org.ID, ids["tomas@demo.attest.test"])
	if err != nil || p.Title != "Software Engineer" {
		return err
	}
	p.Title, p.ManagerID = "Senior Software Engineer", ids["admin@demo.attest.test"]
	return env.Tx.UpdatePerson(ctx, &p)
}
