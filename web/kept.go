package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Keep lets the server keep a page's rendering between requests: a page read
// by many between two changes is rendered once. It is for GET pages whose
// every byte derives from the organization's records (covered by its
// revision: store.OrgRevision), the caller as the layout shows them, the URL
// and the clock to the minute. It returns whether this request's page may be
// kept, and the part of the key the revision does not cover that the page
// reads (the newest activity, say), "" for none.
//
// A kept page is served to the same user, with the same role, grants,
// organization settings and organizations to switch to, for the same URL,
// while the organization's revision is the one read before it was rendered,
// within the minute it was rendered in. A page with a flash message, an
// audit preview, a status other than 200 or a cookie is never kept.
type Keep func(ctx context.Context, r *http.Request, c *Ctx) (extra string, ok bool, err error)

// KeepAlways is Keep for a page that reads nothing the revision misses.
func KeepAlways(context.Context, *http.Request, *Ctx) (string, bool, error) { return "", true, nil }

// keptPageBytes bounds the memory kept pages take in one process; past it
// they are dropped and rendered again as asked for.
const keptPageBytes = 64 << 20

// keptPage is one page as it was written, and gzipped when that is worth it.
type keptPage struct {
	header http.Header
	body   []byte
	gzip   []byte // nil: served as written
}

// gzipFrom is the size from which a kept page is also kept gzipped: below
// it, the gzip header and a second encoding outweigh the bytes saved.
const gzipFrom = 1024

// compress gzips a page whose type compresses (HTML, JSON, text) and that is
// large enough, once, as it is kept; nil when it is served as written. Speed
// over size: 200 callers may be waiting on this rendering.
func compress(header http.Header, body []byte) []byte {
	if len(body) < gzipFrom || header.Get("Content-Encoding") != "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || !(strings.HasPrefix(mt, "text/") || mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed) // a valid level: no error
	zw.Write(body)
	zw.Close()
	if b.Len() >= len(body) {
		return nil
	}
	return b.Bytes()
}

// servesGzip reports whether a kept page may go to this request gzipped: the
// client accepts gzip, and the request cannot be one another site made the
// browser send. A page that holds secrets and reflects what the URL says
// (a filter, a search) must not be compressed for a request an attacker can
// repeat at will while watching its size on the wire (BREACH); a bearer
// token is never sent by a browser on another site's behalf, and a browser
// says in Sec-Fetch-Site where a request came from. A browser old enough
// not to say gets the page as written.
func servesGzip(r *http.Request, c *Ctx) bool {
	if !acceptsGzip(r.Header.Values("Accept-Encoding")) {
		return false
	}
	if c.Token != nil {
		return true
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "same-origin" || site == "none"
}

// acceptsGzip reads Accept-Encoding (RFC 9110, 12.5.3): gzip, x-gzip or *
// with a quality above zero, and not refused by name.
func acceptsGzip(values []string) bool {
	star, named := false, false
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			ok := true
			for p := range strings.SplitSeq(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					q, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					ok = err == nil && q > 0
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				if !ok {
					return false // refused by name, whatever * says
				}
				named = true
			case "*":
				star = ok
			}
		}
	}
	return named || star
}

// pageKey names a kept page within its organization.
type pageKey struct {
	uri   string // path and query
	user  int64
	view  [sha256.Size]byte // what the layout shows of the caller (viewPrint)
	extra string            // Keep's
}

// serveKept serves the route's page from the kept pages, rendering and
// keeping it when it is not there. It reports false, having written
// nothing, when the page may not be kept: the caller then serves it as
// usual.
func (s *Server) serveKept(w http.ResponseWriter, r *http.Request, c *Ctx) bool {
	rt := c.Route
	if rt.Keep == nil || c.User == nil || c.Org == nil || c.Flash != nil || c.Preview || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	ctx := r.Context()
	extra, ok, err := rt.Keep(ctx, r, c)
	if err != nil {
		s.fail(w, r, c, err)
		return true
	}
	if !ok {
		return false
	}
	view, err := s.viewPrint(ctx, c)
	if err != nil {
		s.fail(w, r, c, err)
		return true
	}
	now := s.cfg.Now()
	key := pageKey{uri: r.URL.RequestURI(), user: c.User.ID, view: view, extra: extra}
	var mine *pageRecorder // this request's own rendering, when it rendered
	derive := func() (keptPage, time.Time, error) {
		mine = &pageRecorder{header: http.Header{}, status: http.StatusOK}
		if err := rt.Handle(mine, r, c); err != nil {
			mine.err = err
			return keptPage{}, time.Time{}, errNotKept
		}
		if mine.status != http.StatusOK || mine.header.Get("Set-Cookie") != "" || c.Preview || c.Flash != nil {
			return keptPage{}, time.Time{}, errNotKept
		}
		// Held to the minute: the clock moves what pages say (what is due,
		// overdue, fresh) at instants no revision marks.
		body := mine.body.Bytes()
		return keptPage{header: mine.header, body: body, gzip: compress(mine.header, body)}, now.Truncate(time.Minute).Add(time.Minute), nil
	}
	var p keptPage
	if c.orgRead.ID == c.Org.ID {
		// Its revision came with the session or token, before anything else.
		p, err = s.keptPages.GetAt(ctx, c.Org.ID, c.orgRead.Revision, key, now, derive)
	} else {
		p, err = s.keptPages.Get(ctx, &s.cfg.DB.Queries, c.Org.ID, key, now, derive)
	}
	switch {
	case errors.Is(err, errNotKept) && mine != nil:
		if mine.err != nil {
			s.fail(w, r, c, mine.err)
			return true
		}
		mine.replay(w)
		return true
	case err != nil:
		s.fail(w, r, c, err)
		return true
	}
	h := w.Header()
	for k, v := range p.header {
		h[k] = slices.Clone(v) // the kept one is shared
	}
	body := p.body
	if p.gzip != nil {
		// The answer differs by Accept-Encoding and, for pages, by where the
		// request came from, whichever is served: caches must know.
		h.Add("Vary", "Accept-Encoding, Sec-Fetch-Site")
		if servesGzip(r, c) {
			body = p.gzip
			h.Set("Content-Encoding", "gzip")
		}
	}
	// A length lets the body go out as it is, not in chunks.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body) // net/http writes nothing of it for HEAD
	return true
}

// KeptPages counts the pages served kept and those rendered to be kept.
func (s *Server) KeptPages() (hits, misses int64) { return s.keptPages.Stats() }

// errNotKept is a rendering that must not be kept: its recorder answers.
var errNotKept = errors.New("web: page not kept")

// viewPrint digests what the layout shows of the caller and what decides
// what they may see: their account, role and grants, the organization's
// settings and the organizations they can switch to. Most of it is in the
// organization's revision already (a user's change bumps every
// organization), but not an organization's own settings or the caller's
// memberships elsewhere.
//
// Every row it stands for (the user, their memberships and the
// organizations' columns, audits' status and early access, auditors) moves
// the access revision read with the caller's session or token (identify),
// so the digest takes that revision and the IDs of what was derived from
// those rows for this request (which organizations are listed, now and for
// this session; the role; the grants) rather than the rows themselves,
// which it would print on every request.
func (s *Server) viewPrint(ctx context.Context, c *Ctx) ([sha256.Size]byte, error) {
	ms, err := s.Memberships(ctx, c)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	if !c.revisionRead { // not known current by a revision: the rows themselves
		h := sha256.New()
		fmt.Fprintf(h, "%v\x00%v\x00%q\x00%v\x00%v", *c.User, *c.Org, c.Role, c.P.Grants, ms)
		var sum [sha256.Size]byte
		h.Sum(sum[:0])
		return sum, nil
	}
	b := make([]byte, 0, 256)
	b = binary.AppendVarint(b, c.revision)
	b = binary.AppendVarint(b, c.User.ID)
	b = binary.AppendVarint(b, c.Org.ID)
	b = append(append(b, c.Role...), 0)
	for _, g := range c.P.Grants {
		b = binary.AppendVarint(append(append(b, g.Kind...), 0), g.ID)
	}
	b = append(b, 0)
	for _, m := range ms {
		b = append(binary.AppendVarint(b, m.Org.ID), m.Role...)
		b = append(b, 0)
	}
	return sha256.Sum256(b), nil
}

// pageRecorder takes a page as its handler writes it.
type pageRecorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
	err    error // the handler's
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(status int) {
	if !p.wrote {
		p.status, p.wrote = status, true
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return p.body.Write(b)
}

// replay writes the recorded answer.
func (p *pageRecorder) replay(w http.ResponseWriter) {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.WriteHeader(p.status)
	w.Write(p.body.Bytes())
}
