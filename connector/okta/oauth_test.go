package okta_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/okta"
	"github.com/attest-hq/attest/connector/okta/oktatest"
)

func appRequest(srv *oktatest.Server, format string) attest.CollectRequest {
	return attest.CollectRequest{Settings: map[string]string{"org_url": srv.URL}, Secret: srv.ServiceAppSecret(format), Now: now}
}

func tokenRequests(srv *oktatest.Server) int {
	n := 0
	for _, r := range srv.Scenario.Requests() {
		if r == "POST "+oktatest.TokenPath {
			n++
		}
	}
	return n
}

// A service app that requires DPoP (Okta's default): Attest is refused
// without a proof, sends one, is asked for the server's nonce, and then
// reads the same org as an API token does, every request carrying a DPoP
// proof bound to the access token.
func TestServiceAppWithDPoPReadsTheOrg(t *testing.T) {
	srv := start(t, nil)
	col, err := okta.New().Collect(t.Context(), appRequest(srv, "pem"))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if got := tokenRequests(srv); got != 3 {
		t.Errorf("%d token requests; want 3 (no proof, no nonce, accepted)", got)
	}
	if col.Calls != len(srv.Scenario.Requests()) {
		t.Errorf("Calls = %d, the server saw %d requests", col.Calls, len(srv.Scenario.Requests()))
	}
	ssws := collect(t, start(t, nil))
	if len(col.Resources) != len(ssws.Resources) || len(col.Failed) != 0 {
		t.Fatalf("%d resources (failed %v); an API token reads %d", len(col.Resources), col.Failed, len(ssws.Resources))
	}
	alice := user(t, col, "alice")
	if alice.Data["is_admin"] != true || alice.Data["phishing_resistant"] != true || alice.Unavailable != nil {
		t.Errorf("alice = %v, unavailable %v", alice.Data, alice.Unavailable)
	}
	if org := orgOf(t, srv, col); org.Data["password_policy"] == nil {
		t.Errorf("org = %v %v", org.Data, org.Unavailable)
	}
}

// Without DPoP required, one token request gives a bearer token; a JWK
// private key (as Okta's Admin Console generates it) works as PEM does.
func TestServiceAppBearerWithJWK(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.RequireDPoP = false })
	col, err := okta.New().Collect(t.Context(), appRequest(srv, "jwk"))
	if err != nil || len(col.Failed) != 0 {
		t.Fatalf("Collect: %v %v", err, col.Failed)
	}
	if got := tokenRequests(srv); got != 1 {
		t.Errorf("%d token requests; want 1", got)
	}
	res, err := okta.New().Check(t.Context(), appRequest(srv, "jwk"))
	if err != nil || !res.OK || res.Identity != "service app 0oa1attestreader0001" || !strings.HasPrefix(res.Message, okta.KindServiceApp) {
		t.Errorf("Check = %+v, %v", res, err)
	}
}

// An EC P-256 key signs ES256 assertions.
func TestServiceAppWithECKey(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := start(t, func(s *oktatest.Scenario) { s.ClientKey = key })
	for _, format := range []string{"pem", "jwk"} {
		res, err := okta.New().Check(t.Context(), appRequest(srv, format))
		if err != nil || !res.OK || !strings.Contains(res.Identity, "DPoP") {
			t.Errorf("%s: Check = %+v, %v", format, res, err)
		}
	}
}

func TestCheckNamesTheCredentialKind(t *testing.T) {
	srv := start(t, nil)
	res, err := okta.New().Check(t.Context(), request(srv))
	if err != nil || !res.OK || !strings.HasPrefix(res.Message, okta.KindAPIToken+": signed in as alice@acme.example") {
		t.Errorf("API token: %+v, %v", res, err)
	}
	app := start(t, nil)
	res, err = okta.New().Check(t.Context(), appRequest(app, "pem"))
	if err != nil || !res.OK || !strings.HasPrefix(res.Message, okta.KindServiceApp+": signed in as service app 0oa1attestreader0001 (DPoP-bound token)") {
		t.Errorf("service app: %+v, %v", res, err)
	}
	for _, r := range app.Scenario.Requests() {
		if strings.Contains(r, "/users/me") {
			t.Errorf("a service app asked for /users/me: %v", app.Scenario.Requests())
		}
	}
}

// An app granted no okta.roles.read, with a narrower scopes setting: the
// administrator fields are unavailable, naming the scope; Check names it.
func TestServiceAppWithoutRolesScope(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) {
		s.Scopes = []string{"okta.users.read", "okta.groups.read", "okta.policies.read"}
	})
	req := appRequest(srv, "pem")
	req.Settings["scopes"] = "okta.users.read okta.groups.read okta.policies.read"
	col, err := okta.New().Collect(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	alice := user(t, col, "alice")
	if _, has := alice.Data["is_admin"]; has || !strings.Contains(alice.Unavailable["is_admin"], "lacks the scope okta.roles.read") {
		t.Errorf("alice = %v, unavailable %v", alice.Data, alice.Unavailable)
	}
	res, err := okta.New().Check(t.Context(), req)
	if err != nil || res.OK || len(res.Missing) != 1 || !strings.Contains(res.Missing[0], "the scope okta.roles.read") {
		t.Errorf("Check = %+v, %v", res, err)
	}

	// Asking for a scope the app was not granted: Okta refuses the token.
	req.Settings["scopes"] = ""
	res, err = okta.New().Check(t.Context(), req)
	if err != nil || res.OK || !strings.Contains(res.Message, "invalid_scope") || !strings.Contains(res.Message, "okta.roles.read") || len(res.Missing) != 1 {
		t.Errorf("Check with an ungranted scope = %+v, %v", res, err)
	}
	if _, err := okta.New().Collect(t.Context(), req); attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), "Okta API Scopes tab") {
		t.Errorf("Collect with an ungranted scope: %v", err)
	}
}

// When Okta keeps refusing the DPoP proofs, the message says to turn off
// the app's DPoP requirement.
func TestServiceAppDPoPRefusedSaysWhatToTurnOff(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.RefuseDPoP = true })
	res, err := okta.New().Check(t.Context(), appRequest(srv, "pem"))
	if err != nil || res.OK || !strings.Contains(res.Message, "invalid_dpop_proof") ||
		!strings.Contains(res.Message, `"Require Demonstrating Proof of Possession (DPoP) header in token requests"`) || !strings.Contains(res.Message, "turn that setting off") {
		t.Errorf("Check = %+v, %v", res, err)
	}
	_, err = okta.New().Collect(t.Context(), appRequest(srv, "pem"))
	if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), "Require Demonstrating Proof of Possession") {
		t.Errorf("Collect: %v", err)
	}
}

// A key that is not the app's: the signature is refused (invalid_client).
func TestServiceAppWrongKey(t *testing.T) {
	srv := start(t, nil)
	var secret map[string]any
	json.Unmarshal(srv.ServiceAppSecret("pem"), &secret)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherSrv := start(t, func(s *oktatest.Scenario) { s.ClientKey = other })
	var wrong map[string]any
	json.Unmarshal(otherSrv.ServiceAppSecret("pem"), &wrong)
	secret["private_key"] = wrong["private_key"]
	b, _ := json.Marshal(secret)
	res, err := okta.New().Check(t.Context(), attest.CollectRequest{Settings: map[string]string{"org_url": srv.URL}, Secret: b})
	if err != nil || res.OK || !strings.Contains(res.Message, "invalid_client") || !strings.Contains(res.Message, "public half is registered") {
		t.Errorf("Check = %+v, %v", res, err)
	}
}

func TestServiceAppSecretIsValidated(t *testing.T) {
	srv := start(t, nil)
	var good map[string]any
	json.Unmarshal(srv.ServiceAppSecret("jwk"), &good)
	jwk := good["private_key"].(map[string]any)
	public := map[string]any{}
	for k, v := range jwk {
		if !slices.Contains([]string{"d", "p", "q", "dp", "dq", "qi"}, k) {
			public[k] = v
		}
	}
	with := func(k string, v any) string {
		m := maps.Clone(good)
		m[k] = v
		if v == nil {
			delete(m, k)
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for secret, want := range map[string]string{
		`{"client_id": "0oa1", "private_key": "s3cr3t`: "not valid JSON",
		with("client_id", nil):                         "no client_id",
		with("private_key", nil):                       "no private_key",
		with("private_key", public):                    "public JWK",
		with("private_key", "-----BEGIN PRIVATE KEY-----\nczNjcjN0\n-----END PRIVATE KEY-----"): "cannot be read",
		with("private_key", "s3cr3t-not-a-key"):                                                 "not PEM",
		with("private_key", map[string]any{"kty": "oct", "k": "s3cr3t"}):                        "kty \"oct\"",
		"two words s3cr3t": "has spaces",
	} {
		err := okta.New().Validate(attest.CollectRequest{Settings: map[string]string{"org_url": srv.URL}, Secret: []byte(secret)})
		if attest.ErrorField(err) != "secret" || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s…: %v; want %q", secret, err, want)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), jwk["d"].(string)) {
			t.Errorf("the message quotes the secret: %v", err)
		}
	}
	err := okta.New().Validate(attest.CollectRequest{Settings: map[string]string{"org_url": srv.URL, "scopes": "okta.users.manage"}, Secret: srv.ServiceAppSecret("pem")})
	if attest.ErrorField(err) != "scopes" {
		t.Errorf("a manage scope: %v", err)
	}
}

// A resource server that wants the nonce in API proofs too: the first
// request is refused use_dpop_nonce, and repeated with it.
func TestServiceAppDPoPNonceAtTheAPI(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.APINonce = true })
	col, err := okta.New().Collect(t.Context(), appRequest(srv, "pem"))
	if err != nil || len(col.Failed) != 0 {
		t.Fatalf("Collect: %v %v", err, col.Failed)
	}
	if alice := user(t, col, "alice"); alice.Data["is_admin"] != true {
		t.Errorf("alice = %v %v", alice.Data, alice.Unavailable)
	}
	first := 0
	for _, r := range srv.Scenario.Requests() {
		if r == "GET /api/v1/users?limit=200" {
			first++
		}
	}
	if first != 2 {
		t.Errorf("the first list was sent %d times; want twice (without, then with the API's nonce)", first)
	}
}
