package ui

import (
	"cmp"
	"net/http"
	"slices"

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

// registerDue gathers every register's due items, overdue first, then by
// date, and how many there are in all.
func (h *Handler) registerDue(r *http.Request, c *web.Ctx, today string) ([]dueItem, int, error) {
	var all []dueItem
	for _, src := range dueSources {
		items, err := src(h, r, c, today)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, items...)
	}
	slices.SortStableFunc(all, func(a, b dueItem) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Due, b.Due)
	})
	return all[:min(maxDue, len(all))], len(all), nil
}
