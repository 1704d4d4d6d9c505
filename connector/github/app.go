package github

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v84/github"

	"github.com/attest-hq/attest"
)

// A GitHub App signs in in two steps. It signs a short-lived JSON Web Token
// (RS256, issuer = the App's ID) with its private key, and with that token
// asks GitHub for an installation access token for the organization's
// installation. The installation token (an hour's life) is what reads the
// organization. The private key never leaves the process: only the signed
// JWT is sent, and only to the configured API root.

// appPermissions are the installation permissions a collection uses, with
// the words "Check connection" shows when one is missing. Keys are GitHub's
// permission names in the installation token's "permissions" object.
var appPermissions = []struct{ key, label string }{
	{"metadata", "Metadata: read (repository)"},
	{"administration", "Administration: read (repository; branch protection and rulesets)"},
	{"members", "Members: read (organization)"},
	{"organization_administration", "Administration: read (organization; two-factor requirement and members' two-factor state)"},
	{"pull_requests", "Pull requests: read (repository)"},
	{"deployments", "Deployments: read (repository; deployments reconciled with reviews)"},
	{"vulnerability_alerts", "Dependabot alerts: read (repository)"},
	{"secret_scanning_alerts", "Secret scanning alerts: read (repository)"},
}

// jwtLifetime is how long a signed App JWT is valid. GitHub refuses more
// than ten minutes; the issued-at time is set a minute back because GitHub
// refuses a token "issued in the future" when clocks drift.
const (
	jwtLifetime = 9 * time.Minute
	jwtBackdate = 60 * time.Second
	// tokenMargin: an installation token is renewed this long before it
	// expires, so a request never carries one that lapses in flight.
	tokenMargin = 5 * time.Minute
)

// isPrivateKey reports whether a secret is a PEM private key rather than a
// token.
func isPrivateKey(secret string) bool { return strings.HasPrefix(secret, "-----BEGIN") }

// parseAppKey reads a GitHub App's private key: GitHub hands out PKCS #1
// ("RSA PRIVATE KEY"); a key converted to PKCS #8 ("PRIVATE KEY") works too.
// Errors never quote the key.
func parseAppKey(secret []byte) (*rsa.PrivateKey, error) {
	block, rest := pem.Decode(secret)
	if block == nil {
		return nil, attest.Invalid("secret", "looks like a PEM private key but is not valid PEM (check that it was pasted whole, with its BEGIN and END lines)")
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, attest.Invalid("secret", "holds more than one PEM block: give only the GitHub App's private key")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, attest.Invalid("secret", "is not a readable RSA private key (PKCS #1)")
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, attest.Invalid("secret", "is not a readable private key (PKCS #8)")
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, attest.Invalid("secret", "is a %T key; GitHub App keys are RSA", k)
		}
		return rk, nil
	case "ENCRYPTED PRIVATE KEY":
		return nil, attest.Invalid("secret", "is an encrypted private key: give the key as GitHub issued it, without a passphrase")
	}
	return nil, attest.Invalid("secret", "is a PEM %q block, not a GitHub App private key", block.Type)
}

// appJWT signs the JWT a GitHub App authenticates as itself with.
func appJWT(key *rsa.PrivateKey, appID string, now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	claims, err := json.Marshal(map[string]any{
		"iat": now.Add(-jwtBackdate).Unix(),
		"exp": now.Add(jwtLifetime).Unix(),
		"iss": appID,
	})
	if err != nil {
		return "", err
	}
	signing := header + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign the GitHub App JWT: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// appAuth holds one App installation's credentials and its current
// installation token. It is shared by every collection of the same App,
// installation and API root (see Connector.appAuth), so that webhooks do
// not mint a token each.
type appAuth struct {
	key            *rsa.PrivateKey
	appID          string
	installationID int64 // 0 until looked up
	org            string
	now            func() time.Time

	mu          sync.Mutex
	token       string
	expires     time.Time
	permissions map[string]string
	selection   string // all or selected repositories
}

// Token returns a valid installation token, asking GitHub for a new one when
// the current one is missing or about to expire. client returns a go-github
// client of the calling session that sends the given bearer token.
func (a *appAuth) Token(ctx context.Context, client func(bearer string) *gh.Client) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Add(tokenMargin).Before(a.expires) {
		return a.token, nil
	}
	jwt, err := appJWT(a.key, a.appID, a.now())
	if err != nil {
		return "", err
	}
	c := client(jwt)
	if a.installationID == 0 {
		inst, _, err := c.Apps.FindOrganizationInstallation(ctx, a.org)
		if err != nil {
			return "", appError("find the App's installation on "+a.org, err)
		}
		a.installationID = inst.GetID()
	}
	// The answer is read into our own struct rather than go-github's
	// InstallationToken, which drops repository_selection and knows only
	// the permissions of its release.
	req, err := c.NewRequest(http.MethodPost, "app/installations/"+strconv.FormatInt(a.installationID, 10)+"/access_tokens", nil)
	if err != nil {
		return "", err
	}
	var tok struct {
		Token       string            `json:"token"`
		ExpiresAt   time.Time         `json:"expires_at"`
		Permissions map[string]string `json:"permissions"`
		Selection   string            `json:"repository_selection"`
	}
	if _, err := c.Do(ctx, req, &tok); err != nil {
		return "", appError("create an installation token for installation "+strconv.FormatInt(a.installationID, 10), err)
	}
	if tok.Token == "" {
		return "", fmt.Errorf("GitHub App sign-in: GitHub answered the token request without a token")
	}
	a.token, a.expires, a.permissions, a.selection = tok.Token, tok.ExpiresAt, tok.Permissions, tok.Selection
	if a.expires.IsZero() {
		a.expires = a.now().Add(time.Hour)
	}
	return a.token, nil
}

// state returns what the last token exchange said.
func (a *appAuth) state() (perms map[string]string, selection string, installation int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.permissions, a.selection, a.installationID
}

// appError explains a failed App sign-in step in GitHub's words.
func appError(step string, err error) error {
	switch status(err) {
	case http.StatusUnauthorized:
		return fmt.Errorf("GitHub App sign-in: %s: GitHub refused the App's JWT (%s): check the App ID, and that the key is the App's current private key", step, message(err))
	case http.StatusNotFound:
		return fmt.Errorf("GitHub App sign-in: %s: not found: the App is not installed on the organization, or the installation ID is wrong", step)
	}
	return fmt.Errorf("GitHub App sign-in: %s: %v", step, err)
}

// bearerTransport adds the current installation token to each request.
type bearerTransport struct {
	next  http.RoundTripper
	token func(context.Context) (string, error)
}

func (t bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := t.token(r.Context())
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Header.Set("Authorization", "Bearer "+tok)
	return t.next.RoundTrip(r2)
}

// appSettings reads the App's settings; they are required when the secret
// is a private key.
func appSettings(m map[string]string) (appID string, installation int64, err error) {
	appID = strings.TrimSpace(m["app_id"])
	if appID == "" {
		return "", 0, attest.Invalid("app_id", "is required when the secret is a GitHub App's private key: the App's ID (or client ID) from its settings page")
	}
	if strings.ContainsAny(appID, " \t\"\\") {
		return "", 0, attest.Invalid("app_id", "must be the App's numeric ID or its client ID (got %q)", appID)
	}
	if v := strings.TrimSpace(m["installation_id"]); v != "" {
		installation, err = strconv.ParseInt(v, 10, 64)
		if err != nil || installation <= 0 {
			return "", 0, attest.Invalid("installation_id", "must be the installation's numeric ID, or empty to find it from the organization (got %q)", v)
		}
	}
	return appID, installation, nil
}

// appFor returns the shared appAuth for a key, App, installation and API
// root, creating it on first use. The cache key is a hash: the key itself is
// not kept twice.
func (c *Connector) appFor(set settings, secret []byte, appID string, installation int64) (*appAuth, error) {
	key, err := parseAppKey(secret)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s\x00", set.baseStr, appID, installation, set.org)
	h.Write(secret)
	id := hex.EncodeToString(h.Sum(nil))
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.apps[id]; ok {
		return a, nil
	}
	if c.apps == nil || len(c.apps) >= maxCachedApps {
		c.apps = map[string]*appAuth{} // a crude bound: a few installations per install is the norm
	}
	a := &appAuth{key: key, appID: appID, installationID: installation, org: set.org, now: c.now}
	c.apps[id] = a
	return a, nil
}

// maxCachedApps bounds the installation-token cache.
const maxCachedApps = 256
