package evidence

import (
	"fmt"
	"time"
)

// Date is a calendar date in the organization's time zone.
type Date struct {
	Y int
	M time.Month
	D int
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D) }

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date like 2026-01-31", s)
	}
	return DateOf(t, time.UTC), nil
}

// DateOf is the calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

func (d Date) time() time.Time          { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC) }
func (d Date) addDays(n int) Date       { return DateOf(d.time().AddDate(0, 0, n), time.UTC) }
func (d Date) before(o Date) bool       { return d.time().Before(o.time()) }
func (d Date) after(o Date) bool        { return d.time().After(o.time()) }
func minDate(a, b Date) Date            { return map[bool]Date{true: a, false: b}[a.before(b)] }
func maxDate(a, b Date) Date            { return map[bool]Date{true: a, false: b}[a.after(b)] }
func overlaps(a0, a1, b0, b1 Date) bool { return !a1.before(b0) && !b1.before(a0) }
func firstOfMonth(d Date) Date          { return Date{d.Y, d.M, 1} }
func lastOfMonth(d Date) Date {
	return DateOf(time.Date(d.Y, d.M+1, 0, 0, 0, 0, 0, time.UTC), time.UTC)
}
func (d Date) weekday() time.Weekday { return d.time().Weekday() }

// Instance is one period a Type 2 window requires a control to show evidence
// for: a day, an ISO week, a month, a quarter or a year, clipped to the window.
type Instance struct {
	Label   string `json:"label"` // 2026-03-15, 2026-W11, 2026-03, 2026-Q1, 2026
	Start   Date   `json:"-"`
	End     Date   `json:"-"`       // inclusive
	Partial bool   `json:"partial"` // clipped by the window's start or end
	Covered bool   `json:"covered"`
	// Open: not covered yet, but the period has not ended (see MarkOpen),
	// so it is not a gap.
	Open bool `json:"open,omitempty"`
	// Evidence lists the indexes (into the input) of the evidence covering it.
	Evidence []int `json:"evidence,omitempty"`
}

// Window is a Type 2 observation window: both dates inclusive, in Loc.
type Window struct {
	From, To Date
	Loc      *time.Location
}

// Validate checks that a window is well formed.
func (w Window) Validate() error {
	if w.To.before(w.From) {
		return fmt.Errorf("the window ends (%s) before it starts (%s)", w.To, w.From)
	}
	if w.To.time().Sub(w.From.time()) > 3*366*24*time.Hour {
		return fmt.Errorf("the window from %s to %s is longer than three years", w.From, w.To)
	}
	return nil
}

// Instances lists the period instances a control of the given frequency must
// cover in the window. Continuous controls are sampled monthly. Per-event
// controls have no calendar instances: their population is the events
// themselves (see CoverEvents).
func Instances(w Window, frequency string) []Instance {
	var out []Instance
	add := func(label string, s, e Date) {
		cs, ce := maxDate(s, w.From), minDate(e, w.To)
		out = append(out, Instance{Label: label, Start: cs, End: ce, Partial: cs != s || ce != e})
	}
	switch frequency {
	case "daily":
		for d := w.From; !d.after(w.To); d = d.addDays(1) {
			add(d.String(), d, d)
		}
	case "weekly":
		// ISO weeks start on Monday.
		start := w.From.addDays(-((int(w.From.weekday()) + 6) % 7))
		for d := start; !d.after(w.To); d = d.addDays(7) {
			y, wk := d.time().ISOWeek()
			add(fmt.Sprintf("%04d-W%02d", y, wk), d, d.addDays(6))
		}
	case "monthly", "continuous":
		for d := firstOfMonth(w.From); !d.after(w.To); d = lastOfMonth(d).addDays(1) {
			add(fmt.Sprintf("%04d-%02d", d.Y, d.M), d, lastOfMonth(d))
		}
	case "quarterly":
		q := Date{w.From.Y, time.Month((int(w.From.M)-1)/3*3 + 1), 1}
		for d := q; !d.after(w.To); {
			end := lastOfMonth(Date{d.Y, d.M + 2, 1})
			add(fmt.Sprintf("%04d-Q%d", d.Y, (int(d.M)-1)/3+1), d, end)
			d = end.addDays(1)
		}
	case "annual":
		for y := w.From.Y; y <= w.To.Y; y++ {
			add(fmt.Sprintf("%04d", y), Date{y, 1, 1}, Date{y, 12, 31})
		}
	}
	return out
}

// Covering is a piece of evidence as coverage sees it.
type Covering struct {
	CollectedAt time.Time
	PeriodStart time.Time // zero with PeriodEnd zero: the evidence covers the day it was collected
	PeriodEnd   time.Time
}

// span is the calendar dates a piece of evidence speaks for. A period is
// entered as calendar dates and stored as the start and end of those days in
// UTC, so it is read back in UTC: converting it would move a quarter's last
// day into the next quarter east of Greenwich. A moment of collection is a
// real instant and takes the window's time zone.
func (c Covering) span(loc *time.Location) (Date, Date) {
	if !c.PeriodStart.IsZero() && !c.PeriodEnd.IsZero() {
		return DateOf(c.PeriodStart, time.UTC), DateOf(c.PeriodEnd, time.UTC)
	}
	d := DateOf(c.CollectedAt, loc)
	return d, d
}

// Coverage is one control's Type 2 coverage.
type Coverage struct {
	Frequency string     `json:"frequency"`
	Instances []Instance `json:"instances"`
	Covered   int        `json:"covered"`
	Gaps      []string   `json:"gaps"` // labels of uncovered instances
	// PerEvent is true for per-event controls: Instances then lists the
	// evidenced occurrences in the window, and completeness can only be judged
	// against the population of events.
	PerEvent bool `json:"per_event"`
}

// MarkOpen marks the uncovered instances that have not ended by today as
// open rather than gaps: the current quarter without evidence yet is work
// to do, not a miss. They leave Gaps.
func (c *Coverage) MarkOpen(today Date) {
	if c.PerEvent {
		return
	}
	c.Gaps = c.Gaps[:0]
	for i := range c.Instances {
		in := &c.Instances[i]
		in.Open = !in.Covered && !in.End.before(today)
		if !in.Covered && !in.Open {
			c.Gaps = append(c.Gaps, in.Label)
		}
	}
}

// Cover matches evidence to the instances of a window: an instance is covered
// when some evidence's dates overlap it.
func Cover(w Window, frequency string, items []Covering) Coverage {
	loc := w.Loc
	if loc == nil {
		loc = time.UTC
	}
	if frequency == "per-event" {
		return CoverEvents(w, items)
	}
	cov := Coverage{Frequency: frequency, Instances: Instances(w, frequency), Gaps: []string{}}
	for i := range cov.Instances {
		in := &cov.Instances[i]
		for j, it := range items {
			s, e := it.span(loc)
			if overlaps(s, e, in.Start, in.End) {
				in.Covered = true
				in.Evidence = append(in.Evidence, j)
			}
		}
		if in.Covered {
			cov.Covered++
		} else {
			cov.Gaps = append(cov.Gaps, in.Label)
		}
	}
	return cov
}

// CoverEvents lists the evidenced occurrences of a per-event control in the
// window, one instance per piece of evidence.
func CoverEvents(w Window, items []Covering) Coverage {
	loc := w.Loc
	if loc == nil {
		loc = time.UTC
	}
	cov := Coverage{Frequency: "per-event", PerEvent: true, Gaps: []string{}}
	for j, it := range items {
		s, e := it.span(loc)
		if !overlaps(s, e, w.From, w.To) {
			continue
		}
		label := s.String()
		if e != s {
			label += "/" + e.String()
		}
		cov.Instances = append(cov.Instances, Instance{Label: label, Start: s, End: e, Covered: true, Evidence: []int{j}})
		cov.Covered++
	}
	return cov
}

// LastTwelveMonths is the window a control's page judges Type 2 coverage
// over until an audit sets one: the twelve months ending today in loc (from
// the day after today's date a year ago, to today).
func LastTwelveMonths(now time.Time, loc *time.Location) Window {
	if loc == nil {
		loc = time.UTC
	}
	today := DateOf(now, loc)
	return Window{From: DateOf(today.time().AddDate(-1, 0, 1), time.UTC), To: today, Loc: loc}
}
