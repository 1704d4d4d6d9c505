package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Access is what a route requires. Organization routes (with {org} in the path)
// require one of the attest.Action levels of the caller's role in that
// organization; the others are Public or SignedIn.
type Access string

const (
	Public   Access = "public"
	SignedIn Access = "signed-in"
	Own      Access = Access(attest.ActOwn)
	Work     Access = Access(attest.ActWork)
	Read     Access = Access(attest.ActRead)
	Edit     Access = Access(attest.ActEdit)
	Admin    Access = Access(attest.ActAdmin)
	// Audit: an audit's pages, for members who read the organization's data
	// and for the auditors invited into that audit ({audit} in the path), or,
	// on the list of audits, into any of the organization's audits.
	Audit Access = "audit"
	// AuditWrite: a change to an audit's work both sides make (a request's
	// comment, an auditor's own request): members who edit, and the
	// auditors invited into that audit.
	AuditWrite Access = "audit-write"
	// AuditReview: the auditor's judgement of what the organization provided
	// (accept, flag, not applicable): the auditors invited into that audit,
	// never the members who provide it.
	AuditReview Access = "audit-review"
)

// auditAccess reports whether the access is one of an audit's, open to its
// invited auditors.
func (a Access) auditAccess() bool { return a == Audit || a == AuditWrite || a == AuditReview }

// HandlerFunc is a route's handler. A returned error is rendered by fail, which
// maps error codes to statuses for UI and API alike.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, c *Ctx) error

// Route is one entry of the route table.
type Route struct {
	Method string
	Path   string // ServeMux pattern without the method
	Access Access
	API    bool // JSON API: bearer-token authentication and JSON errors
	Handle HandlerFunc
	// Keep, when set, lets the server keep the page's rendering between
	// requests (kept.go): for the busiest pages, whose reads it names.
	Keep Keep
}

// Kept returns the route with Keep set: a page the server may keep rendered
// between requests (kept.go), for the busiest pages, whose reads keep names.
func (rt Route) Kept(keep Keep) Route {
	rt.Keep = keep
	return rt
}

// OrgScoped reports whether the route acts inside one organization.
func (rt Route) OrgScoped() bool { return strings.Contains(rt.Path, "{org}") }

// Ctx is what authorize learned about a request. P is the principal, built
// once here; the other fields are what templates and handlers show.
type Ctx struct {
	P       attest.Principal
	User    *attest.User     // nil when anonymous
	Session *store.Session   // UI requests with a session
	Token   *attest.APIToken // API requests
	Org     *attest.Organization
	Role    attest.Role
	Route   Route
	Flash   *Flash
	// Preview is set when a member's page renders as the audit's invited
	// auditors see it (P is then their principal): the layout says so and
	// disables the page's forms.
	Preview bool

	access     accessEntry // the signed-in user's organizations, once read (Server.access)
	accessRead bool
	// revision is the access revision read with the caller's session or
	// token (identify), what access checks kept organizations against.
	revision     int64
	revisionRead bool
	// orgRead is the organization the path names (a token's own, for the
	// API) and its revision, read with the session or token before anything
	// else: a kept page of that organization needs no other read. ID 0 when
	// not read.
	orgRead store.OrgRead
}

// Can reports whether the caller's role in the current organization allows a.
func (c *Ctx) Can(a attest.Action) bool { return c.Org != nil && c.P.Can(a) }

type ctxKey struct{}

// authorize is the one place where a request is authenticated and authorized.
// Organization membership is checked before the role, and a non-member gets the
// same 404 as a missing organization, so nothing about another tenant leaks.
func (s *Server) authorize(rt Route) http.Handler {
	if rt.OrgScoped() == (rt.Access == Public || rt.Access == SignedIn) {
		panic("web: route " + rt.Method + " " + rt.Path + ": organization access levels go with {org} paths, and only with them")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &Ctx{Route: rt}
		c.P = attest.Principal{IP: s.clientIP(r), Via: attest.ViaUI, Label: "anonymous"}
		if rt.API {
			c.P.Via = attest.ViaAPI
		}
		if err := s.identify(r, c); err != nil {
			s.fail(w, r, c, err)
			return
		}
		if err := s.permit(r, c); err != nil {
			s.fail(w, r, c, err)
			return
		}
		if !rt.API {
			c.Flash = s.takeFlash(w, r)
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, c))
		if rt.Keep != nil && s.serveKept(w, r, c) {
			return
		}
		if err := rt.Handle(w, r, c); err != nil {
			s.fail(w, r, c, err)
		}
	})
}

// identify finds the caller: a bearer token for the API, a session cookie for the UI.
func (s *Server) identify(r *http.Request, c *Ctx) error {
	ctx := r.Context()
	if c.Route.API {
		h := r.Header.Get("Authorization")
		if h == "" {
			return nil
		}
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return attest.Errorf(attest.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\"")
		}
		tu, err := s.cfg.Users.Authenticate(ctx, strings.TrimSpace(secret))
		if err != nil {
			return err
		}
		c.User, c.Token = &tu.User, &tu.Token
		c.P.UserID, c.P.Label = tu.User.ID, tu.User.Email
		c.revision, c.revisionRead, c.orgRead = tu.Access, true, tu.Org
		return nil
	}
	sess, u, err := s.sessionFromCookie(r)
	if err != nil || sess == nil {
		return err
	}
	c.User, c.Session = &u, sess
	c.P.UserID, c.P.Label = u.ID, u.Email
	c.revision, c.revisionRead, c.orgRead = sess.Access, true, sess.Org
	return nil
}

// permit applies the route's access rule to the identified caller.
func (s *Server) permit(r *http.Request, c *Ctx) error {
	rt := c.Route
	if rt.Access == Public {
		return nil
	}
	if c.User == nil {
		return attest.Errorf(attest.EUNAUTHORIZED, "sign in to continue")
	}
	if rt.Access == SignedIn {
		return nil
	}
	// The caller's memberships, read once per request: the layout lists
	// them too (Server.Memberships).
	ms, err := s.userMemberships(r.Context(), c)
	if err != nil {
		return err
	}
	slug := r.PathValue("org")
	i := slices.IndexFunc(ms, func(m attest.Membership) bool { return m.Org.Slug == slug })
	var m attest.Membership
	if i >= 0 {
		m = ms[i]
	} else if m.Org, err = s.cfg.DB.OrgBySlug(r.Context(), slug); err != nil {
		return err // ENOTFOUND for a missing organization
	}
	org := m.Org
	// A token works only in the organization it was created in.
	if c.Token != nil && c.Token.OrgID != org.ID {
		return attest.Errorf(attest.ENOTFOUND, "organization not found")
	}
	if i < 0 {
		// Not a member: an auditor invited into an audit of the organization
		// acts by grants alone, on the audit's pages (guest), while it is
		// open to auditors.
		return s.permitGuest(r, c, org)
	}
	c.Org, c.Role = &org, m.Role
	c.P.OrgID, c.P.Role = org.ID, m.Role
	// The organization's sign-in rules apply to sessions, on every request:
	// one started before a rule was turned on is held to it too. API tokens
	// are made by members signed in under the rules, and not asked.
	if c.Session != nil {
		if err := attest.SignInAllowed(org, c.Session.Proof()); err != nil {
			return err
		}
	}
	switch rt.Access {
	case Audit:
		if m.Role.Can(attest.ActRead) {
			return nil
		}
		return attest.Errorf(attest.EFORBIDDEN, "your role (%s) does not allow this", m.Role)
	case AuditWrite:
		if m.Role.Can(attest.ActEdit) {
			return nil
		}
		return attest.Errorf(attest.EFORBIDDEN, "your role (%s) does not allow this", m.Role)
	case AuditReview:
		return attest.Errorf(attest.EFORBIDDEN, "only the audit's invited auditors judge what the organization provides")
	}
	if !m.Role.Can(attest.Action(rt.Access)) {
		return attest.Errorf(attest.EFORBIDDEN, "your role (%s) does not allow this", m.Role)
	}
	return nil
}

// userMemberships returns the signed-in user's memberships, all of them
// (Memberships applies a session's identity provider).
func (s *Server) userMemberships(ctx context.Context, c *Ctx) ([]attest.Membership, error) {
	e, err := s.access(ctx, c)
	return e.memberships, err
}

// permitGuest lets an invited auditor who is not a member into an audit's
// pages: the principal gets a grant for each audit of the organization open
// to auditors that they joined, and no role. Anyone without such a grant gets
// the 404 of a missing organization; a guest on any page but their audit's
// gets 403. API tokens belong to members, so guests use the UI.
func (s *Server) permitGuest(r *http.Request, c *Ctx, org attest.Organization) error {
	notFound := attest.Errorf(attest.ENOTFOUND, "organization not found")
	if c.Token != nil {
		return notFound
	}
	audits, err := s.cfg.DB.AuditGrants(r.Context(), org.ID, c.User.ID)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	for _, a := range audits {
		if a.OpenToAuditors(now) {
			c.P.Grants = append(c.P.Grants, attest.Grant{Kind: attest.GrantAudit, ID: a.ID})
		}
	}
	if len(c.P.Grants) == 0 {
		return notFound
	}
	c.Org = &org
	c.P.OrgID = org.ID
	if c.Session != nil {
		// An audit firm's people cannot sign in through the organization's
		// identity provider: where it requires one, they prove a second
		// factor in Attest instead.
		rules := org
		rules.RequireMFA, rules.RequireSSO = org.RequireMFA || org.RequireSSO, false
		if err := attest.SignInAllowed(rules, c.Session.Proof()); err != nil {
			return err
		}
	}
	if !c.Route.Access.auditAccess() {
		return attest.Errorf(attest.EFORBIDDEN, "auditors invited into an audit see that audit's pages only")
	}
	if v := r.PathValue("audit"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !c.P.AuditGrant(id) {
			return attest.Errorf(attest.EFORBIDDEN, "you are not an auditor of this audit")
		}
	}
	return nil
}
