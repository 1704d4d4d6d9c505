package attest_test

import (
	"cmp"
	"slices"
	"strconv"
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
	if _, err := attest.PopulationKindOf("deploys"); attest.ErrorField(err) != "kind" {
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

func TestCensusVendorReviews(t *testing.T) {
	at := func(day string) time.Time { d, _ := time.Parse(attest.DateLayout, day); return d.Add(9 * time.Hour) }
	// Recorded 2 January 2025: the first review falls due 1 February 2025,
	// each next one twelve months after the review before it.
	v := attest.Vendor{ID: 7, Name: "Acme Cloud", Criticality: attest.CriticalityHigh, Status: attest.VendorActive, ReviewMonths: 12, CreatedAt: at("2025-01-02")}
	reviews := []attest.VendorReview{
		{ID: 1, UID: "vr_1", VendorID: 7, State: attest.ReviewCompleted, CompletedOn: "2025-01-20", Opinion: "unqualified"},             // answers the first cycle, in time
		{ID: 2, UID: "vr_2", VendorID: 7, State: attest.ReviewCompleted, CompletedOn: "2026-02-10", Opinion: "qualified"},               // due 2026-01-20: late
		{ID: 3, UID: "vr_3", VendorID: 7, State: attest.ReviewDraft},                                                                    // a draft answers nothing
		{ID: 4, UID: "vr_4", VendorID: 8, State: attest.ReviewCompleted, CompletedOn: "2026-03-01", Opinion: "unqualified"},             // another vendor's
		{ID: 5, UID: "vr_5", VendorID: 7, State: attest.ReviewCompleted, CompletedOn: "2026-06-01", Opinion: "qualified", Response: ""}, // early, but no response
	}
	rows := attest.VendorReviewRows(v, reviews, "2026-01-01", "2026-12-31")
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	// The first cycle lies before the window; the second fell due in it
	// (completed late), the third was completed in it (early), the fourth,
	// due 2027-06-01, lies after it.
	if want := []string{"vendor-7-due-2026-01-20", "vendor-7-due-2027-02-10"}; !slices.Equal(ids, want) {
		t.Fatalf("rows %v, want %v", ids, want)
	}
	got := attest.Census(attest.PopulationVendors, rows, attest.PopulationParams{}, "2027-01-05")
	if got[0].Result != attest.ItemDeviation || !strings.Contains(got[0].Reason, "after its due day 2026-01-20") {
		t.Errorf("late review: %+v", got[0])
	}
	if got[1].Result != attest.ItemDeviation || !strings.Contains(got[1].Reason, "qualified opinion has no recorded response") {
		t.Errorf("review without a response: %+v", got[1])
	}
	// With the response, in time and early: pass. An open cycle whose due
	// day passed is a deviation; one of an offboarded vendor is not testable.
	reviews[4].Response = "Compensating control: we encrypt before upload."
	rows = attest.VendorReviewRows(v, reviews, "2026-01-01", "2026-12-31")
	if got := attest.Census(attest.PopulationVendors, rows, attest.PopulationParams{}, "2027-01-05"); got[1].Result != attest.ItemPass {
		t.Errorf("review with a response: %+v", got[1])
	}
	open := attest.VendorReviewRows(v, reviews[:1], "2026-01-01", "2026-12-31")
	if len(open) != 1 || open[0].Vendor.DueOn != "2026-01-20" || open[0].Vendor.ReviewUID != "" {
		t.Fatalf("open cycle: %+v", open)
	}
	if got := attest.Census(attest.PopulationVendors, open, attest.PopulationParams{}, "2027-01-05"); got[0].Result != attest.ItemDeviation || !strings.Contains(got[0].Reason, "not reviewed; due on 2026-01-20") {
		t.Errorf("overdue: %+v", got[0])
	}
	gone := v
	gone.Status = attest.VendorOffboarded
	if got := attest.Census(attest.PopulationVendors, attest.VendorReviewRows(gone, reviews[:1], "2026-01-01", "2026-12-31"), attest.PopulationParams{}, "2027-01-05"); got[0].Result != attest.ItemNotTestable {
		t.Errorf("offboarded: %+v", got[0])
	}
	// A vendor recorded within the window: its first review is due 30 days on.
	fresh := attest.Vendor{ID: 9, Name: "New Co", Criticality: attest.CriticalityLow, Status: attest.VendorOnboarding, ReviewMonths: 12, CreatedAt: at("2026-03-01")}
	if r := attest.VendorReviewRows(fresh, nil, "2026-01-01", "2026-03-30"); len(r) != 0 {
		t.Fatalf("a first review due 2026-03-31 is outside a window ending 2026-03-30: %+v", r)
	}
	if r := attest.VendorReviewRows(fresh, nil, "2026-01-01", "2026-03-31"); len(r) != 1 || r[0].Vendor.DueOn != "2026-03-31" {
		t.Fatalf("fresh vendor: %+v", r)
	}

	// The ledger: a completed review without its record, or with another
	// completion day, is a finding; so is a record of the window that no
	// row holds.
	records := []attest.VendorReviewRecord{
		{UID: "vr_2", Vendor: "Acme Cloud", CompletedOn: "2026-02-11"},
		{UID: "vr_9", Vendor: "Gone Ltd", CompletedOn: "2026-04-01"},
		{UID: "vr_8", Vendor: "Old Ltd", CompletedOn: "2025-04-01"}, // outside the window
	}
	rec := attest.ReconcileVendors(rows, records, "2026-01-01", "2026-12-31")
	if len(rec.Findings) != 3 || !strings.Contains(rec.Findings[0].Why, "completion on 2026-02-11, the register on 2026-02-10") ||
		!strings.Contains(rec.Findings[1].Why, "no vendor_review record of vr_5") || rec.Findings[2].Item != "vr_9" {
		t.Fatalf("reconciled: %+v", rec)
	}
	records[0].CompletedOn = "2026-02-10"
	records = append(records[:1], attest.VendorReviewRecord{UID: "vr_5", Vendor: "Acme Cloud", CompletedOn: "2026-06-01"})
	if rec := attest.ReconcileVendors(rows, records, "2026-01-01", "2026-12-31"); len(rec.Findings) != 0 {
		t.Fatalf("reconciled with the records: %+v", rec)
	}
}

func TestCensusVulnerabilities(t *testing.T) {
	alert := func(n int, severity, state, created, closed, reason string) map[string]any {
		return map[string]any{"number": float64(n), "severity": severity, "state": state, "created_at": created + "T10:00:00Z",
			"closed_at": map[bool]string{true: closed + "T10:00:00Z"}[closed != ""], "dismissed_reason": reason, "package": "left-pad", "advisory": "GHSA-x"}
	}
	repo := attest.Resource{Type: "github.repository", Key: "acme/api", Data: map[string]any{"dependabot_alerts_days": float64(90), "dependabot_alerts": []any{
		alert(1, "critical", "fixed", "2026-01-05", "2026-01-20", ""),                 // 15 days: in time
		alert(2, "critical", "fixed", "2026-01-05", "2026-01-21", ""),                 // 16 days: late
		alert(3, "medium", "dismissed", "2026-01-05", "2026-01-06", "tolerable_risk"), // a risk accepted
		alert(4, "low", "dismissed", "2026-01-05", "2026-01-06", "not_used"),          // does not apply
		alert(5, "high", "auto_dismissed", "2026-01-05", "2026-01-07", ""),            // GitHub closed it
		alert(6, "high", "open", "2026-03-20", "", ""),                                // open, due 2026-04-19
		alert(7, "high", "open", "2026-02-01", "", ""),                                // open, due 2026-03-03
		alert(8, "moderate", "open", "2026-02-01", "", ""),                            // a severity without a deadline
		alert(9, "low", "fixed", "2025-12-20", "2026-01-02", ""),                      // opened before the window
	}}}
	rows, since, why := attest.VulnRows(repo, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "2026-01-01", "2026-03-31")
	if why != "" || len(rows) != 8 || since.Format(attest.DateLayout) != "2025-12-01" || rows[0].ID != "acme/api#alert-1" || rows[0].Vuln.Package != "left-pad" {
		t.Fatalf("rows %d (%s), since %v, why %q", len(rows), rows[0].ID, since, why)
	}
	got := attest.Census(attest.PopulationVulns, rows, attest.PopulationParams{FixDays: attest.VulnFixDays}, "2026-04-02")
	want := []struct{ result, reason string }{
		{attest.ItemPass, "fixed on 2026-01-20, by its deadline 2026-01-20"},
		{attest.ItemDeviation, "after its deadline 2026-01-20"},
		{attest.ItemDeviation, "dismissed on 2026-01-06 as tolerable_risk"},
		{attest.ItemPass, "dismissed on 2026-01-06"},
		{attest.ItemPass, "auto_dismissed on 2026-01-07"},
		{attest.ItemNotTestable, "within its deadline 2026-04-19"},
		{attest.ItemDeviation, "was due to be fixed by 2026-03-03"},
		{attest.ItemNotTestable, `severity "moderate" has no fix deadline`},
	}
	for i, w := range want {
		if got[i].Result != w.result || !strings.Contains(got[i].Reason, w.reason) {
			t.Errorf("alert %d: %+v, want %s (%s)", i+1, got[i], w.result, w.reason)
		}
	}
	off := attest.Resource{Type: "github.repository", Key: "acme/docs", Data: map[string]any{}, Unavailable: map[string]string{"dependabot_alerts": "Dependabot alerts are off"}}
	if rows, _, why := attest.VulnRows(off, time.Time{}, "2026-01-01", "2026-03-31"); rows != nil || why != "Dependabot alerts are off" {
		t.Errorf("alerts off: %v, %q", rows, why)
	}
}

// captureConn is a GitHub connection on an hourly schedule whose latest
// complete collection started at, with one result per status given.
func captureConn(at time.Time, results ...attest.TestResult) attest.CaptureConnection {
	col := attest.CollectionRun{UID: "col_new", StartedAt: at, FinishedAt: at.Add(time.Minute), SnapshotSHA256: strings.Repeat("a", 64)}
	for i := range results {
		results[i].Test = cmp.Or(results[i].Test, "github.branch_protection")
		results[i].Resource = attest.ResourceRef{Type: "github.repository", Key: "acme/repo-" + strconv.Itoa(i)}
		results[i].Collection = cmp.Or(results[i].Collection, col.UID)
	}
	old := attest.CollectionRun{UID: "col_old", StartedAt: at.Add(-3 * time.Hour), SnapshotSHA256: strings.Repeat("b", 64)}
	return attest.CaptureConnection{Connection: attest.Connection{Name: "gh", Type: "github", IntervalMinutes: 60}, Latest: col, Complete: col,
		Results: results, Collections: map[string]attest.CollectionRun{col.UID: col, old.UID: old},
		Tests: map[string]attest.CaptureTest{"github.branch_protection": {Title: "Branch protection", Controls: []string{"CC8.1", "CC6.1"}}}}
}

func TestCensusConfigurationCapture(t *testing.T) {
	k, _ := attest.PopulationKindOf(attest.PopulationConfiguration)
	if k.Event {
		t.Fatal("a configuration capture is not an event population")
	}
	if err := attest.CheckPopulationWindow(k, "2026-01-01", "2026-03-31", "2026-04-01"); attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "closed on 2026-03-31") {
		t.Fatalf("a capture after the window closed: %v, want a refusal naming the day it closed", err)
	}
	if err := attest.CheckPopulationWindow(k, "2026-01-01", "2026-03-31", "2026-03-31"); err != nil {
		t.Fatalf("a capture on the window's last day: %v", err)
	}
	if err := attest.CheckPopulationWindow(k, "2026-01-01", "2026-03-31", "2025-12-31"); attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "taken from 2026-01-01") {
		t.Fatalf("a capture before the window opened: %v, want a refusal naming the day it opens", err)
	}
	if err := attest.CheckPopulationWindow(k, "2026-06-30", "2026-06-30", "2026-06-30"); err != nil {
		t.Fatalf("a Type 1's capture on its day: %v", err)
	}

	at := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	captured := at.Add(30 * time.Minute)
	fail := func(since time.Time) attest.TestResult {
		return attest.TestResult{Status: attest.ResultFail, Message: "no protection", Since: since}
	}
	excepted := fail(at.AddDate(0, -2, 0))
	excepted.Exception = &attest.TestException{UID: "exc_1", ExpiresAt: at.AddDate(0, 1, 0)}
	expired := fail(at.AddDate(0, -2, 0))
	expired.Exception = &attest.TestException{UID: "exc_2", ExpiresAt: at.Add(-time.Hour)} // expired before the capture
	c := captureConn(at,
		attest.TestResult{Status: attest.ResultPass, Since: at.AddDate(0, -1, 0)}, // 0
		fail(at.AddDate(0, 0, -45)), // 1: past its 30-day deadline
		fail(at.AddDate(0, 0, -29)), // 2: within it
		excepted,                    // 3
		attest.TestResult{Status: attest.ResultUnverifiable, Message: "plan hides it", Since: at}, // 4
		attest.TestResult{Status: attest.ResultError, Message: "rate limited", Since: at},         // 5
		attest.TestResult{Status: attest.ResultNotApplicable, Since: at},                          // 6: left out
		expired, // 7: the exception no longer exempts it
	)
	rows := attest.CaptureRows(c)
	if len(rows) != 7 {
		t.Fatalf("rows: %d, want 7 (the not-applicable result left out)", len(rows))
	}
	if r := rows[0]; r.ID != "gh:github.branch_protection:github.repository/acme/repo-0" || r.Capture.SnapshotSHA256 != strings.Repeat("a", 64) ||
		!r.OccurredAt.Equal(at) || !slices.Equal(r.Capture.Controls, []string{"CC6.1", "CC8.1"}) || r.Capture.TestTitle != "Branch protection" ||
		r.Capture.Connector != "github" {
		t.Fatalf("row: %+v %+v", r, r.Capture)
	}
	if rows[3].Capture.Exception != "exc_1" || rows[0].Capture.Exception != "" {
		t.Fatalf("exceptions: %+v / %+v", rows[3].Capture, rows[0].Capture)
	}
	params := attest.PopulationParams{RemediationDays: attest.RemediationDays, CapturedAt: captured}
	got := attest.Census(attest.PopulationConfiguration, rows, params, attest.Today(captured))
	want := []string{attest.ItemPass, attest.ItemDeviation, attest.ItemNotTestable, attest.ItemNotTestable, attest.ItemNotTestable, attest.ItemNotTestable, attest.ItemDeviation}
	for i, w := range want {
		if got[i].Result != w || got[i].Item != rows[i].ID {
			t.Errorf("item %d: %+v, want %s", i, got[i], w)
		}
	}
	if !strings.Contains(got[1].Reason, "not fixed by its deadline 2026-03-15") || !strings.Contains(got[2].Reason, "within its fix deadline") ||
		!strings.Contains(got[3].Reason, "exception exc_1") || !strings.Contains(got[4].Reason, "unverifiable") {
		t.Errorf("reasons: %+v", got)
	}

	// A verdict of a stale collection is not testable, whatever it says.
	stale := attest.PopulationParams{RemediationDays: attest.RemediationDays, CapturedAt: at.Add(3 * time.Hour)}
	for _, r := range attest.Census(attest.PopulationConfiguration, rows, stale, attest.Today(stale.CapturedAt)) {
		if r.Result != attest.ItemNotTestable || !strings.Contains(r.Reason, "stale") {
			t.Errorf("stale: %+v", r)
		}
	}
	if attest.CaptureStaleAfter(0) != 2*time.Hour || attest.CaptureStaleAfter(1440) != 48*time.Hour {
		t.Error("stale after: twice the schedule, hourly by default")
	}
}

func TestReconcileCapture(t *testing.T) {
	at := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	c := captureConn(at, attest.TestResult{Status: attest.ResultPass}, attest.TestResult{Status: attest.ResultPass, Collection: "col_old"},
		attest.TestResult{Status: attest.ResultPass})
	rows := attest.CaptureRows(c)
	snapshots := map[string]string{"col_new": strings.Repeat("a", 64), "col_old": strings.Repeat("c", 64)}
	rec := attest.ReconcileCapture([]attest.CaptureConnection{c}, rows, snapshots, at.Add(time.Hour))
	// Row 1 is judged on an older collection, whose ledger record names
	// another snapshot: two findings; the connection is fresh.
	if len(rec.Findings) != 2 || rec.Findings[0].Item != rows[1].ID || !strings.Contains(rec.Findings[0].Why, "names the snapshot "+strings.Repeat("c", 64)) ||
		!strings.Contains(rec.Findings[1].Why, "not the latest collection col_new") || !rec.Reconciled {
		t.Fatalf("findings: %+v", rec)
	}
	delete(snapshots, "col_new")
	if rec := attest.ReconcileCapture([]attest.CaptureConnection{c}, rows[:1], snapshots, at.Add(time.Hour)); len(rec.Findings) != 1 ||
		!strings.Contains(rec.Findings[0].Why, "no snapshot record of its collection col_new") {
		t.Fatalf("no snapshot record: %+v", rec.Findings)
	}

	// A stale collection, a failed latest one, and a connection never
	// collected whole are findings naming the connection.
	c.Latest = attest.CollectionRun{UID: "col_failed", StartedAt: at.Add(2 * time.Hour), Error: "bad credentials"}
	never := attest.CaptureConnection{Connection: attest.Connection{Name: "aws", Type: "aws"}}
	rec = attest.ReconcileCapture([]attest.CaptureConnection{c, never}, nil, nil, at.Add(3*time.Hour))
	var whys []string
	for _, f := range rec.Findings {
		whys = append(whys, f.Item+": "+f.Why)
	}
	all := strings.Join(whys, "\n")
	if len(rec.Findings) != 3 || !strings.Contains(all, "connection gh: failed collection: its latest collection col_failed") ||
		!strings.Contains(all, "connection gh: stale: its latest complete collection col_new") || !strings.Contains(all, "connection aws: no complete collection") {
		t.Fatalf("connection findings:\n%s", all)
	}
	// Within twice the schedule, and a failure older than the complete
	// collection, are no findings.
	c.Latest = attest.CollectionRun{UID: "col_failed", StartedAt: at.Add(-time.Hour), Error: "bad credentials"}
	if rec := attest.ReconcileCapture([]attest.CaptureConnection{c}, nil, nil, at.Add(2*time.Hour)); len(rec.Findings) != 0 {
		t.Fatalf("fresh: %+v", rec.Findings)
	}
}

func TestControlPopulation(t *testing.T) {
	at := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	c := captureConn(at, attest.TestResult{Status: attest.ResultFail, Since: at.AddDate(0, -2, 0)})
	c.Results = append(c.Results, attest.TestResult{Test: "github.mfa", Status: attest.ResultPass, Collection: "col_new",
		Resource: attest.ResourceRef{Type: "github.organization", Key: "acme"}})
	c.Tests["github.mfa"] = attest.CaptureTest{Title: "MFA", Controls: []string{"CC6.1"}}
	rows := attest.CaptureRows(c)
	params := attest.PopulationParams{RemediationDays: attest.RemediationDays, CapturedAt: at}
	pop := attest.PopulationRetrieval{Kind: attest.PopulationConfiguration, Rows: rows, Count: len(rows), Results: attest.Census(attest.PopulationConfiguration, rows, params, attest.Today(at))}
	cc8, ok := attest.ControlPopulation(pop, "CC8.1", []string{"CC8.1"})
	if !ok || cc8.Count != 1 || cc8.Results[0].Result != attest.ItemDeviation || cc8.Tally.Deviations != 1 {
		t.Fatalf("CC8.1: %+v", cc8)
	}
	if cc6, ok := attest.ControlPopulation(pop, "CC6.1", nil); !ok || cc6.Count != 2 {
		t.Fatalf("CC6.1: %+v", cc6)
	}
	if _, ok := attest.ControlPopulation(pop, "CC7.1", []string{"CC7.1"}); ok {
		t.Fatal("a capture speaks only for its tests' controls, not by criteria")
	}
	if _, ok := attest.ControlPopulation(attest.PopulationRetrieval{Kind: attest.PopulationVulns}, "X", []string{"CC7.1"}); !ok {
		t.Fatal("an event population speaks for its kind's criteria")
	}
	if len(pop.Rows) != 2 {
		t.Fatal("ControlPopulation must not change the population it is given")
	}
}
