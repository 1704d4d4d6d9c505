package evidence

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFreshness(t *testing.T) {
	collected := at("2026-01-15T10:00:00Z")
	cases := []struct {
		freq    string
		item    Item
		expires string
	}{
		{"daily", Item{CollectedAt: collected}, "2026-01-17T10:00:00Z"},
		{"weekly", Item{CollectedAt: collected}, "2026-01-25T10:00:00Z"},
		{"monthly", Item{CollectedAt: collected}, "2026-02-22T10:00:00Z"},
		{"continuous", Item{CollectedAt: collected}, "2026-02-22T10:00:00Z"},
		// A quarterly review covering Q4 2025, done in January, is current until
		// the end of Q1 plus two weeks: its period end is what counts.
		{"quarterly", Item{CollectedAt: collected, PeriodEnd: at("2025-12-31T23:59:59Z")}, "2026-04-14T23:59:59Z"},
		{"annual", Item{CollectedAt: collected}, "2027-02-14T10:00:00Z"},
		{"per-event", Item{CollectedAt: collected}, "2027-01-15T10:00:00Z"},
		{"unknown", Item{CollectedAt: collected}, "2027-02-14T10:00:00Z"},
		// Month arithmetic on a month end: Jan 31 + 1 month normalises to Mar 3.
		{"monthly", Item{CollectedAt: at("2026-01-31T00:00:00Z")}, "2026-03-10T00:00:00Z"},
	}
	for _, c := range cases {
		got := ExpiresAt(c.item, c.freq)
		if !got.Equal(at(c.expires)) {
			t.Errorf("%s: expires %s, want %s", c.freq, got.Format(time.RFC3339), c.expires)
		}
		if !Fresh(c.item, c.freq, got.Add(-time.Second)) || Fresh(c.item, c.freq, got) {
			t.Errorf("%s: freshness does not flip exactly at expiry", c.freq)
		}
	}
	fresh, stale := Count([]Item{{CollectedAt: at("2026-03-01T00:00:00Z")}, {CollectedAt: at("2025-01-01T00:00:00Z")}}, "quarterly", at("2026-03-10T00:00:00Z"))
	if fresh != 1 || stale != 1 {
		t.Errorf("Count = %d fresh, %d stale", fresh, stale)
	}
}

func window(from, to string, loc *time.Location) Window {
	f, _ := ParseDate(from)
	e, _ := ParseDate(to)
	return Window{From: f, To: e, Loc: loc}
}

func labels(ins []Instance) string {
	var out []string
	for _, in := range ins {
		l := in.Label
		if in.Partial {
			l += "*"
		}
		out = append(out, l)
	}
	return strings.Join(out, " ")
}

func TestInstances(t *testing.T) {
	cases := []struct {
		from, to, freq, want string
	}{
		{"2026-01-01", "2026-06-30", "quarterly", "2026-Q1 2026-Q2"},
		{"2026-02-15", "2026-08-14", "quarterly", "2026-Q1* 2026-Q2 2026-Q3*"},
		{"2026-01-01", "2026-06-30", "monthly", "2026-01 2026-02 2026-03 2026-04 2026-05 2026-06"},
		{"2028-02-27", "2028-03-01", "daily", "2028-02-27 2028-02-28 2028-02-29 2028-03-01"},
		{"2027-02-27", "2027-03-01", "daily", "2027-02-27 2027-02-28 2027-03-01"},
		{"2026-12-28", "2027-01-10", "weekly", "2026-W53 2027-W01"},
		{"2026-12-30", "2027-01-12", "weekly", "2026-W53* 2027-W01 2027-W02*"},
		{"2026-07-01", "2027-06-30", "annual", "2026* 2027*"},
		{"2026-01-31", "2026-03-01", "continuous", "2026-01* 2026-02 2026-03*"},
		{"2026-01-01", "2026-03-31", "per-event", ""},
	}
	for _, c := range cases {
		if got := labels(Instances(window(c.from, c.to, time.UTC), c.freq)); got != c.want {
			t.Errorf("%s %s..%s: %q, want %q", c.freq, c.from, c.to, got, c.want)
		}
	}
	// Clipped instances carry the clipped dates.
	ins := Instances(window("2026-02-15", "2026-08-14", time.UTC), "quarterly")
	if ins[0].Start.String() != "2026-02-15" || ins[0].End.String() != "2026-03-31" || ins[2].End.String() != "2026-08-14" {
		t.Errorf("clipping: %+v", ins)
	}
}

func TestCover(t *testing.T) {
	w := window("2026-01-01", "2026-06-30", time.UTC)
	items := []Covering{
		{CollectedAt: at("2026-02-10T12:00:00Z")}, // a moment in Q1
		{CollectedAt: at("2026-07-03T12:00:00Z"), PeriodStart: at("2026-04-01T00:00:00Z"), PeriodEnd: at("2026-06-30T23:00:00Z")}, // a Q2 review done in July
		{CollectedAt: at("2025-12-20T12:00:00Z")}, // before the window
	}
	cov := Cover(w, "quarterly", items)
	if cov.Covered != 2 || len(cov.Gaps) != 0 || len(cov.Instances[0].Evidence) != 1 || cov.Instances[1].Evidence[0] != 1 {
		t.Fatalf("quarterly: %+v", cov)
	}
	cov = Cover(w, "monthly", items)
	if cov.Covered != 4 || strings.Join(cov.Gaps, " ") != "2026-01 2026-03" {
		t.Fatalf("monthly: covered %d, gaps %v", cov.Covered, cov.Gaps)
	}
	if cov := Cover(w, "quarterly", nil); cov.Covered != 0 || len(cov.Gaps) != 2 {
		t.Fatalf("no evidence: %+v", cov)
	}
}

// The same instant falls on different dates, and so in different quarters,
// depending on the organization's time zone.
func TestCoverTimeZones(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if ny == nil || tokyo == nil {
		t.Fatal("time zone database missing")
	}
	item := []Covering{{CollectedAt: at("2026-03-31T23:30:00Z")}} // Mar 31 in New York, Apr 1 in Tokyo
	for _, c := range []struct {
		loc  *time.Location
		want string
	}{{ny, "2026-Q1"}, {tokyo, "2026-Q2"}, {time.UTC, "2026-Q1"}} {
		cov := Cover(window("2026-01-01", "2026-06-30", c.loc), "quarterly", item)
		var covered []string
		for _, in := range cov.Instances {
			if in.Covered {
				covered = append(covered, in.Label)
			}
		}
		if strings.Join(covered, " ") != c.want {
			t.Errorf("%s: covered %v, want %s", c.loc, covered, c.want)
		}
	}
}

// A period entered as Q3 dates covers Q3 in every time zone.
func TestCoverPeriodsAreCalendarDates(t *testing.T) {
	dublin, _ := time.LoadLocation("Europe/Dublin")
	ny, _ := time.LoadLocation("America/New_York")
	q3 := []Covering{{CollectedAt: at("2026-10-02T09:00:00Z"), PeriodStart: at("2026-07-01T00:00:00Z"), PeriodEnd: at("2026-09-30T23:59:59.999999Z")}}
	for _, loc := range []*time.Location{dublin, ny, time.UTC} {
		cov := Cover(window("2026-07-01", "2026-12-31", loc), "quarterly", q3)
		if !cov.Instances[0].Covered || cov.Instances[1].Covered {
			t.Errorf("%s: %+v", loc, cov.Instances)
		}
	}
}

func TestCoverEvents(t *testing.T) {
	w := window("2026-01-01", "2026-06-30", time.UTC)
	cov := Cover(w, "per-event", []Covering{{CollectedAt: at("2026-03-05T09:00:00Z")}, {CollectedAt: at("2026-08-01T09:00:00Z")}, {CollectedAt: at("2026-05-01T09:00:00Z")}})
	if !cov.PerEvent || cov.Covered != 2 || labels(cov.Instances) != "2026-03-05 2026-05-01" {
		t.Fatalf("per-event: %+v", cov)
	}
}

func TestWindowValidate(t *testing.T) {
	if err := window("2026-06-30", "2026-01-01", time.UTC).Validate(); err == nil || !strings.Contains(err.Error(), "ends (2026-01-01) before it starts (2026-06-30)") {
		t.Errorf("reversed window: %v", err)
	}
	if err := window("2020-01-01", "2026-01-01", time.UTC).Validate(); err == nil {
		t.Error("six-year window accepted")
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("Feb 30 accepted")
	}
}

func TestNextDue(t *testing.T) {
	now := at("2026-06-15T12:00:00Z")
	items := []Item{
		{CollectedAt: at("2026-04-10T09:00:00Z")},                                        // quarterly: current until 2026-07-24
		{CollectedAt: at("2026-06-01T09:00:00Z"), PeriodEnd: at("2026-05-31T23:59:59Z")}, // until 2026-09-13
		{CollectedAt: at("2025-01-01T09:00:00Z")},                                        // long stale
	}
	due, ok := NextDue(items, "quarterly", now)
	if !ok || !due.Equal(ExpiresAt(items[1], "quarterly")) {
		t.Errorf("NextDue = %v, %v; want the later expiry %v", due, ok, ExpiresAt(items[1], "quarterly"))
	}
	if _, ok := NextDue(items[2:], "quarterly", now); ok {
		t.Error("only stale evidence: due already")
	}
	if _, ok := NextDue(nil, "monthly", now); ok {
		t.Error("no evidence: due already")
	}
}

func TestLastTwelveMonths(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	w := LastTwelveMonths(at("2026-03-31T20:00:00Z"), tokyo) // already April 1 in Tokyo
	if w.From.String() != "2025-04-02" || w.To.String() != "2026-04-01" || w.Loc != tokyo {
		t.Errorf("window = %s to %s in %v", w.From, w.To, w.Loc)
	}
	if got := len(Instances(LastTwelveMonths(at("2026-12-03T10:00:00Z"), time.UTC), "monthly")); got != 13 {
		t.Errorf("monthly instances over the last twelve months = %d, want 13 (both ends partial)", got)
	}
	if err := w.Validate(); err != nil {
		t.Error(err)
	}
}

func TestHeatmap(t *testing.T) {
	w := window("2026-01-15", "2026-06-30", time.UTC)
	rep := ControlCoverageReport{Controls: []ControlCoverage{
		{Ref: "Q", Coverage: Cover(w, "quarterly", []Covering{{CollectedAt: at("2026-02-10T12:00:00Z")}})},
		{Ref: "D", Coverage: Cover(w, "daily", []Covering{{CollectedAt: at("2026-03-01T12:00:00Z")}, {CollectedAt: at("2026-03-02T12:00:00Z")}})},
		{Ref: "M", Coverage: Cover(w, "monthly", []Covering{
			{CollectedAt: at("2026-01-20T12:00:00Z")}, {CollectedAt: at("2026-02-20T12:00:00Z")}, {CollectedAt: at("2026-03-20T12:00:00Z")},
			{CollectedAt: at("2026-04-20T12:00:00Z")}, {CollectedAt: at("2026-05-20T12:00:00Z")}, {CollectedAt: at("2026-06-20T12:00:00Z")}})},
		{Ref: "E", Coverage: Cover(w, "per-event", []Covering{{CollectedAt: at("2026-04-03T09:00:00Z")}})},
	}}
	h := MakeHeatmap(rep, w, false)
	if got := strings.Join(h.Months, " "); got != "2026-01 2026-02 2026-03 2026-04 2026-05 2026-06" {
		t.Fatalf("months: %s", got)
	}
	states := func(r HeatmapRow) string {
		var s []string
		for _, c := range r.Cells {
			s = append(s, c.State)
		}
		return strings.Join(s, " ")
	}
	want := map[string]string{
		"Q": "covered covered covered gap gap gap", // Q1 covered by February's evidence; Q2 not
		"D": "gap gap partial gap gap gap",         // two days of March
		"M": "covered covered covered covered covered covered",
		"E": "none none none events none none",
	}
	for _, r := range h.Rows {
		if got := states(r); got != want[r.Control.Ref] {
			t.Errorf("%s: %s, want %s", r.Control.Ref, got, want[r.Control.Ref])
		}
	}
	if c := h.Rows[1].Cells[2]; c.Covered != 2 || c.Total != 31 || c.Title() != "2 of 31 periods covered" {
		t.Errorf("daily March: %+v %q", c, c.Title())
	}
	if c := h.Rows[1].Cells[0]; c.Total != 17 { // 15 to 31 January
		t.Errorf("daily January, clipped by the window: %d days", c.Total)
	}
	if h.Rows[2].HasGap || !h.Rows[0].HasGap || h.Rows[3].HasGap {
		t.Errorf("has gap: %v %v %v", h.Rows[0].HasGap, h.Rows[2].HasGap, h.Rows[3].HasGap)
	}
	gaps := MakeHeatmap(rep, w, true)
	if len(gaps.Rows) != 2 || gaps.Rows[0].Control.Ref != "Q" || gaps.Rows[1].Control.Ref != "D" {
		t.Errorf("gaps only: %d rows", len(gaps.Rows))
	}
}

func TestOpenPeriodsAreNotGaps(t *testing.T) {
	w := window("2026-01-01", "2026-12-31", time.UTC)
	cov := Cover(w, "quarterly", []Covering{{CollectedAt: at("2026-02-10T12:00:00Z")}})
	cov.MarkOpen(Date{2026, 8, 15}) // in Q3
	if strings.Join(cov.Gaps, " ") != "2026-Q2" || !cov.Instances[2].Open || !cov.Instances[3].Open || cov.Instances[1].Open {
		t.Fatalf("gaps %v, instances %+v", cov.Gaps, cov.Instances)
	}
	h := MakeHeatmap(ControlCoverageReport{Controls: []ControlCoverage{{Ref: "Q", Coverage: cov}}}, w, false)
	var states []string
	for _, c := range h.Rows[0].Cells {
		states = append(states, c.State)
	}
	if got := strings.Join(states, " "); got != "covered covered covered gap gap gap open open open open open open" {
		t.Errorf("cells: %s", got)
	}
	if h.Rows[0].Cells[7].Title() != "0 of 1 period covered; the rest still running" {
		t.Errorf("open cell title: %q", h.Rows[0].Cells[7].Title())
	}
	// A gap only where something has ended uncovered.
	only := MakeHeatmap(ControlCoverageReport{Controls: []ControlCoverage{{Ref: "Q", Coverage: cov}}}, w, true)
	if len(only.Rows) != 1 {
		t.Errorf("gaps only drops a control with a past gap")
	}
}

// TestAsOfRangeHoldsEveryExpiry checks, hour by hour over two years and every
// frequency, that evidence expiring in a 30-day span has its as-of time inside
// AsOfRange: the expiring list reads only that range, so a miss would hide an
// item.
func TestAsOfRangeHoldsEveryExpiry(t *testing.T) {
	// Starts around month ends and a leap day, where AddDate normalizes.
	for _, start := range []string{"2026-01-29T12:00:00Z", "2026-02-27T00:00:00Z", "2028-02-28T23:00:00Z", "2026-03-01T12:00:00Z", "2026-12-30T06:00:00Z"} {
		from := at(start)
		to := from.AddDate(0, 0, 30)
		for freq := range Spans {
			lo, hi := AsOfRange(freq, from, to)
			for asOf := from.AddDate(-2, 0, 0); asOf.Before(to); asOf = asOf.Add(3 * time.Hour) {
				exp := ExpiresAt(Item{CollectedAt: asOf}, freq)
				if exp.After(from) && !exp.After(to) && (!asOf.After(lo) || asOf.After(hi)) {
					t.Fatalf("%s: evidence as of %s expires at %s, in (%s, %s], but is outside (%s, %s]", freq, asOf, exp, from, to, lo, hi)
				}
			}
		}
	}
}
