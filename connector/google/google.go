// Package google is the Google Workspace connector: it reads a Workspace
// account's users through the Admin SDK Directory API, signed in as a service
// account with domain-wide delegation that acts as one of the account's
// administrators, and yields the resources documented in
// docs/connectors/google.md. It only reads, with the read-only scope.
//
// What Google will not show is reported, never guessed: a user field the
// Directory API leaves out of its answer (an administrator whose role hides
// security settings) goes in the resource's Unavailable map with the reason,
// and the tests that read it are unverifiable rather than failing.
package google

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"

	"github.com/attest-hq/attest"
)

// Type is the connector type.
const Type = "google"

// Resource types.
const (
	TypeUser   = "google.user"
	TypeDomain = "google.domain"
)

// Defaults of the settings, and the one scope the connector asks for.
const (
	DefaultAPIURL   = "https://admin.googleapis.com/"
	DefaultTokenURL = "https://oauth2.googleapis.com/token"
	DefaultCustomer = "my_customer"
	Scope           = "https://www.googleapis.com/auth/admin.directory.user.readonly"
)

// maxRateWait is the longest the connector waits for Google's rate limit
// before it reports the users as not collected.
const maxRateWait = 60 * time.Second

// Connector reads Google Workspace. The zero value is not usable; call New.
type Connector struct {
	client *http.Client
	now    func() time.Time
}

// Option configures a Connector.
type Option func(*Connector)

// WithHTTPClient makes the connector send its requests (token exchange and
// API calls) through c's transport. The access token is added per request;
// c must not add its own.
func WithHTTPClient(c *http.Client) Option { return func(k *Connector) { k.client = c } }

// WithClock sets the clock that reads a Retry-After given as a date
// (tests).
func WithClock(now func() time.Time) Option { return func(k *Connector) { k.now = now } }

// New returns the Google Workspace connector.
func New(opts ...Option) *Connector {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	c := &Connector{client: &http.Client{Timeout: 60 * time.Second, Transport: t}, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Spec describes the connector's settings, credential and permissions.
func (c *Connector) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{
		Type: Type, Title: "Google Workspace",
		Settings: []attest.SettingSpec{
			{Key: "admin_email", Label: "Administrator to act as", Help: "The address of a Workspace administrator who may read users; the service account acts as this person (domain-wide delegation).", Required: true},
			{Key: "domain", Label: "Primary domain", Help: "Optional: the account's primary domain, such as example.com, which names its summary resource. Empty: the administrator's domain."},
			{Key: "customer", Label: "Customer ID", Help: "Leave as my_customer for the administrator's own account, or give the customer ID (C0…) from Account settings.", Default: DefaultCustomer},
			{Key: "base_url", Label: "API root", Help: "Leave empty for Google. Only for tests and proxies.", Default: DefaultAPIURL},
			{Key: "token_url", Label: "Token endpoint", Help: "Leave empty for Google. Only for tests and proxies.", Default: DefaultTokenURL},
		},
		SecretLabel:   "Service account key (JSON), or an access token",
		ResourceTypes: []string{TypeUser, TypeDomain},
		Permissions: []string{
			"Domain-wide delegation of " + Scope + " to the service account's client ID",
			"Admin SDK API enabled in the service account's Google Cloud project",
			"The administrator to act as may read users (Super Admin, or a role with Users: Read)",
		},
	}
}

// Validate checks a connection's settings and credential without calling
// Google: the settings parse, and the secret is a service account's JSON key
// with a readable private key. Its messages never quote the key.
func (c *Connector) Validate(req attest.CollectRequest) error {
	if _, err := parseSettings(req.Settings); err != nil {
		return err
	}
	_, err := parseSecret(req.Secret)
	return err
}

// settings are a connection's settings, parsed.
type settings struct {
	admin    string
	domain   string // the google.domain resource's key
	customer string
	api      *url.URL
	tokenURL string
}

func parseSettings(m map[string]string) (settings, error) {
	s := settings{admin: strings.TrimSpace(m["admin_email"]), customer: strings.TrimSpace(m["customer"])}
	if s.admin == "" {
		return s, attest.Invalid("admin_email", "is required: the address of the Workspace administrator the service account acts as")
	}
	if at := strings.LastIndex(s.admin, "@"); at < 1 || at == len(s.admin)-1 || strings.ContainsAny(s.admin, " \t\"<>") {
		return s, attest.Invalid("admin_email", "must be an email address such as admin@example.com (got %q)", s.admin)
	}
	_, s.domain, _ = strings.Cut(strings.ToLower(s.admin), "@")
	if d := strings.ToLower(strings.TrimSpace(m["domain"])); d != "" {
		if strings.ContainsAny(d, "@/ \t:") || !strings.Contains(d, ".") {
			return s, attest.Invalid("domain", "must be a domain name such as example.com (got %q)", d)
		}
		s.domain = d
	}
	if s.customer == "" {
		s.customer = DefaultCustomer
	}
	for _, r := range s.customer {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return s, attest.Invalid("customer", "must be my_customer or a customer ID such as C01abcd23 (got %q)", s.customer)
		}
	}
	api, err := endpoint(m["base_url"], DefaultAPIURL, "base_url")
	if err != nil {
		return s, err
	}
	if !strings.HasSuffix(api.Path, "/") {
		api.Path += "/"
	}
	s.api = api
	tok, err := endpoint(m["token_url"], DefaultTokenURL, "token_url")
	if err != nil {
		return s, err
	}
	s.tokenURL = tok.String()
	return s, nil
}

// endpoint parses a URL setting: https, or http to a loopback host only
// (the access token and the signed assertion must not cross a network in
// the clear).
func endpoint(v, def, field string) (*url.URL, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		v = def
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, attest.Invalid(field, "must be an https URL such as %s (got %q)", def, v)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return nil, attest.Invalid(field, "must use https; plain http is allowed only for a loopback host (got %q)", v)
	}
	return u, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serviceAccount is what the connector uses of a service account's JSON key.
type serviceAccount struct {
	email    string
	clientID string
	keyID    string
	pem      []byte
}

// credential is what the secret gives: a service account's key, or a static
// access token (staticToken set, sa empty).
type credential struct {
	sa          serviceAccount
	staticToken string
}

// isToken68 reports whether s has only the characters of an OAuth bearer
// token (RFC 6750's b64token), so that a pasted key or a sentence is not
// taken for one.
func isToken68(s string) bool {
	if s == "" || len(s) > 4096 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/=", r)) {
			return false
		}
	}
	return true
}

// parseSecret reads the secret: a service account's JSON key, as the Google
// Cloud console downloads it; or a static OAuth access token, either alone
// (ya29.…) or as {"access_token": "…"}, used as it is, with no token
// exchange. Its errors say what is wrong without quoting the secret.
func parseSecret(secret []byte) (credential, error) {
	var cred credential
	secret = []byte(strings.TrimSpace(string(secret)))
	if len(secret) == 0 {
		return cred, attest.Invalid("secret", "is required: the service account's JSON key file, or an access token")
	}
	if secret[0] != '{' {
		tok := strings.TrimSpace(strings.TrimPrefix(string(secret), "Bearer "))
		if !isToken68(tok) {
			return cred, attest.Invalid("secret", "is neither a JSON key file nor an access token: give the whole .json file downloaded from the service account's Keys tab in the Google Cloud console")
		}
		cred.staticToken = tok
		return cred, nil
	}
	var raw map[string]any
	if err := json.Unmarshal(secret, &raw); err != nil {
		return cred, attest.Invalid("secret", "is not valid JSON: give the whole service account key file, unchanged")
	}
	if v, ok := raw["access_token"]; ok {
		tok, _ := v.(string)
		if _, isKey := raw["type"]; isKey || !isToken68(strings.TrimSpace(tok)) {
			return cred, attest.Invalid("secret", "has an access_token that is not an OAuth access token: give {\"access_token\": \"ya29…\"} alone, or a service account key file")
		}
		cred.staticToken = strings.TrimSpace(tok)
		return cred, nil
	}
	var err error
	cred.sa, err = parseKey(raw)
	return cred, err
}

// parseKey reads a service account's JSON key (decoded).
func parseKey(raw map[string]any) (serviceAccount, error) {
	var sa serviceAccount
	str := func(k string) string { v, _ := raw[k].(string); return strings.TrimSpace(v) }
	switch typ := str("type"); typ {
	case "service_account":
	case "":
		return sa, attest.Invalid("secret", "is JSON without a \"type\" field, not a service account key (nor an {\"access_token\": …}): download a JSON key from the service account's Keys tab")
	case "authorized_user", "external_account", "impersonated_service_account", "external_account_authorized_user":
		return sa, attest.Invalid("secret", "is a credential of type %q, not a service account key: create a service account and download its JSON key", typ)
	default:
		return sa, attest.Invalid("secret", "is a JSON file of another type, not a service account key (its \"type\" must be \"service_account\")")
	}
	sa.email, sa.clientID, sa.keyID = str("client_email"), str("client_id"), str("private_key_id")
	if sa.email == "" || !strings.Contains(sa.email, "@") {
		return sa, attest.Invalid("secret", "is a service account key without a client_email: download a fresh key file")
	}
	pk := str("private_key")
	if pk == "" {
		return sa, attest.Invalid("secret", "is a service account key without a private_key: download a fresh key file")
	}
	block, _ := pem.Decode([]byte(pk))
	if block == nil {
		return sa, attest.Invalid("secret", "has a private_key that is not a PEM key: download a fresh key file rather than editing it")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return sa, attest.Invalid("secret", "has a private_key of PEM type %q; a service account key is an unencrypted RSA key", block.Type)
	}
	if err != nil {
		return sa, attest.Invalid("secret", "has a private_key that cannot be read: download a fresh key file")
	}
	if _, ok := key.(*rsa.PrivateKey); !ok {
		return sa, attest.Invalid("secret", "has a private_key that is not an RSA key; Google signs service account keys with RSA")
	}
	sa.pem = []byte(pk)
	return sa, nil
}

// session is one collection or check: the settings, the service account, a
// token source, a client that adds the token, and a count of requests.
type session struct {
	set settings
	sa  serviceAccount
	// static: the secret was an access token, used as it is.
	static bool
	ts     oauth2.TokenSource
	api    *http.Client
	calls  atomic.Int64
	now    func() time.Time
}

// countingTransport counts requests.
type countingTransport struct {
	next  http.RoundTripper
	calls *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	return t.next.RoundTrip(r)
}

func (c *Connector) session(ctx context.Context, req attest.CollectRequest) (*session, error) {
	set, err := parseSettings(req.Settings)
	if err != nil {
		return nil, err
	}
	cred, err := parseSecret(req.Secret)
	if err != nil {
		return nil, err
	}
	sa := cred.sa
	s := &session{set: set, sa: sa, static: cred.staticToken != "", now: c.now}
	base := c.client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	counted := countingTransport{next: base, calls: &s.calls}
	if s.static {
		// No exchange: the token is sent as it is until Google refuses it.
		s.ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cred.staticToken, TokenType: "Bearer"})
	} else {
		tokenClient := &http.Client{Transport: counted, Timeout: c.client.Timeout}
		conf := &jwt.Config{
			Email: sa.email, PrivateKey: sa.pem, PrivateKeyID: sa.keyID,
			Subject: set.admin, Scopes: []string{Scope}, TokenURL: set.tokenURL,
		}
		s.ts = conf.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, tokenClient))
	}
	s.api = &http.Client{Transport: &oauth2.Transport{Source: s.ts, Base: counted}, Timeout: c.client.Timeout}
	return s, nil
}

// signIn obtains an access token. A refusal by the token endpoint is a
// *signInError that says what to fix; a failure to reach it is returned as
// it is.
func (s *session) signIn() error {
	_, err := s.ts.Token()
	if err == nil {
		return nil
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("sign in to Google at %s: %w", s.set.tokenURL, err)
	}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	json.Unmarshal(re.Body, &body)
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	e := &signInError{status: status, code: body.Error, desc: body.Description}
	client := "the service account's client ID"
	if s.sa.clientID != "" {
		client = "client ID " + s.sa.clientID
	}
	switch {
	case body.Error == "unauthorized_client":
		e.missing = "domain-wide delegation of " + Scope + " to " + client
		e.msg = fmt.Sprintf("Google will not let %s act as %s: domain-wide delegation is not granted. In the Admin console (Security, Access and data control, API controls, Domain-wide delegation), add %s with the scope %s",
			s.sa.email, s.set.admin, client, Scope)
	case body.Error == "invalid_grant" && strings.Contains(strings.ToLower(body.Description), "email"):
		e.missing = "an existing administrator to act as (admin_email)"
		e.msg = fmt.Sprintf("Google does not know %s as a user of the account (invalid_grant: %s): set admin_email to an administrator's primary address", s.set.admin, body.Description)
	case body.Error == "invalid_grant" && strings.Contains(strings.ToLower(body.Description), "signature"):
		e.msg = fmt.Sprintf("Google refused the key of %s (invalid_grant: %s): the key was deleted or disabled; create a new JSON key", s.sa.email, body.Description)
	case body.Error == "invalid_grant":
		e.msg = fmt.Sprintf("Google refused the sign-in of %s (invalid_grant: %s): check that the service account and its key are enabled and the server's clock is right", s.sa.email, body.Description)
	case body.Error != "":
		e.msg = fmt.Sprintf("Google refused the sign-in of %s as %s (%d %s: %s)", s.sa.email, s.set.admin, status, body.Error, body.Description)
	default:
		e.msg = fmt.Sprintf("the token endpoint %s answered %d", s.set.tokenURL, status)
	}
	return e
}

// signInError is a sign-in the token endpoint refused.
type signInError struct {
	status     int
	code, desc string
	msg        string
	missing    string // what Check lists as missing, if one thing is
}

func (e *signInError) Error() string { return "Google sign-in: " + e.msg }

// apiError is an error answer of the Directory API, in Google's shape:
// {"error":{"code","message","errors":[{"reason","domain","message"}],"status"}}.
type apiError struct {
	code       int
	message    string
	reason     string // the first errors[].reason
	status     string // e.g. PERMISSION_DENIED
	retryAfter time.Duration
	hasRetry   bool
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("Google answered %d", e.code)
	if e.reason != "" {
		s += " " + e.reason
	}
	if e.message != "" {
		s += ": " + e.message
	}
	return s
}

// rateLimited reports an answer that asks the caller to slow down and try
// again (429, or 403 with a rate-limit reason), or a passing outage (503).
func (e *apiError) rateLimited() bool {
	switch {
	case e.code == http.StatusTooManyRequests, e.code == http.StatusServiceUnavailable:
		return true
	case e.code == http.StatusForbidden:
		return e.reason == "rateLimitExceeded" || e.reason == "userRateLimitExceeded"
	}
	return false
}

// get sends one GET to the Directory API and decodes its JSON answer into
// out, waiting out a short rate limit (Retry-After, else a growing backoff)
// at most a few times. A longer wait is an error that says so.
func (s *session) get(ctx context.Context, path string, q url.Values, out any) error {
	u := s.set.api.JoinPath(path)
	u.RawQuery = q.Encode()
	backoff := time.Second
	for attempt := 0; ; attempt++ {
		err := s.getOnce(ctx, u.String(), out)
		var ae *apiError
		if err == nil || !errors.As(err, &ae) || !ae.rateLimited() {
			return err
		}
		wait := backoff
		if ae.hasRetry {
			wait = ae.retryAfter
		}
		backoff *= 2
		if attempt >= 4 {
			return fmt.Errorf("still rate limited by Google after %d tries: %w", attempt+1, err)
		}
		if dl, ok := ctx.Deadline(); wait > maxRateWait || (ok && time.Until(dl) < wait) {
			return fmt.Errorf("rate limited: Google asks to wait %s before trying again, longer than Attest waits: %w", wait.Round(time.Second), err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *session) getOnce(ctx context.Context, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "attest (+https://github.com/attest-hq/attest)")
	resp, err := s.api.Do(req)
	if err != nil {
		var se *signInError
		if errors.As(err, &se) {
			return se
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return s.signIn()
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("read Google's answer: %w", err)
		}
		return nil
	}
	var body struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Status  string `json:"status"`
			Errors  []struct {
				Reason  string `json:"reason"`
				Domain  string `json:"domain"`
				Message string `json:"message"`
			} `json:"errors"`
		} `json:"error"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body)
	e := &apiError{code: resp.StatusCode, message: body.Error.Message, status: body.Error.Status}
	if len(body.Error.Errors) > 0 {
		e.reason = body.Error.Errors[0].Reason
		if e.message == "" {
			e.message = body.Error.Errors[0].Message
		}
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if d, ok := parseRetryAfter(v, s.now()); ok {
			e.retryAfter, e.hasRetry = d, true
		}
	}
	return e
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
