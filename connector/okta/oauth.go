package okta

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

// The connector signs in one of two ways (docs/connectors/okta.md):
//
//   - an API token, sent as "Authorization: SSWS {token}";
//   - an OAuth 2.0 service app: the client credentials grant at the org
//     authorization server ({org_url}/oauth2/v1/token), the client
//     authenticated by a JWT signed with its private key (private_key_jwt),
//     and the access token sent as "Bearer", or as "DPoP" with a proof of
//     possession when the app requires DPoP (Okta's default for new apps).

// Credential kinds, as Check names them.
const (
	KindAPIToken   = "API token (SSWS)"
	KindServiceApp = "OAuth 2.0 service app"
)

// DefaultScopes are the Okta API scopes a service app is asked for: read
// only, one per kind of object collected.
var DefaultScopes = []string{"okta.users.read", "okta.groups.read", "okta.policies.read", "okta.roles.read"}

// credential is the secret, parsed: an API token, or a service app's client
// ID and private key.
type credential struct {
	apiToken string

	clientID string
	keyID    string
	key      crypto.Signer // *rsa.PrivateKey or a P-256 *ecdsa.PrivateKey
}

func (c credential) kind() string {
	if c.apiToken != "" {
		return KindAPIToken
	}
	return KindServiceApp
}

// parseCredential reads the secret: JSON (an object) is a service app's
// {"client_id", "private_key", "key_id"}; anything else is an API token.
// Its errors never quote the secret.
func parseCredential(secret []byte) (credential, error) {
	s := strings.TrimSpace(string(secret))
	if s == "" {
		return credential{}, attest.Invalid("secret", "is required: an Okta API token, or a service app's {\"client_id\", \"private_key\"} as JSON")
	}
	if !strings.HasPrefix(s, "{") {
		// A token pasted with its scheme still works.
		tok := strings.TrimSpace(strings.TrimPrefix(s, "SSWS "))
		if strings.ContainsAny(tok, " \t\r\n") {
			return credential{}, attest.Invalid("secret", "is not an Okta API token (it has spaces) nor a service app's JSON")
		}
		return credential{apiToken: tok}, nil
	}
	var raw struct {
		ClientID   string          `json:"client_id"`
		PrivateKey json.RawMessage `json:"private_key"`
		KeyID      string          `json:"key_id"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return credential{}, attest.Invalid("secret", "is not valid JSON: give {\"client_id\": \"0oa…\", \"private_key\": \"-----BEGIN PRIVATE KEY-----…\" or the private JWK, \"key_id\": \"…\"}")
	}
	c := credential{clientID: strings.TrimSpace(raw.ClientID), keyID: strings.TrimSpace(raw.KeyID)}
	if c.clientID == "" {
		return credential{}, attest.Invalid("secret", "has no client_id: give the service app's client ID (0oa…, on its General tab)")
	}
	if len(raw.PrivateKey) == 0 || string(raw.PrivateKey) == "null" {
		return credential{}, attest.Invalid("secret", "has no private_key: give the private key of the app's public key / private key client authentication, as PEM or as the JWK Okta generated")
	}
	key, kid, err := parsePrivateKey(raw.PrivateKey)
	if err != nil {
		return credential{}, err
	}
	c.key = key
	if c.keyID == "" {
		c.keyID = kid
	}
	return c, nil
}

// parsePrivateKey reads private_key: a JWK object, or a string holding PEM
// (PKCS #8, PKCS #1 or SEC 1) or a JWK. It returns the JWK's kid, if any.
func parsePrivateKey(raw json.RawMessage) (crypto.Signer, string, error) {
	body := bytes.TrimSpace(raw)
	if body[0] == '"' {
		var s string
		if err := json.Unmarshal(body, &s); err != nil {
			return nil, "", attest.Invalid("secret", "has a private_key that is not a string or a JWK object")
		}
		s = strings.TrimSpace(s)
		if !strings.HasPrefix(s, "{") {
			return parsePEMKey(s)
		}
		body = []byte(s)
	}
	if body[0] != '{' {
		return nil, "", attest.Invalid("secret", "has a private_key that is neither PEM nor a JWK")
	}
	return parseJWK(body)
}

// pemParsers read the PEM private key types a service app key comes in.
var pemParsers = map[string]func([]byte) (any, error){
	"PRIVATE KEY":     x509.ParsePKCS8PrivateKey,
	"RSA PRIVATE KEY": func(b []byte) (any, error) { return x509.ParsePKCS1PrivateKey(b) },
	"EC PRIVATE KEY":  func(b []byte) (any, error) { return x509.ParseECPrivateKey(b) },
}

func parsePEMKey(s string) (crypto.Signer, string, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, "", attest.Invalid("secret", "has a private_key that is not PEM (-----BEGIN PRIVATE KEY-----…) nor a JWK")
	}
	parse, known := pemParsers[block.Type]
	if !known {
		return nil, "", attest.Invalid("secret", "has a private_key of PEM type %q: give the unencrypted private key", block.Type)
	}
	key, err := parse(block.Bytes)
	if err != nil {
		return nil, "", attest.Invalid("secret", "has a private_key that cannot be read as a %s", block.Type)
	}
	return usableKey(key, "")
}

func usableKey(key any, kid string) (crypto.Signer, string, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, "", attest.Invalid("secret", "has an RSA private_key of %d bits; Okta requires at least 2048", k.N.BitLen())
		}
		return k, kid, nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, "", attest.Invalid("secret", "has an EC private_key on a curve other than P-256 (ES256)")
		}
		return k, kid, nil
	}
	return nil, "", attest.Invalid("secret", "has a private_key that is neither RSA nor EC P-256")
}

// parseJWK reads a private JWK (RSA or EC P-256), as Okta's Admin Console
// generates it for a service app.
func parseJWK(body []byte) (crypto.Signer, string, error) {
	var j struct {
		Kty, Kid, Crv       string
		N, E, D, P, Q, X, Y string
	}
	if err := json.Unmarshal(body, &j); err != nil {
		return nil, "", attest.Invalid("secret", "has a private_key JWK that is not valid JSON")
	}
	num := func(s string) (*big.Int, bool) {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil || len(b) == 0 {
			return nil, false
		}
		return new(big.Int).SetBytes(b), true
	}
	switch j.Kty {
	case "RSA":
		n, ok1 := num(j.N)
		e, ok2 := num(j.E)
		d, ok3 := num(j.D)
		p, ok4 := num(j.P)
		q, ok5 := num(j.Q)
		if !ok3 {
			return nil, "", attest.Invalid("secret", "has a public JWK as private_key: give the private key (with \"d\"), which Okta shows once when it generates the key")
		}
		if !ok1 || !ok2 || !ok4 || !ok5 || !e.IsInt64() {
			return nil, "", attest.Invalid("secret", "has an RSA JWK without n, e, p or q")
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d, Primes: []*big.Int{p, q}}
		if err := k.Validate(); err != nil {
			return nil, "", attest.Invalid("secret", "has an RSA JWK whose numbers do not make a key")
		}
		k.Precompute()
		return usableKey(k, j.Kid)
	case "EC":
		x, ok1 := num(j.X)
		y, ok2 := num(j.Y)
		d, ok3 := num(j.D)
		if !ok3 {
			return nil, "", attest.Invalid("secret", "has a public JWK as private_key: give the private key (with \"d\")")
		}
		if j.Crv != "P-256" || !ok1 || !ok2 {
			return nil, "", attest.Invalid("secret", "has an EC JWK that is not a P-256 key with x and y")
		}
		if x.BitLen() > 256 || y.BitLen() > 256 || d.BitLen() > 256 {
			return nil, "", attest.Invalid("secret", "has an EC JWK whose numbers do not make a P-256 key")
		}
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d.FillBytes(make([]byte, 32)))
		if err != nil {
			return nil, "", attest.Invalid("secret", "has an EC JWK whose d is not a P-256 private key")
		}
		pub, err := k.PublicKey.Bytes()
		want := append(append([]byte{4}, x.FillBytes(make([]byte, 32))...), y.FillBytes(make([]byte, 32))...)
		if err != nil || !bytes.Equal(pub, want) {
			return nil, "", attest.Invalid("secret", "has an EC JWK whose x and y are not the public half of d")
		}
		return usableKey(k, j.Kid)
	}
	return nil, "", attest.Invalid("secret", "has a private_key JWK of kty %q; Okta service app keys are RSA or EC", j.Kty)
}

// b64 is base64url without padding, as JOSE writes it.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// signJWT returns a compact JWS of claims under header, signed RS256 or
// ES256 by key (the header's alg is set here).
func signJWT(header, claims map[string]any, key crypto.Signer) (string, error) {
	switch key.(type) {
	case *rsa.PrivateKey:
		header["alg"] = "RS256"
	case *ecdsa.PrivateKey:
		header["alg"] = "ES256"
	default:
		return "", errors.New("unsupported key type")
	}
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(c)
	sum := sha256.Sum256([]byte(input))
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		s, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		if err != nil {
			return "", err
		}
		sig = s
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, sum[:])
		if err != nil {
			return "", err
		}
		sig = make([]byte, 64) // JOSE's ES256 signature: r and s, 32 bytes each
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	}
	return input + "." + b64(sig), nil
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return b64(b)
}

// oauthState is a session's access token and, with DPoP, its proof key and
// the last nonce Okta gave. Guarded by session.authMu.
type oauthState struct {
	token     string
	tokenType string // "Bearer" or "DPoP"
	expires   time.Time
	scopes    string // what Okta granted
	dpopKey   *ecdsa.PrivateKey
	nonce     string
}

// tokenError is the token endpoint refusing to issue an access token, with
// what to do about it.
type tokenError struct {
	Status      int
	Code        string // error
	Description string // error_description
	msg         string
}

func (e *tokenError) Error() string { return "Okta sign-in: " + e.msg }

// tokenURL is the org authorization server's token endpoint.
func (s *session) tokenURL() string { return s.base.JoinPath("/oauth2/v1/token").String() }

// htu is a URL as a DPoP proof names it: without query and fragment.
func htu(u *url.URL) string {
	v := *u
	v.RawQuery, v.Fragment, v.ForceQuery = "", "", false
	return v.String()
}

// dpopProof signs a DPoP proof for one request; with token, it carries the
// access token's hash (ath), as a request to the API must.
func (st *oauthState) dpopProof(method string, u *url.URL, token string, now time.Time) (string, error) {
	pub, err := st.dpopKey.PublicKey.Bytes() // 0x04, X, Y
	if err != nil {
		return "", err
	}
	x, y := pub[1:33], pub[33:65]
	header := map[string]any{"typ": "dpop+jwt", "jwk": map[string]string{"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y)}}
	claims := map[string]any{"jti": randomID(), "htm": method, "htu": htu(u), "iat": now.Unix()}
	if st.nonce != "" {
		claims["nonce"] = st.nonce
	}
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		claims["ath"] = b64(sum[:])
	}
	return signJWT(header, claims, st.dpopKey)
}

// authorize sets a request's credentials: the API token, or the access
// token (fetched or refreshed first) and, with DPoP, a fresh proof.
func (s *session) authorize(ctx context.Context, req *http.Request) error {
	if s.cred.apiToken != "" {
		req.Header.Set("Authorization", "SSWS "+s.cred.apiToken)
		return nil
	}
	s.authMu.Lock()
	defer s.authMu.Unlock()
	if s.oauth.token == "" || !s.c.now().Before(s.oauth.expires.Add(-time.Minute)) {
		if err := s.fetchToken(ctx); err != nil {
			return err
		}
	}
	req.Header.Set("Authorization", s.oauth.tokenType+" "+s.oauth.token)
	if s.oauth.tokenType == "DPoP" {
		proof, err := s.oauth.dpopProof(req.Method, req.URL, s.oauth.token, time.Now())
		if err != nil {
			return err
		}
		req.Header.Set("DPoP", proof)
	}
	return nil
}

// resourceNonce takes a nonce the API asked for (401 with
// WWW-Authenticate: DPoP error="use_dpop_nonce" and a DPoP-Nonce header)
// and reports whether to try again with it.
func (s *session) resourceNonce(resp *http.Response) bool {
	n := resp.Header.Get("DPoP-Nonce")
	if s.cred.apiToken != "" || n == "" || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "use_dpop_nonce") {
		return false
	}
	s.authMu.Lock()
	defer s.authMu.Unlock()
	s.oauth.nonce = n
	return true
}

// fetchToken runs the client credentials grant. It asks without DPoP
// first; when Okta answers that the app requires DPoP, it makes a proof
// key and asks again with a proof, and once more with the nonce Okta gives.
// Called with authMu held.
func (s *session) fetchToken(ctx context.Context) error {
	useDPoP := s.oauth.dpopKey != nil
	for attempt := 0; attempt < 4; attempt++ {
		answer, status, hdr, err := s.tokenRequest(ctx, useDPoP)
		if err != nil {
			return err
		}
		if status == http.StatusOK {
			if answer.AccessToken == "" {
				return &tokenError{Status: status, msg: "Okta's token endpoint answered without an access token"}
			}
			typ := answer.TokenType
			if strings.EqualFold(typ, "DPoP") {
				typ = "DPoP"
				if s.oauth.dpopKey == nil {
					return &tokenError{Status: status, msg: "Okta issued a DPoP token to a request without a proof"}
				}
			} else {
				typ = "Bearer"
			}
			life := time.Duration(answer.ExpiresIn) * time.Second
			if life <= 0 {
				life = time.Hour
			}
			s.oauth.token, s.oauth.tokenType, s.oauth.expires, s.oauth.scopes = answer.AccessToken, typ, s.c.now().Add(life), answer.Scope
			return nil
		}
		switch {
		case answer.Error == "invalid_dpop_proof" && !useDPoP:
			// The app requires DPoP: make a proof key and ask again.
			k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				return err
			}
			s.oauth.dpopKey, useDPoP = k, true
			continue
		case answer.Error == "use_dpop_nonce" && useDPoP && hdr.Get("DPoP-Nonce") != "":
			s.oauth.nonce = hdr.Get("DPoP-Nonce")
			continue
		}
		return s.refused(status, answer.Error, answer.Description, useDPoP)
	}
	return &tokenError{Status: http.StatusBadRequest, Code: "use_dpop_nonce",
		msg: "Okta kept asking for a new DPoP nonce; turn off \"Require Demonstrating Proof of Possession (DPoP) header in token requests\" in the service app's General Settings if it persists"}
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// tokenRequest makes one POST to the token endpoint.
func (s *session) tokenRequest(ctx context.Context, useDPoP bool) (tokenAnswer, int, http.Header, error) {
	var answer tokenAnswer
	now := time.Now() // the server checks iat and exp against its own clock
	endpoint := s.tokenURL()
	assertion, err := signJWT(map[string]any{"typ": "JWT", "kid": s.cred.keyID}, map[string]any{
		"iss": s.cred.clientID, "sub": s.cred.clientID, "aud": endpoint,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": randomID(),
	}, s.cred.key)
	if err != nil {
		return answer, 0, nil, err
	}
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {strings.Join(s.scopes, " ")},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return answer, 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if useDPoP {
		proof, err := s.oauth.dpopProof(http.MethodPost, req.URL, "", now)
		if err != nil {
			return answer, 0, nil, err
		}
		req.Header.Set("DPoP", proof)
	}
	s.calls.Add(1)
	resp, err := s.c.client.Do(req)
	if err != nil {
		return answer, 0, nil, fmt.Errorf("POST /oauth2/v1/token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return answer, 0, nil, fmt.Errorf("POST /oauth2/v1/token: reading the answer: %w", err)
	}
	if err := json.Unmarshal(body, &answer); err != nil && resp.StatusCode == http.StatusOK {
		return answer, 0, nil, fmt.Errorf("POST /oauth2/v1/token: Okta's answer is not the expected JSON: %w", err)
	}
	return answer, resp.StatusCode, resp.Header, nil
}

// refused words a refusal of the token endpoint.
func (s *session) refused(status int, code, desc string, dpop bool) error {
	e := &tokenError{Status: status, Code: code, Description: desc}
	app := "service app " + s.cred.clientID
	switch {
	case code == "invalid_dpop_proof":
		e.msg = fmt.Sprintf("Okta refused the DPoP proof Attest sent for %s (invalid_dpop_proof: %s): the app requires DPoP (\"Require Demonstrating Proof of Possession (DPoP) header in token requests\", on by default for new apps); "+
			"Attest answers that requirement, but if Okta still refuses its proofs, turn that setting off in the app's General Settings", app, desc)
	case code == "invalid_client":
		e.msg = fmt.Sprintf("Okta did not accept the client authentication of %s (invalid_client: %s): check the client ID, that the app uses \"Public key / Private key\" client authentication, that the private key's public half is registered (and active) on the app, and key_id when the app has several keys", app, desc)
	case code == "invalid_scope":
		e.msg = fmt.Sprintf("Okta will not grant %s the scopes %s (invalid_scope: %s): grant them on the app's Okta API Scopes tab, or narrow the scopes setting", app, strings.Join(s.scopes, " "), desc)
	case code == "unauthorized_client" || code == "unsupported_grant_type":
		e.msg = fmt.Sprintf("Okta does not let %s use the client credentials grant (%s: %s): create it as an API Services app", app, code, desc)
	case status == http.StatusNotFound:
		e.msg = fmt.Sprintf("%s has no token endpoint (404 on /oauth2/v1/token): check the org URL", s.base)
	case code != "":
		e.msg = fmt.Sprintf("Okta refused to issue an access token to %s (%d %s: %s)", app, status, code, desc)
	default:
		e.msg = fmt.Sprintf("Okta's token endpoint answered %d to %s", status, app)
	}
	if dpop && code != "invalid_dpop_proof" {
		e.msg += " (with DPoP)"
	}
	return e
}

// insufficientScope reads the scope a 403's WWW-Authenticate says the
// access token lacks (error="insufficient_scope"), "" otherwise.
func insufficientScope(h http.Header) string {
	v := h.Get("WWW-Authenticate")
	if !strings.Contains(v, "insufficient_scope") {
		return ""
	}
	for _, part := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		k = strings.TrimSpace(k)
		if i := strings.LastIndex(k, " "); i >= 0 {
			k = k[i+1:] // the first parameter follows the scheme
		}
		if ok && k == "scope" {
			return strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return "?"
}
