package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
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

// keptPage is one page as it was written.
type keptPage struct {
	header http.Header
	body   []byte
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
	p, err := s.keptPages.Get(ctx, &s.cfg.DB.Queries, c.Org.ID, key, now, func() (keptPage, time.Time, error) {
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
		return keptPage{header: mine.header, body: mine.body.Bytes()}, now.Truncate(time.Minute).Add(time.Minute), nil
	})
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
	for k, v := range p.header {
		w.Header()[k] = slices.Clone(v) // the kept one is shared
	}
	w.WriteHeader(http.StatusOK)
	w.Write(p.body)
	return true
}

// KeptPages counts the pages served kept and those rendered to be kept.
func (s *Server) KeptPages() (hits, misses int64) { return s.keptPages.Stats() }

// errNotKept is a rendering that must not be kept: its recorder answers.
var errNotKept = errors.New("web: page not kept")

// viewPrint digests what the layout shows of the caller and what decides
// what they may see: their account, role and grants, the organization's
// settings and the organizations they can switch to. Most of it is in the
// revision already (a user's change bumps every organization), but not an
// organization's own settings or the caller's memberships elsewhere.
func (s *Server) viewPrint(ctx context.Context, c *Ctx) ([sha256.Size]byte, error) {
	ms, err := s.Memberships(ctx, c)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%v\x00%v\x00%q\x00%v\x00%v", *c.User, *c.Org, c.Role, c.P.Grants, ms)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum, nil
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
