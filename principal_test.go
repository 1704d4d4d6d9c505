package attest

import (
	"fmt"
	"testing"
	"time"
)

func TestPrincipalCan(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Principal
		a    Action
		want bool
	}{
		{"manager edits", Principal{OrgID: 1, Role: RoleManager}, ActEdit, true},
		{"employee does not edit", Principal{OrgID: 1, Role: RoleEmployee}, ActEdit, false},
		{"auditor reads", Principal{OrgID: 1, Role: RoleAuditor}, ActRead, true},
		{"auditor does no work", Principal{OrgID: 1, Role: RoleAuditor}, ActWork, false},
		{"admin role without an organization can nothing", Principal{Role: RoleAdmin}, ActOwn, false},
		{"system principal administers its organization", SystemPrincipal(7, "cli:ops", ViaCLI), ActAdmin, true},
	} {
		if got := tc.p.Can(tc.a); got != tc.want {
			t.Errorf("%s: Can(%s) = %v, want %v", tc.name, tc.a, got, tc.want)
		}
	}
}

func TestPrincipalRecord(t *testing.T) {
	p := Principal{UserID: 3, Label: "m@x.io", OrgID: 9, Role: RoleManager, IP: "192.0.2.1", Via: ViaAPI}
	a := p.Record("task.created", "task", "12", "Created task")
	want := Activity{OrgID: 9, ActorID: 3, ActorLabel: "m@x.io", IP: "192.0.2.1", Via: ViaAPI,
		Action: "task.created", RecordType: "task", RecordID: "12", Summary: "Created task"}
	if a != want {
		t.Fatalf("Record: %+v, want %+v", a, want)
	}
	if s := SystemPrincipal(9, "cli:ops", ViaCLI).Actor(); s.UserID != 0 || s.Label != "cli:ops" || s.Via != ViaCLI {
		t.Fatalf("system actor: %+v", s)
	}
}

func TestPrincipalTaskVisibility(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Principal
		want Visibility
	}{
		{"admin sees all", Principal{UserID: 1, OrgID: 5, Role: RoleAdmin}, Visibility{OrgID: 5}},
		{"manager sees all", Principal{UserID: 1, OrgID: 5, Role: RoleManager}, Visibility{OrgID: 5}},
		{"auditor sees all", Principal{UserID: 1, OrgID: 5, Role: RoleAuditor}, Visibility{OrgID: 5}},
		{"employee sees own", Principal{UserID: 4, OrgID: 5, Role: RoleEmployee}, Visibility{OrgID: 5, OwnerID: 4}},
		{"employee without an account sees none", Principal{OrgID: 5, Role: RoleEmployee}, Visibility{OrgID: 5, None: true}},
		{"no role sees none", Principal{UserID: 4, OrgID: 5}, Visibility{OrgID: 5, None: true}},
		{"no organization sees none", Principal{UserID: 4, Role: RoleAdmin}, Visibility{None: true}},
	} {
		if got := tc.p.Visibility(RecordTask); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a kind without a rule did not panic")
		}
	}()
	Principal{OrgID: 1, Role: RoleAdmin}.Visibility(RecordKind("widget"))
}

func TestVisibilityAdmits(t *testing.T) {
	for _, tc := range []struct {
		name           string
		v              Visibility
		orgID, ownerID int64
		want           bool
	}{
		{"any owner in the organization", Visibility{OrgID: 1}, 1, 9, true},
		{"unowned in the organization", Visibility{OrgID: 1}, 1, 0, true},
		{"another organization", Visibility{OrgID: 1}, 2, 9, false},
		{"own record", Visibility{OrgID: 1, OwnerID: 9}, 1, 9, true},
		{"someone else's record", Visibility{OrgID: 1, OwnerID: 9}, 1, 8, false},
		{"unowned record for an owner filter", Visibility{OrgID: 1, OwnerID: 9}, 1, 0, false},
		{"own record in another organization", Visibility{OrgID: 1, OwnerID: 9}, 2, 9, false},
		{"none", Visibility{OrgID: 1, None: true}, 1, 9, false},
	} {
		if got := tc.v.Admits(tc.orgID, tc.ownerID); got != tc.want {
			t.Errorf("%s: Admits(%d, %d) = %v, want %v", tc.name, tc.orgID, tc.ownerID, got, tc.want)
		}
	}
}

func TestMayProgressTask(t *testing.T) {
	own, other, unowned := Task{OwnerID: 4}, Task{OwnerID: 5}, Task{}
	for _, tc := range []struct {
		name string
		p    Principal
		t    Task
		want bool
	}{
		{"manager, someone else's", Principal{UserID: 1, OrgID: 1, Role: RoleManager}, other, true},
		{"admin, unowned", Principal{UserID: 1, OrgID: 1, Role: RoleAdmin}, unowned, true},
		{"employee, own", Principal{UserID: 4, OrgID: 1, Role: RoleEmployee}, own, true},
		{"employee, someone else's", Principal{UserID: 4, OrgID: 1, Role: RoleEmployee}, other, false},
		{"employee, unowned", Principal{UserID: 4, OrgID: 1, Role: RoleEmployee}, unowned, false},
		{"employee without an account, unowned", Principal{OrgID: 1, Role: RoleEmployee}, unowned, false},
		{"auditor, own", Principal{UserID: 4, OrgID: 1, Role: RoleAuditor}, own, false},
		{"employee outside an organization, own", Principal{UserID: 4, Role: RoleEmployee}, own, false},
	} {
		if got := tc.p.MayProgressTask(tc.t); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMayOwn(t *testing.T) {
	for _, r := range []Role{RoleAdmin, RoleManager, RoleEmployee} {
		if err := MayOwn(r, "owner"); err != nil {
			t.Errorf("%s may not own: %v", r, err)
		}
	}
	err := MayOwn(RoleAuditor, "owner_id")
	if ErrorCode(err) != EINVALID || ErrorField(err) != "owner_id" {
		t.Fatalf("auditor as owner: %v", err)
	}
}

// Overdue turns at midnight UTC, whatever the clock's time zone: a task due on
// a day is overdue from the next day on, never on the day itself.
func TestOverdueAtDayBoundaries(t *testing.T) {
	due := Task{Status: TaskOpen, DueOn: "2026-06-01"}
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	auckland := time.FixedZone("NZST", 12*3600)
	for _, tc := range []struct {
		name string
		now  time.Time
		want bool
	}{
		{"the day before", utc("2026-05-31T23:59:59Z"), false},
		{"the due day's first instant", utc("2026-06-01T00:00:00Z"), false},
		{"the due day's last instant", utc("2026-06-01T23:59:59.999999999Z"), false},
		{"the next day's first instant", utc("2026-06-02T00:00:00Z"), true},
		// 2026-06-02 08:00 in Auckland is still 2026-06-01 in UTC.
		{"next day in a zone ahead of UTC", time.Date(2026, 6, 2, 8, 0, 0, 0, auckland), false},
		{"next day in UTC, seen from a zone behind", utc("2026-06-02T01:00:00Z").In(time.FixedZone("EDT", -4*3600)), true},
	} {
		if got := due.Overdue(tc.now); got != tc.want {
			t.Errorf("%s (%s, today %s): Overdue = %v, want %v", tc.name, tc.now, Today(tc.now), got, tc.want)
		}
		if got := due.OverdueOn(Today(tc.now)); got != tc.want {
			t.Errorf("%s: OverdueOn(%s) = %v, want %v", tc.name, Today(tc.now), got, tc.want)
		}
	}
	for _, st := range []string{TaskDone, TaskCancelled} {
		if (Task{Status: st, DueOn: "2026-01-01"}).OverdueOn("2026-06-01") {
			t.Errorf("a %s task is overdue", st)
		}
	}
	if (Task{Status: TaskInProgress}).OverdueOn("2026-06-01") {
		t.Error("a task without a due date is overdue")
	}
	if !(Task{Status: TaskInProgress, DueOn: "2026-05-31"}).OverdueOn("2026-06-01") {
		t.Error("an in-progress task past its date is not overdue")
	}
}

func TestEligibleOwnersAndEvidenceNeedsControl(t *testing.T) {
	ms := []Membership{{User: User{ID: 1}, Role: RoleAdmin}, {User: User{ID: 2}, Role: RoleAuditor},
		{User: User{ID: 3}, Role: RoleEmployee}, {User: User{ID: 4}, Role: RoleManager}}
	var ids []int64
	for _, m := range EligibleOwners(ms) {
		ids = append(ids, m.User.ID)
	}
	if fmt.Sprint(ids) != "[1 3 4]" {
		t.Errorf("EligibleOwners = %v, want every member but the auditor, in order", ids)
	}
	if err := EvidenceNeedsControl(nil); ErrorField(err) != "controls" {
		t.Errorf("evidence without a control: %v", err)
	}
	if err := EvidenceNeedsControl([]int64{7}); err != nil {
		t.Errorf("evidence with a control: %v", err)
	}
}

func TestControlOwnersSeeAndEvidenceTheirControls(t *testing.T) {
	emp := Principal{UserID: 5, OrgID: 1, Role: RoleEmployee}
	v := emp.Visibility(RecordControl)
	if !v.Admits(1, 5) || v.Admits(1, 6) || v.Admits(1, 0) || v.Admits(2, 5) {
		t.Errorf("employee control visibility: %+v", v)
	}
	if v := (Principal{UserID: 7, OrgID: 1, Role: RoleAuditor}).Visibility(RecordControl); !v.Admits(1, 5) || !v.Admits(1, 0) {
		t.Errorf("auditor control visibility: %+v", v)
	}
	if err := emp.MayAddEvidenceFor(5); err != nil {
		t.Errorf("employee evidence for their control: %v", err)
	}
	if err := emp.MayAddEvidenceFor(6); ErrorField(err) != "controls" {
		t.Errorf("employee evidence for another's control: %v", err)
	}
	if err := (Principal{UserID: 7, OrgID: 1, Role: RoleAuditor}).MayAddEvidenceFor(7); err == nil {
		t.Error("an auditor may add evidence")
	}
	if err := (Principal{UserID: 8, OrgID: 1, Role: RoleManager}).MayAddEvidenceFor(5); err != nil {
		t.Errorf("manager evidence: %v", err)
	}
}

func TestTaskDueDateIsPlausible(t *testing.T) {
	for due, ok := range map[string]bool{"1901-01-01": false, "1999-12-31": false, "2000-01-01": true, "2026-06-01": true, "2099-12-31": true, "2100-01-01": false} {
		task := Task{Title: "x", Priority: "medium", Status: TaskOpen, DueOn: due}
		err := ValidateTask(&task)
		if (err == nil) != ok || (err != nil && ErrorField(err) != "due_on") {
			t.Errorf("due %s: %v, want accepted %v", due, err, ok)
		}
	}
}
