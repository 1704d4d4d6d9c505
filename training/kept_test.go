package training_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/training"
)

// Everyone's training and background-check standing, kept between requests,
// equals the derivation as days pass with no change (a joiner's training
// falls overdue) and after changes (a joiner, a completion), on both
// databases.
func TestStandingKept(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			var mu sync.Mutex
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			db := storetest.Open(t, d, clock)
			ctx := t.Context()
			org := storetest.MustOrg(t, db, "acme")
			u := storetest.MustMember(t, db, org, attest.RoleAdmin, "ada@acme.test")
			admin := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleAdmin}
			svc := &training.Service{DB: db, Now: clock}
			ppl := &people.Service{DB: db}
			check := func(day int, what string) {
				t.Helper()
				today := attest.Today(clock())
				got, err := svc.List(ctx, admin)
				if err != nil {
					t.Fatal(err)
				}
				want, err := training.Status(ctx, &db.Queries, org.ID, today)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("day %d, %s: kept training %+v, derived %+v", day, what, got, want)
				}
				gotB, err := ppl.BackgroundChecks(ctx, admin)
				if err != nil {
					t.Fatal(err)
				}
				wantB, err := people.Background(ctx, &db.Queries, org.ID, today)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(gotB, wantB) {
					t.Fatalf("day %d, %s: kept background checks %+v, derived %+v", day, what, gotB, wantB)
				}
			}
			for day := range 45 {
				what := "a day with no change"
				switch day {
				case 0, 20:
					what = "a joiner"
					p := attest.Person{OrgID: org.ID, Name: "Joiner", Email: attest.Today(clock()) + "@acme.test", StartDate: attest.Today(clock()),
						EmploymentType: attest.EmploymentEmployee, Source: attest.SourceManual}
					if err := db.CreatePerson(ctx, &p); err != nil {
						t.Fatal(err)
					}
				}
				check(day, what)
				mu.Lock()
				now = now.Add(24 * time.Hour)
				mu.Unlock()
			}
			rows, err := svc.List(ctx, admin)
			if err != nil || len(rows) != 2 || rows[0].State != attest.TrainingOverdue {
				t.Errorf("after 45 days the first joiner's training is not overdue: %+v, %v", rows, err)
			}
		})
	}
}
