package ui

import (
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/web"
)

// secondStepPage asks for the code of a sign-in whose password was right.
// Without a pending sign-in it says so, with the way back to the password.
func (h *Handler) secondStepPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := &web.Form{Values: map[string]string{"next": web.SafeNext(r.URL.Query().Get("next"))}, Errors: map[string]string{}}
	if web.PresentedChallenge(r) == "" {
		f.Error = attest.ErrorMessage(account.ErrChallengeGone)
	}
	h.RenderForm(w, r, c, http.StatusOK, "login_verify", nil, f)
	return nil
}

// secondStep checks the code and, when it is right, starts the session.
func (h *Handler) secondStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "code", "next")
	f.Values["next"] = web.SafeNext(f.Values["next"])
	code := f.Values["code"]
	delete(f.Values, "code")
	_, secret, err := h.Users.VerifySecondFactor(r.Context(), account.SecondStep{Challenge: web.PresentedChallenge(r), Code: code,
		IP: c.P.IP, UserAgent: r.UserAgent(), Replaces: web.PresentedSession(r)})
	if wait, ok := account.IsThrottled(err); ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Error = attest.ErrorMessage(err)
		h.RenderForm(w, r, c, http.StatusTooManyRequests, "login_verify", nil, f)
		return nil
	}
	if errors.Is(err, account.ErrChallengeGone) {
		h.ClearChallengeCookie(w)
		f.Error = attest.ErrorMessage(err)
		h.RenderForm(w, r, c, http.StatusUnauthorized, "login_verify", nil, f)
		return nil
	}
	if errors.Is(err, account.ErrBadCode) {
		h.Log.Info("second step failed", "ip", c.P.IP)
		f.Errors["code"] = "is not right, or was already used"
		f.Error = attest.ErrorMessage(err)
		h.RenderForm(w, r, c, http.StatusUnauthorized, "login_verify", nil, f)
		return nil
	}
	if err != nil {
		return err
	}
	h.ClearChallengeCookie(w)
	h.SetSessionCookie(w, secret)
	http.Redirect(w, r, f.Values["next"], http.StatusSeeOther)
	return nil
}
