package web

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

const sessionCookie = "attest_session"

// sessionFromCookie returns the live session named by the request's cookie, or
// nil when there is none. Users.Session slides its idle expiry.
func (s *Server) sessionFromCookie(r *http.Request) (*store.Session, attest.User, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, attest.User{}, nil
	}
	return s.cfg.Users.Session(r.Context(), ck.Value)
}

// StartSession signs a user in with a fresh session (never reusing a token the
// browser brought, which would allow session fixation) and sets its cookie.
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, userID int64) error {
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
