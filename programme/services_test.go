package programme_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// fixture is two organizations: A with one member of each role, B with a
// manager, and the services over one database.
type fixture struct {
	t                          *testing.T
	db                         *store.DB
	cat                        *catalog.Catalog
	a, b                       attest.Organization
	admin, mgr, emp, emp2, aud attest.Principal
	bMgr                       attest.Principal
	controls                   programme.Controls
	scope                      programme.Scope
	tasks                      programme.Tasks
	frameworks                 programme.Frameworks
}

var testCatalog *catalog.Catalog

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	if testCatalog == nil {
		cat, err := catalog.Load()
		if err != nil {
			t.Fatal(err)
		}
		testCatalog = cat
	}
	ctx := context.Background()
	f := &fixture{t: t, db: db, cat: testCatalog}
	org := func(slug string) attest.Organization {
		o := attest.Organization{Slug: slug, Name: "Org " + slug}
		if err := db.CreateOrg(ctx, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.a, f.b = org("alpha"), org("beta")
	member := func(o attest.Organization, email string, r attest.Role) attest.Principal {
		u := attest.User{Email: email, Name: strings.Split(email, "@")[0], PasswordHash: "x"}
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, o.ID, u.ID, r); err != nil {
			t.Fatal(err)
		}
		return attest.Principal{UserID: u.ID, Label: email, OrgID: o.ID, Role: r, IP: "192.0.2.7", Via: attest.ViaUI}
	}
	f.admin = member(f.a, "admin@a.test", attest.RoleAdmin)
	f.mgr = member(f.a, "manager@a.test", attest.RoleManager)
	f.emp = member(f.a, "employee@a.test", attest.RoleEmployee)
	f.emp2 = member(f.a, "employee2@a.test", attest.RoleEmployee)
	f.aud = member(f.a, "auditor@a.test", attest.RoleAuditor)
	f.bMgr = member(f.b, "manager@b.test", attest.RoleManager)
	f.controls = programme.Controls{DB: db, Catalog: f.cat}
	f.scope = programme.Scope{DB: db, Catalog: f.cat}
	f.tasks = programme.Tasks{DB: db, Catalog: f.cat}
	f.frameworks = programme.Frameworks{DB: db, Catalog: f.cat}
	return f
}

// last returns the organization's newest activity entry.
func (f *fixture) last(orgID int64) attest.Activity {
	f.t.Helper()
	acts, err := f.db.Activity(context.Background(), orgID, attest.ActivityFilter{Limit: 1})
	if err != nil || len(acts) == 0 {
		f.t.Fatalf("no activity: %v", err)
	}
	return acts[0]
}

func (f *fixture) count(orgID int64) int {
	f.t.Helper()
	acts, err := f.db.Activity(context.Background(), orgID, attest.ActivityFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(acts)
}

// logged checks the newest entry: action, record, summary and who acted.
func (f *fixture) logged(p attest.Principal, action, recordType, recordID, summary string) {
	f.t.Helper()
	a := f.last(p.OrgID)
	if a.Action != action || a.RecordType != recordType || a.RecordID != recordID || a.Summary != summary ||
		a.ActorID != p.UserID || a.ActorLabel != p.Label || a.Via != p.Via || a.IP != p.IP {
		f.t.Fatalf("activity: %+v\nwant %s %s/%s %q by %s", a, action, recordType, recordID, summary, p.Label)
	}
}

func code(t *testing.T, err error, want, what string) {
	t.Helper()
	if attest.ErrorCode(err) != want {
		t.Fatalf("%s: %v (code %q), want %s", what, err, attest.ErrorCode(err), want)
	}
}

func str(s string) *string { return &s }
func id(i int64) *int64    { return &i }

func custom(ref string) attest.Control {
	return attest.Control{Ref: ref, Name: "Control " + ref, Type: "preventive", Frequency: "quarterly", Status: attest.StatusNotStarted}
}

func TestControlsService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.controls

		for _, p := range []attest.Principal{f.emp, f.aud} {
			if _, err := s.Adopt(ctx, p); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("%s adopted: %v", p.Role, err)
			}
			if _, err := s.Create(ctx, p, custom("CUS-1"), nil); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("%s created: %v", p.Role, err)
			}
		}
		if n := f.count(f.a.ID); n != 0 {
			t.Fatalf("refused changes left %d entries", n)
		}

		added, err := s.Adopt(ctx, f.mgr)
		if err != nil || len(added) != len(f.cat.Controls) {
			t.Fatalf("adopt: %d, %v", len(added), err)
		}
		f.logged(f.mgr, "controls.adopted", "control", "library", "Adopted "+strconv.Itoa(len(added))+" controls from the Attest control library")
		before := f.count(f.a.ID)
		if again, err := s.Adopt(ctx, f.mgr); err != nil || len(again) != 0 || f.count(f.a.ID) != before {
			t.Fatalf("adopting twice: %d added, %v, %d entries", len(again), err, f.count(f.a.ID)-before)
		}
		lib := added[0]

		// Custom controls: library IDs, unknown criteria, an auditor owner and a
		// taken ref are refused with the field at fault.
		if _, err := s.Create(ctx, f.mgr, custom(lib.Ref), nil); attest.ErrorField(err) != "ref" || !strings.Contains(err.Error(), "is an ID of the control library; choose another, such as CUS-1") {
			t.Fatalf("library ref: %v", err)
		}
		if _, err := s.Create(ctx, f.mgr, custom("CUS-1"), []string{"CC6.1", "CC99.9"}); attest.ErrorField(err) != "criteria" || !strings.Contains(err.Error(), `"CC99.9" is not a SOC 2 criterion`) {
			t.Fatalf("bad criterion: %v", err)
		}
		owned := custom("CUS-1")
		owned.OwnerID = f.aud.UserID
		if _, err := s.Create(ctx, f.mgr, owned, nil); attest.ErrorField(err) != "owner" || !strings.Contains(err.Error(), "auditor") {
			t.Fatalf("auditor as owner: %v", err)
		}
		owned.OwnerID = f.bMgr.UserID
		if _, err := s.Create(ctx, f.mgr, owned, nil); attest.ErrorField(err) != "owner" || !strings.Contains(err.Error(), "must be a member of this organization") {
			t.Fatalf("another organization's member as owner: %v", err)
		}
		owned.OwnerID = f.emp.UserID
		owned.OrgID = f.b.ID // ignored: the principal's organization counts
		c, err := s.Create(ctx, f.mgr, owned, []string{"CC6.1"})
		if err != nil || c.ID == 0 || c.OrgID != f.a.ID || c.Family != "Custom" || c.OwnerName != "employee" ||
			len(c.Mappings) != 1 || c.Mappings[0].Requirement != "CC6.1" || c.Mappings[0].Source != attest.SourceOrganization {
			t.Fatalf("create: %+v, %v", c, err)
		}
		f.logged(f.mgr, "control.created", "control", "CUS-1", "Created custom control CUS-1 Control CUS-1")
		if _, err := s.Create(ctx, f.mgr, custom("CUS-1"), nil); attest.ErrorCode(err) != attest.ECONFLICT || attest.ErrorField(err) != "ref" {
			t.Fatalf("taken ref: %v", err)
		}

		// Update: fields left out keep their values (the API's PATCH); the
		// summary says what changed.
		_, err = s.Update(ctx, f.mgr, c.ID, programme.ControlChange{Status: str(attest.StatusNotApplicable)})
		if attest.ErrorField(err) != "justification" {
			t.Fatalf("not applicable without a justification: %v", err)
		}
		got, err := s.Update(ctx, f.mgr, c.ID, programme.ControlChange{Status: str(attest.StatusInProgress), OwnerID: id(f.mgr.UserID)})
		if err != nil || got.Status != attest.StatusInProgress || got.OwnerID != f.mgr.UserID || got.Name != c.Name || len(got.Mappings) != 1 {
			t.Fatalf("partial update: %+v, %v", got, err)
		}
		f.logged(f.mgr, "control.updated", "control", "CUS-1", "Updated CUS-1: status Not started → In progress, owner changed")
		got, err = s.Update(ctx, f.admin, c.ID, programme.ControlChange{Name: str("Renamed"), Description: str("  why  "), Evidence: &[]string{" a ", "", "b"}})
		if err != nil || got.Name != "Renamed" || got.Description != "why" || strings.Join(got.Evidence, "|") != "a|b" || got.Status != attest.StatusInProgress {
			t.Fatalf("form update: %+v, %v", got, err)
		}
		f.logged(f.admin, "control.updated", "control", "CUS-1", "Updated CUS-1: name edited, description edited, expected evidence edited")
		if _, err := s.Update(ctx, f.mgr, c.ID, programme.ControlChange{}); err != nil {
			t.Fatal(err)
		}
		f.logged(f.mgr, "control.updated", "control", "CUS-1", "Saved CUS-1 without changes")
		if _, err := s.Update(ctx, f.mgr, c.ID, programme.ControlChange{OwnerID: id(f.aud.UserID)}); attest.ErrorField(err) != "owner" {
			t.Fatalf("auditor made owner by update: %v", err)
		}
		if _, err := s.Update(ctx, f.emp, c.ID, programme.ControlChange{Status: str(attest.StatusImplemented)}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("employee updated: %v", err)
		}
		if _, err := s.Update(ctx, f.bMgr, c.ID, programme.ControlChange{Status: str(attest.StatusImplemented)}); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("another organization's manager updated: %v", err)
		}

		// Mappings: SOC 2 by default, checked against the framework.
		if _, err := s.Map(ctx, f.mgr, c.ID, "", "CC99.9", ""); attest.ErrorField(err) != "requirement" || !strings.Contains(err.Error(), `"CC99.9" is not a requirement of SOC 2`) {
			t.Fatalf("unknown requirement: %v", err)
		}
		if _, err := s.Map(ctx, f.mgr, c.ID, "nist", "AC-1", ""); attest.ErrorField(err) != "framework" {
			t.Fatalf("unknown framework: %v", err)
		}
		got, err = s.Map(ctx, f.mgr, c.ID, "", " CC7.2 ", "")
		if err != nil || len(got.Mappings) != 2 {
			t.Fatalf("map: %+v, %v", got.Mappings, err)
		}
		f.logged(f.mgr, "control.mapped", "control", "CUS-1", "Mapped CUS-1 to soc2 CC7.2 (equivalent)")
		got, err = s.Unmap(ctx, f.mgr, c.ID, "soc2", "CC7.2")
		if err != nil || len(got.Mappings) != 1 {
			t.Fatalf("unmap: %+v, %v", got.Mappings, err)
		}
		f.logged(f.mgr, "control.unmapped", "control", "CUS-1", "Unmapped CUS-1 from soc2 CC7.2")
		_, err = s.Unmap(ctx, f.mgr, c.ID, "soc2", "CC7.2")
		code(t, err, attest.ENOTFOUND, "unmapping twice")
		_, err = s.Map(ctx, f.aud, c.ID, "", "CC7.2", "")
		code(t, err, attest.EFORBIDDEN, "auditor mapping")

		// Retire and restore.
		got, err = s.Retire(ctx, f.mgr, c.ID)
		if err != nil || !got.Retired() {
			t.Fatalf("retire: %+v, %v", got, err)
		}
		f.logged(f.mgr, "control.retired", "control", "CUS-1", "Retired CUS-1 Renamed")
		got, err = s.Restore(ctx, f.mgr, c.ID)
		if err != nil || got.Retired() {
			t.Fatalf("restore: %+v, %v", got, err)
		}
		f.logged(f.mgr, "control.restored", "control", "CUS-1", "Restored CUS-1 Renamed")
		_, err = s.Retire(ctx, f.bMgr, c.ID)
		code(t, err, attest.ENOTFOUND, "retiring another organization's control")
		_, err = s.Retire(ctx, f.emp, c.ID)
		code(t, err, attest.EFORBIDDEN, "employee retiring")
	})
}

func TestScopeService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.scope

		_, err := s.Save(ctx, f.aud, attest.Scope{SystemName: "x"})
		code(t, err, attest.EFORBIDDEN, "auditor saving scope")
		_, err = s.Save(ctx, f.mgr, attest.Scope{Categories: []string{"availability", "bogus"}})
		if attest.ErrorField(err) != "categories" || !strings.Contains(err.Error(), `"bogus" is not a category`) {
			t.Fatalf("unknown category: %v", err)
		}
		sc, err := s.Save(ctx, f.mgr, attest.Scope{Categories: []string{"security", "availability", "availability", "privacy"}, SystemName: "  Shop  ", OrgID: f.b.ID})
		if err != nil || strings.Join(sc.Categories, ",") != "availability,privacy" || sc.SystemName != "Shop" || sc.OrgID != f.a.ID {
			t.Fatalf("save: %+v, %v", sc, err)
		}
		f.logged(f.mgr, "scope.updated", "scope", "alpha", "Categories in scope: security, availability, privacy")
		stored, _ := db.Scope(ctx, f.a.ID)
		if stored.SystemName != "Shop" || len(stored.Categories) != 2 {
			t.Fatalf("stored scope: %+v", stored)
		}
		if other, _ := db.Scope(ctx, f.b.ID); other.SystemName != "" {
			t.Fatalf("scope saved into another organization: %+v", other)
		}
		if _, err := s.Save(ctx, f.mgr, attest.Scope{Categories: []string{"privacy", "availability"}, SystemName: "Shop 2"}); err != nil {
			t.Fatal(err)
		}
		f.logged(f.mgr, "scope.updated", "scope", "alpha", "Categories in scope: security, privacy, availability")
		if _, err := s.Save(ctx, f.mgr, attest.Scope{Categories: []string{"privacy", "availability"}, SystemName: "Shop 3"}); err != nil {
			t.Fatal(err)
		}
		f.logged(f.mgr, "scope.updated", "scope", "alpha", "Updated the system description")

		_, err = s.AddSubservice(ctx, f.mgr, attest.SubserviceOrg{Name: "AWS", Service: "Hosting", Method: "both"})
		if attest.ErrorField(err) != "method" {
			t.Fatalf("bad method: %v", err)
		}
		sub, err := s.AddSubservice(ctx, f.mgr, attest.SubserviceOrg{Name: " AWS ", Service: "Hosting", Method: "carve-out", Controls: " physical "})
		if err != nil || sub.ID == 0 || sub.OrgID != f.a.ID || sub.Name != "AWS" || sub.Controls != "physical" {
			t.Fatalf("add subservice: %+v, %v", sub, err)
		}
		f.logged(f.mgr, "scope.subservice_added", "subservice", strconv.FormatInt(sub.ID, 10), "Added subservice organization AWS (Hosting, carve-out)")
		_, err = s.DeleteSubservice(ctx, f.bMgr, sub.ID)
		code(t, err, attest.ENOTFOUND, "deleting another organization's subservice")
		_, err = s.DeleteSubservice(ctx, f.emp, sub.ID)
		code(t, err, attest.EFORBIDDEN, "employee deleting a subservice")
		if _, err := s.DeleteSubservice(ctx, f.admin, sub.ID); err != nil {
			t.Fatal(err)
		}
		f.logged(f.admin, "scope.subservice_removed", "subservice", strconv.FormatInt(sub.ID, 10), "Removed subservice organization AWS")
		if subs, _ := db.Subservices(ctx, f.a.ID); len(subs) != 0 {
			t.Fatalf("subservice left: %+v", subs)
		}

		_, err = s.AddCUEC(ctx, f.mgr, attest.CUEC{Description: "Review users", Criteria: []string{"CC6.2", "CC9.9"}})
		if attest.ErrorField(err) != "criteria" || !strings.Contains(err.Error(), `"CC9.9" is not a SOC 2 criterion`) {
			t.Fatalf("bad criterion: %v", err)
		}
		_, err = s.AddCUEC(ctx, f.mgr, attest.CUEC{Description: "  "})
		if attest.ErrorField(err) != "description" {
			t.Fatalf("empty description: %v", err)
		}
		cu, err := s.AddCUEC(ctx, f.mgr, attest.CUEC{Description: "Review users", Criteria: []string{"CC6.2"}})
		if err != nil || cu.ID == 0 || cu.OrgID != f.a.ID {
			t.Fatalf("add CUEC: %+v, %v", cu, err)
		}
		f.logged(f.mgr, "scope.cuec_added", "cuec", strconv.FormatInt(cu.ID, 10), "Added a complementary user entity control: Review users")
		_, err = s.DeleteCUEC(ctx, f.bMgr, cu.ID)
		code(t, err, attest.ENOTFOUND, "deleting another organization's CUEC")
		_, err = s.AddCUEC(ctx, f.aud, attest.CUEC{Description: "x"})
		code(t, err, attest.EFORBIDDEN, "auditor adding a CUEC")
		if _, err := s.DeleteCUEC(ctx, f.mgr, cu.ID); err != nil {
			t.Fatal(err)
		}
		f.logged(f.mgr, "scope.cuec_removed", "cuec", strconv.FormatInt(cu.ID, 10), "Removed a complementary user entity control: Review users")
	})
}

func TestTasksService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.tasks
		ctl, err := f.controls.Create(ctx, f.mgr, custom("CUS-1"), nil)
		if err != nil {
			t.Fatal(err)
		}

		_, err = s.Create(ctx, f.emp, attest.Task{Title: "x"})
		code(t, err, attest.EFORBIDDEN, "employee creating a task")
		_, err = s.Create(ctx, f.aud, attest.Task{Title: "x"})
		code(t, err, attest.EFORBIDDEN, "auditor creating a task")
		if _, err := s.Create(ctx, f.mgr, attest.Task{Title: "x", Requirement: "CC9.9"}); attest.ErrorField(err) != "requirement" || !strings.Contains(err.Error(), `"CC9.9" is not a SOC 2 criterion`) {
			t.Fatalf("unknown criterion: %v", err)
		}
		if _, err := s.Create(ctx, f.mgr, attest.Task{Title: "x", OwnerID: f.aud.UserID}); attest.ErrorField(err) != "owner" || !strings.Contains(err.Error(), "auditor") {
			t.Fatalf("auditor as task owner: %v", err)
		}
		if _, err := s.Create(ctx, f.mgr, attest.Task{Title: "x", OwnerID: f.bMgr.UserID}); attest.ErrorField(err) != "owner" {
			t.Fatalf("outsider as task owner: %v", err)
		}
		if _, err := s.Create(ctx, f.mgr, attest.Task{Title: ""}); attest.ErrorField(err) != "title" {
			t.Fatalf("no title: %v", err)
		}
		mine, err := s.Create(ctx, f.mgr, attest.Task{Title: "Rotate keys", OwnerID: f.emp.UserID, DueOn: "2026-05-01", Requirement: "CC6.1", ControlID: ctl.ID, OrgID: f.b.ID})
		if err != nil || mine.ID == 0 || mine.OrgID != f.a.ID || mine.CreatedBy != f.mgr.UserID || mine.OwnerName != "employee" || mine.ControlRef != "CUS-1" || mine.Status != attest.TaskOpen {
			t.Fatalf("create: %+v, %v", mine, err)
		}
		f.logged(f.mgr, "task.created", "task", strconv.FormatInt(mine.ID, 10), "Created task “Rotate keys” for employee, due 2026-05-01 (criterion CC6.1)")
		theirs, err := s.Create(ctx, f.admin, attest.Task{Title: "Theirs", OwnerID: f.emp2.UserID})
		if err != nil {
			t.Fatal(err)
		}
		unowned, err := s.Create(ctx, f.admin, attest.Task{Title: "Unowned"})
		if err != nil {
			t.Fatal(err)
		}
		bTask, err := s.Create(ctx, f.bMgr, attest.Task{Title: "Org B's task", OwnerID: f.bMgr.UserID})
		if err != nil || bTask.OrgID != f.b.ID {
			t.Fatalf("org B task: %+v, %v", bTask, err)
		}

		// Visibility: one filter for lists and single reads.
		ids := func(p attest.Principal, filter store.TaskFilter) []int64 {
			t.Helper()
			list, err := s.List(ctx, p, filter)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, tk := range list {
				out = append(out, tk.ID)
			}
			return out
		}
		if got := ids(f.emp, store.TaskFilter{}); len(got) != 1 || got[0] != mine.ID {
			t.Fatalf("employee's list: %v", got)
		}
		// An employee asking for someone else's tasks still sees only their own.
		if got := ids(f.emp, store.TaskFilter{OwnerID: f.emp2.UserID}); len(got) != 0 {
			t.Fatalf("employee listed someone else's tasks: %v", got)
		}
		for _, p := range []attest.Principal{f.mgr, f.aud, f.admin} {
			if got := ids(p, store.TaskFilter{}); len(got) != 3 {
				t.Fatalf("%s sees %d tasks, want 3 (none of org B)", p.Role, len(got))
			}
		}
		if got := ids(f.bMgr, store.TaskFilter{}); len(got) != 1 || got[0] != bTask.ID {
			t.Fatalf("org B's list: %v", got)
		}
		if got := ids(attest.Principal{UserID: f.emp.UserID, OrgID: f.a.ID}, store.TaskFilter{}); len(got) != 0 {
			t.Fatalf("a principal without a role lists %v", got)
		}
		if got := ids(f.mgr, store.TaskFilter{OverdueOn: "2026-05-02"}); len(got) != 1 || got[0] != mine.ID {
			t.Fatalf("overdue on 2026-05-02: %v", got)
		}
		if got := ids(f.mgr, store.TaskFilter{OverdueOn: "2026-05-01"}); len(got) != 0 {
			t.Fatalf("a task due today is overdue: %v", got)
		}
		if got, err := s.Get(ctx, f.emp, mine.ID); err != nil || got.ID != mine.ID {
			t.Fatalf("employee's own task: %+v, %v", got, err)
		}
		for _, tc := range []struct {
			p  attest.Principal
			id int64
		}{{f.emp, theirs.ID}, {f.emp, unowned.ID}, {f.bMgr, mine.ID}, {f.mgr, bTask.ID}, {f.mgr, 99999}} {
			_, err := s.Get(ctx, tc.p, tc.id)
			code(t, err, attest.ENOTFOUND, tc.p.Label+" reading task "+strconv.FormatInt(tc.id, 10))
		}
		if got, err := s.Get(ctx, f.aud, theirs.ID); err != nil || got.ID != theirs.ID {
			t.Fatalf("auditor reading a task: %v", err)
		}

		// Progress: the owner or an editor; someone else's is invisible to an
		// employee, and an auditor sees but may not progress.
		got, err := s.Progress(ctx, f.emp, mine.ID, attest.TaskInProgress)
		if err != nil || got.Status != attest.TaskInProgress {
			t.Fatalf("owner progressing: %+v, %v", got, err)
		}
		f.logged(f.emp, "task.status_changed", "task", strconv.FormatInt(mine.ID, 10), "“Rotate keys”: open → in_progress")
		_, err = s.Progress(ctx, f.emp, theirs.ID, attest.TaskDone)
		code(t, err, attest.ENOTFOUND, "employee progressing someone else's task")
		_, err = s.Progress(ctx, f.emp2, mine.ID, attest.TaskDone)
		code(t, err, attest.ENOTFOUND, "another employee progressing the task")
		_, err = s.Progress(ctx, f.aud, mine.ID, attest.TaskDone)
		code(t, err, attest.EFORBIDDEN, "auditor progressing")
		_, err = s.Progress(ctx, f.bMgr, mine.ID, attest.TaskDone)
		code(t, err, attest.ENOTFOUND, "another organization's manager progressing")
		if stored, _ := db.Task(ctx, f.a.ID, mine.ID); stored.Status != attest.TaskInProgress {
			t.Fatalf("refused progress changed the task: %+v", stored)
		}
		if _, err := s.Progress(ctx, f.emp, mine.ID, "finished"); attest.ErrorField(err) != "status" {
			t.Fatalf("unknown status: %v", err)
		}
		got, err = s.Progress(ctx, f.mgr, theirs.ID, attest.TaskDone)
		if err != nil || got.CompletedAt.IsZero() {
			t.Fatalf("manager closing: %+v, %v", got, err)
		}

		// Update: every field, by editors only.
		_, err = s.Update(ctx, f.emp, attest.Task{ID: mine.ID, Title: "Mine now"})
		code(t, err, attest.EFORBIDDEN, "employee updating")
		_, err = s.Update(ctx, f.bMgr, attest.Task{ID: mine.ID, Title: "Hijack"})
		code(t, err, attest.ENOTFOUND, "another organization's manager updating")
		if _, err := s.Update(ctx, f.mgr, attest.Task{ID: mine.ID, Title: "x", OwnerID: f.aud.UserID}); attest.ErrorField(err) != "owner" {
			t.Fatalf("auditor made task owner: %v", err)
		}
		got, err = s.Update(ctx, f.mgr, attest.Task{ID: mine.ID, Title: "Rotate all keys", OwnerID: f.emp2.UserID, Priority: "high", Status: attest.TaskDone, Requirement: "CC6.1"})
		if err != nil || got.Title != "Rotate all keys" || got.OwnerID != f.emp2.UserID || got.Priority != "high" || got.DueOn != "" || got.ControlID != 0 || got.CompletedAt.IsZero() {
			t.Fatalf("update: %+v, %v", got, err)
		}
		f.logged(f.mgr, "task.updated", "task", strconv.FormatInt(mine.ID, 10), "Updated task “Rotate all keys” for employee2 (criterion CC6.1); status in_progress → done")
		// Reassigned: the employee no longer sees it.
		_, err = s.Get(ctx, f.emp, mine.ID)
		code(t, err, attest.ENOTFOUND, "the former owner reading the task")
	})
}

func TestFrameworksService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		s := f.frameworks
		lib := []byte(`urn: urn:test:risk:library:tiny
locale: en
ref_id: tiny
name: Tiny library
version: 2
objects:
  framework:
    urn: urn:test:risk:framework:tiny
    ref_id: tiny
    name: Tiny framework
    requirement_nodes:
      - urn: urn:test:risk:req_node:tiny:a
        assessable: true
        depth: 1
        ref_id: A.1
        name: First requirement
`)
		_, err := s.Import(ctx, f.emp, "tiny.yaml", lib)
		code(t, err, attest.EFORBIDDEN, "employee importing")
		meta, err := s.Import(ctx, f.mgr, "/tmp/tiny.yaml", lib)
		if err != nil || meta.Key != "tiny" || meta.OrgID != f.a.ID || meta.Count != 1 || meta.Filename != "tiny.yaml" || meta.ImportedBy != f.mgr.UserID {
			t.Fatalf("import: %+v, %v", meta, err)
		}
		a := f.last(f.a.ID)
		if a.Action != "framework.imported" || a.RecordID != "tiny" || a.ActorID != f.mgr.UserID || !strings.HasPrefix(a.Summary, "Imported Tiny framework 2 from tiny.yaml (ciso-assistant, 1 requirements, sha256 ") {
			t.Fatalf("import activity: %+v", a)
		}
		_, err = s.Import(ctx, f.mgr, "tiny.yaml", lib)
		code(t, err, attest.ECONFLICT, "importing twice")

		// A control maps to the imported framework; deleting it removes the mapping.
		ctl, err := f.controls.Create(ctx, f.mgr, custom("CUS-1"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.controls.Map(ctx, f.mgr, ctl.ID, "tiny", "A.9", ""); attest.ErrorField(err) != "requirement" {
			t.Fatalf("unknown imported requirement: %v", err)
		}
		if got, err := f.controls.Map(ctx, f.mgr, ctl.ID, "tiny", "A.1", ""); err != nil || len(got.Mappings) != 1 {
			t.Fatalf("map to imported: %+v, %v", got.Mappings, err)
		}
		// Org B cannot map to or delete org A's framework.
		bc, _ := f.controls.Create(ctx, f.bMgr, custom("CUS-1"), nil)
		if _, err := f.controls.Map(ctx, f.bMgr, bc.ID, "tiny", "A.1", ""); attest.ErrorField(err) != "framework" {
			t.Fatalf("org B mapping to org A's framework: %v", err)
		}
		_, err = s.Delete(ctx, f.bMgr, "tiny")
		code(t, err, attest.ENOTFOUND, "org B deleting org A's framework")
		_, err = s.Delete(ctx, f.aud, "tiny")
		code(t, err, attest.EFORBIDDEN, "auditor deleting")
		if _, err := s.Delete(ctx, f.mgr, "tiny"); err != nil {
			t.Fatal(err)
		}
		f.logged(f.mgr, "framework.deleted", "framework", "tiny", "Deleted the imported framework Tiny framework and its mappings")
		if got, _ := db.Control(ctx, f.a.ID, ctl.ID); len(got.Mappings) != 0 {
			t.Fatalf("mappings kept: %+v", got.Mappings)
		}
	})
}

// Demo seeding joins its own transaction: a failing change rolls back every
// change made through InTx before it.
func TestInTxJoinsTheCallersTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		err := db.Update(ctx, func(tx *store.Queries) error {
			s := programme.Scope{DB: programme.InTx(tx), Catalog: f.cat}
			if _, err := s.AddSubservice(ctx, f.mgr, attest.SubserviceOrg{Name: "AWS", Service: "Hosting", Method: "carve-out"}); err != nil {
				return err
			}
			_, err := s.AddSubservice(ctx, f.mgr, attest.SubserviceOrg{Name: "Bad", Service: "x", Method: "neither"})
			return err
		})
		if attest.ErrorField(err) != "method" {
			t.Fatalf("second change: %v", err)
		}
		if subs, _ := db.Subservices(ctx, f.a.ID); len(subs) != 0 || f.count(f.a.ID) != 0 {
			t.Fatalf("the first change outlived the rollback: %+v", subs)
		}
	})
}
