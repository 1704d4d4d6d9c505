package ui

import (
	"net/http"
	"net/url"
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
		route("GET", "/o/{org}/evidence", web.Read, h.evidencePage).Kept(web.KeepAlways),
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
	// ExpiringAtLeast says the count is a lower bound (evidence.ExpiringRead).
	ExpiringMore    int
	ExpiringAtLeast bool
	Controls        []attest.Control
	Query           url.Values
	MaxSize         string
}

type expiring = evidence.Expiring

// expiringShown is how many soon-expiring items the evidence page lists.
const expiringShown = 20

// expiring lists current evidence that goes stale for an active control within
// 30 days, soonest first, at most expiringShown, and how many more there are
// (atLeast: at least that many; the organization has more in its window
// than the service reads).
func (h *Handler) expiring(r *http.Request, c *web.Ctx) (shown []expiring, more int, atLeast bool, err error) {
	list, complete, err := h.Evidence.Expiring(r.Context(), c.Org.ID, h.Now(), 30*24*time.Hour)
	if err != nil {
		return nil, 0, false, err
	}
	shown = list
	if len(shown) > expiringShown {
		shown, more = shown[:expiringShown], len(shown)-expiringShown
	}
	return shown, more, !complete, nil
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
	total, err := h.Evidence.Count(ctx, c.Org.ID, filter)
	if err != nil {
		return err
	}
	v.Pager = web.PageOf(total, q, web.PageSize)
	filter.Offset, filter.Limit = v.Pager.Offset(), web.PageSize
	if v.Items, err = h.DB.EvidenceList(ctx, c.Org.ID, filter); err != nil {
		return err
	}
	if v.Controls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{NoMappings: true}); err != nil {
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
