package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// evidenceRoutes are the routes of this area, with the access each needs.
func (h *Handler) evidenceRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/evidence", web.Read, h.evidencePage),
		route("POST", "/o/{org}/evidence", web.Work, h.addEvidence), // employees for controls they own
		route("GET", "/o/{org}/evidence/export", web.Read, h.exportEvidence),
		route("GET", "/o/{org}/evidence/{id}", web.Read, h.evidenceDetail),
		route("GET", "/o/{org}/evidence/{id}/content", web.Read, h.EvidenceContent),
		route("POST", "/o/{org}/evidence/{id}/supersede", web.Edit, h.supersedeEvidence),
		route("GET", "/o/{org}/coverage", web.Read, h.coveragePage),
		route("GET", "/o/{org}/coverage.csv", web.Read, h.exportCoverage),
	}
}

type evidenceListView struct {
	Pager    web.Pager
	Items    []attest.Evidence
	Expiring []expiring
	// ExpiringMore counts what expires soon beyond the rows shown;
	// ExpiringAtLeast says the count stopped at expiringRead.
	ExpiringMore    int
	ExpiringAtLeast bool
	Controls        []attest.Control
	Query           url.Values
	MaxSize         string
}

type expiring struct {
	Evidence  attest.Evidence
	Control   attest.ControlRef
	ExpiresAt time.Time
}

// expiringShown is how many soon-expiring items the evidence page lists, and
// expiringRead how many it reads at most to find and count them: the page
// costs what it shows, however large the library.
const expiringShown, expiringRead = 20, 1000

// expiring lists current evidence that goes stale for an active control within
// 30 days, soonest first, at most expiringShown, and how many more there are.
// The query reads only evidence whose as-of time can expire in that span
// (evidence.AsOfRange); ExpiresAt then decides exactly.
func (h *Handler) expiring(r *http.Request, c *web.Ctx) (shown []expiring, more int, atLeast bool, err error) {
	now := h.Now()
	until := now.AddDate(0, 0, 30)
	var windows []store.AsOfWindow
	for _, f := range attest.ControlFrequencies() {
		lo, hi := evidence.AsOfRange(f, now, until)
		windows = append(windows, store.AsOfWindow{Frequency: f, From: lo, To: hi})
	}
	rows, err := h.DB.EvidenceInWindows(r.Context(), c.Org.ID, windows, expiringRead)
	if err != nil {
		return nil, 0, false, err
	}
	var out []expiring
	for _, x := range rows {
		exp := evidence.ExpiresAt(evidence.Item{CollectedAt: x.CollectedAt, PeriodEnd: x.PeriodEnd}, x.Frequency)
		if exp.After(now) && exp.Before(until) {
			out = append(out, expiring{Evidence: attest.Evidence{ID: x.EvidenceID, Title: x.Title}, Control: x.Control, ExpiresAt: exp})
		}
	}
	slices.SortStableFunc(out, func(a, b expiring) int { return a.ExpiresAt.Compare(b.ExpiresAt) })
	if len(out) > expiringShown {
		out, more = out[:expiringShown], len(out)-expiringShown
	}
	return out, more, len(rows) == expiringRead, nil
}

// evidenceFilter reads the list's filters from the query string.
func evidenceFilter(q url.Values) (store.EvidenceFilter, error) {
	filter := store.EvidenceFilter{Kind: q.Get("kind"), Query: q.Get("q"), Criterion: q.Get("criterion"), IncludeReplaced: q.Get("versions") == "all"}
	filter.ControlID, _ = strconv.ParseInt(q.Get("control"), 10, 64)
	for name, dst := range map[string]*time.Time{"since": &filter.Since, "until": &filter.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return filter, attest.Invalid(name, "must be a date like 2026-01-31 (got %q)", v)
			}
			if name == "until" {
				t = t.AddDate(0, 0, 1)
			}
			*dst = t
		}
	}
	return filter, nil
}

func (h *Handler) renderEvidenceList(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	q := r.URL.Query()
	filter, err := evidenceFilter(q)
	if err != nil {
		return err
	}
	v := evidenceListView{Query: q, MaxSize: evidence.FormatSize(h.Evidence.MaxSize)}
	// Count, then read only the page asked for.
	total, err := h.DB.EvidenceCount(ctx, c.Org.ID, filter)
	if err != nil {
		return err
	}
	v.Pager = web.PageOf(total, q, web.PageSize)
	filter.Offset, filter.Limit = v.Pager.Offset(), web.PageSize
	if v.Items, err = h.DB.EvidenceList(ctx, c.Org.ID, filter); err != nil {
		return err
	}
	if v.Controls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
		return err
	}
	if v.Expiring, v.ExpiringMore, v.ExpiringAtLeast, err = h.expiring(r, c); err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"kind": "file"}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "evidence", v, f)
	return nil
}

type evidenceView struct {
	Evidence    attest.Evidence
	Versions    []attest.Evidence // the chain of corrections, newest first
	Previewable string            // image, pdf, text or ""
	Expiry      []expiring
	Controls    []attest.Control
}
