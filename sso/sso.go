// Package sso signs people in through their organization's identity provider
// with OpenID Connect (coreos/go-oidc and x/oauth2): the authorization code
// flow with PKCE, a state bound to the browser and used once, a nonce the ID
// token must carry, and the ID token verified against the issuer's published
// keys, audience and expiry. A person is found by their provider account
// (issuer and subject) once linked, else by verified email on first sign-in,
// and may be admitted as a member just in time with a default role or a role
// their groups map to. Sessions it starts act in that organization only.
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// LoginTTL is how long a sign-in may stay at the provider.
const LoginTTL = 10 * time.Minute

// CallbackPath is where providers send people back: register
// BaseURL + CallbackPath as the redirect URI.
const CallbackPath = "/login/oidc/callback"

// Service configures identity providers and runs sign-ins through them.
type Service struct {
	DB    *store.DB
	Box   attest.SecretBox // seals client secrets; nil: single sign-on cannot be configured
	Users *account.Users
	// BaseURL is the server's public address, for the redirect URI.
	BaseURL string
	// HTTP reaches providers; nil: a client with a 15-second timeout that
	// honours the proxy variables (HTTPS_PROXY, NO_PROXY).
	HTTP *http.Client
	Now  func() time.Time // nil: time.Now
	Log  *slog.Logger     // nil: no log

	mu        sync.Mutex
	providers map[string]cachedProvider
}

type cachedProvider struct {
	p       *oidc.Provider
	fetched time.Time
}

// providerTTL is how long a provider's discovery document is trusted before
// it is read again (its keys refresh by themselves when a new one appears).
const providerTTL = 10 * time.Minute

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	return &http.Client{Timeout: 15 * time.Second, Transport: t}
}

// RedirectURI is the address to register at the provider.
func (s *Service) RedirectURI() string { return strings.TrimSuffix(s.BaseURL, "/") + CallbackPath }

// provider discovers an issuer (cached): its endpoints and keys. A discovery
// document naming another issuer is refused, as the specification requires.
func (s *Service) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	s.mu.Lock()
	c, ok := s.providers[issuer]
	s.mu.Unlock()
	if ok && s.now().Sub(c.fetched) < providerTTL {
		return c.p, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.client()), issuer)
	if err != nil {
		return nil, &discoveryError{issuer: issuer, err: err}
	}
	s.mu.Lock()
	if s.providers == nil {
		s.providers = map[string]cachedProvider{}
	}
	s.providers[issuer] = cachedProvider{p: p, fetched: s.now()}
	s.mu.Unlock()
	return p, nil
}

// discoveryError is a provider whose discovery document could not be read.
// Its message names the address and the kind of failure but never what the
// address answered: an organization's admin chooses the address, and the
// server's view of it (an internal service's error page) is not theirs to
// read. The full error is kept for the server's log.
type discoveryError struct {
	issuer string
	err    error
}

func (e *discoveryError) Error() string {
	where := strings.TrimSuffix(e.issuer, "/") + "/.well-known/openid-configuration"
	msg := e.err.Error()
	switch {
	case strings.Contains(msg, "did not match the issuer URL returned by provider"):
		return "the discovery document at " + where + " names another issuer: " + msg[strings.Index(msg, "issuer URL provided"):]
	case strings.Contains(msg, "Client.Timeout") || strings.Contains(msg, "deadline exceeded"):
		return "the provider did not answer at " + where + " in time"
	case strings.Contains(msg, "no such host") || strings.Contains(msg, "connection refused") || strings.Contains(msg, "dial tcp"):
		return "nothing answered at " + where
	}
	return "no valid discovery document at " + where + " (check the issuer URL)"
}

func (e *discoveryError) Unwrap() error { return e.err }

// Settings is an organization's single sign-on as its admin sees it.
type Settings struct {
	Config        attest.SSOConfig
	Configured    bool // a provider is stored
	RedirectURI   string
	Required      bool
	BreakGlass    int64
	LinkedMembers map[int64]bool // members who have signed in through the provider
}

// Settings returns p's organization's single sign-on; admins only.
func (s *Service) Settings(ctx context.Context, p attest.Principal) (Settings, error) {
	if !p.Can(attest.ActAdmin) {
		return Settings{}, forbidden(p)
	}
	out := Settings{RedirectURI: s.RedirectURI()}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return out, err
	}
	out.Required, out.BreakGlass = org.RequireSSO, org.SSOBreakGlass
	cfg, _, err := s.DB.SSOConfig(ctx, p.OrgID)
	switch attest.ErrorCode(err) {
	case "":
		out.Config, out.Configured = cfg, true
	case attest.ENOTFOUND:
	default:
		return out, err
	}
	out.LinkedMembers, err = s.DB.SSOLinkedUsers(ctx, p.OrgID)
	return out, err
}

// ErrNoSecretKey refuses single sign-on set-up on an install whose secret
// key is not loaded: the client secret could not be sealed.
var ErrNoSecretKey = attest.Errorf(attest.ECONFLICT, "Single sign-on needs the install's secret key (ATTEST_SECRET_KEY or the key file), which this server did not load.")

// Configure stores p's organization's identity provider; admins only. The
// client secret is sealed; an empty one keeps the stored secret. The
// provider's discovery document is read first, so that a wrong issuer is
// refused here (field issuer) rather than at someone's sign-in.
func (s *Service) Configure(ctx context.Context, p attest.Principal, cfg attest.SSOConfig, clientSecret string) (attest.SSOConfig, error) {
	if !p.Can(attest.ActAdmin) {
		return cfg, forbidden(p)
	}
	if s.Box == nil {
		return cfg, ErrNoSecretKey
	}
	cfg.OrgID = p.OrgID
	if err := attest.ValidateSSO(&cfg); err != nil {
		return cfg, err
	}
	var sealed []byte
	if clientSecret = strings.TrimSpace(clientSecret); clientSecret != "" {
		var err error
		if sealed, err = s.Box.Seal([]byte(clientSecret)); err != nil {
			return cfg, fmt.Errorf("seal client secret: %w", err)
		}
	}
	if cfg.Enabled {
		if _, err := s.provider(ctx, cfg.Issuer); err != nil {
			if s.Log != nil {
				s.Log.Warn("single sign-on: provider discovery failed", "org", p.OrgID, "issuer", cfg.Issuer, "err", errors.Unwrap(err))
			}
			return cfg, attest.Invalid("issuer", "%s", err.Error())
		}
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveSSOConfig(ctx, cfg, sealed); err != nil {
			return err
		}
		if !cfg.Enabled {
			org, err := tx.OrgByID(ctx, p.OrgID)
			if err != nil {
				return err
			}
			if org.RequireSSO {
				return attest.Invalid("enabled", "cannot be turned off while single sign-on is required; stop requiring it first")
			}
		}
		state := "on"
		if !cfg.Enabled {
			state = "off"
		}
		return tx.Log(ctx, p.Record("sso.configured", "organization", "",
			fmt.Sprintf("Set single sign-on through %s (client %s, domains %s), %s", cfg.Issuer, cfg.ClientID, strings.Join(cfg.Domains, ", "), state)))
	})
	return cfg, err
}

// Require turns on or off the rule that members sign in through the
// organization's provider; admins only. Turning it on needs a working
// provider and a break-glass admin (a user ID): an admin member who can still
// sign in with a password, and two-step verification, when the provider is down.
func (s *Service) Require(ctx context.Context, p attest.Principal, on bool, breakGlass int64) (attest.Organization, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Organization{}, forbidden(p)
	}
	var org attest.Organization
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if org, err = tx.OrgByID(ctx, p.OrgID); err != nil {
			return err
		}
		summary := "Stopped requiring single sign-on"
		if on {
			cfg, _, err := tx.SSOConfig(ctx, p.OrgID)
			if attest.ErrorCode(err) == attest.ENOTFOUND || err == nil && !cfg.Enabled {
				return attest.Invalid("require_sso", "needs an identity provider set up and turned on first")
			} else if err != nil {
				return err
			}
			m, err := tx.Membership(ctx, p.OrgID, breakGlass)
			if attest.ErrorCode(err) == attest.ENOTFOUND || err == nil && m.Role != attest.RoleAdmin {
				return attest.Invalid("break_glass", "must be an admin of the organization, who can sign in with a password when the provider is down")
			} else if err != nil {
				return err
			}
			f, err := tx.FactorsOf(ctx, breakGlass)
			if err != nil {
				return err
			}
			if !f.Any() {
				return attest.Invalid("break_glass", "%s must set up two-step verification first: the break-glass account signs in with a password, so it needs a second factor", m.User.Email)
			}
			summary = "Required single sign-on of every member but the break-glass admin " + m.User.Email
		} else {
			breakGlass = 0
		}
		if err := tx.SetRequireSSO(ctx, org.ID, on, breakGlass); err != nil {
			return err
		}
		org.RequireSSO, org.SSOBreakGlass = on, breakGlass
		return tx.Log(ctx, p.Record("org.sso_required", "organization", org.Slug, summary))
	})
	return org, err
}

// Start begins a sign-in through the provider of the organization with a
// slug: it returns the provider's address to send the browser to and the
// state to keep in the browser (a cookie) for Finish. next is where to go
// after signing in (a local path).
func (s *Service) Start(ctx context.Context, slug, next string) (redirect, state string, err error) {
	org, err := s.DB.OrgBySlug(ctx, slug)
	if err != nil {
		return "", "", errNoSSO
	}
	cfg, sealed, err := s.DB.SSOConfig(ctx, org.ID)
	if attest.ErrorCode(err) == attest.ENOTFOUND || err == nil && !cfg.Enabled {
		return "", "", errNoSSO
	} else if err != nil {
		return "", "", err
	}
	oc, _, err := s.oauth(ctx, cfg, sealed)
	if err != nil {
		return "", "", err
	}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	if next == "" {
		next = "/o/" + org.Slug
	}
	if err := s.DB.CreateSSOLogin(ctx, auth.HashSecret(state), store.SSOLogin{OrgID: org.ID, Nonce: nonce, Verifier: verifier,
		Next: next, ExpiresAt: s.now().Add(LoginTTL)}); err != nil {
		return "", "", err
	}
	return oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), state, nil
}

var errNoSSO = attest.Errorf(attest.ENOTFOUND, "This organization has no single sign-on. Sign in with your email and password.")

// oauth builds the OAuth 2.0 client of a provider.
func (s *Service) oauth(ctx context.Context, cfg attest.SSOConfig, sealed []byte) (*oauth2.Config, *oidc.Provider, error) {
	if s.Box == nil {
		return nil, nil, ErrNoSecretKey
	}
	secret, err := s.Box.Open(sealed)
	if err != nil {
		return nil, nil, fmt.Errorf("open client secret: %w", err)
	}
	prov, err := s.provider(ctx, cfg.Issuer)
	if err != nil {
		if s.Log != nil {
			s.Log.Warn("single sign-on: provider discovery failed", "org", cfg.OrgID, "issuer", cfg.Issuer, "err", errors.Unwrap(err))
		}
		return nil, nil, refused("the identity provider cannot be reached: %v. Try again later, or ask an admin.", err)
	}
	return &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: string(secret), Endpoint: prov.Endpoint(),
		RedirectURL: s.RedirectURI(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, prov, nil
}

// Callback is what the provider sent the browser back with.
type Callback struct {
	State, Code      string
	Error, ErrorText string // the provider's error, when it refused
	BrowserState     string // the state the browser's cookie holds
	IP, UserAgent    string
	Replaces         string // the session the browser holds, ended on success
}

// Done is a finished sign-in: who, the new session's secret, where to go.
type Done struct {
	User    attest.User
	Org     attest.Organization
	Session string
	Next    string
}

// Refused is a sign-in the provider or Attest refused, with the reason
// shown to the person (EUNAUTHORIZED).
func refused(format string, args ...any) error {
	return attest.Errorf(attest.EUNAUTHORIZED, "Single sign-on failed: "+format, args...)
}

// Finish completes a sign-in the provider sent back: the state must be the
// one this browser started with and is used once; the code is exchanged
// with the PKCE verifier; the ID token is verified (signature, issuer,
// audience, expiry) and must carry the nonce; the email must be verified and
// in an accepted domain. The person is then found or admitted and signed in.
func (s *Service) Finish(ctx context.Context, cb Callback) (Done, error) {
	if cb.State == "" || cb.BrowserState == "" || cb.State != cb.BrowserState {
		return Done{}, refused("this sign-in did not start in this browser. Start again.")
	}
	login, err := s.DB.TakeSSOLogin(ctx, auth.HashSecret(cb.State))
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return Done{}, refused("this sign-in has expired or was already used. Start again.")
	} else if err != nil {
		return Done{}, err
	}
	org, err := s.DB.OrgByID(ctx, login.OrgID)
	if err != nil {
		return Done{}, err
	}
	fail := func(err error) (Done, error) {
		s.logFailure(ctx, org, cb.IP, err)
		return Done{}, err
	}
	if cb.Error != "" {
		return fail(refused("the identity provider answered %s %s", cb.Error, cb.ErrorText))
	}
	cfg, sealed, err := s.DB.SSOConfig(ctx, org.ID)
	if err != nil || !cfg.Enabled {
		return fail(errNoSSO)
	}
	oc, prov, err := s.oauth(ctx, cfg, sealed)
	if err != nil {
		return fail(err)
	}
	hctx := oidc.ClientContext(ctx, s.client())
	tok, err := oc.Exchange(hctx, cb.Code, oauth2.VerifierOption(login.Verifier))
	if err != nil {
		// Only the OAuth error code and description are shown: the token
		// endpoint's address comes from the provider, and whatever else
		// answered there is for the server's log.
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode != "" {
			return fail(refused("the provider did not accept the sign-in code (%s %s)", re.ErrorCode, re.ErrorDescription))
		}
		if s.Log != nil {
			s.Log.Warn("single sign-on: token exchange failed", "org", org.ID, "err", err)
		}
		return fail(refused("the provider's token endpoint did not answer as expected. Try again later, or ask an admin."))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return fail(refused("the provider sent no ID token"))
	}
	idt, err := s.verify(hctx, prov, cfg.ClientID, raw, login.Nonce)
	if err != nil {
		return fail(err)
	}
	id, err := s.identity(hctx, prov, tok, idt, cfg.GroupsClaim)
	if err != nil {
		return fail(err)
	}
	if !id.EmailVerified {
		return fail(refused("the provider has not verified the email %s", id.Email))
	}
	if !cfg.AllowsEmail(id.Email) {
		return fail(refused("%s is not in a domain this organization accepts (%s)", id.Email, strings.Join(cfg.Domains, ", ")))
	}
	u, err := s.admit(ctx, org, cfg, id, cb.IP)
	if err != nil {
		return fail(err)
	}
	secret, err := s.Users.StartSSOSession(ctx, u.ID, org.ID, cb.IP, cb.UserAgent, cb.Replaces)
	if err != nil {
		return Done{}, err
	}
	return Done{User: u, Org: org, Session: secret, Next: login.Next}, nil
}

// verify checks an ID token: signed by the issuer's keys, issued by it, for
// this client, not expired (at the service's clock), and carrying the nonce
// this sign-in sent.
func (s *Service) verify(ctx context.Context, prov *oidc.Provider, clientID, raw, nonce string) (*oidc.IDToken, error) {
	idt, err := prov.VerifierContext(ctx, &oidc.Config{ClientID: clientID, Now: s.now}).Verify(ctx, raw)
	if err != nil {
		return nil, refused("the ID token did not verify: %v", err)
	}
	if idt.Nonce == "" || idt.Nonce != nonce {
		return nil, refused("the ID token does not carry this sign-in's nonce (a replayed token?)")
	}
	return idt, nil
}

// identity is who the provider signed in.
type identity struct {
	Issuer, Subject string
	Email           string
	EmailVerified   bool
	Name            string
	Groups          []string
}

type claims struct {
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	Name          string `json:"name"`
}

// identity reads the person's email, name and groups from the ID token, or,
// for providers that keep them out of it, from the userinfo endpoint (whose
// subject must be the token's). An absent email_verified is taken as
// verified: some providers only send verified addresses and omit it; an
// explicit false is refused.
func (s *Service) identity(ctx context.Context, prov *oidc.Provider, tok *oauth2.Token, idt *oidc.IDToken, groupsClaim string) (identity, error) {
	id := identity{Issuer: idt.Issuer, Subject: idt.Subject}
	var c claims
	var all map[string]any
	if err := idt.Claims(&c); err != nil {
		return id, refused("the ID token's claims are unreadable: %v", err)
	}
	_ = idt.Claims(&all)
	if c.Email == "" {
		ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return id, refused("the ID token has no email, and the userinfo endpoint did not answer: %v", err)
		}
		if ui.Subject != idt.Subject {
			return id, refused("the userinfo endpoint answered for another subject")
		}
		if err := ui.Claims(&c); err != nil {
			return id, refused("the userinfo claims are unreadable: %v", err)
		}
		_ = ui.Claims(&all)
	}
	id.Email, id.Name = attest.NormalizeEmail(c.Email), strings.TrimSpace(c.Name)
	if id.Email == "" || attest.ValidateEmail(id.Email) != nil {
		return id, refused("the provider sent no usable email address (ask for the email scope)")
	}
	id.EmailVerified = verified(c.EmailVerified)
	if groupsClaim != "" {
		id.Groups = stringsOf(all[groupsClaim])
	}
	return id, nil
}

// verified reads email_verified: an explicit false is unverified; an absent
// claim counts as verified, since some providers (Microsoft Entra ID) send
// none and the accepted domains still apply.
func verified(claim *bool) bool { return claim == nil || *claim }

// stringsOf reads a claim that is a list of strings, or one string.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// admit finds the person signing in and makes sure they are a member: by
// their linked provider account, else by email (then linked); someone
// unknown, or known but not a member, is admitted with the role their
// groups map to or the default role, or refused when neither applies.
func (s *Service) admit(ctx context.Context, org attest.Organization, cfg attest.SSOConfig, id identity, ip string) (attest.User, error) {
	var u attest.User
	actor := attest.Actor{Label: id.Email, IP: ip, Via: attest.ViaUI}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		u, err = tx.SSOIdentityUser(ctx, org.ID, id.Issuer, id.Subject)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			u, err = tx.UserByEmail(ctx, id.Email)
			if attest.ErrorCode(err) == attest.ENOTFOUND {
				if cfg.RoleFor(id.Groups) == "" {
					return refused("%s is not a member of %s, and its single sign-on admits only existing members. Ask an admin to invite you.", id.Email, org.Name)
				}
				name := id.Name
				if name == "" {
					name, _, _ = strings.Cut(id.Email, "@")
				}
				// No password anyone knows: this account signs in through the provider.
				u = attest.User{Email: id.Email, Name: name, PasswordHash: auth.NoPassword()}
				if err = tx.CreateUser(ctx, &u); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			if err := tx.LinkSSOIdentity(ctx, org.ID, id.Issuer, id.Subject, u.ID); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		actor.UserID, actor.Label = u.ID, u.Email
		_, err = tx.Membership(ctx, org.ID, u.ID)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			role := cfg.RoleFor(id.Groups)
			if role == "" {
				return refused("%s is not a member of %s, and its single sign-on admits only existing members. Ask an admin to invite you.", u.Email, org.Name)
			}
			if err := tx.AddMember(ctx, org.ID, u.ID, role); err != nil {
				return err
			}
			if err := tx.Log(ctx, actor.Record(org.ID, "member.added", "membership", fmt.Sprint(u.ID),
				fmt.Sprintf("%s joined as %s through single sign-on", u.Email, role))); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		return tx.Log(ctx, actor.Record(org.ID, "user.signed_in", "user", fmt.Sprint(u.ID),
			fmt.Sprintf("%s signed in through single sign-on (%s)", u.Email, id.Issuer)))
	})
	return u, err
}

// logFailure records a refused sign-in in the organization's activity log.
func (s *Service) logFailure(ctx context.Context, org attest.Organization, ip string, cause error) {
	var e *attest.Error
	if !errors.As(cause, &e) {
		return // an internal error is logged by the web layer
	}
	bg := context.WithoutCancel(ctx)
	_ = s.DB.Update(bg, func(tx *store.Queries) error {
		return tx.Log(bg, attest.Actor{Label: "single sign-on", IP: ip, Via: attest.ViaUI}.Record(org.ID, "user.signin_failed", "organization", org.Slug, e.Message))
	})
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func forbidden(p attest.Principal) error {
	return attest.Errorf(attest.EFORBIDDEN, "your role (%s) does not allow this", p.Role)
}
