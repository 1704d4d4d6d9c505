package ui

import (
	"net/http"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// tokenRoutes are the routes of this area, with the access each needs.
func (h *Handler) tokenRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/tokens", web.Own, h.tokensPage),
		route("POST", "/o/{org}/tokens", web.Own, h.createToken),
		route("POST", "/o/{org}/tokens/{id}/revoke", web.Own, h.revokeToken),
	}
}

// tokenExpiries are the lifetimes offered when creating a token.
var tokenExpiries = []struct {
	Value, Label string
	Days         int
}{{"30", "30 days", 30}, {"90", "90 days", 90}, {"365", "1 year", 365}, {"never", "Never", 0}}

type tokensView struct {
	Tokens   []attest.APIToken
	Secret   string // shown once, right after creation
	Expiries any
	Now      time.Time
}

func (h *Handler) renderTokens(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, secret string, f *web.Form) error {
	toks, err := h.Users.Tokens(r.Context(), c.P)
	if err != nil {
		return err
	}
	h.RenderForm(w, r, c, status, "tokens", tokensView{Tokens: toks, Secret: secret, Expiries: tokenExpiries, Now: h.Now()}, f)
	return nil
}
