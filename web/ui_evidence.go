package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
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
func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	return s.renderEvidenceList(w, r, c, http.StatusOK, nil)
}

func (s *Server) renderEvidenceList(w http.ResponseWriter, r *http.Request, c *Ctx, status int, f *form) error {
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
	v := evidenceListView{Query: q, MaxSize: evidence.FormatSize(s.cfg.Evidence.MaxSize)}
	var err error
	if v.Items, err = s.cfg.DB.EvidenceList(ctx, c.Org.ID, filter); err != nil {
		return err
	}
	if v.Controls, err = s.cfg.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
		return err
	}
	if v.Expiring, err = s.expiring(r, c, v.Controls); err != nil {
		return err
	}
	if f == nil {
		f = &form{Values: map[string]string{"kind": "file"}, Errors: map[string]string{}}
	}
	s.renderForm(w, r, c, status, "evidence", v, f)
	return nil
}

// expiring lists current evidence that goes stale for a control within 30 days.
func (s *Server) expiring(r *http.Request, c *Ctx, controls []attest.Control) ([]expiring, error) {
	all, err := s.cfg.DB.EvidenceList(r.Context(), c.Org.ID, store.EvidenceFilter{})
	if err != nil {
		return nil, err
	}
	freq := map[int64]string{}
	for _, ctl := range controls {
		freq[ctl.ID] = ctl.Frequency
	}
	now := s.cfg.Now()
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
func (s *Server) addEvidence(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ev, f, err := s.receiveEvidence(w, r, c, 0)
	if err == nil {
		return s.redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "Evidence added to the ledger as entry "+strconv.FormatInt(ev.LedgerSeq, 10)+".")
	}
	if userError(err) {
		f.fail(err)
		return s.renderEvidenceList(w, r, c, http.StatusUnprocessableEntity, f)
	}
	return err
}

// receiveEvidence reads an evidence upload (UI or API) and adds it. It streams
// the multipart body: the text fields come first and the file last, so the
// file is piped straight into the blob store.
func (s *Server) receiveEvidence(w http.ResponseWriter, r *http.Request, c *Ctx, supersedes int64) (attest.Evidence, *form, error) {
	var prev *attest.Evidence
	if supersedes != 0 {
		old, err := s.cfg.DB.Evidence(r.Context(), c.Org.ID, supersedes)
		if err != nil {
			return attest.Evidence{}, &form{Values: map[string]string{}, Errors: map[string]string{}}, err
		}
		prev = &old
	}
	f := &form{Values: map[string]string{}, Errors: map[string]string{}}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.Evidence.MaxSize+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return attest.Evidence{}, f, attest.Invalid("file", "send the evidence as multipart/form-data")
	}
	n := evidence.New{Org: *c.Org, Actor: c.Actor, Supersedes: supersedes}
	var content io.Reader = strings.NewReader("")
	var part *multipart.Part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return attest.Evidence{}, f, badUpload(err)
		}
		if p.FormName() == "file" && p.FileName() != "" {
			part = p
			break // the file is the last part; everything needed came before it
		}
		v, err := io.ReadAll(io.LimitReader(p, 64<<10+1))
		if err != nil {
			return attest.Evidence{}, f, badUpload(err)
		}
		name := p.FormName()
		if len(v) > 64<<10 {
			return attest.Evidence{}, f, attest.Invalid(name, "is longer than 64 KiB; upload long text as a file instead")
		}
		f.Values[name] = string(v)
		if name == "control" {
			id, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return attest.Evidence{}, f, attest.Invalid("controls", "%q is not a control", v)
			}
			n.ControlIDs = append(n.ControlIDs, id)
		}
	}
	n.Kind, n.Title, n.Notes, n.URL = f.Values["kind"], f.Values["title"], f.Values["notes"], f.Values["url"]
	if n.Kind == "" {
		n.Kind = attest.KindFile
	}
	if n.Kind == attest.KindSystem {
		return attest.Evidence{}, f, attest.Invalid("kind", "system evidence is produced by Attest itself")
	}
	if ps, pe := f.Values["period_start"], f.Values["period_end"]; ps != "" || pe != "" {
		start, err1 := time.Parse("2006-01-02", ps)
		end, err2 := time.Parse("2006-01-02", pe)
		if err1 != nil || err2 != nil {
			return attest.Evidence{}, f, attest.Invalid("period", "needs a start and an end date like 2026-01-31")
		}
		n.PeriodStart, n.PeriodEnd = start, end.Add(24*time.Hour-time.Microsecond)
	}
	switch n.Kind {
	case attest.KindFile:
		if part == nil && prev != nil && prev.Kind == attest.KindFile {
			// A correction without a new file keeps the content and changes
			// only what is said about it (title, controls, period, notes).
			rc, _, err := s.cfg.Evidence.Blobs.Open(r.Context(), prev.SHA256)
			if err != nil {
				return attest.Evidence{}, f, err
			}
			defer rc.Close()
			n.Filename, n.MediaType = prev.Filename, prev.MediaType
			if n.Title == "" {
				n.Title = prev.Title
			}
			content = rc
			break
		}
		if part == nil {
			return attest.Evidence{}, f, attest.Invalid("file", "choose a file to upload")
		}
		n.Filename = part.FileName()
		if n.Title == "" {
			n.Title = n.Filename
		}
		n.MediaType = part.Header.Get("Content-Type")
		if n.MediaType == "application/octet-stream" {
			n.MediaType = "" // let the content decide
		}
		content = &clientReader{r: part}
	case attest.KindAttestation:
		content = strings.NewReader(f.Values["text"])
		if strings.TrimSpace(f.Values["text"]) == "" {
			return attest.Evidence{}, f, attest.Invalid("text", "write the attestation")
		}
	}
	ev, err := s.cfg.Evidence.Add(r.Context(), n, content)
	var max *http.MaxBytesError
	switch {
	case errors.As(err, &max):
		err = attest.Invalid("file", "is larger than the limit of %s", evidence.FormatSize(s.cfg.Evidence.MaxSize))
	case err != nil && content != nil:
		if cr, ok := content.(*clientReader); ok && cr.err != nil && cr.err != io.EOF {
			err = badUpload(cr.err) // the client's body broke off, not our storage
		}
	}
	if attest.ErrorField(err) == "filename" {
		// The form has one file field; say it there.
		err = attest.Invalid("file", "%s", strings.TrimPrefix(attest.ErrorMessage(err), "filename: "))
	}
	return ev, f, err
}

// clientReader remembers the error reading the client's upload, so a broken
// request is answered as the client's mistake rather than a server fault.
type clientReader struct {
	r   io.Reader
	err error
}

func (c *clientReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// badUpload explains a broken multipart body without leaking parser internals.
func badUpload(err error) error {
	var max *http.MaxBytesError
	if errors.As(err, &max) {
		return attest.Invalid("file", "the upload is larger than allowed")
	}
	return attest.Invalid("file", "the upload was cut short or is not valid multipart/form-data")
}

type evidenceView struct {
	Evidence    attest.Evidence
	Versions    []attest.Evidence // the chain of corrections, newest first
	Previewable string            // image, pdf, text or ""
	Expiry      []expiring
	Controls    []attest.Control
}

func (s *Server) loadEvidence(r *http.Request, c *Ctx) (attest.Evidence, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Evidence{}, attest.Errorf(attest.ENOTFOUND, "evidence not found")
	}
	return s.cfg.DB.Evidence(r.Context(), c.Org.ID, id)
}

func (s *Server) evidenceDetail(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ev, err := s.loadEvidence(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := evidenceView{Evidence: ev, Previewable: previewKind(ev)}
	// Walk the correction chain both ways.
	for cur := ev; cur.SupersededBy != 0; {
		if cur, err = s.cfg.DB.Evidence(ctx, c.Org.ID, cur.SupersededBy); err != nil {
			return err
		}
		v.Versions = append([]attest.Evidence{cur}, v.Versions...)
	}
	v.Versions = append(v.Versions, ev)
	for cur := ev; cur.Supersedes != 0; {
		if cur, err = s.cfg.DB.Evidence(ctx, c.Org.ID, cur.Supersedes); err != nil {
			return err
		}
		v.Versions = append(v.Versions, cur)
	}
	if v.Controls, err = s.cfg.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
		return err
	}
	for _, ref := range ev.Controls {
		for _, ctl := range v.Controls {
			if ctl.ID == ref.ID {
				v.Expiry = append(v.Expiry, expiring{Evidence: ev, Control: ref, ExpiresAt: evidence.ExpiresAt(evidence.Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}, ctl.Frequency)})
			}
		}
	}
	s.renderForm(w, r, c, http.StatusOK, "evidence_item", v, &form{Values: map[string]string{"kind": ev.Kind}, Errors: map[string]string{}})
	return nil
}

// previewKind says how the browser may show content inline: only types that
// cannot run script in our origin (the content response is also sandboxed).
func previewKind(ev attest.Evidence) string {
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ev.MediaType, ";", 2)[0]))
	switch {
	case mt == "image/png", mt == "image/jpeg", mt == "image/gif", mt == "image/webp":
		return "image"
	case mt == "application/pdf":
		return "pdf"
	case mt == "text/plain", mt == "text/csv", mt == "application/json", mt == "text/uri-list":
		return "text"
	}
	return ""
}

// evidenceContent serves the stored bytes. Previewable types are shown inline,
// everything else downloads; the response is sandboxed so that even a
// mislabelled file cannot run script with the user's session.
func (s *Server) evidenceContent(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ev, err := s.loadEvidence(r, c)
	if err != nil {
		return err
	}
	rc, size, err := s.cfg.Evidence.Blobs.Open(r.Context(), ev.SHA256)
	if errors.Is(err, blob.ErrNotFound) {
		return attest.Errorf(attest.ENOTFOUND, "the content of %s is missing from the blob store; run attest verify", ev.UID)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	kind := previewKind(ev)
	ct := ev.MediaType
	if kind == "text" {
		ct = "text/plain; charset=utf-8"
	} else if kind == "" {
		ct = "application/octet-stream"
	}
	name := ev.Filename
	if name == "" {
		name = ev.UID + ".txt"
	}
	disposition := "attachment"
	if kind != "" && r.URL.Query().Get("download") == "" {
		disposition = "inline"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	h.Set("Content-Disposition", disposition+"; filename*=UTF-8''"+url.PathEscape(name))
	// A sandboxed response cannot run script in our origin, whatever it holds.
	// Browsers refuse to render PDFs under a sandbox, so PDFs get a policy
	// without scripts instead; their viewer runs apart from the page.
	if kind == "pdf" {
		h.Set("Content-Security-Policy", "default-src 'none'; object-src 'self'")
	} else {
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	}
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("ETag", `"`+ev.SHA256+`"`)
	_, err = io.Copy(w, rc)
	return err
}

func (s *Server) supersedeEvidence(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	old, err := s.loadEvidence(r, c)
	if err != nil {
		return err
	}
	ev, _, err := s.receiveEvidence(w, r, c, old.ID)
	if userError(err) {
		s.setFlash(w, "error", "The correction was not added: "+attest.ErrorMessage(err))
		http.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, old.ID), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "The correction supersedes "+old.UID+"; both stay in the ledger.")
}

// exportEvidence streams the organization's bundle: every evidence version,
// the ledger, the checkpoints and each file once, verifiable offline with the
// install's public key. The zip is written straight to the response.
func (s *Server) exportEvidence(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	entries, err := s.cfg.DB.LedgerEntries(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s has no evidence to export yet.", c.Org.Name)
	}
	s.attachment(w, c, "evidence", "zip")
	cw := &countingWriter{w: w}
	if _, err := s.cfg.Evidence.Export(r.Context(), *c.Org, cw); err != nil {
		if cw.n == 0 {
			// Nothing sent yet: answer with a proper error page instead of an empty zip.
			w.Header().Del("Content-Disposition")
			w.Header().Del("Content-Type")
			return err
		}
		// Part of the zip is out: it will not verify, and the log says why.
		s.cfg.Log.Error("evidence export failed", "org", c.Org.Slug, "err", err)
		return nil
	}
	return s.logExport(r, c)
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

func (s *Server) logExport(r *http.Request, c *Ctx) error {
	return s.cfg.DB.Update(r.Context(), func(tx *store.Queries) error {
		return tx.Log(r.Context(), c.Actor.Record(c.Org.ID, "evidence.exported", "evidence", "bundle", "Exported the evidence bundle"))
	})
}

type coverageView struct {
	Report evidence.ControlCoverageReport
	Query  url.Values
	Ran    bool
}

// coveragePage shows Type 2 coverage for a window.
func (s *Server) coveragePage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
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
		if v.Report, err = evidence.Report(r.Context(), &s.cfg.DB.Queries, c.Org.ID, win); err != nil {
			return err
		}
		v.Ran = true
	}
	s.render(w, r, c, http.StatusOK, "coverage", v)
	return nil
}
