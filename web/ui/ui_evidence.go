package ui

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type evidenceListView struct {
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

// evidencePage is the evidence library: search and filters, what expires in
// the next 30 days, and the upload form for editors.
func (h *Handler) evidencePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderEvidenceList(w, r, c, http.StatusOK, nil)
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

// addEvidence answers the upload form; receiveEvidence does the work.
func (h *Handler) addEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ev, f, err := h.ReceiveEvidence(w, r, c, 0)
	if err == nil {
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "Evidence added to the ledger as entry "+strconv.FormatInt(ev.LedgerSeq, 10)+".")
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderEvidenceList(w, r, c, http.StatusUnprocessableEntity, f)
	}
	return err
}

type evidenceView struct {
	Evidence    attest.Evidence
	Versions    []attest.Evidence // the chain of corrections, newest first
	Previewable string            // image, pdf, text or ""
	Expiry      []expiring
	Controls    []attest.Control
}

func (h *Handler) evidenceDetail(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ev, err := h.LoadEvidence(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := evidenceView{Evidence: ev, Previewable: web.PreviewKind(ev)}
	// Walk the correction chain both ways.
	for cur := ev; cur.SupersededBy != 0; {
		if cur, err = h.DB.Evidence(ctx, c.Org.ID, cur.SupersededBy); err != nil {
			return err
		}
		v.Versions = append([]attest.Evidence{cur}, v.Versions...)
	}
	v.Versions = append(v.Versions, ev)
	for cur := ev; cur.Supersedes != 0; {
		if cur, err = h.DB.Evidence(ctx, c.Org.ID, cur.Supersedes); err != nil {
			return err
		}
		v.Versions = append(v.Versions, cur)
	}
	if v.Controls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
		return err
	}
	for _, ref := range ev.Controls {
		for _, ctl := range v.Controls {
			if ctl.ID == ref.ID {
				v.Expiry = append(v.Expiry, expiring{Evidence: ev, Control: ref, ExpiresAt: evidence.ExpiresAt(evidence.Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}, ctl.Frequency)})
			}
		}
	}
	h.RenderForm(w, r, c, http.StatusOK, "evidence_item", v, &web.Form{Values: map[string]string{"kind": ev.Kind}, Errors: map[string]string{}})
	return nil
}

func (h *Handler) supersedeEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	old, err := h.LoadEvidence(r, c)
	if err != nil {
		return err
	}
	ev, _, err := h.ReceiveEvidence(w, r, c, old.ID)
	if web.UserError(err) {
		h.SetFlash(w, "error", "The correction was not added: "+attest.ErrorMessage(err))
		http.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, old.ID), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "The correction supersedes "+old.UID+"; both stay in the ledger.")
}

// exportEvidence streams the organization's bundle: every evidence version,
// the ledger, the checkpoints and each file once, verifiable offline with the
// install's public key. The zip is written straight to the response.
func (h *Handler) exportEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	entries, err := h.DB.LedgerEntries(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s has no evidence to export yet.", c.Org.Name)
	}
	h.attachment(w, c, "evidence", "zip")
	cw := &countingWriter{w: w}
	if _, err := h.Evidence.Export(r.Context(), *c.Org, cw); err != nil {
		if cw.n == 0 {
			// Nothing sent yet: answer with a proper error page instead of an empty zip.
			w.Header().Del("Content-Disposition")
			w.Header().Del("Content-Type")
			return err
		}
		// Part of the zip is out: it will not verify, and the log says why.
		h.Log.Error("evidence export failed", "org", c.Org.Slug, "err", err)
		return nil
	}
	return h.logExport(r, c)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (h *Handler) logExport(r *http.Request, c *web.Ctx) error {
	return h.DB.Update(r.Context(), func(tx *store.Queries) error {
		return tx.Log(r.Context(), c.P.Record("evidence.exported", "evidence", "bundle", "Exported the evidence bundle"))
	})
}

type coverageView struct {
	Report evidence.ControlCoverageReport
	Query  url.Values
	Ran    bool
}

// coveragePage shows Type 2 coverage for a window.
func (h *Handler) coveragePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	v := coverageView{Query: q}
	if q.Get("from") != "" || q.Get("to") != "" {
		tz := q.Get("tz")
		if tz == "" {
			tz = "UTC"
		}
		win, err := evidence.ParseWindow(q.Get("from"), q.Get("to"), tz)
		if err != nil {
			return attest.Invalid("window", "%v", err)
		}
		if v.Report, err = evidence.Report(r.Context(), &h.DB.Queries, c.Org.ID, win); err != nil {
			return err
		}
		v.Ran = true
	}
	h.Render(w, r, c, http.StatusOK, "coverage", v)
	return nil
}
