package programme

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestTrainingAndBackgroundChecksFeedReadiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		done := storetest.MustPerson(t, db, org, "Done Dee", "dee@acme.test")     // started 2025-01-06
		storetest.MustPerson(t, db, org, "Late Lou", "lou@acme.test")             // never trained, no check
		check := storetest.MustPerson(t, db, org, "Pending Pat", "pat@acme.test") // check pending
		c := attest.TrainingCompletion{OrgID: org.ID, PersonID: done.ID, Kind: attest.TrainingBuiltin, Course: "security-awareness",
			CompletedOn: "2026-01-10", Score: 100, RecordUID: attest.NewUID("tr_")}
		if err := db.CreateTrainingCompletion(ctx, &c); err != nil {
			t.Fatal(err)
		}
		for _, b := range []attest.BackgroundCheck{{OrgID: org.ID, PersonID: done.ID, Provider: "Checkr", Status: attest.CheckClear, CheckedOn: "2025-01-02"},
			{OrgID: org.ID, PersonID: check.ID, Provider: "Checkr", Status: attest.CheckPending}} {
			if err := db.SaveBackgroundCheck(ctx, &b, 0); err != nil {
				t.Fatal(err)
			}
		}
		st, err := peopleRegister(ctx, &db.Queries, org.ID, "2026-03-02")
		if err != nil {
			t.Fatal(err)
		}
		if st.Records["HR-2"] != 1 || st.Records["HR-1"] != 1 {
			t.Fatalf("records: %+v", st.Records)
		}
		var training, background []string
		for _, g := range st.Gaps["HR-2"] {
			training = append(training, g.Message)
		}
		for _, g := range st.Gaps["HR-1"] {
			background = append(background, g.Message)
		}
		if len(training) != 2 || !strings.Contains(strings.Join(training, "|"), "Late Lou has not completed security awareness training, due on 2025-02-05") {
			t.Errorf("training gaps: %q", training)
		}
		if len(background) != 2 || !strings.Contains(strings.Join(background, "|"), "Late Lou has no background check") ||
			!strings.Contains(strings.Join(background, "|"), "Pending Pat's background check is pending") {
			t.Errorf("background gaps: %q", background)
		}
		// A longer deadline for checks makes nobody overdue yet, on the start date itself.
		if err := db.SavePeopleSettings(ctx, org.ID, store.PeopleSettings{TrainingDays: 30, BackgroundDays: 30}); err != nil {
			t.Fatal(err)
		}
		if st, err = peopleRegister(ctx, &db.Queries, org.ID, "2025-01-06"); err != nil || len(st.Gaps["HR-1"]) != 0 || len(st.Gaps["HR-2"]) != 0 {
			t.Fatalf("on the start day: %+v, %v", st.Gaps, err)
		}
	})
}
