package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/evidence"
)

// Use cases and request readers that the UI and the API share. They move into
// the use-case services as those are written; handlers then call the services.

// LoadControl reads the {id} control of the request's organization. A control
// outside the caller's attest.RecordControl visibility (an employee's view of
// a control they do not own) is not found, exactly as a missing one.
func (s *Services) LoadControl(r *http.Request, c *Ctx) (attest.Control, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Control{}, attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	ctl, err := s.DB.Control(r.Context(), c.Org.ID, id)
	if err == nil && !c.P.Visibility(attest.RecordControl).Admits(ctl.OrgID, ctl.OwnerID) {
		return attest.Control{}, attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	return ctl, err
}

// LoadConnection reads the {id} connection of the request's organization, as
// the principal may see it (never its credential).
func (s *Services) LoadConnection(r *http.Request, c *Ctx) (attest.Connection, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Connection{}, attest.Errorf(attest.ENOTFOUND, "connection not found")
	}
	return s.Connections.Get(r.Context(), c.P, id)
}

// LoadEvidence reads the {id} evidence of the request's organization.
func (s *Services) LoadEvidence(r *http.Request, c *Ctx) (attest.Evidence, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Evidence{}, attest.Errorf(attest.ENOTFOUND, "evidence not found")
	}
	return s.DB.Evidence(r.Context(), c.Org.ID, id)
}

// ReceiveEvidence reads an evidence upload (UI or API) and adds it. It streams
// the multipart body: the text fields come first and the file last, so the
// file is piped straight into the blob store.
func (s *Services) ReceiveEvidence(w http.ResponseWriter, r *http.Request, c *Ctx, supersedes int64) (attest.Evidence, *Form, error) {
	var prev *attest.Evidence
	if supersedes != 0 {
		old, err := s.DB.Evidence(r.Context(), c.Org.ID, supersedes)
		if err != nil {
			return attest.Evidence{}, &Form{Values: map[string]string{}, Errors: map[string]string{}}, err
		}
		prev = &old
	}
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	n := evidence.New{Org: *c.Org, Actor: c.P.Actor(), Supersedes: supersedes}
	var content io.Reader = strings.NewReader("")
	controls, part, err := readEvidenceForm(w, r, s.Evidence.MaxSize+1<<20, f)
	if err != nil {
		return attest.Evidence{}, f, err
	}
	n.ControlIDs = controls
	if err := attest.EvidenceNeedsControl(n.ControlIDs); err != nil {
		return attest.Evidence{}, f, err
	}
	if !c.P.Can(attest.ActEdit) {
		// Employees add evidence only for controls they own.
		for _, id := range n.ControlIDs {
			ctl, err := s.DB.Control(r.Context(), c.Org.ID, id)
			if err != nil {
				return attest.Evidence{}, f, attest.Invalid("controls", "control %d is not a control of this organization", id)
			}
			if err := c.P.MayAddEvidenceFor(ctl.OwnerID); err != nil {
				return attest.Evidence{}, f, err
			}
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
			rc, _, err := s.Evidence.Blobs.Open(r.Context(), prev.SHA256)
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
			return attest.Evidence{}, f, attest.Invalid("file", "is required: choose a file to upload")
		}
		// The name as sent, not part.FileName(), which keeps only its last
		// element: "../../x" must be refused (attest.ValidateFilename, as
		// docs/security.md says), not quietly stored as "x".
		n.Filename = rawFilename(part)
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
			return attest.Evidence{}, f, attest.Invalid("text", "is required: write the attestation")
		}
	}
	ev, err := s.Evidence.Add(r.Context(), n, content)
	var max *http.MaxBytesError
	switch {
	case errors.As(err, &max):
		err = attest.Invalid("file", "is larger than the limit of %s", evidence.FormatSize(s.Evidence.MaxSize))
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

// readEvidenceForm reads an evidence upload's multipart body up to its file:
// each text field (at most 64 KiB) into f.Values, the chosen controls, and
// the file's part, which is left unread for the caller to stream (nil when
// the form has no file). The whole body is limited to limit bytes.
func readEvidenceForm(w http.ResponseWriter, r *http.Request, limit int64, f *Form) (controls []int64, part *multipart.Part, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, attest.Invalid("file", "send the evidence as multipart/form-data")
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return controls, nil, nil
		}
		if err != nil {
			return nil, nil, badUpload(err)
		}
		if p.FormName() == "file" && rawFilename(p) != "" {
			return controls, p, nil // the file is the last part; everything needed came before it
		}
		v, err := io.ReadAll(io.LimitReader(p, 64<<10+1))
		if err != nil {
			return nil, nil, badUpload(err)
		}
		name := p.FormName()
		if len(v) > 64<<10 {
			return nil, nil, attest.Invalid(name, "is longer than 64 KiB; upload long text as a file instead")
		}
		f.Values[name] = string(v)
		if name == "control" {
			// Every chosen control, so a refused form shows them still chosen.
			f.Values[name] = strings.TrimPrefix(f.Values["controls"]+","+string(v), ",")
			f.Values["controls"] = f.Values[name]
			id, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return nil, nil, attest.Invalid("controls", "%q is not a control", v)
			}
			controls = append(controls, id)
		}
	}
}

// rawFilename returns the filename parameter of the part's
// Content-Disposition exactly as the client sent it (decoded from filename*
// when given that way), or "" for none.
func rawFilename(p *multipart.Part) string {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return ""
	}
	return params["filename"]
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

// PreviewKind says how the browser may show content inline: only types that
// cannot run script in our origin (the content response is also sandboxed).
func PreviewKind(ev attest.Evidence) string {
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

// EvidenceContent serves the stored bytes. Previewable types are shown inline,
// everything else downloads; the response is sandboxed so that even a
// mislabelled file cannot run script with the user's session.
func (s *Services) EvidenceContent(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ev, err := s.LoadEvidence(r, c)
	if err != nil {
		return err
	}
	return s.ServeEvidence(w, r, ev)
}

// ServeEvidence writes an evidence item's stored bytes, sandboxed as
// EvidenceContent says, for a caller that has already decided it may be seen.
func (s *Services) ServeEvidence(w http.ResponseWriter, r *http.Request, ev attest.Evidence) error {
	rc, size, err := s.Evidence.Blobs.Open(r.Context(), ev.SHA256)
	if errors.Is(err, blob.ErrNotFound) {
		return attest.Errorf(attest.ENOTFOUND, "the content of %s is missing from the blob store; run attest verify", ev.UID)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	kind := PreviewKind(ev)
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

// ActivityPageSize is how many activity entries a page or an API call shows.
const ActivityPageSize = 100

// ActivityFilter reads the filter shared by the page, the export and the API.
func ActivityFilter(q url.Values) (attest.ActivityFilter, error) {
	f := attest.ActivityFilter{Action: q.Get("action"), ActorLabel: q.Get("actor"), RecordType: q.Get("record_type")}
	for _, p := range []struct {
		name string
		dst  *time.Time
		end  bool
	}{{"since", &f.Since, false}, {"until", &f.Until, true}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			d, derr := time.Parse("2006-01-02", v)
			if derr != nil {
				return f, attest.Invalid(p.name, "must be a date (2026-01-31) or an RFC 3339 time (got %q)", v)
			}
			if p.end {
				d = d.AddDate(0, 0, 1) // "until" a date includes that whole day
			}
			t = d
		}
		*p.dst = t
	}
	if v := q.Get("before"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, attest.Invalid("before", "must be a positive entry ID (got %q)", v)
		}
		f.BeforeID = id
	}
	return f, nil
}
