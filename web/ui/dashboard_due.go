package ui

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// dueItem is one register record that is due soon or overdue: a risk or
// vendor review, an incident's follow-up, an exercise, a change to review.
type dueItem struct {
	Kind    string // the register, as shown: "Risk", "Vendor" …
	Title   string
	Href    string
	Due     string // YYYY-MM-DD
	Overdue bool
	// Until is when the item stops being due with no change to the
	// records (an emergency change whose time to review runs out); zero when
	// only a new day changes it.
	Until time.Time
}

// dueSource lists one register's due items for the dashboard; each register
// adds its own from its file (risks.go, vendors.go …) with an init function.
// It is called only for members who may read the programme.
type dueSource func(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error)

var dueSources []dueSource

// addDue registers a source of due items; called from init functions.
func addDue(src dueSource) { dueSources = append(dueSources, src) }

// maxDue is how many due items the dashboard shows; the count says the rest.
const maxDue = 8

// dueKey keys a kept dueList within its organization.
type dueKey struct{ today, slug string }

// dueList is the dashboard's register card: the first items and the count.
type dueList struct {
	Items []dueItem
	Count int
}

// registerDue gathers every register's due items, overdue first, then by
// date, and how many there are in all. It reads every register, thousands of
// records in a large organization, so it is kept between requests
// (store.Kept): until the organization's records change, the day ends, or an
// item's own time runs out (dueUntil). Every reader of the programme sees the
// same card, so it is kept per organization.
func (h *Handler) registerDue(r *http.Request, c *web.Ctx, now time.Time) ([]dueItem, int, error) {
	today := attest.Today(now)
	// The key holds the slug too, which the items' links are made of.
	list, err := h.due.Get(r.Context(), &h.DB.Queries, c.Org.ID, dueKey{today, c.Org.Slug}, now, func() (dueList, time.Time, error) {
		var all []dueItem
		for _, src := range dueSources {
			items, err := src(h, r, c, today)
			if err != nil {
				return dueList{}, time.Time{}, err
			}
			all = append(all, items...)
		}
		slices.SortStableFunc(all, compareDue)
		return dueList{Items: all[:min(maxDue, len(all))], Count: len(all)}, dueUntil(now, all), nil
	})
	if err != nil {
		return nil, 0, err
	}
	return list.Items, list.Count, nil
}

// compareDue orders due items overdue first, then by date.
func compareDue(a, b dueItem) int {
	if a.Overdue != b.Overdue {
		if a.Overdue {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.Due, b.Due)
}

// dueUntil is how long a list of due items derived at now holds with no
// change to the records: to the end of the day (UTC, attest.Today), when
// items turn due or overdue, or to the first moment an item's own time runs
// out, whichever is sooner.
func dueUntil(now time.Time, items []dueItem) time.Time {
	d := now.UTC()
	until := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, time.UTC)
	for _, it := range items {
		if !it.Until.IsZero() && it.Until.Before(until) {
			until = it.Until
		}
	}
	return until
}
