package programme

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestChecklistsCloseAndObserve(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "admin@acme.test")
		emp := storetest.MustMember(t, db, org, attest.RoleEmployee, "emp@acme.test")
		other := storetest.MustMember(t, db, org, attest.RoleEmployee, "other@acme.test")
		// The employee is the joiner's manager.
		boss := attest.Person{OrgID: org.ID, Name: "Emp Boss", Email: "emp@acme.test", StartDate: "2024-01-01"}
		if err := db.CreatePerson(ctx, &boss); err != nil {
			t.Fatal(err)
		}
		joiner := attest.Person{OrgID: org.ID, Name: "Jo Joiner", Email: "jo@acme.test", StartDate: "2026-03-02", ManagerID: boss.ID}
		leaver := attest.Person{OrgID: org.ID, Name: "Lee Leaver", Email: "lee@acme.test", StartDate: "2024-01-01", EndDate: "2026-03-05"}
		for _, p := range []*attest.Person{&joiner, &leaver} {
			if err := db.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		// The accounts the collections show, reconciled as the roster does.
		accounts := []attest.Account{{System: "okta", Connection: "okta-prod", Type: "okta.user", Key: "u1", Login: "jo@acme.test", Email: "jo@acme.test", Active: true},
			{System: "github", Connection: "gh", Type: "github.member", Key: "lee-gh", Login: "lee-gh", Email: "lee@acme.test", Active: true}}
		svc := &Checklists{DB: db, Now: func() time.Time { return now }, Accounts: func(ctx context.Context, p attest.Principal) (attest.Roster, error) {
			people, err := db.People(ctx, p.OrgID, store.PeopleFilter{})
			return attest.Reconcile(people, accounts, nil, attest.Today(now), attest.RosterRules{}), err
		}}
		ap := attest.Principal{UserID: admin.ID, Label: "admin", OrgID: org.ID, Role: attest.RoleAdmin}
		made, err := svc.UseDefaults(ctx, ap, "2026-01-01")
		if err != nil || len(made) != 6 {
			t.Fatalf("defaults: %d, %v", len(made), err)
		}
		if again, err := svc.UseDefaults(ctx, ap, ""); err != nil || len(again) != 0 {
			t.Fatalf("defaults again: %d, %v", len(again), err)
		}
		lists, err := svc.List(ctx, ap)
		if err != nil || len(lists) != 2 {
			t.Fatalf("checklists: %+v, %v; want the joiner's and the leaver's", lists, err)
		}
		var on, off attest.Checklist
		for _, c := range lists {
			if c.Kind == attest.ChecklistOnboarding {
				on = c
			} else {
				off = c
			}
		}
		if on.Person.ID != joiner.ID || off.Person.ID != leaver.ID {
			t.Fatalf("onboarding for %s, offboarding for %s", on.Person.Name, off.Person.Name)
		}
		// No identity collection yet: account steps cannot be verified.
		if n, err := svc.Observe(ctx, org.ID); err != nil || n != 0 {
			t.Fatalf("observe without a collection: %d, %v", n, err)
		}
		conn := storetest.MustConnection(t, db, org, "okta-prod")
		for _, c := range []attest.CollectionRun{{Connector: "okta", Partial: true, SnapshotSHA256: "x"}, {Connector: "okta", Error: "boom"}} {
			c.OrgID, c.UID, c.ConnectionID, c.ConnectionName = org.ID, attest.NewUID("col_"), conn.ID, conn.Name
			if err := db.AddCollection(ctx, &c); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := svc.Observe(ctx, org.ID); err != nil || n != 0 {
			t.Fatalf("observe after a partial and a failed collection only: %d, %v", n, err)
		}
		c := attest.CollectionRun{OrgID: org.ID, UID: attest.NewUID("col_"), ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: "okta", SnapshotSHA256: "abc"}
		if err := db.AddCollection(ctx, &c); err != nil {
			t.Fatal(err)
		}
		// The joiner's Okta account closes their account step; the leaver's
		// GitHub account keeps theirs open, named.
		if n, err := svc.Observe(ctx, org.ID); err != nil || n != 1 {
			t.Fatalf("observe: %d, %v; want the joiner's account step", n, err)
		}
		_, lists, err = svc.Person(ctx, ap, leaver.ID)
		if err != nil || len(lists) != 1 {
			t.Fatal(lists, err)
		}
		disable := lists[0].Steps[0]
		if disable.Step.Check != attest.CheckAccountsDisabled || disable.State != attest.StepOverdue || !strings.Contains(disable.Detail, "gh lee-gh") {
			t.Errorf("leaver's account step = %+v", disable)
		}
		st := ChecklistStatus(mustList(t, svc, ap))
		if !gapSays(st, "HR-9", "Lee Leaver's offboarding step “Disable every account in every connected system” was due on 2026-03-06") ||
			!gapSays(st, "AC-5", "Lee Leaver") {
			t.Errorf("gaps: %+v", st.Gaps)
		}
		// The account step closes itself: refused by hand.
		if _, err := svc.CloseStep(ctx, ap, leaver.ID, disable.Step.ID, "deleted", nil); attest.ErrorField(err) != "step" {
			t.Errorf("closing an account step by hand: %v", err)
		}
		accounts[1].Active = false
		if n, err := svc.Observe(ctx, org.ID); err != nil || n != 1 {
			t.Fatalf("observe after the GitHub account went: %d, %v", n, err)
		}
		// The laptop step is the manager's: the employee who manages the
		// joiner closes it; another employee may not.
		_, lists, _ = svc.Person(ctx, ap, joiner.ID)
		laptop := lists[0].Steps[1]
		if laptop.Step.Owner != attest.OwnerManager || !laptop.ByHand() {
			t.Fatalf("laptop step = %+v", laptop)
		}
		op := attest.Principal{UserID: other.ID, Label: "other", OrgID: org.ID, Role: attest.RoleEmployee}
		if _, err := svc.CloseStep(ctx, op, joiner.ID, laptop.Step.ID, "handed over", nil); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("another employee closing the manager's step: %v", err)
		}
		ep := attest.Principal{UserID: emp.ID, Label: "emp", OrgID: org.ID, Role: attest.RoleEmployee}
		if _, err := svc.CloseStep(ctx, ep, joiner.ID, laptop.Step.ID, " ", nil); attest.ErrorField(err) != "note" {
			t.Errorf("closing without a note: %v", err)
		}
		done, err := svc.CloseStep(ctx, ep, joiner.ID, laptop.Step.ID, "Laptop SN-42 handed over, FileVault on", nil)
		if err != nil || done.How != attest.CompletedByHand || done.ByLabel != "emp" {
			t.Fatalf("manager closing: %+v, %v", done, err)
		}
		if _, err := svc.CloseStep(ctx, ep, joiner.ID, laptop.Step.ID, "again", nil); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Errorf("closing twice: %v", err)
		}
		if _, err := svc.List(ctx, ep); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee listing every checklist: %v", err)
		}
		_, lists, _ = svc.Person(ctx, ap, leaver.ID)
		for _, s := range lists[0].Steps[1:] {
			if _, err := svc.CloseStep(ctx, ap, leaver.ID, s.Step.ID, "done by the admin", nil); err != nil {
				t.Fatal(err)
			}
		}
		st = ChecklistStatus(mustList(t, svc, ap))
		if st.Records["HR-9"] != 1 || len(st.Gaps["AC-5"]) != 0 {
			t.Errorf("after the leaver's accounts went: records %+v, gaps %+v", st.Records, st.Gaps)
		}
		// The readiness register, from the database alone, agrees.
		reg, err := checklistRegister(ctx, &db.Queries, org.ID, attest.Today(now))
		if err != nil || reg.Records["HR-9"] != 1 || len(reg.Gaps["HR-8"]) != len(st.Gaps["HR-8"]) {
			t.Errorf("register = %+v, %v; service says %+v", reg, err, st)
		}
		log, err := db.Activity(ctx, org.ID, attest.ActivityFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, a := range log {
			actions = append(actions, a.Action)
		}
		for _, want := range []string{"checklist.template_created", "checklist.step_verified", "checklist.step_closed"} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("activity has no %s: %v", want, actions)
			}
		}
	})
}

func mustList(t *testing.T, svc *Checklists, p attest.Principal) []attest.Checklist {
	t.Helper()
	l, err := svc.List(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func gapSays(st RegisterStatus, ctl, text string) bool {
	for _, g := range st.Gaps[ctl] {
		if strings.Contains(g.Message, text) {
			return true
		}
	}
	return false
}
