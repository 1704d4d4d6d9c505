package web

import (
	"net/http"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

const sessionCookie = "attest_session"

// sessionFromCookie returns the live session named by the request's cookie, or
// nil when there is none. It slides the idle expiry, at most once a minute.
func (s *Server) sessionFromCookie(r *http.Request) (*store.Session, attest.User, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, attest.User{}, nil
	}
	hash := auth.HashSecret(ck.Value)
	sess, u, err := s.cfg.DB.SessionUser(r.Context(), hash)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, attest.User{}, nil
	}
	if err != nil {
		return nil, attest.User{}, err
	}
	now := s.cfg.Now()
	if now.Sub(sess.LastSeenAt) > time.Minute {
		exp := now.Add(s.cfg.SessionIdle)
		if limit := sess.CreatedAt.Add(s.cfg.SessionMax); exp.After(limit) {
			exp = limit
		}
		if err := s.cfg.DB.TouchSession(r.Context(), hash, exp); err != nil {
			return nil, attest.User{}, err
		}
		sess.ExpiresAt = exp
	}
	return &sess, u, nil
}

// StartSession signs a user in with a fresh session (never reusing a token the
// browser brought, which would allow session fixation).
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, userID int64) error {
	secret := auth.NewSecret("")
	now := s.cfg.Now()
	sess := store.Session{TokenHash: auth.HashSecret(secret), UserID: userID,
		ExpiresAt: now.Add(min(s.cfg.SessionIdle, s.cfg.SessionMax)), IP: s.clientIP(r), UserAgent: r.UserAgent()}
	if err := s.cfg.DB.CreateSession(r.Context(), &sess); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionMax.Seconds())})
	return nil
}

// ClearSessionCookie removes the session cookie from the browser (signing out
// deletes the session itself).
func (s *Server) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
