package googletest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Server is a running local Google: its token endpoint at URL+"token" and
// the Directory API under URL (what the connector's base_url takes).
type Server struct {
	*httptest.Server
	URL      string
	Scenario *Scenario
}

// NewServer starts a server for the scenario on a loopback port.
func NewServer(s *Scenario) *Server {
	srv := httptest.NewServer(Handler(s))
	return &Server{Server: srv, URL: srv.URL + "/", Scenario: s}
}

// Settings returns a connection's settings pointing at the server.
func (srv *Server) Settings() map[string]string {
	srv.Scenario.mu.Lock()
	defer srv.Scenario.mu.Unlock()
	return map[string]string{"admin_email": srv.Scenario.Admin, "base_url": srv.URL, "token_url": srv.URL + "token"}
}

// KeyFile returns the scenario's service account key as a JSON key file
// whose token_uri is the server's.
func (srv *Server) KeyFile() []byte {
	srv.Scenario.mu.Lock()
	defer srv.Scenario.mu.Unlock()
	return ServiceAccountKey(srv.Scenario.ClientEmail, srv.Scenario.ClientID, srv.Scenario.Key, srv.URL+"token")
}

// AccessToken issues an access token valid for an hour without a token
// exchange, as one handed out by gcloud or the OAuth playground: what a
// connection whose secret is a static token sends.
func (srv *Server) AccessToken() string {
	s := srv.Scenario
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := "ya29.static-" + randomHex(16)
	if s.tokens == nil {
		s.tokens = map[string]time.Time{}
	}
	s.tokens[tok] = time.Now().Add(time.Hour)
	return tok
}

// Handler serves the scenario: POST …/token and GET …/admin/directory/v1/users,
// under any path prefix.
func Handler(s *Scenario) http.Handler { return &api{s: s} }

type api struct{ s *Scenario }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// apiError writes the Directory API's error body.
func apiError(w http.ResponseWriter, code int, status, reason, message, detail string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"code": code, "message": message, "status": status,
		"errors": []map[string]string{{"message": detail, "domain": "global", "reason": reason}},
	}})
}

// tokenError writes the token endpoint's OAuth error body.
func tokenError(w http.ResponseWriter, code int, kind, desc string) {
	writeJSON(w, code, map[string]string{"error": kind, "error_description": desc})
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	path := r.URL.Path
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	switch {
	case strings.HasSuffix(path, "/token"):
		if r.Method != http.MethodPost {
			tokenError(w, http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST")
			return
		}
		a.token(w, r)
	case strings.HasSuffix(path, "/admin/directory/v1/users"):
		if r.Method != http.MethodGet {
			apiError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "methodNotAllowed", "Method not allowed.", "Method not allowed.")
			return
		}
		a.users(w, r)
	default:
		apiError(w, http.StatusNotFound, "NOT_FOUND", "notFound", "Not Found", "Not Found")
	}
}

// token answers the JWT bearer grant: it verifies the assertion's RS256
// signature with the service account's public key, its issuer, audience,
// times, scope and subject, and issues an access token.
func (a *api) token(w http.ResponseWriter, r *http.Request) {
	s := a.s
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+r.PostForm.Get("grant_type"))
		return
	}
	claims, ok := verify(r.PostForm.Get("assertion"), &s.Key.PublicKey)
	if !ok {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT Signature.")
		return
	}
	str := func(k string) string { v, _ := claims[k].(string); return v }
	num := func(k string) int64 { v, _ := claims[k].(float64); return int64(v) }
	// The audience is this endpoint's URL. A request handed over inside the
	// process (the demo) carries its scheme in its URL, not in TLS.
	scheme := "http"
	if r.TLS != nil || r.URL.Scheme == "https" {
		scheme = "https"
	}
	uri := r.URL.Path
	now := time.Now().Unix()
	switch {
	case str("iss") != s.ClientEmail:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid issuer: the service account is unknown")
	case str("aud") != scheme+"://"+r.Host+uri:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT: the audience is not this token endpoint")
	case num("exp") <= now || num("iat") > now+60 || num("exp")-num("iat") > 3600:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
	case str("sub") == "":
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT: no subject; domain-wide delegation acts as a user")
	case s.NoDelegation:
		tokenError(w, http.StatusUnauthorized, "unauthorized_client", "The client is not authorized to obtain access tokens this way, or for one of the scopes requested.")
	case !slices.Contains(strings.Fields(str("scope")), Scope):
		tokenError(w, http.StatusUnauthorized, "unauthorized_client", "The client is not authorized for one of the scopes requested.")
	case !strings.EqualFold(str("sub"), s.Admin):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid email or User ID")
	default:
		tok := "ya29.test-" + randomHex(16)
		if s.tokens == nil {
			s.tokens = map[string]time.Time{}
		}
		s.tokens[tok] = time.Now().Add(time.Hour)
		writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3599})
	}
}

// verify checks a compact RS256 JWS and returns its claims.
func verify(assertion string, pub *rsa.PublicKey) (map[string]any, bool) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return nil, false
	}
	enc := base64.RawURLEncoding
	var header struct {
		Alg string `json:"alg"`
	}
	hb, err1 := enc.DecodeString(parts[0])
	cb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &header) != nil || header.Alg != "RS256" {
		return nil, false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return nil, false
	}
	var claims map[string]any
	if json.Unmarshal(cb, &claims) != nil {
		return nil, false
	}
	return claims, true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// users answers users.list.
func (a *api) users(w http.ResponseWriter, r *http.Request) {
	s := a.s
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if exp, ok := s.tokens[tok]; !ok || !time.Now().Before(exp) {
		apiError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "authError",
			"Request had invalid authentication credentials. Expected an OAuth 2 access token.", "Invalid Credentials")
		return
	}
	if s.NoScope {
		apiError(w, http.StatusForbidden, "PERMISSION_DENIED", "insufficientPermissions",
			"Request had insufficient authentication scopes.", "Insufficient Permission")
		return
	}
	if s.RateLimit > 0 {
		s.RateLimit--
		if s.RetryAfter != "" {
			w.Header().Set("Retry-After", s.RetryAfter)
		}
		apiError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "rateLimitExceeded",
			"Quota exceeded for quota metric 'Queries' of service 'admin.googleapis.com'.", "Rate Limit Exceeded")
		return
	}
	q := r.URL.Query()
	if c := q.Get("customer"); c != "my_customer" && c != s.Customer {
		apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "badRequest", "Bad Request", "Bad Request")
		return
	}
	switch q.Get("projection") {
	case "", "basic", "full", "custom":
	default:
		apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "invalid", "Invalid value for projection", "Invalid value for projection")
		return
	}
	size := 100
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "invalid", "Invalid value for maxResults", "Invalid value for maxResults")
			return
		}
		size = n
	}
	if s.PageSize > 0 {
		size = min(size, s.PageSize)
	}
	start := 0
	if pt := q.Get("pageToken"); pt != "" {
		off, ok := s.pages[pt]
		if !ok {
			apiError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "badRequest", "Invalid page token", "Invalid page token")
			return
		}
		start = off
	}
	users := slices.Clone(s.Users)
	slices.SortFunc(users, func(a, b User) int { return strings.Compare(a.Email, b.Email) })
	end := min(start+size, len(users))
	list := make([]map[string]any, 0, end-start)
	for i, u := range users[start:end] {
		list = append(list, s.wire(u, start+i))
	}
	body := map[string]any{"kind": "admin#directory#users", "etag": `"` + randomHex(8) + `"`, "users": list}
	if len(list) == 0 {
		delete(body, "users") // Google leaves out an empty list
	}
	if end < len(users) {
		pt := randomHex(12)
		if s.pages == nil {
			s.pages = map[string]int{}
		}
		s.pages[pt] = end
		body["nextPageToken"] = pt
	}
	writeJSON(w, http.StatusOK, body)
}

// googleTime writes a time as the Directory API does; the zero time is
// Google's "never" (the Unix epoch).
func googleTime(t time.Time) string {
	if t.IsZero() {
		return "1970-01-01T00:00:00.000Z"
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// wire returns a user as the Directory API's User resource.
func (s *Scenario) wire(u User, n int) map[string]any {
	org := u.OrgUnit
	if org == "" {
		org = "/"
	}
	m := map[string]any{
		"kind": "admin#directory#user", "id": fmt.Sprintf("1%020d", 4711+n), "etag": `"` + randomHex(8) + `"`,
		"primaryEmail": u.Email,
		"name":         map[string]string{"givenName": u.GivenName, "familyName": u.FamilyName, "fullName": strings.TrimSpace(u.GivenName + " " + u.FamilyName)},
		"isAdmin":      u.Admin, "isDelegatedAdmin": u.DelegatedAdmin,
		"lastLoginTime": googleTime(u.LastLogin), "creationTime": googleTime(u.Created),
		"agreedToTerms": !u.LastLogin.IsZero(), "suspended": u.Suspended, "archived": u.Archived,
		"changePasswordAtNextLogin": false, "ipWhitelisted": false,
		"emails":     []map[string]any{{"address": u.Email, "primary": true}},
		"customerId": s.Customer, "orgUnitPath": org, "isMailboxSetup": true,
		"isEnrolledIn2Sv": u.Enrolled2Sv, "isEnforcedIn2Sv": u.Enforced2Sv, "includeInGlobalAddressList": true,
	}
	if u.Suspended && u.SuspensionReason != "" {
		m["suspensionReason"] = u.SuspensionReason
	}
	if len(u.Aliases) > 0 {
		m["aliases"] = u.Aliases
	}
	if u.Department != "" {
		m["organizations"] = []map[string]any{{"name": "Acme", "title": "", "primary": true, "customType": "",
			"department": u.Department, "description": "Employee"}}
	}
	for _, h := range s.Hide {
		delete(m, h)
	}
	return m
}
