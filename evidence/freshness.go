// Package evidence adds, verifies and exports evidence (service.go, report.go),
// and holds the rules about it as pure functions with the clock and the time
// zone passed in: when a piece of evidence goes stale for its control's
// frequency (freshness.go), and which period instances of a Type 2 window it
// covers (coverage.go).
package evidence

import "time"

// Span is how long evidence stays current for a control of a given frequency:
// one period, plus a grace period for the work to land after the period ends
// (a quarterly access review done in the first days of the next quarter still
// counts for the quarter it reviews).
type Span struct {
	Years, Months, Days int
	Grace               time.Duration
}

// Spans maps control frequencies to how long their evidence stays current.
// Continuous controls are evidenced by monitoring; evidence added by hand for
// one is treated as monthly. Per-event controls have no calendar: their
// evidence stays current for a year, by which time a control that runs per
// event should have produced newer evidence.
var Spans = map[string]Span{
	"continuous": {Months: 1, Grace: 7 * day},
	"daily":      {Days: 1, Grace: 1 * day},
	"weekly":     {Days: 7, Grace: 3 * day},
	"monthly":    {Months: 1, Grace: 7 * day},
	"quarterly":  {Months: 3, Grace: 14 * day},
	"annual":     {Years: 1, Grace: 30 * day},
	"per-event":  {Years: 1},
}

const day = 24 * time.Hour

// Item is what freshness needs to know about a piece of evidence.
type Item struct {
	CollectedAt time.Time
	PeriodEnd   time.Time // zero when the evidence covers a moment, not a period
}

// AsOf is the moment evidence speaks for: the end of the period it covers, or
// when it was collected.
func (it Item) AsOf() time.Time {
	if !it.PeriodEnd.IsZero() {
		return it.PeriodEnd
	}
	return it.CollectedAt
}

// ExpiresAt is when evidence stops being current for a control of the given
// frequency. An unknown frequency is treated as annual.
func ExpiresAt(it Item, frequency string) time.Time {
	s, ok := Spans[frequency]
	if !ok {
		s = Spans["annual"]
	}
	return it.AsOf().AddDate(s.Years, s.Months, s.Days).Add(s.Grace)
}

// Fresh reports whether evidence is current at now.
func Fresh(it Item, frequency string, now time.Time) bool {
	return now.Before(ExpiresAt(it, frequency))
}

// Count splits a control's evidence into fresh and stale at now; superseded
// evidence must already be left out by the caller.
func Count(items []Item, frequency string, now time.Time) (fresh, stale int) {
	for _, it := range items {
		if Fresh(it, frequency, now) {
			fresh++
		} else {
			stale++
		}
	}
	return fresh, stale
}

// NextDue is when a control next needs new evidence: the moment its freshest
// current item stops being current. ok is false when nothing is current at
// now, and evidence is due already. Superseded evidence must be left out by
// the caller.
func NextDue(items []Item, frequency string, now time.Time) (due time.Time, ok bool) {
	for _, it := range items {
		if exp := ExpiresAt(it, frequency); now.Before(exp) && exp.After(due) {
			due, ok = exp, true
		}
	}
	return due, ok
}

// AsOfRange bounds the as-of times (Item.AsOf) of evidence that, for a control
// of the given frequency, expires after from and no later than to. It is a
// superset, wide by a week on each side, because AddDate normalizes month ends
// (31 January plus a month is 3 March): a query reads only this range, and
// ExpiresAt then decides exactly.
func AsOfRange(frequency string, from, to time.Time) (lo, hi time.Time) {
	s, ok := Spans[frequency]
	if !ok {
		s = Spans["annual"]
	}
	back := func(t time.Time) time.Time { return t.Add(-s.Grace).AddDate(-s.Years, -s.Months, -s.Days) }
	return back(from).AddDate(0, 0, -7), back(to).AddDate(0, 0, 7)
}
