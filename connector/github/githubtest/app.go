package githubtest

import (
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
)

// App makes the server act for a GitHub App installed on the scenario's
// organization, as GitHub does: the App signs a JWT (RS256, issuer = its ID
// or client ID, at most ten minutes long) with its private key; with it, it
// reads GET /app and GET /orgs/{org}/installation and exchanges it at
// POST /app/installations/{id}/access_tokens for an installation token,
// which then reads the organization with the installation's permissions.
type App struct {
	ID             int64
	ClientID       string
	Slug           string
	InstallationID int64
	Key            *rsa.PublicKey
	// Permissions granted to the installation, as GitHub names them
	// ("administration": "read", ...). Without organization_administration
	// the installation sees nothing owner-only; without administration it
	// reads no branch protection or security settings.
	Permissions map[string]string
	Selection   string        // repository_selection: all (default) or selected
	TokenTTL    time.Duration // an installation token's life; default one hour
}

// Clock, when set, is the server's time for judging App JWTs and token
// expiry (tests that move time forward). Default time.Now.
func (s *Scenario) clock() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// TokensIssued returns how many installation tokens the server has issued.
func (s *Scenario) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokensIssued
}

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// AppKey returns an RSA key for a test App (generated once per process)
// and its private key in PEM as GitHub hands it out (PKCS #1).
func AppKey() (*rsa.PrivateKey, []byte) {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey)})
}

// isJWT reports whether a bearer credential is a JWT (three dot-separated
// parts), which GitHub accepts only on App endpoints.
func isJWT(tok string) bool { return strings.Count(tok, ".") == 2 }

// checkJWT verifies an App JWT as GitHub does; the message is GitHub's kind
// of answer when it is refused.
func (s *Scenario) checkJWT(tok string) (ok bool, msg string) {
	if s.App == nil || s.App.Key == nil {
		return false, "A JSON web token could not be decoded"
	}
	parts := strings.Split(tok, ".")
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	cb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return false, "A JSON web token could not be decoded"
	}
	var header struct{ Alg string }
	if json.Unmarshal(hb, &header) != nil || header.Alg != "RS256" {
		return false, "A JSON web token could not be decoded"
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(s.App.Key, crypto.SHA256, sum[:], sig) != nil {
		return false, "A JSON web token could not be decoded"
	}
	var c struct {
		Iat, Exp int64
		Iss      any
	}
	if json.Unmarshal(cb, &c) != nil {
		return false, "A JSON web token could not be decoded"
	}
	iss := fmt.Sprint(c.Iss)
	if f, ok := c.Iss.(float64); ok {
		iss = strconv.FormatInt(int64(f), 10)
	}
	if iss != strconv.FormatInt(s.App.ID, 10) && (s.App.ClientID == "" || iss != s.App.ClientID) {
		return false, "Integration not found"
	}
	now := s.clock().Unix()
	switch {
	case c.Exp <= now:
		return false, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	case c.Exp-c.Iat > 600:
		return false, "'Expiration time' claim ('exp') is too far in the future"
	case c.Iat > now+60:
		return false, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	}
	return true, ""
}

// appRoute answers a request signed with a valid App JWT; it runs under the
// scenario's lock.
func (a *api) appRoute(r *http.Request) (int, []byte) {
	s := a.s
	app := s.App
	path := strings.Trim(r.URL.Path, "/")
	installation := map[string]any{"id": app.InstallationID, "app_id": app.ID, "app_slug": app.Slug,
		"account": map[string]any{"login": s.Org.Login, "id": 4242, "type": "Organization"}, "target_type": "Organization",
		"repository_selection": a.selection(), "permissions": app.Permissions,
		"access_tokens_url": "https://api.github.com/app/installations/" + strconv.FormatInt(app.InstallationID, 10) + "/access_tokens"}
	switch {
	case r.Method == http.MethodGet && path == "app":
		return 200, mustJSON(map[string]any{"id": app.ID, "slug": app.Slug, "client_id": app.ClientID, "name": app.Slug,
			"owner": map[string]any{"login": s.Org.Login, "type": "Organization"}, "permissions": app.Permissions})
	case r.Method == http.MethodGet && path == "orgs/"+s.Org.Login+"/installation":
		return 200, mustJSON(installation)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "orgs/") && strings.HasSuffix(path, "/installation"):
		return 404, notFound
	case r.Method == http.MethodPost && path == "app/installations/"+strconv.FormatInt(app.InstallationID, 10)+"/access_tokens":
		ttl := app.TokenTTL
		if ttl == 0 {
			ttl = time.Hour
		}
		b := make([]byte, 18)
		rand.Read(b)
		tok := "ghs_" + hex.EncodeToString(b)
		exp := s.clock().Add(ttl).UTC().Truncate(time.Second)
		if s.issued == nil {
			s.issued = map[string]time.Time{}
		}
		s.issued[tok] = exp
		s.tokensIssued++
		return 201, mustJSON(map[string]any{"token": tok, "expires_at": exp.Format(time.RFC3339),
			"permissions": app.Permissions, "repository_selection": a.selection()})
	case strings.HasPrefix(path, "app/installations/"):
		return 404, notFound
	}
	return 403, errBody("A JSON web token cannot be used to access this endpoint; use an installation access token", "/apps/creating-github-apps/authenticating-with-a-github-app")
}

func (a *api) selection() string {
	if a.s.App.Selection != "" {
		return a.s.App.Selection
	}
	return "all"
}
