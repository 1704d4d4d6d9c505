package people_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

type world struct {
	svc                      *people.Service
	db                       *store.DB
	org, other               attest.Organization
	admin, employee, auditor attest.Principal
}

func newWorld(t *testing.T, db *store.DB) world {
	w := world{db: db, svc: &people.Service{DB: db}}
	w.org, w.other = storetest.MustOrg(t, db, "acme"), storetest.MustOrg(t, db, "other")
	member := func(role attest.Role, email string) attest.Principal {
		u := storetest.MustMember(t, db, w.org, role, email)
		return attest.Principal{UserID: u.ID, Label: email, OrgID: w.org.ID, Role: role}
	}
	w.admin = member(attest.RoleAdmin, "admin@acme.test")
	w.employee = member(attest.RoleEmployee, "erin@acme.test")
	w.auditor = member(attest.RoleAuditor, "audrey@audit.test")
	return w
}

func (w world) count(t *testing.T) int {
	t.Helper()
	list, err := w.db.People(t.Context(), w.org.ID, store.PeopleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestPeopleByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		boss, err := w.svc.Add(ctx, w.admin, attest.Person{Name: "Grace Hopper", Email: " Grace@Acme.test ", StartDate: "2024-02-01", Title: "CTO"})
		if err != nil || boss.Email != "grace@acme.test" || boss.Source != attest.SourceManual || boss.EmploymentType != attest.EmploymentEmployee {
			t.Fatalf("add: %+v, %v", boss, err)
		}
		// Erin signs in already: her record shows her account and role.
		erin, err := w.svc.Add(ctx, w.admin, attest.Person{Name: "Erin", Email: "erin@acme.test", StartDate: "2025-03-01", ManagerID: boss.ID, Department: "Engineering"})
		if err != nil || erin.ManagerName != "Grace Hopper" || erin.UserID != w.employee.UserID || erin.Role != attest.RoleEmployee {
			t.Fatalf("add erin: %+v, %v", erin, err)
		}
		for field, in := range map[string]attest.Person{
			"name":            {Email: "x@acme.test", StartDate: "2025-01-01"},
			"email":           {Name: "X", Email: "not an email", StartDate: "2025-01-01"},
			"start_date":      {Name: "X", Email: "x@acme.test", StartDate: "1901-01-01"},
			"end_date":        {Name: "X", Email: "x@acme.test", StartDate: "2025-01-01", EndDate: "2024-12-31"},
			"employment_type": {Name: "X", Email: "x@acme.test", StartDate: "2025-01-01", EmploymentType: "volunteer"},
			"manager":         {Name: "X", Email: "x@acme.test", StartDate: "2025-01-01", ManagerID: storetest.MustPerson(t, db, w.other, "Other", "o@other.test").ID},
		} {
			if _, err := w.svc.Add(ctx, w.admin, in); attest.ErrorField(err) != field {
				t.Errorf("%s: %v", field, err)
			}
		}
		if _, err := w.svc.Add(ctx, w.admin, attest.Person{Name: "Again", Email: "GRACE@acme.test", StartDate: "2025-01-01"}); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Errorf("a second person with the same email: %v", err)
		}
		for _, p := range []attest.Principal{w.employee, w.auditor} {
			if _, err := w.svc.Add(ctx, p, attest.Person{Name: "Y", Email: "y@acme.test", StartDate: "2025-01-01"}); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Errorf("%s adds a person: %v", p.Role, err)
			}
		}
		if _, err := w.svc.List(ctx, w.employee, store.PeopleFilter{}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee lists the roster: %v", err)
		}
		if list, err := w.svc.List(ctx, w.auditor, store.PeopleFilter{Q: "engin"}); err != nil || len(list) != 1 || list[0].Name != "Erin" {
			t.Errorf("search by department: %+v, %v", list, err)
		}

		end, noManager := "2026-11-30", int64(0)
		got, err := w.svc.Change(ctx, w.admin, erin.ID, people.Change{EndDate: &end, ManagerID: &noManager})
		if err != nil || got.EndDate != "2026-11-30" || got.ManagerID != 0 || got.State("2026-12-01") != attest.PersonLeft {
			t.Fatalf("update: %+v, %v", got, err)
		}
		if _, err := w.svc.Change(ctx, w.admin, got.ID, people.Change{ManagerID: &got.ID}); attest.ErrorField(err) != "manager" {
			t.Errorf("own manager: %v", err)
		}
		acts, err := db.Activity(ctx, w.org.ID, attest.ActivityFilter{})
		if err != nil || len(acts) == 0 || !strings.Contains(acts[0].Summary, `end date "" → "2026-11-30"`) {
			t.Errorf("activity: %+v, %v", acts, err)
		}
	})
}

const goodCSV = `Name,Email,Start Date,Department,Manager,Employment Type,End Date,Title
Ada Lovelace,ada@acme.test,2025-01-06,Engineering,grace@acme.test,employee,,Engineer
Grace Hopper,grace@acme.test,2024-02-01,Engineering,,employee,,CTO
"Lin, Mei",mei@acme.test,2026-12-15,Sales,ada@acme.test,contractor,,Account executive
`

func TestImportPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		rep, err := w.svc.Import(ctx, w.admin, strings.NewReader(goodCSV))
		if err != nil || rep.Rows != 3 || rep.Created != 3 || rep.Updated != 0 || len(rep.Rejected) != 0 {
			t.Fatalf("import: %+v, %v", rep, err)
		}
		ada, err := db.PersonByEmail(ctx, w.org.ID, "ada@acme.test")
		if err != nil || ada.ManagerName != "Grace Hopper" || ada.Source != attest.SourceCSV || ada.Title != "Engineer" {
			t.Fatalf("ada: %+v, %v", ada, err) // her manager is a later row
		}
		mei, _ := db.PersonByEmail(ctx, w.org.ID, "mei@acme.test")
		if mei.Name != "Lin, Mei" || mei.EmploymentType != attest.EmploymentContractor || mei.State("2026-12-01") != attest.PersonJoining {
			t.Errorf("mei: %+v", mei)
		}

		// The same file again changes nothing; a file of fewer columns
		// updates what it names and keeps the rest.
		if rep, err := w.svc.Import(ctx, w.admin, strings.NewReader(goodCSV)); err != nil || rep.Unchanged != 3 || rep.Created+rep.Updated != 0 {
			t.Errorf("re-import: %+v, %v", rep, err)
		}
		rep, err = w.svc.Import(ctx, w.admin, strings.NewReader("name,email,start_date,end_date\nAda Lovelace,ADA@acme.test,2025-01-06,2026-11-28\n"))
		if err != nil || rep.Updated != 1 {
			t.Fatalf("leaver: %+v, %v", rep, err)
		}
		if ada, _ = db.PersonByEmail(ctx, w.org.ID, "ada@acme.test"); ada.EndDate != "2026-11-28" || ada.Title != "Engineer" || ada.ManagerName != "Grace Hopper" {
			t.Errorf("ada after a partial file: %+v", ada)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		storetest.MustPerson(t, db, w.org, "Grace Hopper", "grace@acme.test")
		bad := `name,email,start_date,manager
Ada Lovelace,ada@acme.test,2025-01-06,grace@acme.test
Bob,bob@acme.test,2025-13-01,
Carol,carol@acme.test,2025-02-01,nobody@acme.test
Ada Again,ada@acme.test,2025-01-06,
Dan,dan@acme.test,2025-02-01,dan@acme.test
,eve@acme.test,2025-02-01,
`
		rep, err := w.svc.Import(ctx, w.admin, strings.NewReader(bad))
		if !errors.Is(err, people.ErrRejected) || attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "nothing was imported") {
			t.Fatalf("import of a bad file: %v", err)
		}
		want := []people.RejectedRow{
			{Line: 3, Email: "bob@acme.test", Field: "start_date"},
			{Line: 4, Email: "carol@acme.test", Field: "manager"},
			{Line: 5, Email: "ada@acme.test", Field: "email"},
			{Line: 6, Email: "dan@acme.test", Field: "manager"},
			{Line: 7, Email: "eve@acme.test", Field: "name"},
		}
		if len(rep.Rejected) != len(want) {
			t.Fatalf("rejected: %+v", rep.Rejected)
		}
		for i, r := range rep.Rejected {
			if r.Line != want[i].Line || r.Email != want[i].Email || r.Field != want[i].Field || r.Reason == "" {
				t.Errorf("rejected[%d] = %+v, want line %d %s %s", i, r, want[i].Line, want[i].Email, want[i].Field)
			}
		}
		if n := w.count(t); n != 1 {
			t.Errorf("%d people after a refused import; only the one before it should be there", n)
		}

		for name, tc := range map[string]struct{ file, want string }{
			"empty":            {"", "is empty"},
			"header only":      {"name,email,start_date\n", "no people"},
			"unknown column":   {"name,email,start_date,salary\nA,a@acme.test,2025-01-01,1\n", `unknown column "salary"`},
			"missing column":   {"name,email\nA,a@acme.test\n", `"start_date" is required`},
			"repeated column":  {"name,email,start_date,Email\n", "appears twice"},
			"ragged row":       {"name,email,start_date\nA,a@acme.test\n", "line 2"},
			"bad quoting":      {"name,email,start_date\n\"A,a@acme.test,2025-01-01\nB\"x,b@acme.test,2025-01-01\n", "line"},
			"not for everyone": {"", ""},
		} {
			if name == "not for everyone" {
				if _, err := w.svc.Import(ctx, w.auditor, strings.NewReader(goodCSV)); attest.ErrorCode(err) != attest.EFORBIDDEN {
					t.Errorf("an auditor imports: %v", err)
				}
				continue
			}
			_, err := w.svc.Import(ctx, w.admin, strings.NewReader(tc.file))
			if attest.ErrorField(err) != "file" || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want an error on file saying %q", name, err, tc.want)
			}
		}
		if n := w.count(t); n != 1 {
			t.Errorf("%d people after refused files", n)
		}
	})
}

func TestImportBounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		var b strings.Builder
		b.WriteString("name,email,start_date\n")
		for range people.MaxImportRows + 1 {
			b.WriteString("S,s@acme.test,2025-01-01\n")
		}
		if _, err := w.svc.Import(t.Context(), w.admin, strings.NewReader(b.String())); attest.ErrorField(err) != "file" ||
			!strings.Contains(err.Error(), "more than 20000 rows") {
			t.Errorf("too many rows: %v", err)
		}
		huge := "name,email,start_date\n\"" + strings.Repeat("x", people.MaxImportSize) + "\",a@acme.test,2025-01-01\n"
		if _, err := w.svc.Import(t.Context(), w.admin, strings.NewReader(huge)); attest.ErrorField(err) != "file" ||
			!strings.Contains(err.Error(), "larger than") {
			t.Errorf("an oversized file: %v", err)
		}
		if n := w.count(t); n != 0 {
			t.Errorf("%d people after refused files", n)
		}
	})
}
