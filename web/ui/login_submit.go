package ui

import (
	"fmt"
	"math"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) login(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "email", "password", "next")
	f.Values["next"] = web.SafeNext(f.Values["next"])
	email := attest.NormalizeEmail(f.Values["email"])
	password := f.Values["password"]
	delete(f.Values, "password")
	ctx := r.Context()
	ip := c.P.IP

	now := h.Now()
	since := now.Add(-h.Throttle.Window)
	acct, err := h.DB.LoginFailures(ctx, store.ScopeAccount, email, since)
	if err != nil {
		return err
	}
	addr, err := h.DB.LoginFailures(ctx, store.ScopeAddress, ip, since)
	if err != nil {
		return err
	}
	if wait := h.Throttle.RetryAfter(now, acct, addr); wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Error = fmt.Sprintf("Too many failed sign-in attempts. Try again in %d minute(s).", minutes)
		h.RenderForm(w, r, c, http.StatusTooManyRequests, "login", nil, f)
		return nil
	}

	u, err := h.DB.UserByEmail(ctx, email)
	hash := u.PasswordHash
	if err != nil {
		if attest.ErrorCode(err) != attest.ENOTFOUND {
			return err
		}
		hash = h.dummyHash
	}
	ok, _ := auth.CheckPassword(hash, password)
	if err != nil || !ok {
		if err := h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.RecordLoginFailure(ctx, store.ScopeAccount, email); err != nil {
				return err
			}
			return tx.RecordLoginFailure(ctx, store.ScopeAddress, ip)
		}); err != nil {
			return err
		}
		h.Log.Info("login failed", "ip", ip)
		f.Error = "The email or password is incorrect."
		h.RenderForm(w, r, c, http.StatusUnauthorized, "login", nil, f)
		return nil
	}
	if err := h.DB.ClearLoginFailures(ctx, store.ScopeAccount, email); err != nil {
		return err
	}
	if err := h.StartSession(w, r, u.ID); err != nil {
		return err
	}
	http.Redirect(w, r, f.Values["next"], http.StatusSeeOther)
	return nil
}
