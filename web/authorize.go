package web

import (
	"context"
	"net/http"
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
)

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
		tok, u, err := s.cfg.Users.Authenticate(ctx, strings.TrimSpace(secret))
		if err != nil {
			return err
		}
		c.User, c.Token = &u, &tok
		c.P.UserID, c.P.Label = u.ID, u.Email
		return nil
	}
	sess, u, err := s.sessionFromCookie(r)
	if err != nil || sess == nil {
		return err
	}
	c.User, c.Session = &u, sess
	c.P.UserID, c.P.Label = u.ID, u.Email
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
	ctx := r.Context()
	org, err := s.cfg.DB.OrgBySlug(ctx, r.PathValue("org"))
	if err != nil {
		return err // ENOTFOUND for a missing organization
	}
	// A token works only in the organization it was created in.
	if c.Token != nil && c.Token.OrgID != org.ID {
		return attest.Errorf(attest.ENOTFOUND, "organization not found")
	}
	m, err := s.cfg.DB.Membership(ctx, org.ID, c.User.ID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Errorf(attest.ENOTFOUND, "organization not found")
	}
	if err != nil {
		return err
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
	if !m.Role.Can(attest.Action(rt.Access)) {
		return attest.Errorf(attest.EFORBIDDEN, "your role (%s) does not allow this", m.Role)
	}
	return nil
}
