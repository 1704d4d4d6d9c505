package web

import (
	"fmt"
	"math"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	if c.User != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	f := &form{Values: map[string]string{"next": safeNext(r.URL.Query().Get("next")), "email": r.URL.Query().Get("email")}, Errors: map[string]string{}}
	s.renderForm(w, r, c, http.StatusOK, "login", nil, f)
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	f := newForm(r, "email", "password", "next")
	f.Values["next"] = safeNext(f.Values["next"])
	email := attest.NormalizeEmail(f.Values["email"])
	password := f.Values["password"]
	delete(f.Values, "password")
	ctx := r.Context()
	ip := c.Actor.IP

	now := s.cfg.Now()
	since := now.Add(-s.cfg.Throttle.Window)
	acct, err := s.cfg.DB.LoginFailures(ctx, store.ScopeAccount, email, since)
	if err != nil {
		return err
	}
	addr, err := s.cfg.DB.LoginFailures(ctx, store.ScopeAddress, ip, since)
	if err != nil {
		return err
	}
	if wait := s.cfg.Throttle.RetryAfter(now, acct, addr); wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Error = fmt.Sprintf("Too many failed sign-in attempts. Try again in %d minute(s).", minutes)
		s.renderForm(w, r, c, http.StatusTooManyRequests, "login", nil, f)
		return nil
	}

	u, err := s.cfg.DB.UserByEmail(ctx, email)
	hash := u.PasswordHash
	if err != nil {
		if attest.ErrorCode(err) != attest.ENOTFOUND {
			return err
		}
		hash = s.dummyHash
	}
	ok, _ := auth.CheckPassword(hash, password)
	if err != nil || !ok {
		if err := s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.RecordLoginFailure(ctx, store.ScopeAccount, email); err != nil {
				return err
			}
			return tx.RecordLoginFailure(ctx, store.ScopeAddress, ip)
		}); err != nil {
			return err
		}
		s.cfg.Log.Info("login failed", "ip", ip)
		f.Error = "The email or password is incorrect."
		s.renderForm(w, r, c, http.StatusUnauthorized, "login", nil, f)
		return nil
	}
	if err := s.cfg.DB.ClearLoginFailures(ctx, store.ScopeAccount, email); err != nil {
		return err
	}
	if err := s.startSession(w, r, u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, f.Values["next"], http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	if c.Session != nil {
		if err := s.cfg.DB.DeleteSession(r.Context(), c.Session.TokenHash); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return s.redirect(w, r, "/login", "You are signed out.")
}
