package evidence

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// ControlItem is one evidence item as its control's page lists it, with
// when it stops being current for the control's frequency.
type ControlItem struct {
	Evidence  attest.Evidence
	ExpiresAt time.Time
	Fresh     bool // current at the moment judged: not superseded, not expired
}

// ControlSummary is what a control's page shows of the control's evidence at
// one moment.
type ControlSummary struct {
	Newest []ControlItem // current and superseded, newest first: at most the number asked for
	Total  int           // all of the control's items, current and superseded
	// NextDue is when the control next needs evidence; zero when nothing is
	// current and it is due already.
	NextDue time.Time
	// Coverage is the control's Type 2 coverage over Window, the last twelve
	// months (UTC) ending on the day judged.
	Window   Window
	Coverage Coverage
}

// controlKey is what a control's summary depends on besides the
// organization's records and the clock: the frequency is part of it, so a
// caller holding a control read before a change of frequency is answered for
// the frequency it holds.
type controlKey struct {
	control   int64
	frequency string
	newest    int
}

// ControlSummary is SummarizeControl over the service's database, kept
// between requests while the organization's records stay as they were and
// until the clock reaches the first moment the summary would change
// (store.Kept): a weekly control gathers hundreds of items over the years,
// and its page is read far more often than evidence is added. Callers must
// not modify the summary.
func (s *Service) ControlSummary(ctx context.Context, orgID, controlID int64, frequency string, newest int, now time.Time) (ControlSummary, error) {
	q := &s.DB.Queries
	key := controlKey{controlID, frequency, newest}
	return s.controls.Get(ctx, q, orgID, key, now, func() (ControlSummary, time.Time, error) {
		return summarizeControl(ctx, q, orgID, key, now)
	})
}

// SummarizeControl reads a control's evidence and judges it at now, listing
// the newest items (at most newest of them).
func SummarizeControl(ctx context.Context, q *store.Queries, orgID, controlID int64, frequency string, newest int, now time.Time) (ControlSummary, error) {
	sum, _, err := summarizeControl(ctx, q, orgID, controlKey{controlID, frequency, newest}, now)
	return sum, err
}

func summarizeControl(ctx context.Context, q *store.Queries, orgID int64, key controlKey, now time.Time) (ControlSummary, time.Time, error) {
	evs, err := q.EvidenceList(ctx, orgID, store.EvidenceFilter{ControlID: key.control, IncludeReplaced: true})
	if err != nil {
		return ControlSummary{}, now, fmt.Errorf("control %d's evidence: %w", key.control, err)
	}
	sum, until := Summarize(evs, key.frequency, key.newest, now)
	return sum, until, nil
}

// Summarize judges a control's evidence (all of it, current and superseded,
// newest first) at now for the control's frequency. until is the first moment
// after now at which the same evidence would be judged differently: the next
// UTC midnight (the coverage window and what is open move by the day), when
// a listed item goes stale, or when the freshest current item does (the next
// due date passes).
func Summarize(evs []attest.Evidence, frequency string, newest int, now time.Time) (sum ControlSummary, until time.Time) {
	u := now.UTC()
	until = time.Date(u.Year(), u.Month(), u.Day()+1, 0, 0, 0, 0, time.UTC)
	sooner := func(t time.Time) {
		if now.Before(t) && t.Before(until) {
			until = t
		}
	}
	var current []Item
	var covering []Covering
	sum.Total = len(evs)
	for _, ev := range evs {
		it := Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}
		// The page lists the newest, current and superseded, and links the
		// rest.
		if len(sum.Newest) < newest {
			ci := ControlItem{Evidence: ev, ExpiresAt: ExpiresAt(it, frequency), Fresh: ev.SupersededBy == 0 && Fresh(it, frequency, now)}
			if ev.SupersededBy == 0 {
				sooner(ci.ExpiresAt)
			}
			sum.Newest = append(sum.Newest, ci)
		}
		// A corrected item no longer speaks for what it claimed: freshness
		// and coverage count current items only, as the coverage page does
		// (a correction that keeps the period covers it).
		if ev.SupersededBy == 0 {
			current = append(current, it)
			covering = append(covering, Covering{CollectedAt: ev.CollectedAt, PeriodStart: ev.PeriodStart, PeriodEnd: ev.PeriodEnd})
		}
	}
	// NextDue is the latest expiry still ahead; once it passes, nothing is
	// current.
	if due, ok := NextDue(current, frequency, now); ok {
		sum.NextDue = due
		sooner(due)
	}
	sum.Window = LastTwelveMonths(now, time.UTC)
	sum.Coverage = Cover(sum.Window, frequency, covering)
	sum.Coverage.MarkOpen(DateOf(now, time.UTC))
	return sum, until
}
