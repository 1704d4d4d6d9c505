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
	Controls []attest.Control
	Query    url.Values
	MaxSize  string
}

type expiring struct {
	Evidence  attest.Evidence
	Control   attest.ControlRef
	ExpiresAt time.Time
}

// expiring lists current evidence that goes stale for a control within 30 days.
func (h *Handler) expiring(r *http.Request, c *web.Ctx, controls []attest.Control) ([]expiring, error) {
	all, err := h.DB.EvidenceList(r.Context(), c.Org.ID, store.EvidenceFilter{})
	if err != nil {
		return nil, err
	}
	freq := map[int64]string{}
	for _, ctl := range controls {
		freq[ctl.ID] = ctl.Frequency
	}
	now := h.Now()
	var out []expiring
	for _, ev := range all {
		for _, ref := range ev.Controls {
			f, ok := freq[ref.ID]
			if !ok {
				continue
			}
			exp := evidence.ExpiresAt(evidence.Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}, f)
			if exp.After(now) && exp.Before(now.AddDate(0, 0, 30)) {
				out = append(out, expiring{Evidence: ev, Control: ref, ExpiresAt: exp})
			}
		}
	}
	return out, nil
}

func (h *Handler) renderEvidenceList(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	q := r.URL.Query()
	filter := store.EvidenceFilter{Kind: q.Get("kind"), Query: q.Get("q"), Criterion: q.Get("criterion"), IncludeReplaced: q.Get("versions") == "all"}
	filter.ControlID, _ = strconv.ParseInt(q.Get("control"), 10, 64)
	for name, dst := range map[string]*time.Time{"since": &filter.Since, "until": &filter.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return attest.Invalid(name, "must be a date like 2026-01-31 (got %q)", v)
			}
			if name == "until" {
				t = t.AddDate(0, 0, 1)
			}
			*dst = t
		}
	}
	v := evidenceListView{Query: q, MaxSize: evidence.FormatSize(h.Evidence.MaxSize)}
	var err error
	if v.Items, err = h.DB.EvidenceList(ctx, c.Org.ID, filter); err != nil {
		return err
	}
	v.Items, v.Pager = web.Paginate(v.Items, q, web.PageSize)
	if v.Controls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
		return err
	}
	if v.Expiring, err = h.expiring(r, c, v.Controls); err != nil {
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
