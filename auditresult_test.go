package attest

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAuditResults(t *testing.T) {
	day := func(d string) time.Time {
		t, _ := time.Parse(DateLayout, d)
		return t
	}
	since, until := day("2026-01-01"), day("2026-07-01")
	ch := func(res string, to ResultStatus, at string) ResultChange {
		return ResultChange{Test: "mfa", Resource: ResourceRef{Type: "user", Key: res}, To: to, At: day(at)}
	}
	pop := func(count int, results ...ItemResult) PopulationRetrieval {
		return PopulationRetrieval{UID: "pop_1", Kind: PopulationLeavers, From: "2026-01-01", To: "2026-03-31", Count: count, Results: results}
	}
	cases := []struct {
		name   string
		in     ResultInput
		result string
		devs   []string
		fixed  int
	}{
		{"nothing tested it", ResultInput{}, AuditResultNotTested, nil, 0},
		{"an empty population: the control did not operate", ResultInput{Populations: []PopulationRetrieval{pop(0)}}, AuditResultNotOccurring, nil, 0},
		{"a population whose items all pass", ResultInput{Populations: []PopulationRetrieval{pop(2, ItemResult{Item: "p1", Result: ItemPass}, ItemResult{Item: "p2", Result: ItemPass})}},
			AuditResultPass, nil, 0},
		{"a population whose items none could test", ResultInput{Populations: []PopulationRetrieval{pop(2, ItemResult{Item: "p1", Result: ItemNotTestable},
			ItemResult{Item: "p2", Result: ItemNotTestable})}}, AuditResultNotTested, nil, 0},
		{"an empty population beside one none could test", ResultInput{Populations: []PopulationRetrieval{pop(0), pop(1, ItemResult{Item: "p1", Result: ItemNotTestable})}},
			AuditResultNotTested, nil, 0},
		{"a deviation item of the census", ResultInput{Populations: []PopulationRetrieval{pop(2, ItemResult{Item: "p1", Result: ItemPass},
			ItemResult{Item: "p2", Result: ItemDeviation, Reason: "account active 9 days after leaving"})}, RootCause: "the HR feed was late"},
			AuditResultDeviation, []string{"p2"}, 0},
		{"passing throughout", ResultInput{Changes: []ResultChange{ch("ada", ResultPass, "2025-12-01")}}, AuditResultPass, nil, 0},
		{"failed and fixed within the deadline", ResultInput{Changes: []ResultChange{ch("ada", ResultPass, "2025-12-01"),
			ch("ada", ResultFail, "2026-02-01"), ch("ada", ResultPass, "2026-02-20")}}, AuditResultPass, nil, 1},
		{"failed and fixed after the deadline", ResultInput{Changes: []ResultChange{ch("ada", ResultFail, "2026-02-01"), ch("ada", ResultPass, "2026-03-15")}},
			AuditResultDeviation, []string{"mfa on user ada"}, 0},
		{"still failing past the deadline", ResultInput{Changes: []ResultChange{ch("bob", ResultPass, "2025-06-01"), ch("bob", ResultFail, "2026-05-01")}},
			AuditResultDeviation, []string{"mfa on user bob"}, 0},
		{"failing, its deadline after the window's end", ResultInput{Changes: []ResultChange{ch("bob", ResultFail, "2026-06-20")}}, AuditResultPass, nil, 0},
		{"a failure fixed before the window", ResultInput{Changes: []ResultChange{ch("ada", ResultFail, "2025-09-01"), ch("ada", ResultPass, "2025-12-01")}},
			AuditResultPass, nil, 0},
		{"a failure begun before the window, past its deadline inside it", ResultInput{Changes: []ResultChange{ch("ada", ResultFail, "2025-12-20"),
			ch("ada", ResultPass, "2026-02-15")}}, AuditResultDeviation, []string{"mfa on user ada"}, 0},
		{"only verdicts after the window", ResultInput{Changes: []ResultChange{ch("ada", ResultFail, "2026-08-01")}}, AuditResultNotTested, nil, 0},
		{"removed resources and errors test nothing", ResultInput{Changes: []ResultChange{ch("ada", ResultError, "2026-02-01"), ch("ada", ResultRemoved, "2026-03-01")}},
			AuditResultNotTested, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := AuditResults([]ResultInput{c.in}, since, until, RemediationDays)
			if len(got) != 1 {
				t.Fatalf("%d results", len(got))
			}
			r := got[0]
			var items []string
			for _, d := range r.Deviations {
				items = append(items, d.Item)
			}
			if r.Result != c.result || strings.Join(items, ",") != strings.Join(c.devs, ",") || r.Remediated != c.fixed {
				t.Fatalf("got %s %v (remediated %d), want %s %v (%d)", r.Result, items, r.Remediated, c.result, c.devs, c.fixed)
			}
			if (r.RootCause != "") != (c.in.RootCause != "" && c.result == AuditResultDeviation) {
				t.Fatalf("root cause %q", r.RootCause)
			}
		})
	}
	// A monitoring deviation carries its failing history and deadline.
	r := AuditResults([]ResultInput{{Changes: []ResultChange{ch("ada", ResultPass, "2025-12-01"), ch("ada", ResultFail, "2026-02-01"),
		ch("ada", ResultPass, "2026-04-01"), ch("ada", ResultFail, "2026-05-01")}}}, since, until, RemediationDays)[0]
	if d := r.Deviations; len(d) != 2 || d[0].Deadline != "2026-03-03" || len(d[0].History) != 3 || d[1].Reason != "failing from 2026-05-01, not fixed by its deadline" {
		t.Fatalf("deviations: %+v", r.Deviations)
	}
}

// TestAuditResultKeys: each deviation's key names its item, stays the same
// when the results are read later, is unique within the control even when
// an item repeats or its parts hold colons, and carries the item's root
// cause, which is shown for current deviations only.
func TestAuditResultKeys(t *testing.T) {
	day := func(d string) time.Time {
		t, _ := time.Parse(DateLayout, d)
		return t
	}
	at := func(s string) time.Time {
		t, _ := time.Parse(time.RFC3339, s)
		return t
	}
	since := day("2026-01-01")
	ch := func(test, res string, to ResultStatus, when time.Time) ResultChange {
		return ResultChange{Test: test, Resource: ResourceRef{Type: "user", Key: res}, To: to, At: when}
	}
	in := ResultInput{
		Changes: []ResultChange{ch("mfa", "ada", ResultFail, day("2026-02-01")),
			// Parts that would run together if colons were not escaped.
			ch("a:b", "c", ResultFail, day("2026-02-01")), ch("a", "b:c", ResultFail, day("2026-02-01"))},
		Populations: []PopulationRetrieval{{UID: "pop_1", Kind: PopulationLeavers, Count: 4, Results: []ItemResult{
			{Item: "p1", Result: ItemDeviation}, {Item: "p1", Result: ItemDeviation}, {Item: "p2", Result: ItemPass},
			// An item whose own name ends as a repeat's number would.
			{Item: "p1#2", Result: ItemDeviation}}}},
		ItemCauses: map[string]string{"population:pop_1:p1": "the HR feed was late", "monitoring:mfa:user:ada:2026-02-01": "a new joiner skipped enrolment",
			"population:pop_1:p2": "a cause of an item that passes"},
	}
	keys := func(until time.Time, in ResultInput) ([]string, []string) {
		r := AuditResults([]ResultInput{in}, since, until, RemediationDays)[0]
		var ks, causes []string
		for _, d := range r.Deviations {
			ks, causes = append(ks, d.Key), append(causes, d.RootCause)
		}
		return ks, causes
	}
	got, causes := keys(day("2026-07-01"), in)
	want := []string{"monitoring:a:user:b%3Ac:2026-02-01", "monitoring:a%3Ab:user:c:2026-02-01", "monitoring:mfa:user:ada:2026-02-01",
		"population:pop_1:p1", "population:pop_1:p1#2", "population:pop_1:p1%232"}
	if !slices.Equal(got, want) {
		t.Fatalf("keys %q, want %q", got, want)
	}
	if wantCauses := []string{"", "", "a new joiner skipped enrolment", "the HR feed was late", "", ""}; !slices.Equal(causes, wantCauses) {
		t.Fatalf("causes %q, want %q", causes, wantCauses)
	}
	// Read later, the same items have the same keys.
	if later, _ := keys(day("2026-12-01"), in); !slices.Equal(later, want) {
		t.Fatalf("keys read later %q, want %q", later, want)
	}
	// Two failing episodes of one item begun the same day, both past a
	// deadline of no days, keep keys of their own.
	same := ResultInput{Changes: []ResultChange{ch("mfa", "ada", ResultFail, at("2026-02-01T08:00:00Z")), ch("mfa", "ada", ResultPass, at("2026-02-01T09:00:00Z")),
		ch("mfa", "ada", ResultFail, at("2026-02-01T10:00:00Z")), ch("mfa", "ada", ResultPass, at("2026-02-01T11:00:00Z"))}}
	r := AuditResults([]ResultInput{same}, since, day("2026-07-01"), 0)[0]
	if len(r.Deviations) != 2 || r.Deviations[0].Key == r.Deviations[1].Key {
		t.Fatalf("same-day episodes: %+v", r.Deviations)
	}
}
