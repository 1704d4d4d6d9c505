package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/passkey"
	"github.com/attest-hq/attest/web"
)

// Passkeys: a page's script (static/passkey.js) asks for options, lets the
// browser use the authenticator, and posts its answer; these routes answer
// it in JSON. Naming and removing are plain forms.

// passkeyDone tells the script where to go next, with a message for that page.
func (h *Handler) passkeyDone(w http.ResponseWriter, to, msg string) {
	if msg != "" {
		h.SetFlash(w, "ok", msg)
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"redirect": to})
}

// passkeyOptions answers a ceremony's start: the options, and its cookie.
func (h *Handler) passkeyOptions(w http.ResponseWriter, r *http.Request, opts any, secret string, err error) error {
	if err != nil {
		h.FailJSON(w, r, err)
		return nil
	}
	h.SetCeremonyCookie(w, secret, passkey.CeremonyTTL)
	web.WriteJSON(w, http.StatusOK, opts)
	return nil
}

func (h *Handler) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		h.FailJSON(w, r, err)
		return nil
	}
	opts, secret, err := h.Passkeys.BeginRegistration(r.Context(), c.P)
	return h.passkeyOptions(w, r, opts, secret, err)
}

func (h *Handler) passkeyRegister(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		h.FailJSON(w, r, err)
		return nil
	}
	key, err := h.Passkeys.FinishRegistration(r.Context(), c.P, web.PresentedCeremony(r), r.URL.Query().Get("name"), r.Body)
	h.ClearCeremonyCookie(w)
	if err != nil {
		h.FailJSON(w, r, err)
		return nil
	}
	h.passkeyDone(w, "/account/two-step", "Passkey added: "+key.Name+".")
	return nil
}

func (h *Handler) passkeyRename(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "passkey not found")
	}
	f := web.NewForm(r, "name")
	if err := h.Passkeys.Rename(r.Context(), c.P, id, f.Values["name"]); web.UserError(err) {
		f.Fail(err)
		return h.renderTwoStep(w, r, c, http.StatusUnprocessableEntity, twoStepView{}, f)
	} else if err != nil {
		return err
	}
	return h.Redirect(w, r, "/account/two-step", "Passkey renamed.")
}

func (h *Handler) passkeyRemove(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "passkey not found")
	}
	f := web.NewForm(r, "password")
	key, err := h.Passkeys.Remove(r.Context(), c.P, id, f.Values["password"])
	delete(f.Values, "password")
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTwoStep(w, r, c, http.StatusUnprocessableEntity, twoStepView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/account/two-step", "Passkey removed: "+key.Name+".")
}

// The second step of a sign-in, with a passkey instead of a code.

func (h *Handler) passkeySecondStepOptions(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	opts, secret, err := h.Passkeys.BeginSecondStep(r.Context(), web.PresentedChallenge(r))
	return h.passkeyOptions(w, r, opts, secret, err)
}

func (h *Handler) passkeySecondStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	done, err := h.Passkeys.FinishSecondStep(r.Context(), web.PresentedChallenge(r), web.PresentedCeremony(r), r.Body,
		c.P.IP, r.UserAgent(), web.PresentedSession(r))
	h.ClearCeremonyCookie(w)
	if err != nil {
		h.Log.Info("passkey second step refused", "ip", c.P.IP, "reason", attest.ErrorMessage(err))
		h.FailJSON(w, r, err)
		return nil
	}
	h.ClearChallengeCookie(w)
	h.SetSessionCookie(w, done.Session)
	h.passkeyDone(w, web.SafeNext(r.URL.Query().Get("next")), "")
	return nil
}

// Signing in with a passkey alone.

func (h *Handler) passkeySignInOptions(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	opts, secret, err := h.Passkeys.BeginPasswordless(r.Context())
	return h.passkeyOptions(w, r, opts, secret, err)
}

func (h *Handler) passkeySignIn(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	done, err := h.Passkeys.FinishPasswordless(r.Context(), web.PresentedCeremony(r), r.Body, c.P.IP, r.UserAgent(), web.PresentedSession(r))
	h.ClearCeremonyCookie(w)
	if err != nil {
		h.Log.Info("passkey sign-in refused", "ip", c.P.IP, "reason", attest.ErrorMessage(err))
		h.FailJSON(w, r, err)
		return nil
	}
	h.SetSessionCookie(w, done.Session)
	h.passkeyDone(w, web.SafeNext(r.URL.Query().Get("next")), "")
	return nil
}
