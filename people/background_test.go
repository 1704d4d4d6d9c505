package people_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store/storetest"
)

func TestBackgroundCheckRules(t *testing.T) {
	for _, bad := range []struct {
		b     attest.BackgroundCheck
		field string
	}{
		{attest.BackgroundCheck{Provider: "Checkr", Status: "passed"}, "status"},
		{attest.BackgroundCheck{Status: attest.CheckPending}, "provider"},
		{attest.BackgroundCheck{Provider: "Checkr", Status: attest.CheckClear}, "checked_on"},
		{attest.BackgroundCheck{Provider: "Checkr", Status: attest.CheckPending, CheckedOn: "2026-01-01"}, "checked_on"},
		{attest.BackgroundCheck{Provider: "Checkr", Status: attest.CheckClear, CheckedOn: "2026-12-01"}, "checked_on"},
		{attest.BackgroundCheck{Status: attest.CheckExempt}, "exempt_reason"},
		{attest.BackgroundCheck{Provider: "Checkr", Status: attest.CheckClear, CheckedOn: "2026-01-01", ExemptReason: "x"}, "exempt_reason"},
	} {
		if err := attest.ValidateBackgroundCheck(&bad.b, "2026-03-02"); attest.ErrorField(err) != bad.field {
			t.Errorf("%+v: %v, want an error naming %s", bad.b, err, bad.field)
		}
	}
	people := []attest.Person{{ID: 1, Name: "Cleared", StartDate: "2026-01-05"}, {ID: 2, Name: "Pending", StartDate: "2026-01-05"},
		{ID: 3, Name: "Missing", StartDate: "2026-02-01"}, {ID: 4, Name: "Starts later", StartDate: "2026-04-01"},
		{ID: 5, Name: "Exempt", StartDate: "2020-01-01"}, {ID: 6, Name: "Left", StartDate: "2020-01-01", EndDate: "2025-01-01"}}
	checks := []attest.BackgroundCheck{{PersonID: 1, Status: attest.CheckClear}, {PersonID: 2, Status: attest.CheckPending},
		{PersonID: 5, Status: attest.CheckExempt}}
	rows := attest.BackgroundStatus(people, checks, "2026-03-02", 14)
	overdue := map[string]bool{}
	for _, r := range rows {
		overdue[r.Name] = r.Overdue
	}
	want := map[string]bool{"Cleared": false, "Pending": true, "Missing": true, "Starts later": false, "Exempt": false}
	if len(overdue) != len(want) || rows[0].Name != "Pending" || rows[1].Name != "Missing" {
		t.Fatalf("rows %+v", rows)
	}
	for k, v := range want {
		if overdue[k] != v {
			t.Errorf("%s overdue: %v, want %v", k, overdue[k], v)
		}
	}
	if r := attest.BackgroundStatus(people[2:3], nil, "2026-02-20", 30); r[0].Overdue || r[0].Due != "2026-03-03" {
		t.Errorf("a 30-day deadline: %+v", r[0])
	}
}

func TestBackgroundChecksImportAllOrNothing(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d, func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) })
			w := newWorld(t, db)
			ctx := t.Context()
			ada := storetest.MustPerson(t, db, w.org, "Ada", "ada@acme.test")
			bob := storetest.MustPerson(t, db, w.org, "Bob", "bob@acme.test")
			storetest.MustPerson(t, db, w.other, "Olga", "olga@other.test")
			bad := "Email,Provider,Status,Checked On,Exempt Reason\n" +
				"ada@acme.test,Checkr,clear,2026-01-02,\n" +
				"bob@acme.test,Checkr,passed,2026-01-02,\n" +
				"olga@other.test,Checkr,pending,,\n" +
				"ada@acme.test,,exempt,,\n"
			rep, err := w.svc.ImportBackgroundChecks(ctx, w.admin, strings.NewReader(bad))
			if !errors.Is(err, people.ErrRejected) || len(rep.Rejected) != 3 {
				t.Fatalf("a bad file: %+v, %v", rep, err)
			}
			for i, want := range []struct {
				line  int
				field string
			}{{3, "status"}, {4, "email"}, {5, "email"}} {
				if r := rep.Rejected[i]; r.Line != want.line || r.Field != want.field {
					t.Errorf("rejected %d: %+v, want line %d field %s", i, r, want.line, want.field)
				}
			}
			if !strings.Contains(err.Error(), "line 3: status must be one of") {
				t.Errorf("the error names the first line and field: %v", err)
			}
			if list, _ := db.BackgroundChecks(ctx, w.org.ID); len(list) != 0 {
				t.Fatalf("a refused file stored %+v", list)
			}
			if _, err := w.svc.ImportBackgroundChecks(ctx, w.employee, strings.NewReader(bad)); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("an employee imports: %v", err)
			}
			good := "email,provider,status,checked_on,exempt_reason\nADA@acme.test,Checkr,clear,2026-01-02,\nbob@acme.test,,exempt,,Checked by the agency\n"
			rep, err = w.svc.ImportBackgroundChecks(ctx, w.admin, strings.NewReader(good))
			if err != nil || rep.Created != 2 {
				t.Fatalf("a good file: %+v, %v", rep, err)
			}
			if rep, err = w.svc.ImportBackgroundChecks(ctx, w.admin, strings.NewReader(good)); err != nil || rep.Unchanged != 2 {
				t.Fatalf("the same file again: %+v, %v", rep, err)
			}
			if _, err := w.svc.SaveBackgroundCheck(ctx, w.admin, attest.BackgroundCheck{PersonID: bob.ID, Provider: "Sterling",
				Status: attest.CheckPending}); err != nil {
				t.Fatal(err)
			}
			rows, err := w.svc.BackgroundChecks(ctx, w.auditor)
			if err != nil || len(rows) != 2 {
				t.Fatalf("rows: %+v, %v", rows, err)
			}
			for _, r := range rows {
				switch {
				case r.PersonID == ada.ID && (r.Check == nil || r.Check.Status != attest.CheckClear || r.Overdue):
					t.Errorf("ada: %+v", r)
				case r.PersonID == bob.ID && (r.Check == nil || r.Check.Provider != "Sterling" || !r.Overdue):
					t.Errorf("bob, pending long after starting: %+v", r)
				}
			}
		})
	}
}
