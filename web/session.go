package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

const sessionCookie = "attest_session"

// sessionFromCookie returns the live session named by the request's cookie, or
// nil when there is none, with the revision of the organization the path
// names read alongside. Users.Session slides its idle expiry.
func (s *Server) sessionFromCookie(r *http.Request) (*store.Session, attest.User, error) {
	secret := PresentedSession(r)
	if secret == "" {
		return nil, attest.User{}, nil
	}
	return s.cfg.Users.Session(r.Context(), secret, r.PathValue("org"))
}

// PresentedSession is the session secret the request's cookie holds, live or
// not; "" without one. Signing in ends that session (account.Credentials.Replaces).
func PresentedSession(r *http.Request) string { return presented(r, sessionCookie) }

// StartSession signs a user in with a fresh session (never reusing a token the
// browser brought, which would allow session fixation) and sets its cookie.
// The session the browser held before, if any, ends: whoever signed in there
// is signed out on the server too.
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	if err := s.cfg.Users.EndPresentedSession(r.Context(), PresentedSession(r)); err != nil {
		return err
	}
	secret, _, err := s.cfg.Users.StartSession(r.Context(), userID, s.clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	s.SetSessionCookie(w, secret)
	return nil
}

// SetSessionCookie gives the browser the secret of a session started by the
// account services (Users.SignIn, Users.StartSession).
func (s *Server) SetSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.Users.SessionLifetime().Seconds())})
}

// ClearSessionCookie removes the session cookie from the browser (signing out
// deletes the session itself).
func (s *Server) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// signinCookie holds a sign-in's challenge between its password and its
// second step (account.SecondFactorNeeded). It is sent only to /login.
const signinCookie = "attest_signin"

// SetChallengeCookie gives the browser the challenge of a sign-in awaiting
// its second step, for as long as the challenge lives.
func (s *Server) SetChallengeCookie(w http.ResponseWriter, challenge string, ttl time.Duration) {
	s.setStepCookie(w, signinCookie, "/login", http.SameSiteStrictMode, challenge, int(ttl.Seconds()))
}

// PresentedChallenge is the challenge the request's cookie holds; "" without one.
func PresentedChallenge(r *http.Request) string { return presented(r, signinCookie) }

// ClearChallengeCookie removes the challenge cookie once the sign-in ends.
func (s *Server) ClearChallengeCookie(w http.ResponseWriter) {
	s.setStepCookie(w, signinCookie, "/login", http.SameSiteStrictMode, "", -1)
}

// Memberships lists the organizations the signed-in caller may open: all of
// theirs, or, for a session an organization's identity provider started,
// that organization only (attest.SignInAllowed), so that its pages never
// list the person's other organizations.
func (s *Server) Memberships(ctx context.Context, c *Ctx) ([]attest.Membership, error) {
	if c.User == nil {
		return nil, nil
	}
	e, err := s.access(ctx, c)
	if err != nil {
		return nil, err
	}
	ms := slices.Clone(e.memberships) // kept between requests: what follows adds to a copy
	// Organizations where they are an auditor of an audit open to them now,
	// without a role (attest.Principal.Guest).
	for _, o := range store.OpenAuditorOrgs(e.auditor, s.cfg.DB.Now()) {
		if !slices.ContainsFunc(ms, func(m attest.Membership) bool { return m.Org.ID == o.ID }) {
			ms = append(ms, attest.Membership{Org: o, User: *c.User})
		}
	}
	if c.Session == nil || c.Session.Method != attest.MethodSSO {
		return ms, err
	}
	var out []attest.Membership
	for _, m := range ms {
		if m.Org.ID == c.Session.SSOOrgID {
			out = append(out, m)
		}
	}
	return out, nil
}

// ssoCookie binds a single sign-on to the browser that started it: the
// provider's callback must bring the same state (login CSRF). Lax, since the
// provider sends the browser back with a top-level GET from its own site.
const ssoCookie = "attest_sso"

// SetSSOCookie keeps the state of a sign-in sent to a provider.
func (s *Server) SetSSOCookie(w http.ResponseWriter, state string, ttl time.Duration) {
	s.setStepCookie(w, ssoCookie, "/login", http.SameSiteLaxMode, state, int(ttl.Seconds()))
}

// PresentedSSOState is the state the request's cookie holds; "" without one.
func PresentedSSOState(r *http.Request) string { return presented(r, ssoCookie) }

// ClearSSOCookie removes the state once the sign-in ends.
func (s *Server) ClearSSOCookie(w http.ResponseWriter) {
	s.setStepCookie(w, ssoCookie, "/login", http.SameSiteLaxMode, "", -1)
}

// webauthnCookie holds the secret of a passkey ceremony under way, between
// the options a page's script asks for and the authenticator's answer.
const webauthnCookie = "attest_webauthn"

// SetCeremonyCookie keeps a passkey ceremony's secret.
func (s *Server) SetCeremonyCookie(w http.ResponseWriter, secret string, ttl time.Duration) {
	s.setStepCookie(w, webauthnCookie, "/", http.SameSiteStrictMode, secret, int(ttl.Seconds()))
}

// PresentedCeremony is the passkey ceremony secret the request's cookie holds.
func PresentedCeremony(r *http.Request) string { return presented(r, webauthnCookie) }

// ClearCeremonyCookie removes it once the ceremony ends.
func (s *Server) ClearCeremonyCookie(w http.ResponseWriter) {
	s.setStepCookie(w, webauthnCookie, "/", http.SameSiteStrictMode, "", -1)
}

// setStepCookie sets (maxAge > 0, or 0 for the browser session) or removes
// (maxAge < 0) one of the short-lived cookies that carry a secret between two
// steps of signing in, or a page's state (AuditPreview): HttpOnly, Secure
// behind TLS, on the paths that read it.
func (s *Server) setStepCookie(w http.ResponseWriter, name, path string, sameSite http.SameSite, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: sameSite, MaxAge: maxAge})
}

// presented is the value of the request's cookie called name; "" without one.
func presented(r *http.Request, name string) string {
	ck, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return ck.Value
}
