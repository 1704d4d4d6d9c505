package evidence

import (
	"context"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Expiring is a current evidence item that goes stale for an active control
// soon.
type Expiring struct {
	Evidence  attest.Evidence // its ID and title
	Control   attest.ControlRef
	ExpiresAt time.Time
}

// ExpiringRead bounds the rows Expiring reads to find what expires soon: an
// organization with more in its window is answered from the first
// ExpiringRead, and told so.
const ExpiringRead = 5000

// Expiring lists the organization's current evidence that goes stale for an
// active control after now and before now+within, soonest first. complete is
// false when the window held more than ExpiringRead rows, so that the list
// is a part and its length a lower bound.
//
// The rows are read for a window a day wider than asked and kept for that
// day (store.Kept: while the organization's records stay as they were):
// within it, every later moment's window lies inside the one read, and
// ExpiresAt then decides exactly, so the answer is the one a fresh read
// would give. A window that held more than ExpiringRead rows is not kept.
func (s *Service) Expiring(ctx context.Context, orgID int64, now time.Time, within time.Duration) (list []Expiring, complete bool, err error) {
	q := &s.DB.Queries
	// Kept judged and in order of expiry (a row's expiry does not depend on
	// the moment it is asked about), so that a request takes the span it
	// asks for rather than judging and sorting thousands of rows.
	rows, err := s.expiring.Get(ctx, q, orgID, within, now, func() ([]Expiring, time.Time, error) {
		var windows []store.AsOfWindow
		for _, f := range attest.ControlFrequencies() {
			lo, hi := AsOfRange(f, now, now.Add(within+24*time.Hour))
			windows = append(windows, store.AsOfWindow{Frequency: f, From: lo, To: hi})
		}
		rows, err := q.EvidenceInWindows(ctx, orgID, windows, ExpiringRead)
		if err != nil {
			return nil, now, err
		}
		judged := make([]Expiring, len(rows))
		for i, x := range rows {
			judged[i] = Expiring{Evidence: attest.Evidence{ID: x.EvidenceID, Title: x.Title}, Control: x.Control,
				ExpiresAt: ExpiresAt(Item{CollectedAt: x.CollectedAt, PeriodEnd: x.PeriodEnd}, x.Frequency)}
		}
		slices.SortStableFunc(judged, func(a, b Expiring) int { return a.ExpiresAt.Compare(b.ExpiresAt) })
		if len(rows) >= ExpiringRead {
			return judged, now, nil // holds at no later moment: read again
		}
		return judged, now.Add(24 * time.Hour), nil
	})
	if err != nil {
		return nil, false, err
	}
	until := now.Add(within)
	from, _ := slices.BinarySearchFunc(rows, now, func(x Expiring, t time.Time) int {
		if x.ExpiresAt.After(t) {
			return 1
		}
		return -1 // at or before now: not in the span
	})
	to := from
	for to < len(rows) && rows[to].ExpiresAt.Before(until) {
		to++
	}
	// A copy: the kept rows are shared between requests.
	return slices.Clone(rows[from:to]), len(rows) < ExpiringRead, nil
}

// Count is DB.EvidenceCount (the page's offset and limit aside), kept between
// requests while the organization's records stay as they were: counting a
// library of 50,000 items is a scan of all of them.
func (s *Service) Count(ctx context.Context, orgID int64, f store.EvidenceFilter) (int, error) {
	f.After, f.Offset, f.Limit = store.EvidenceCursor{}, 0, 0
	q := &s.DB.Queries
	return s.counts.Get(ctx, q, orgID, f, q.Now(), func() (int, time.Time, error) {
		n, err := q.EvidenceCount(ctx, orgID, f)
		return n, store.Forever, err
	})
}
