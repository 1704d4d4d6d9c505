// Package web is the HTTP server of Attest's UI (package web/ui) and JSON API
// (package web/api). It owns what every request shares: routing, authentication
// and authorization (authorize.go decides every request from the access its
// route declares), the mapping of errors to statuses (errors.go), rendering,
// sessions, flash messages and cross-site request forgery protection.
//
// Handlers live in web/ui and web/api, one file per action, and reach this
// package through a small kit: Route and Access, Ctx (with the request's
// Principal), Render, RenderForm, Form, Redirect, SetFlash, StartSession,
// ClearSessionCookie, WriteJSON, DecodeJSON and WithDetail.
package web

import (
	"context"
	"github.com/attest-hq/attest/change"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/notify"
	"github.com/attest-hq/attest/passkey"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/roster"
	"github.com/attest-hq/attest/sso"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/training"
	"github.com/attest-hq/attest/vendors"
)

// Services is what handlers work with: storage, the capabilities built on it,
// and the settings that shape their answers. The use-case services (controls,
// scope, tasks, frameworks, organizations, members, users) join here as they
// are written, and handlers switch to them.
type Services struct {
	DB       *store.DB
	Catalog  *catalog.Catalog  // built-in frameworks and control library
	Evidence *evidence.Service // blobs, ledger and signing key
	Log      *slog.Logger
	Now      func() time.Time

	BaseURL string // external URL for links printed or shown (set-up, invitations)

	// The use-case services: every state change goes through one of them.
	Controls   programme.Controls
	Scope      programme.Scope
	Tasks      programme.Tasks
	Frameworks programme.Frameworks
	// Readiness derives readiness, kept per organization while nothing it
	// reads changes.
	Readiness *programme.Readiness
	Drafts    programme.Drafts // the system description and management assertion drafts
	OSCAL     programme.OSCAL  // the programme as OSCAL documents
	Audits    programme.Audits // audits, their invited auditors and what each covers
	// AuditPackages writes audits' export packages.
	AuditPackages programme.AuditPackages
	Orgs          *account.Orgs
	Members       *account.Members
	Users         *account.Users

	Connections *connection.Service
	Monitor     *monitor.Service
	// Jobs queues collections ("Run now", webhooks); nil when this process
	// has no job client.
	Jobs Jobs
	// People keeps the workforce records.
	People *people.Service
	// Policies runs policies from draft to acceptance.
	Policies *policy.Service
	// SSO signs people in through their organization's identity provider.
	SSO *sso.Service
	// Passkeys registers passkeys and signs people in with them.
	Passkeys *passkey.Service
	// Notify keeps notification settings and queues email and Slack messages.
	Notify *notify.Service
	// Roster sets people beside their accounts in collected systems.
	Roster *roster.Service
	// Checklists keeps onboarding and offboarding templates and closes
	// their steps.
	Checklists *programme.Checklists
	// Changes reconciles deployed changes with their reviews.
	Changes *change.Service
	// Risks keeps the risk register and its annual assessments.
	Risks *risk.Service
	// Vendors keeps the vendor register, its reviews and checklists.
	Vendors *vendors.Service
	// AccessReviews runs access review campaigns.
	AccessReviews *accessreview.Service
	// Incidents keeps the incident register and the response exercises.
	Incidents *incident.Service
	// Training runs security awareness training and records completions.
	Training *training.Service
	// Populations takes audit populations and answers for them.
	Populations *population.Service
	// JobBoard reads the install's job processes and job queue.
	JobBoard jobs.Board
}

// Jobs is what the web layer needs of the job queue.
type Jobs interface {
	Enqueue(ctx context.Context, orgID, connectionID int64, only []attest.ResourceRef) (int64, error)
	StatusFor(ctx context.Context, orgID, jobID int64) (jobs.State, error)
}

// Config is what the web layer needs from the application.
type Config struct {
	Services

	SecureCookies bool // mark cookies Secure (behind TLS)
	TrustProxy    bool // take the client address from X-Forwarded-For
	// Observe, when set, is told of every request served: the route
	// pattern it matched ("GET /o/{org}/controls"; "" when it was refused
	// before routing), its method, status and how long it took. The
	// process's metrics label requests by the pattern, never by the path.
	Observe func(pattern, method string, status int, took time.Duration)
}

// RouteSet declares one package's routes (web/ui, web/api). It is called once
// the server exists, so handlers can keep it for rendering and take their
// dependencies from s.Services().
type RouteSet func(s *Server) ([]Route, error)

// Server is the HTTP handler for UI and API.
type Server struct {
	cfg     Config
	handler http.Handler
	routes  []Route
	pages   map[string]*template.Template
	// patterns are the ServeMux patterns registered, the only values
	// Observe is given.
	patterns map[string]bool
	// keptPages are the pages of routes with Keep, as last rendered.
	keptPages store.Kept[pageKey, keptPage]
	// keptAccess is each signed-in user's organizations (access.go).
	keptAccess keptAccess
}

// New builds the server with the routes of every set: a route that no set
// declares does not exist.
func New(cfg Config, sets ...RouteSet) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Catalog == nil {
		cat, err := catalog.Load()
		if err != nil {
			return nil, err
		}
		cfg.Catalog = cat
	}
	s := &Server{cfg: cfg}
	s.keptPages.MaxBytes = keptPageBytes
	s.keptPages.Size = func(p keptPage) int { return len(p.body) + len(p.gzip) + 512 } // and its few headers
	parsed, err := pages()
	if err != nil {
		return nil, err
	}
	s.pages = parsed

	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	for _, set := range sets {
		routes, err := set(s)
		if err != nil {
			return nil, err
		}
		s.routes = append(s.routes, routes...)
	}
	s.patterns = map[string]bool{}
	handle := func(pattern string, h http.Handler) {
		mux.Handle(pattern, h)
		s.patterns[pattern] = true
	}
	for _, rt := range s.routes {
		handle(rt.Method+" "+rt.Path, s.authorize(rt))
	}
	// Static files are public and carry no data; they are not in the route table.
	handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))
	handle("/", http.HandlerFunc(s.notFound))

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	// The recoverer is inside the request log, so that a request whose
	// handler panicked is logged and observed with the 500 it got.
	s.handler = s.logRequests(s.recoverer(securityHeaders(csrf.Handler(mux))))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns the route table, for tests that check every route.
func (s *Server) Routes() []Route { return s.routes }

// Services returns the dependencies handlers work with, defaults applied.
func (s *Server) Services() Services { return s.cfg.Services }

func staticHandler(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// securityHeaders sets headers every response needs: no framing, no sniffing,
// and a content policy that allows only our own scripts and styles.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request. Query strings are left out: set-up and
// invitation links carry secrets there.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		took := time.Since(start)
		if sw.status == 0 {
			sw.status = http.StatusOK // nothing written: net/http answers 200
		}
		s.cfg.Log.Info("request", "method", r.Method, "path", logPath(r), "status", sw.status,
			"duration_ms", took.Milliseconds(), "ip", s.clientIP(r))
		if s.cfg.Observe != nil {
			// The mux wrote the pattern it matched into r. Only a registered
			// one is passed on: for some redirects (CONNECT to a subtree)
			// the mux writes a path there.
			pattern := r.Pattern
			if !s.patterns[pattern] {
				pattern = ""
			}
			s.cfg.Observe(pattern, r.Method, sw.status, took)
		}
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log.Error("panic serving request", "method", r.Method, "path", logPath(r), "panic", v)
				http.Error(w, "Internal error.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// logPath is a request's path as logs may show it. Query strings are left out
// (set-up links carry secrets there) and so are invitation paths (the path
// itself is the secret).
func logPath(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/invitations/") {
		return "/invitations/…"
	}
	return r.URL.Path
}

// clientIP is the address a request came from, for throttling and the activity log.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			// The rightmost entry is the one our proxy added; the rest are client claims.
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
