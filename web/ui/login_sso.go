package ui

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/sso"
	"github.com/attest-hq/attest/web"
)

// ssoPage asks for the organization whose identity provider to sign in with.
func (h *Handler) ssoPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := &web.Form{Values: map[string]string{"next": web.SafeNext(r.URL.Query().Get("next"))}, Errors: map[string]string{}}
	h.RenderForm(w, r, c, http.StatusOK, "login_sso", nil, f)
	return nil
}

// ssoChoose sends the browser to start the sign-in of the organization named.
func (h *Handler) ssoChoose(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "org", "next")
	slug := strings.ToLower(strings.TrimSpace(f.Values["org"]))
	if slug == "" {
		f.Errors["org"] = "is required"
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "login_sso", nil, f)
		return nil
	}
	q := url.Values{"next": {web.SafeNext(f.Values["next"])}}
	http.Redirect(w, r, "/login/sso/"+url.PathEscape(slug)+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// ssoStart sends the browser to the organization's provider.
func (h *Handler) ssoStart(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	next := r.URL.Query().Get("next")
	if next != "" {
		next = web.SafeNext(next)
	}
	to, state, err := h.SSO.Start(r.Context(), r.PathValue("slug"), next)
	if code := attest.ErrorCode(err); code == attest.ENOTFOUND || code == attest.EUNAUTHORIZED {
		h.Log.Info("single sign-on not started", "slug", r.PathValue("slug"), "reason", attest.ErrorMessage(err))
		f := &web.Form{Values: map[string]string{"org": r.PathValue("slug"), "next": next}, Errors: map[string]string{}, Error: attest.ErrorMessage(err)}
		status := http.StatusNotFound
		if code == attest.EUNAUTHORIZED {
			status = http.StatusBadGateway // the provider cannot be reached
		}
		h.RenderForm(w, r, c, status, "login_sso", nil, f)
		return nil
	}
	if err != nil {
		return err
	}
	h.SetSSOCookie(w, state, sso.LoginTTL)
	// A page that moves on by itself rather than a redirect: this request
	// often ends a chain of redirects from a form (the SSO form, or signing
	// in with a password where single sign-on is required), and browsers
	// hold the whole chain to the form's form-action 'self', which the
	// provider's address is not.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return toProvider.Execute(w, to)
}

var toProvider = template.Must(template.New("to-provider").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url={{.}}"><title>Single sign-on</title></head>
<body><p>Taking you to your identity provider… <a href="{{.}}" id="to-provider">Continue</a></p></body></html>
`))

// ssoCallback finishes a sign-in the provider sent back.
func (h *Handler) ssoCallback(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	done, err := h.SSO.Finish(r.Context(), sso.Callback{State: q.Get("state"), Code: q.Get("code"),
		Error: q.Get("error"), ErrorText: q.Get("error_description"), BrowserState: web.PresentedSSOState(r),
		IP: c.P.IP, UserAgent: r.UserAgent(), Replaces: web.PresentedSession(r)})
	h.ClearSSOCookie(w)
	if attest.ErrorCode(err) == attest.EUNAUTHORIZED || attest.ErrorCode(err) == attest.ENOTFOUND {
		h.Log.Info("single sign-on refused", "ip", c.P.IP, "reason", attest.ErrorMessage(err))
		f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}, Error: attest.ErrorMessage(err)}
		h.RenderForm(w, r, c, http.StatusUnauthorized, "login_sso", nil, f)
		return nil
	}
	if err != nil {
		return err
	}
	h.SetSessionCookie(w, done.Session)
	http.Redirect(w, r, web.SafeNext(done.Next), http.StatusSeeOther)
	return nil
}
