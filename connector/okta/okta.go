// Package okta is the Okta connector: it reads an Okta org's people, their
// authenticators and administrator roles, and its password and sign-on
// policies through Okta's management REST API, with a small net/http client
// of its own, and yields the resources documented in docs/connectors/okta.md.
// It only reads (every request is a GET).
//
// What Okta will not show the token is reported, never guessed: a token
// whose administrator may not view role assignments or policies leaves those
// fields in the resource's Unavailable map with the reason, and the tests
// that read them are unverifiable rather than failing.
package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attest-hq/attest"
)

// Type is the connector type.
const Type = "okta"

// Resource types.
const (
	TypeUser = "okta.user"
	TypeOrg  = "okta.org"
)

// maxRateWait is the longest the connector waits for Okta's rate limit to
// reset before it reports the resource type as not collected.
const maxRateWait = 60 * time.Second

// pageSize is the limit asked for on every list (Okta's maximum for users
// and groups is 200).
const pageSize = 200

// Connector reads Okta. The zero value is not usable; call New.
type Connector struct {
	client *http.Client
	now    func() time.Time
}

// Option configures a Connector.
type Option func(*Connector)

// WithHTTPClient makes the connector send its requests through c (tests,
// proxies). The token is added per request; c must not add its own.
func WithHTTPClient(c *http.Client) Option { return func(k *Connector) { k.client = c } }

// WithClock sets the clock that judges rate-limit resets and stands for the
// collection time when the request has none (tests).
func WithClock(now func() time.Time) Option { return func(k *Connector) { k.now = now } }

// New returns the Okta connector. Its default client honours the
// HTTPS_PROXY and NO_PROXY environment variables.
func New(opts ...Option) *Connector {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	c := &Connector{client: &http.Client{Timeout: 60 * time.Second, Transport: tr}, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Spec describes the connector's settings, credential and permissions.
func (c *Connector) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{
		Type: Type, Title: "Okta",
		Settings: []attest.SettingSpec{
			{Key: "org_url", Label: "Okta org URL", Help: "Your Okta org's address, such as https://acme.okta.com (not the -admin address).", Required: true},
			{Key: "scopes", Label: "OAuth scopes", Help: "Only for an OAuth service app: the Okta API scopes to ask for, separated by spaces. Empty: " + strings.Join(DefaultScopes, " ") + "."},
		},
		SecretLabel:   "API token, or OAuth service app JSON {client_id, private_key, key_id}",
		ResourceTypes: []string{TypeUser, TypeOrg},
		Permissions: []string{
			"Read-Only Administrator (users, groups, factors, policies)",
			"view administrator role assignments (Super Administrator, or a custom role with okta.iam.read)",
			"for an OAuth service app: the scopes " + strings.Join(DefaultScopes, ", ") + " granted on its Okta API Scopes tab",
		},
	}
}

// Validate checks a connection's settings and credential without calling
// Okta.
func (c *Connector) Validate(req attest.CollectRequest) error {
	if _, err := parseOrgURL(req.Settings["org_url"]); err != nil {
		return err
	}
	if _, err := parseScopes(req.Settings["scopes"]); err != nil {
		return err
	}
	_, err := parseCredential(req.Secret)
	return err
}

// parseScopes reads the scopes setting: Okta API scopes (okta.*.read),
// separated by spaces or commas; empty is DefaultScopes.
func parseScopes(v string) ([]string, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
	if len(fields) == 0 {
		return DefaultScopes, nil
	}
	for _, f := range fields {
		if !strings.HasPrefix(f, "okta.") || !strings.HasSuffix(f, ".read") {
			return nil, attest.Invalid("scopes", "must be read-only Okta API scopes such as okta.users.read (got %q): Attest only reads", f)
		}
	}
	return fields, nil
}

// parseOrgURL reads the org_url setting: an https URL of the org (any host
// and port), or http on a loopback host only, so that tests and the demo can
// point at a local server without a token ever crossing a network in clear.
func parseOrgURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, attest.Invalid("org_url", "is required: your Okta org's address, such as https://acme.okta.com")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, attest.Invalid("org_url", "must be the org's address, such as https://acme.okta.com (got %q)", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, attest.Invalid("org_url", "must use https (http is accepted only for a local test server on a loopback address; got %q)", raw)
		}
	default:
		return nil, attest.Invalid("org_url", "must be an https URL such as https://acme.okta.com (got %q)", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, attest.Invalid("org_url", "has an invalid port %q", p)
		}
	}
	if strings.Trim(u.Path, "/") != "" {
		return nil, attest.Invalid("org_url", "must be the org's address without a path, such as https://acme.okta.com (got %q)", raw)
	}
	u.Path, u.RawPath = "", ""
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// session is one collection or check: the org, the token, a count of the
// requests made and what Okta said of its rate limit.
type session struct {
	c      *Connector
	base   *url.URL
	cred   credential
	scopes []string
	calls  atomic.Int64

	authMu sync.Mutex
	oauth  oauthState

	mu         sync.Mutex
	pauseUntil time.Time // Okta said no requests remain until then
}

func (c *Connector) session(req attest.CollectRequest) (*session, error) {
	base, err := parseOrgURL(req.Settings["org_url"])
	if err != nil {
		return nil, err
	}
	cred, err := parseCredential(req.Secret)
	if err != nil {
		return nil, err
	}
	scopes, err := parseScopes(req.Settings["scopes"])
	if err != nil {
		return nil, err
	}
	return &session{c: c, base: base, cred: cred, scopes: scopes}, nil
}

const userAgent = "attest (+https://github.com/attest-hq/attest)"

// apiError is an answer of Okta's other than 2xx, with its error object.
type apiError struct {
	Call    string // "GET /api/v1/users"
	Status  int
	Code    string // errorCode, e.g. E0000006
	Summary string // errorSummary
	// Reset is when a rate limit lifts (429 only).
	Reset time.Time
	// OAuth: the request carried a service app's access token.
	OAuth bool
	// Scope is the scope a 403 says the access token lacks.
	Scope string
}

func (e *apiError) Error() string {
	switch {
	case e.Status == http.StatusUnauthorized && e.OAuth:
		return fmt.Sprintf("%s: Okta refused the service app's access token (401 %s %s)", e.Call, e.Code, e.Summary)
	case e.Status == http.StatusForbidden && e.Scope != "":
		return fmt.Sprintf("%s: the access token lacks the scope %s: grant it on the service app's Okta API Scopes tab (403 %s %s)", e.Call, e.Scope, e.Code, e.Summary)
	case e.Status == http.StatusForbidden && e.OAuth:
		return fmt.Sprintf("%s: the service app's administrator role may not read this (403 %s %s)", e.Call, e.Code, e.Summary)
	case e.Status == http.StatusUnauthorized:
		return fmt.Sprintf("%s: Okta refused the API token (401 %s %s): it is wrong, revoked, or expired after 30 days unused, or its administrator was deactivated", e.Call, e.Code, e.Summary)
	case e.Status == http.StatusForbidden:
		return fmt.Sprintf("%s: the token's administrator may not read this (403 %s %s)", e.Call, e.Code, e.Summary)
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("%s: Okta's rate limit is exhausted until %s (429 %s)", e.Call, e.Reset.UTC().Format(time.RFC3339), e.Code)
	case e.Code != "":
		return fmt.Sprintf("%s: Okta answered %d %s %s", e.Call, e.Status, e.Code, e.Summary)
	default:
		return fmt.Sprintf("%s: Okta answered %d", e.Call, e.Status)
	}
}

// statusOf returns the HTTP status of an Okta error, 0 for any other error.
// A refusal of the token endpoint counts as 401: nothing can be read.
func statusOf(err error) int {
	var e *apiError
	if errors.As(err, &e) {
		return e.Status
	}
	var te *tokenError
	if errors.As(err, &te) {
		return http.StatusUnauthorized
	}
	return 0
}

// coded turns an error that stops a whole collection into a coded error.
func coded(err error) error {
	switch statusOf(err) {
	case http.StatusUnauthorized:
		return attest.Errorf(attest.EUNAUTHORIZED, "%s", err.Error())
	case http.StatusForbidden:
		return attest.Errorf(attest.EFORBIDDEN, "%s", err.Error())
	case http.StatusTooManyRequests:
		return attest.Errorf(attest.ETHROTTLED, "%s", err.Error())
	case http.StatusNotFound:
		return attest.Errorf(attest.ENOTFOUND, "%s", err.Error())
	}
	return err
}

// wait sleeps for d, or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitable reports whether a wait until reset is short enough to wait out:
// at most maxRateWait and before the context's deadline.
func (s *session) waitable(ctx context.Context, reset time.Time) (time.Duration, bool) {
	d := max(reset.Sub(s.c.now()), 0) + 250*time.Millisecond
	if d > maxRateWait {
		return d, false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return d, false
	}
	return d, true
}

// get fetches one page: target is a path with its query ("/api/v1/users?limit=200")
// or the absolute URL of a Link header. It decodes the body into out and
// returns the next page's URL ("" at the end). It waits out a rate limit
// that lifts within maxRateWait, and pauses before a request when Okta said
// none remain.
func (s *session) get(ctx context.Context, target string, out any) (string, error) {
	u, err := s.resolve(target)
	if err != nil {
		return "", err
	}
	call := "GET " + u.Path
	for attempt := 0; ; attempt++ {
		s.mu.Lock()
		pause := s.pauseUntil
		s.mu.Unlock()
		if !pause.IsZero() {
			if d, ok := s.waitable(ctx, pause); ok && pause.After(s.c.now()) {
				if err := wait(ctx, d); err != nil {
					return "", err
				}
			}
			s.mu.Lock()
			if s.pauseUntil.Equal(pause) {
				s.pauseUntil = time.Time{}
			}
			s.mu.Unlock()
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return "", err
		}
		if err := s.authorize(ctx, req); err != nil {
			return "", err
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", userAgent)
		s.calls.Add(1)
		resp, err := s.c.client.Do(req)
		if err != nil {
			return "", fmt.Errorf("%s: %w", call, err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if err != nil {
			return "", fmt.Errorf("%s: reading the answer: %w", call, err)
		}
		reset := resetOf(resp.Header)
		if resp.StatusCode == http.StatusTooManyRequests {
			if reset.IsZero() {
				reset = s.c.now().Add(time.Minute) // Okta's limits are per minute
			}
			e := errorOf(call, resp.StatusCode, body)
			e.Reset = reset
			d, ok := s.waitable(ctx, reset)
			if !ok || attempt >= 2 {
				return "", e
			}
			if err := wait(ctx, d); err != nil {
				return "", e
			}
			continue
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt < 2 && s.resourceNonce(resp) {
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			e := errorOf(call, resp.StatusCode, body)
			e.OAuth = s.cred.apiToken == ""
			if resp.StatusCode == http.StatusForbidden {
				e.Scope = insufficientScope(resp.Header)
			}
			return "", e
		}
		if resp.Header.Get("X-Rate-Limit-Remaining") == "0" && !reset.IsZero() {
			s.mu.Lock()
			if reset.After(s.pauseUntil) {
				s.pauseUntil = reset
			}
			s.mu.Unlock()
		}
		if out != nil {
			if err := json.Unmarshal(body, out); err != nil {
				return "", fmt.Errorf("%s: Okta's answer is not the expected JSON: %w", call, err)
			}
		}
		return s.nextLink(resp.Header)
	}
}

// resolve makes target absolute on the org's URL.
func (s *session) resolve(target string) (*url.URL, error) {
	u, err := s.base.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("bad request path %q: %w", target, err)
	}
	return u, nil
}

// nextLink returns the URL of the Link header's rel="next", refusing one on
// another host: the token is only ever sent to the org.
func (s *session) nextLink(h http.Header) (string, error) {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok {
				continue
			}
			isNext := false
			for _, p := range strings.Split(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.TrimSpace(k) == "rel" && strings.Trim(strings.TrimSpace(val), `"`) == "next" {
					isNext = true
				}
			}
			if !isNext {
				continue
			}
			target = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(target), "<"), ">")
			u, err := s.base.Parse(target)
			if err != nil {
				return "", fmt.Errorf("okta's next-page link %q is not a URL: %w", target, err)
			}
			if u.Host != s.base.Host {
				return "", fmt.Errorf("okta's next-page link points to another host (%s): not followed", u.Host)
			}
			u.Scheme = s.base.Scheme
			return u.String(), nil
		}
	}
	return "", nil
}

// resetOf reads X-Rate-Limit-Reset (epoch seconds).
func resetOf(h http.Header) time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-Rate-Limit-Reset")), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// errorOf reads Okta's error object.
func errorOf(call string, status int, body []byte) *apiError {
	var e struct {
		ErrorCode    string `json:"errorCode"`
		ErrorSummary string `json:"errorSummary"`
	}
	_ = json.Unmarshal(body, &e)
	return &apiError{Call: call, Status: status, Code: e.ErrorCode, Summary: e.ErrorSummary}
}

// list reads every page of a list into a slice of T.
func list[T any](ctx context.Context, s *session, target string) ([]T, error) {
	var all []T
	for target != "" {
		var page []T
		next, err := s.get(ctx, target, &page)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		target = next
	}
	return all, nil
}
