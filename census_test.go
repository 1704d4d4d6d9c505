package attest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

func TestPopulationWindowRules(t *testing.T) {
	err := attest.CheckEventWindow("2026-01-01", "2026-03-31", "2026-03-31")
	if attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "can be taken from 2026-04-01") {
		t.Fatalf("event population on the window's last day: %v, want a refusal naming 2026-04-01", err)
	}
	if err := attest.CheckEventWindow("2026-01-01", "2026-03-31", "2026-04-01"); err != nil {
		t.Fatalf("event population the day after the window: %v", err)
	}
	if err := attest.CheckEventWindow("2026-01-01", "2026-12-31", "2026-02-01"); !strings.Contains(fmtErr(err), "2027-01-01") {
		t.Fatalf("across a year end: %v", err)
	}
	if err := attest.CheckCaptureWindow("2026-01-01", "2026-03-31", "2026-03-31"); err != nil {
		t.Fatalf("capture on the window's last day: %v", err)
	}
	err = attest.CheckCaptureWindow("2026-01-01", "2026-03-31", "2026-04-01")
	if attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "closed on 2026-03-31") {
		t.Fatalf("capture after the window: %v", err)
	}
	if err := attest.CheckEventWindow("2026-03-01", "2026-02-01", "2026-05-01"); attest.ErrorField(err) != "to" {
		t.Fatalf("reversed window: %v", err)
	}
	k, _ := attest.PopulationKindOf(attest.PopulationLeavers)
	if err := attest.CheckPopulationWindow(k, "2026-01-01", "2026-01-31", "2026-01-15"); err == nil {
		t.Fatal("leavers are an event population: refused before the window closes")
	}
	if _, err := attest.PopulationKindOf("vulnerabilities"); attest.ErrorField(err) != "kind" {
		t.Fatalf("unknown kind: %v", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func person(t *testing.T, leaver bool, p attest.PopulationPerson) attest.PopulationRow {
	t.Helper()
	r, err := attest.PersonRow(p, leaver)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCensusJoiners(t *testing.T) {
	rows := []attest.PopulationRow{
		person(t, false, attest.PopulationPerson{PersonID: 1, Name: "On time", StartDate: "2026-01-05", TrainedOn: "2026-02-04"}),
		person(t, false, attest.PopulationPerson{PersonID: 2, Name: "Late", StartDate: "2026-01-05", TrainedOn: "2026-02-05"}),
		person(t, false, attest.PopulationPerson{PersonID: 3, Name: "Never", StartDate: "2026-01-05"}),
		person(t, false, attest.PopulationPerson{PersonID: 4, Name: "Not due", StartDate: "2026-03-30"}),
	}
	got := attest.Census(attest.PopulationJoiners, rows, attest.PopulationParams{TrainingDays: 30}, "2026-04-01")
	want := []struct{ result, reason string }{
		{attest.ItemPass, "by the deadline 2026-02-04"},
		{attest.ItemDeviation, "after the deadline 2026-02-04"},
		{attest.ItemDeviation, "no training recorded by the deadline 2026-02-04"},
		{attest.ItemNotTestable, "had not passed"},
	}
	for i, w := range want {
		if got[i].Item != rows[i].ID || got[i].Result != w.result || !strings.Contains(got[i].Reason, w.reason) {
			t.Errorf("joiner %d: %+v, want %s (%s)", i+1, got[i], w.result, w.reason)
		}
	}
}

func TestCensusLeavers(t *testing.T) {
	off := []attest.PopulationAccount{{System: "okta", Login: "a", IdentityProvider: true}}
	on := []attest.PopulationAccount{{System: "okta", Login: "b", IdentityProvider: true, Active: true}}
	rows := []attest.PopulationRow{
		person(t, true, attest.PopulationPerson{PersonID: 1, Name: "Active late", EndDate: "2026-03-01", Accounts: on}),
		person(t, true, attest.PopulationPerson{PersonID: 2, Name: "Active in time", EndDate: "2026-03-31", Accounts: on}),
		person(t, true, attest.PopulationPerson{PersonID: 3, Name: "No accounts", EndDate: "2026-03-01"}),
		person(t, true, attest.PopulationPerson{PersonID: 4, Name: "Off, within deadline", EndDate: "2026-03-31", Accounts: off}),
		person(t, true, attest.PopulationPerson{PersonID: 5, Name: "Off, found later", EndDate: "2026-03-01", Accounts: off}),
	}
	got := attest.Census(attest.PopulationLeavers, rows, attest.PopulationParams{LeaverDays: 1}, "2026-04-01")
	want := []struct{ result, reason string }{
		{attest.ItemDeviation, "still active after the deadline 2026-03-02: okta b"},
		{attest.ItemNotTestable, "had not passed"},
		{attest.ItemNotTestable, "no account is linked"},
		{attest.ItemPass, "by the deadline 2026-04-01"},
		{attest.ItemNotTestable, "do not record whether before the deadline 2026-03-02"},
	}
	for i, w := range want {
		if got[i].Result != w.result || !strings.Contains(got[i].Reason, w.reason) {
			t.Errorf("leaver %d: %+v, want %s (%s)", i+1, got[i], w.result, w.reason)
		}
	}
}

func TestCensusChanges(t *testing.T) {
	merged := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	rows := []attest.PopulationRow{
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 1, Author: "ada", Approvers: []string{"bob"}, ApprovedAt: merged.Add(-time.Hour), MergedAt: merged}),
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 2, Author: "ada", Approvers: []string{"Ada"}, ApprovedAt: merged.Add(-time.Hour), MergedAt: merged}),
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 3, Author: "ada", MergedAt: merged}),
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 4, Author: "ada", Approvers: []string{"bob"}, ApprovedAt: merged.Add(time.Hour), MergedAt: merged}),
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 5, Author: "ada", Approvers: []string{"bob"}, MergedAt: merged}),
	}
	got := attest.Census(attest.PopulationChanges, rows, attest.PopulationParams{}, "2026-04-01")
	want := []struct{ result, reason string }{
		{attest.ItemPass, "approved by bob, not its author ada"},
		{attest.ItemDeviation, "approved only by its author"},
		{attest.ItemDeviation, "without an approval"},
		{attest.ItemDeviation, "only after it merged"},
		{attest.ItemNotTestable, "when is not recorded"},
	}
	for i, w := range want {
		if got[i].Item != "acme/api#"+string(rune('1'+i)) || got[i].Result != w.result || !strings.Contains(got[i].Reason, w.reason) {
			t.Errorf("change %d: %+v, want %s (%s)", i+1, got[i], w.result, w.reason)
		}
	}
	// A row without the facts its check needs is not testable, never a pass.
	if got := attest.Census(attest.PopulationChanges, []attest.PopulationRow{{ID: "x"}}, attest.PopulationParams{}, "2026-04-01"); got[0].Result != attest.ItemNotTestable {
		t.Fatalf("bare row: %+v", got)
	}
}

func TestReconcilePeople(t *testing.T) {
	joiners := []attest.PopulationRow{
		person(t, false, attest.PopulationPerson{PersonID: 1, Name: "Has IdP", StartDate: "2026-01-05",
			Accounts: []attest.PopulationAccount{{System: "okta", Login: "a", IdentityProvider: true, Active: true}}}),
		person(t, false, attest.PopulationPerson{PersonID: 2, Name: "GitHub only", StartDate: "2026-01-06",
			Accounts: []attest.PopulationAccount{{System: "github", Login: "gh", Active: true}}}),
	}
	unlinked := []attest.PopulationAccount{{System: "okta", Login: "ghost", IdentityProvider: true, Active: true}, {System: "okta", Login: "old", IdentityProvider: true}}
	rec := attest.ReconcilePeople(attest.PopulationJoiners, joiners, true, unlinked)
	if !rec.Reconciled || len(rec.Findings) != 2 || rec.Findings[0].Item != "person-2" || rec.Findings[1].Item != "account okta ghost" {
		t.Fatalf("joiners: %+v", rec)
	}
	leavers := []attest.PopulationRow{
		person(t, true, attest.PopulationPerson{PersonID: 3, Name: "Gone", EndDate: "2026-01-05",
			Accounts: []attest.PopulationAccount{{System: "okta", Login: "g", IdentityProvider: true}}}),
		person(t, true, attest.PopulationPerson{PersonID: 4, Name: "Lingers", EndDate: "2026-01-06",
			Accounts: []attest.PopulationAccount{{System: "google", Login: "l@acme.test", IdentityProvider: true, Active: true}}}),
	}
	rec = attest.ReconcilePeople(attest.PopulationLeavers, leavers, true, unlinked)
	if len(rec.Findings) != 1 || rec.Findings[0].Item != "person-4" || !strings.Contains(rec.Findings[0].Why, "google l@acme.test") {
		t.Fatalf("leavers: %+v", rec)
	}
	rec = attest.ReconcilePeople(attest.PopulationLeavers, leavers, false, nil)
	if rec.Reconciled || len(rec.Findings) != 0 || !strings.Contains(rec.Note, "no identity provider") {
		t.Fatalf("without an identity provider: %+v", rec)
	}
}

func TestReconcileChangeRows(t *testing.T) {
	at := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	rows := []attest.PopulationRow{
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 1, MergedAt: at, DeployHistory: true, DeployedAt: at.Add(time.Hour)}),
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 2, MergedAt: at, DeployHistory: true}),
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/web", Number: 3, MergedAt: at}),
	}
	orphan := attest.Deployment{Repo: "acme/api", SHA: "abc", At: at.Add(2 * time.Hour)}
	rec := attest.ReconcileChangeRows(rows, []attest.Deployment{orphan})
	if !rec.Reconciled || len(rec.Findings) != 2 || rec.Findings[0].Item != "acme/api#2" || rec.Findings[1].Item != "deployment acme/api@abc" {
		t.Fatalf("%+v", rec)
	}
	rec = attest.ReconcileChangeRows(rows[2:], nil)
	if rec.Reconciled || len(rec.Findings) != 0 || !strings.Contains(rec.Note, "no repository") {
		t.Fatalf("no deploy history: %+v", rec)
	}
}

func TestPopulationItemsHashLikeSamples(t *testing.T) {
	// An empty population is a retrieval of zero rows: the hash of zero bytes.
	if got := attest.PopulationHash(attest.PopulationItems(nil)); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("empty population hash %s", got)
	}
	rows := []attest.PopulationRow{
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 2, Title: "Fix\tthis", Author: "ada", MergedAt: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)}),
		attest.ChangeRow(attest.PopulationChange{Repo: "acme/api", Number: 1, Title: "Add", Author: "ada", MergedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}),
	}
	attest.SortPopulationRows(rows)
	items := attest.PopulationItems(rows)
	if err := attest.ValidatePopulation(items); err != nil {
		t.Fatal(err)
	}
	if got := string(attest.PopulationEncoding(items)); got != "acme/api#1\t2026-02-01T00:00:00Z\tAdd (by ada)\nacme/api#2\t2026-02-02T00:00:00Z\tFix this (by ada)\n" {
		t.Fatalf("encoding %q", got)
	}
}

func TestCensusIncidents(t *testing.T) {
	at := func(day string) time.Time { d, _ := time.Parse(attest.DateLayout, day); return d.Add(10 * time.Hour) }
	inc := func(id int64, resolved string, rootCause bool, signed string) attest.PopulationRow {
		in := attest.PopulationIncident{IncidentID: id, Title: "Outage", Severity: "sev2", OccurredAt: at("2026-02-01"), RootCause: rootCause}
		if resolved != "" {
			in.ResolvedAt = at(resolved)
		}
		if signed != "" {
			in.SignedOffAt, in.RecordUID = at(signed), "rec"
		}
		return attest.IncidentRow(in)
	}
	rows := []attest.PopulationRow{
		inc(1, "2026-02-02", true, "2026-02-20"),  // signed off in time
		inc(2, "2026-02-02", false, "2026-02-20"), // no root cause
		inc(3, "2026-02-02", true, "2026-03-10"),  // signed off after 2026-03-04
		inc(4, "2026-02-02", true, ""),            // never signed off, deadline passed
		inc(5, "2026-03-25", true, ""),            // not signed off yet, deadline ahead
		inc(6, "", true, ""),                      // unresolved
	}
	got := attest.Census(attest.PopulationIncidents, rows, attest.PopulationParams{IncidentDays: attest.IncidentReviewDays}, "2026-04-01")
	want := []struct{ result, reason string }{
		{attest.ItemPass, "by the deadline 2026-03-04"},
		{attest.ItemDeviation, "without a root cause"},
		{attest.ItemDeviation, "after the deadline 2026-03-04"},
		{attest.ItemDeviation, "not signed off by the deadline 2026-03-04"},
		{attest.ItemNotTestable, "not signed off yet"},
		{attest.ItemNotTestable, "not resolved"},
	}
	for i, w := range want {
		if got[i].Item != "incident-"+string(rune('1'+i)) || got[i].Result != w.result || !strings.Contains(got[i].Reason, w.reason) {
			t.Errorf("incident %d: %+v, want %s (%s)", i+1, got[i], w.result, w.reason)
		}
	}
	if rows[0].Summary != "sev2 Outage" || !rows[0].OccurredAt.Equal(at("2026-02-01")) {
		t.Errorf("the row: %+v", rows[0])
	}
	// A sign-off the ledger does not hold is a finding; one it holds is not.
	rec := attest.ReconcileIncidents(rows, map[string]bool{})
	if !rec.Reconciled || len(rec.Findings) != 3 || rec.Findings[0].Item != "incident-1" {
		t.Fatalf("reconciled without the records: %+v", rec)
	}
	if rec := attest.ReconcileIncidents(rows, map[string]bool{"rec": true}); len(rec.Findings) != 0 {
		t.Fatalf("reconciled with the records: %+v", rec)
	}
}

func TestCensusAccessReviews(t *testing.T) {
	at := func(day string) time.Time { d, _ := time.Parse(attest.DateLayout, day); return d.Add(15 * time.Hour) }
	review := func(id int64, due, completed string, items, decided int) attest.PopulationRow {
		r := attest.PopulationReview{ReviewID: id, UID: "ar_" + string(rune('0'+id)), Title: "Q1 review", StartedAt: at("2026-01-05"), DueOn: due,
			Items: items, Decided: decided, SnapshotHash: "h"}
		if completed != "" {
			r.CompletedAt = at(completed)
		}
		return attest.ReviewRow(r)
	}
	rows := []attest.PopulationRow{
		review(1, "2026-01-31", "2026-01-30", 5, 5), // in time
		review(2, "2026-01-31", "2026-02-03", 5, 5), // late
		review(3, "2026-01-31", "", 5, 2),           // never completed, due passed
		review(4, "2026-04-30", "", 5, 2),           // due ahead
		review(5, "2026-01-31", "2026-01-30", 5, 4), // completed with one undecided
	}
	got := attest.Census(attest.PopulationReviews, rows, attest.PopulationParams{}, "2026-04-01")
	want := []struct{ result, reason string }{
		{attest.ItemPass, "by its due day 2026-01-31, all 5"},
		{attest.ItemDeviation, "after its due day"},
		{attest.ItemDeviation, "not completed by its due day 2026-01-31 (2 of 5"},
		{attest.ItemNotTestable, "not completed yet"},
		{attest.ItemDeviation, "1 account(s) undecided"},
	}
	for i, w := range want {
		if got[i].Item != "access-review-"+string(rune('1'+i)) || got[i].Result != w.result || !strings.Contains(got[i].Reason, w.reason) {
			t.Errorf("review %d: %+v, want %s (%s)", i+1, got[i], w.result, w.reason)
		}
	}
	// The ledger: a missing or different frozen list, and a completion
	// without its record, are findings.
	rec := attest.ReconcileReviews(rows[:2], map[string]string{"ar_1": "h", "ar_2": "other"}, map[string]bool{"ar_1": true})
	if len(rec.Findings) != 2 || rec.Findings[0].Item != "access-review-2" || !strings.Contains(rec.Findings[0].Why, "hashes to other") ||
		!strings.Contains(rec.Findings[1].Why, "no completion record") {
		t.Fatalf("reconciled: %+v", rec)
	}
	if rec := attest.ReconcileReviews(rows[:1], map[string]string{}, map[string]bool{"ar_1": true}); len(rec.Findings) != 1 || !strings.Contains(rec.Findings[0].Why, "no frozen account list") {
		t.Fatalf("reconciled without the snapshot: %+v", rec)
	}
}
