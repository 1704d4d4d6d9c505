package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

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

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderTokens(w, r, c, http.StatusOK, "", &web.Form{Values: map[string]string{"expires": "90"}, Errors: map[string]string{}})
}

func (h *Handler) renderTokens(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, secret string, f *web.Form) error {
	toks, err := h.DB.Tokens(r.Context(), c.Org.ID, c.User.ID)
	if err != nil {
		return err
	}
	h.RenderForm(w, r, c, status, "tokens", tokensView{Tokens: toks, Secret: secret, Expiries: tokenExpiries, Now: h.Now()}, f)
	return nil
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "name", "expires")
	t := attest.APIToken{OrgID: c.Org.ID, UserID: c.User.ID, Name: f.Values["name"]}
	valid := false
	for _, e := range tokenExpiries {
		if e.Value == f.Values["expires"] {
			valid = true
			if e.Days > 0 {
				t.ExpiresAt = h.Now().AddDate(0, 0, e.Days)
			}
		}
	}
	if !valid {
		f.Errors["expires"] = "choose one of the offered lifetimes"
		return h.renderTokens(w, r, c, http.StatusUnprocessableEntity, "", f)
	}
	secret := auth.NewSecret("atk_")
	t.Prefix = secret[:12]
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateToken(ctx, &t, auth.HashSecret(secret)); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("token.created", "api_token", idString(t.ID), "Created API token "+t.Name+" ("+t.Prefix+"…)"))
	})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTokens(w, r, c, http.StatusUnprocessableEntity, "", f)
	}
	if err != nil {
		return err
	}
	// The secret is rendered once, in this response, and never again.
	return h.renderTokens(w, r, c, http.StatusCreated, secret, &web.Form{Values: map[string]string{"expires": "90"}, Errors: map[string]string{}})
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "token not found")
	}
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		t, err := tx.RevokeToken(ctx, c.Org.ID, c.User.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("token.revoked", "api_token", idString(t.ID), "Revoked API token "+t.Name+" ("+t.Prefix+"…)"))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/tokens", "The token was revoked.")
}
