package oktatest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// The org authorization server's token endpoint, as Okta runs it for an
// OAuth 2.0 service app: the client credentials grant, the client
// authenticated with a JWT signed by its private key (private_key_jwt), and
// DPoP when the app requires it (Okta's default for new service apps): a
// token request without a DPoP header is refused invalid_dpop_proof, a
// proof without the server's nonce use_dpop_nonce with a DPoP-Nonce header,
// and the access token issued is then of type DPoP, accepted only with a
// fresh proof that carries its hash.

// TokenPath is the org authorization server's token endpoint.
const TokenPath = "/oauth2/v1/token"

// sharedKey is generated once per test binary (RSA key generation is slow).
var sharedKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// issued is an access token the server gave out.
type issued struct {
	scopes  []string
	expires time.Time
	jkt     string // the DPoP key's thumbprint; "" for a bearer token
}

// ServiceAppSecret returns the connection secret for the scenario's
// service app: {"client_id", "private_key", "key_id"}, the private key as
// PKCS #8 PEM (format "pem") or as a private JWK object (format "jwk"), as
// Okta's Admin Console offers it.
func (srv *Server) ServiceAppSecret(format string) []byte {
	s := srv.Scenario
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{"client_id": s.ClientID, "key_id": s.ClientKeyID}
	switch format {
	case "jwk":
		out["private_key"] = privateJWK(s.ClientKey, s.ClientKeyID)
		delete(out, "key_id") // the JWK carries its kid
	default:
		der, err := x509.MarshalPKCS8PrivateKey(s.ClientKey)
		if err != nil {
			panic(err)
		}
		out["private_key"] = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	}
	b, _ := json.Marshal(out)
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func privateJWK(key crypto.Signer, kid string) map[string]string {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		k.Precompute()
		return map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig", "n": b64(k.N.Bytes()),
			"e": b64(big.NewInt(int64(k.E)).Bytes()), "d": b64(k.D.Bytes()), "p": b64(k.Primes[0].Bytes()), "q": b64(k.Primes[1].Bytes()),
			"dp": b64(k.Precomputed.Dp.Bytes()), "dq": b64(k.Precomputed.Dq.Bytes()), "qi": b64(k.Precomputed.Qinv.Bytes())}
	case *ecdsa.PrivateKey:
		pub, _ := k.PublicKey.Bytes() // 0x04, X, Y
		d, _ := k.Bytes()
		x, y := pub[1:33], pub[33:65]
		return map[string]string{"kty": "EC", "kid": kid, "crv": "P-256", "x": b64(x), "y": b64(y), "d": b64(d)}
	}
	panic("unsupported key")
}

// tokenError writes the OAuth error body of the token endpoint.
func tokenError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// token answers POST /oauth2/v1/token (under the scenario's lock).
func (a *api) token(w http.ResponseWriter, r *http.Request) {
	s := a.s
	if r.Method != http.MethodPost {
		tokenError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint only supports POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form.")
		return
	}
	f := r.PostForm
	endpoint := "http://" + r.Host + TokenPath
	now := time.Now()
	if f.Get("grant_type") != "client_credentials" {
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].")
		return
	}
	if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || f.Get("client_assertion") == "" {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.")
		return
	}
	if s.ClientKey == nil {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The client_id is not valid.")
		return
	}
	claims, header, ok := verifyJWT(f.Get("client_assertion"), s.ClientKey.Public())
	str := func(k string) string { v, _ := claims[k].(string); return v }
	num := func(k string) int64 { v, _ := claims[k].(float64); return int64(v) }
	switch {
	case !ok:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion signature is invalid.")
		return
	case str("iss") != s.ClientID || str("sub") != s.ClientID:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The 'iss' and 'sub' claims of the client_assertion must be the client_id.")
		return
	case s.ClientKeyID != "" && header["kid"] != nil && header["kid"] != s.ClientKeyID:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion 'kid' does not match a key of the client.")
		return
	case str("aud") != endpoint:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The audience claim for client_assertion must be the endpoint invoking the client_assertion.")
		return
	case num("exp") <= now.Unix():
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion token is expired.")
		return
	case num("exp")-now.Unix() > 3600:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion token has an expiration too far in the future.")
		return
	case str("jti") == "" || s.seenJTI[str("jti")]:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion token has already been used.")
		return
	}
	if s.seenJTI == nil {
		s.seenJTI = map[string]bool{}
	}
	s.seenJTI[str("jti")] = true
	scopes := strings.Fields(f.Get("scope"))
	var refused []string
	for _, sc := range scopes {
		if !slices.Contains(s.Scopes, sc) {
			refused = append(refused, sc)
		}
	}
	if len(scopes) == 0 {
		tokenError(w, http.StatusBadRequest, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
		return
	}
	if len(refused) > 0 {
		tokenError(w, http.StatusBadRequest, "invalid_scope", "The following scopes are not allowed: ["+strings.Join(refused, ", ")+"].")
		return
	}
	tok := issued{scopes: scopes, expires: now.Add(time.Hour)}
	typ := "Bearer"
	if s.RequireDPoP {
		proof := r.Header.Get("DPoP")
		if proof == "" {
			tokenError(w, http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT header is missing.")
			return
		}
		if s.RefuseDPoP {
			tokenError(w, http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT is invalid.")
			return
		}
		jkt, pc, ok := verifyProof(proof, http.MethodPost, endpoint)
		if !ok {
			tokenError(w, http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT is invalid.")
			return
		}
		if s.nonce == "" {
			s.nonce = randomHex(12)
		}
		if pc["nonce"] != s.nonce {
			w.Header().Set("DPoP-Nonce", s.nonce)
			tokenError(w, http.StatusBadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.")
			return
		}
		tok.jkt, typ = jkt, "DPoP"
	}
	access := "eyJraWQiOiJ0ZXN0In0." + randomHex(24)
	if s.issued == nil {
		s.issued = map[string]issued{}
	}
	s.issued[access] = tok
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"token_type": typ, "expires_in": 3600, "access_token": access, "scope": strings.Join(scopes, " ")})
}

// authenticate reads a request's Authorization (under the scenario's
// lock): an API token, a bearer access token, or a DPoP access token with
// its proof. scopes is nil for an API token (which has its
// administrator's permissions); challenge is the WWW-Authenticate of a
// refusal.
func (a *api) authenticate(w http.ResponseWriter, r *http.Request) (ok, oauth bool, scopes []string, challenge string) {
	s := a.s
	auth := r.Header.Get("Authorization")
	if tok, isSSWS := strings.CutPrefix(auth, "SSWS "); isSSWS {
		return tok != "" && tok == s.Token, false, nil, ""
	}
	scheme, tok, _ := strings.Cut(auth, " ")
	it, known := s.issued[tok]
	if !known || !time.Now().Before(it.expires) {
		return false, true, nil, `Bearer authorization_uri="http://` + r.Host + `/oauth2/v1/authorize", realm="IdP", scope="okta.*", error="invalid_token", error_description="The token is not valid."`
	}
	switch {
	case scheme == "Bearer" && it.jkt == "":
		return true, true, it.scopes, ""
	case scheme == "DPoP" && it.jkt != "":
		jkt, pc, valid := verifyProof(r.Header.Get("DPoP"), r.Method, "http://"+r.Host+r.URL.Path)
		sum := sha256.Sum256([]byte(tok))
		if !valid || jkt != it.jkt || pc["ath"] != b64(sum[:]) {
			return false, true, nil, `DPoP algs="RS256 ES256", error="invalid_dpop_proof", error_description="'DPoP' proof is invalid."`
		}
		if s.apiNonce == "" {
			s.apiNonce = randomHex(12) // the API's own, not the token endpoint's
		}
		if s.APINonce && pc["nonce"] != s.apiNonce {
			w.Header().Set("DPoP-Nonce", s.apiNonce)
			return false, true, nil, `DPoP algs="RS256 ES256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof."`
		}
		return true, true, it.scopes, ""
	}
	// A DPoP-bound token sent as a bearer token, or the other way round.
	return false, true, nil, `DPoP algs="RS256 ES256", error="invalid_token", error_description="The token type does not match the authorization scheme."`
}

// scopeFor is the Okta API scope a GET of the path needs.
func scopeFor(parts []string) string {
	switch {
	case len(parts) == 3 && parts[2] == "roles":
		return "okta.roles.read"
	case parts[0] == "users":
		return "okta.users.read"
	case parts[0] == "groups":
		return "okta.groups.read"
	case parts[0] == "policies":
		return "okta.policies.read"
	}
	return ""
}

// verifyProof checks a DPoP proof for a request: its type, its embedded
// public key, the signature by that key, the method, the URL and that it
// is fresh and not replayed. It returns the key's RFC 7638 thumbprint.
func verifyProof(proof, method, target string) (string, map[string]any, bool) {
	parts := strings.Split(proof, ".")
	if len(parts) != 3 {
		return "", nil, false
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", nil, false
	}
	var h struct {
		Typ string            `json:"typ"`
		JWK map[string]string `json:"jwk"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Typ != "dpop+jwt" || h.JWK == nil || h.JWK["d"] != "" {
		return "", nil, false
	}
	pub, thumb, ok := publicJWK(h.JWK)
	if !ok {
		return "", nil, false
	}
	claims, _, ok := verifyJWT(proof, pub)
	if !ok || claims["htm"] != method || claims["htu"] != target || claims["jti"] == nil {
		return "", nil, false
	}
	iat, _ := claims["iat"].(float64)
	if d := time.Since(time.Unix(int64(iat), 0)); d > time.Minute || d < -time.Minute {
		return "", nil, false
	}
	return thumb, claims, true
}

// publicJWK reads a public JWK and its thumbprint.
func publicJWK(j map[string]string) (crypto.PublicKey, string, bool) {
	num := func(s string) *big.Int {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 {
			return nil
		}
		return new(big.Int).SetBytes(b)
	}
	var canon string
	var pub crypto.PublicKey
	switch j["kty"] {
	case "EC":
		x, y := num(j["x"]), num(j["y"])
		if j["crv"] != "P-256" || x == nil || y == nil {
			return nil, "", false
		}
		if x.BitLen() > 256 || y.BitLen() > 256 {
			return nil, "", false
		}
		p, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x.FillBytes(make([]byte, 32))...), y.FillBytes(make([]byte, 32))...))
		if err != nil {
			return nil, "", false
		}
		pub = p
		canon = fmt.Sprintf(`{"crv":"P-256","kty":"EC","x":%q,"y":%q}`, j["x"], j["y"])
	case "RSA":
		n, e := num(j["n"]), num(j["e"])
		if n == nil || e == nil {
			return nil, "", false
		}
		pub = &rsa.PublicKey{N: n, E: int(e.Int64())}
		canon = fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, j["e"], j["n"])
	default:
		return nil, "", false
	}
	sum := sha256.Sum256([]byte(canon))
	return pub, b64(sum[:]), true
}

// verifyJWT checks a compact JWS signed RS256 or ES256 by pub and returns
// its claims and header.
func verifyJWT(token string, pub crypto.PublicKey) (map[string]any, map[string]any, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, nil, false
	}
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	cb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	var header, claims map[string]any
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &header) != nil || json.Unmarshal(cb, &claims) != nil {
		return nil, nil, false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if header["alg"] != "RS256" || rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) != nil {
			return nil, nil, false
		}
	case *ecdsa.PublicKey:
		if header["alg"] != "ES256" || len(sig) != 64 ||
			!ecdsa.Verify(k, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return nil, nil, false
		}
	default:
		return nil, nil, false
	}
	return claims, header, true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
