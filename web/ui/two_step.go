package ui

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// twoStepView is the account's two-step verification page: what is set up,
// an app being set up (its QR code and secret), and recovery codes just made
// (shown once).
type twoStepView struct {
	Required *attest.Organization // the organization that sent the person here, if it requires two-step
	Factors  store.Factors
	Pending  *account.Enrolment
	QR       template.URL // the pending app's QR code, as a data: URL
	Codes    []string
	Method   attest.SignInMethod // how this session was started
	Passkeys []store.Passkey
	// PasskeyError says why passkeys cannot be used here (a server reached
	// by an IP address).
	PasskeyError string
}

func (h *Handler) renderTwoStep(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v twoStepView, f *web.Form) error {
	ctx := r.Context()
	var err error
	if v.Factors, err = h.Users.Factors(ctx, c.P); err != nil {
		return err
	}
	if !v.Factors.TOTP {
		pending, err := h.Users.PendingTOTP(ctx, c.P)
		if err == nil {
			v.Pending = &pending
			// A data: URL keeps the secret off any address a proxy might log.
			v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(pending.QRPNG))
		} else if attest.ErrorCode(err) != attest.ENOTFOUND {
			return err
		}
	}
	if slug := r.FormValue("required"); slug != "" {
		// The organization that sent the person here (?required= on the page,
		// a hidden field on its forms), named only to a member, so that the
		// page says nothing of other tenants.
		if ms, err := h.Memberships(ctx, c); err == nil {
			for _, m := range ms {
				if m.Org.Slug == slug && m.Org.RequireMFA {
					v.Required = &m.Org
				}
			}
		}
	}
	if c.Session != nil {
		v.Method = c.Session.Method
	}
	if err := h.Passkeys.Available(); err != nil {
		v.PasskeyError = attest.ErrorMessage(err)
	} else if v.Passkeys, err = h.Passkeys.List(ctx, c.P); err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	w.Header().Set("Cache-Control", "no-store")
	h.RenderForm(w, r, c, status, "two_step", v, f)
	return nil
}

func (h *Handler) twoStepPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderTwoStep(w, r, c, http.StatusOK, twoStepView{}, nil)
}

// startTOTP makes a new authenticator secret and shows it for scanning.
func (h *Handler) startTOTP(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		return err
	}
	if _, err := h.Users.StartTOTP(r.Context(), c.P); err != nil {
		return err
	}
	return h.Redirect(w, r, "/account/two-step"+requiredQuery(r), "")
}

// confirmTOTP turns the app on with a code from it and shows the recovery
// codes, once.
func (h *Handler) confirmTOTP(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		return err
	}
	f := web.NewForm(r, "code")
	codes, err := h.Users.ConfirmTOTP(r.Context(), c.P, c.Session.TokenHash, f.Values["code"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTwoStep(w, r, c, http.StatusUnprocessableEntity, twoStepView{}, f)
	}
	if err != nil {
		return err
	}
	c.Session.Method = attest.MethodTOTP
	return h.renderTwoStep(w, r, c, http.StatusOK, twoStepView{Codes: codes}, nil)
}

// disableTOTP turns the app off after the password is given again.
func (h *Handler) disableTOTP(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		return err
	}
	f := web.NewForm(r, "password")
	err := h.Users.DisableTOTP(r.Context(), c.P, f.Values["password"])
	delete(f.Values, "password")
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTwoStep(w, r, c, http.StatusUnprocessableEntity, twoStepView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/account/two-step", "Two-step verification is off. Organizations that require it will ask you to set it up again.")
}

// newRecoveryCodes replaces the recovery codes after the password is given
// again, and shows the new ones once.
func (h *Handler) newRecoveryCodes(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := accountSignInChange(c); err != nil {
		return err
	}
	f := web.NewForm(r, "password")
	codes, err := h.Users.RegenerateRecoveryCodes(r.Context(), c.P, f.Values["password"])
	delete(f.Values, "password")
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTwoStep(w, r, c, http.StatusUnprocessableEntity, twoStepView{}, f)
	}
	if err != nil {
		return err
	}
	return h.renderTwoStep(w, r, c, http.StatusOK, twoStepView{Codes: codes}, nil)
}

// requiredQuery keeps ?required= across the set-up steps.
func requiredQuery(r *http.Request) string {
	if slug := r.PostFormValue("required"); slug != "" {
		return "?required=" + url.QueryEscape(slug)
	}
	return ""
}

// errSSOSession refuses a change to the account's own sign-in from a session
// an organization's identity provider started: that session acts for one
// organization, and must not give itself a way into the person's others
// (an app or a passkey works everywhere).
var errSSOSession = attest.Errorf(attest.EFORBIDDEN, "You signed in through your organization's single sign-on, which cannot change how your account signs in. Sign in with your email and password to set up an authenticator app or a passkey.")

// accountSignInChange checks that the session may change the account's sign-in.
func accountSignInChange(c *web.Ctx) error {
	if c.Session != nil && c.Session.Method == attest.MethodSSO {
		return errSSOSession
	}
	return nil
}
