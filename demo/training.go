package demo

import (
	"context"
	"time"

	"github.com/attest-hq/attest"
	workforcesvc "github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store"
)

// seedTraining records the demo's security awareness training and
// background checks once, through the services: the admin and the manager
// passed the built-in quiz; two colleagues took external courses (one over a
// year ago, so overdue again); Emma Employee, a newer engineer and the
// intern are overdue, so the employee login has the course to take. Checks
// are clear for most, pending past the deadline for one, missing for the
// intern, and the contractor is exempt.
func seedTraining(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	svc := opts.Training
	if svc == nil {
		return nil
	}
	done, err := db.TrainingCompletions(ctx, org.ID, 0)
	if err != nil || len(done) > 0 {
		return err
	}
	principal := func(role attest.Role) attest.Principal {
		u := users[role]
		return attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: role, Via: attest.ViaSystem}
	}
	admin := principal(attest.RoleAdmin)
	right := make([]int, len(svc.Course.Questions))
	for i, q := range svc.Course.Questions {
		right[i] = q.Answer
	}
	for _, role := range []attest.Role{attest.RoleAdmin, attest.RoleManager} {
		if _, err := svc.TakeQuiz(ctx, principal(role), svc.Course.Hash, right); err != nil {
			return err
		}
	}
	day := func(offset int) string { return opts.Now().UTC().AddDate(0, 0, offset).Format(time.DateOnly) }
	person := func(email string) (attest.Person, error) { return db.PersonByEmail(ctx, org.ID, email) }
	for _, x := range []struct {
		email, course, link string
		on                  int
	}{
		{"noor@demo.attest.test", "Secure operations for SREs", "https://learning.example.com/certificates/noor-2026", -200},
		{"priya@demo.attest.test", "Security awareness for sales teams", "https://learning.example.com/certificates/priya-2025", -400},
		{"mei@demo.attest.test", "Agency security induction", "https://agency.example.com/records/mei-lin", -80},
	} {
		p, err := person(x.email)
		if err != nil {
			return err
		}
		if _, err := svc.RecordExternal(ctx, admin, attest.TrainingCompletion{PersonID: p.ID, Course: x.course, CompletedOn: day(x.on), Link: x.link}, nil); err != nil {
			return err
		}
	}
	ppl := &workforcesvc.Service{DB: db}
	for _, x := range []struct {
		email, provider, status, reason string
		on                              int
	}{
		{"admin@demo.attest.test", "Checkr", attest.CheckClear, "", -905},
		{"manager@demo.attest.test", "Checkr", attest.CheckClear, "", -706},
		{"employee@demo.attest.test", "Checkr", attest.CheckClear, "", -404},
		{"noor@demo.attest.test", "Checkr", attest.CheckClear, "", -525},
		{"priya@demo.attest.test", "Sterling", attest.CheckClear, "", -303},
		{"tomas@demo.attest.test", "Sterling", attest.CheckPending, "", 0},
		{"mei@demo.attest.test", "", attest.CheckExempt, "Contractor placed by an agency that checks its consultants; the agency's attestation is on file.", 0},
	} {
		p, err := person(x.email)
		if err != nil {
			return err
		}
		b := attest.BackgroundCheck{PersonID: p.ID, Provider: x.provider, Status: x.status, ExemptReason: x.reason}
		if x.status == attest.CheckClear {
			b.CheckedOn = day(x.on)
		}
		if _, err := ppl.SaveBackgroundCheck(ctx, admin, b); err != nil {
			return err
		}
	}
	return nil
}
