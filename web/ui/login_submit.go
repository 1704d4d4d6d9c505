package ui

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) login(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "email", "password", "next")
	f.Values["next"] = web.SafeNext(f.Values["next"])
	password := f.Values["password"]
	delete(f.Values, "password")
	_, secret, err := h.Users.SignIn(r.Context(), account.Credentials{Email: f.Values["email"], Password: password,
		IP: c.P.IP, UserAgent: r.UserAgent(), Replaces: web.PresentedSession(r)})
	if wait, ok := account.IsThrottled(err); ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Error = attest.ErrorMessage(err)
		status := http.StatusTooManyRequests
		if account.IsBusy(err) { // too many checks at once, not this client's failures
			status = http.StatusServiceUnavailable
		}
		h.RenderForm(w, r, c, status, "login", nil, f)
		return nil
	}
	if errors.Is(err, account.ErrBadCredentials) {
		h.Log.Info("login failed", "ip", c.P.IP)
		f.Error = attest.ErrorMessage(err)
		h.RenderForm(w, r, c, http.StatusUnauthorized, "login", nil, f)
		return nil
	}
	if challenge, ok := account.NeedsSecondFactor(err); ok {
		h.SetChallengeCookie(w, challenge, account.ChallengeTTL)
		http.Redirect(w, r, "/login/verify?next="+url.QueryEscape(f.Values["next"]), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	h.SetSessionCookie(w, secret)
	http.Redirect(w, r, f.Values["next"], http.StatusSeeOther)
	return nil
}
