// Package oktatest is a local server that speaks Okta's management API, as
// far as the Okta connector reads it, for tests and the demo, and the org
// authorization server's token endpoint for an OAuth 2.0 service app
// (private_key_jwt client authentication, DPoP with its nonce, scopes). It answers in
// Okta's wire format, modeled on the examples of Okta's API reference: JSON
// bodies with Okta's field names, Link pagination with after cursors, the
// X-Rate-Limit-* headers, 429 E0000047, 401 E0000011 for a wrong token and
// 403 E0000006 for what the token's administrator may not see. Its Scenario
// is mutable, so a test changes the org and collects again.
package oktatest

import (
	"crypto"
	"sync"
	"time"
)

// Scenario is the org the server pretends to be. Change it only through
// Update, which holds the lock.
type Scenario struct {
	mu sync.Mutex

	Token string // the API token the server accepts (sent as "SSWS {token}")
	Me    string // the login of the administrator the token belongs to

	// An OAuth 2.0 service app: its client ID, the key whose public half
	// is registered on it (ClientKeyID its kid), and the Okta API scopes
	// granted to it. Its access tokens read what the scopes allow (the
	// app's administrator role is the API token's: DenyRoles and
	// DenyPolicies apply to both).
	ClientID    string
	ClientKey   crypto.Signer // *rsa.PrivateKey or a P-256 *ecdsa.PrivateKey
	ClientKeyID string
	Scopes      []string
	// RequireDPoP: the app requires DPoP proofs ("Require Demonstrating
	// Proof of Possession (DPoP) header in token requests"), as new service
	// apps do. RefuseDPoP: every proof is refused invalid_dpop_proof.
	RequireDPoP bool
	RefuseDPoP  bool
	// APINonce: the API, too, asks for the nonce in every DPoP proof
	// (401 use_dpop_nonce with a DPoP-Nonce header when it is missing).
	APINonce bool

	// DenyRoles: the token's administrator may not view role assignments
	// (a Read-Only Administrator's token): 403 E0000006 on every roles call.
	DenyRoles bool
	// DenyPolicies: 403 E0000006 on /api/v1/policies.
	DenyPolicies bool
	// Classic: a Classic Engine org, which has no authentication policies
	// (type=ACCESS_POLICY answers 400).
	Classic bool

	// PageSize caps every page (default 200, Okta's maximum for users), so
	// that a test forces several pages.
	PageSize int
	// Throttle makes the next N requests answer 429 E0000047, with an
	// X-Rate-Limit-Reset ThrottleFor ahead (default one second).
	Throttle    int
	ThrottleFor time.Duration
	// RateLimit is how many requests a window allows (X-Rate-Limit-Limit,
	// default 600); X-Rate-Limit-Remaining counts down with each request,
	// and a request past it answers 429 until the window ends
	// (X-Rate-Limit-Reset). RateWindow is the window's length (default a
	// minute, as Okta's limits are per minute).
	RateLimit  int
	RateWindow time.Duration

	Users          []User
	Groups         []Group
	Policies       []Policy
	AccessPolicies []Policy // ACCESS_POLICY (Identity Engine authentication policies)

	requests []string
	issued   map[string]issued // access token → what it grants
	seenJTI  map[string]bool   // client assertions used
	nonce    string            // the DPoP nonce the token endpoint asks for
	apiNonce string            // the DPoP nonce the API asks for (APINonce)
}

// User is one Okta user.
type User struct {
	ID        string
	Login     string // also the email
	First     string
	Last      string
	Status    string // STAGED, PROVISIONED, ACTIVE, RECOVERY, LOCKED_OUT, PASSWORD_EXPIRED, SUSPENDED, DEPROVISIONED
	Created   time.Time
	LastLogin time.Time // zero: never
	Factors   []Factor
	Roles     []string // administrator role types assigned directly (SUPER_ADMIN, ORG_ADMIN, READ_ONLY_ADMIN …)
	// Department is the profile's department (Okta's base profile
	// attribute); "" sends null.
	Department string
}

// Factor is one enrolled authenticator.
type Factor struct {
	Type   string // push, token:software:totp, webauthn, signed_nonce, sms, call, email, question
	Status string // ACTIVE, PENDING_ACTIVATION; "" is ACTIVE
}

// Group is an Okta group, its members (user IDs) and the roles assigned to it.
type Group struct {
	ID      string
	Name    string
	Members []string
	Roles   []string
}

// Policy is a policy of Type PASSWORD or OKTA_SIGN_ON (or, in
// AccessPolicies, ACCESS_POLICY).
type Policy struct {
	ID       string
	Name     string
	Type     string
	Status   string // ACTIVE or INACTIVE
	Priority int
	Password *Password // PASSWORD policies
	Rules    []Rule
}

// Password is a password policy's settings.
type Password struct {
	MinLength, MinLower, MinUpper, MinNumber, MinSymbol int
	MaxAgeDays, HistoryCount, MaxAttempts               int
}

// Rule is a policy rule: for OKTA_SIGN_ON, Access and RequireFactor; for
// ACCESS_POLICY, Access and FactorMode ("1FA", "2FA"; "" leaves the
// verification method without a factor mode).
type Rule struct {
	Name          string
	Status        string // "" is ACTIVE
	Access        string // ALLOW or DENY
	RequireFactor bool
	FactorMode    string
}

// Update changes the scenario under its lock.
func (s *Scenario) Update(fn func(s *Scenario)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s)
}

// User returns the user with that login (call inside Update).
func (s *Scenario) User(login string) *User {
	for i := range s.Users {
		if s.Users[i].Login == login {
			return &s.Users[i]
		}
	}
	return nil
}

// Requests returns the requests served so far (method and path with query).
func (s *Scenario) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// DefaultScenario is a small org, acme, as seen by Super Administrator
// alice's token "okta-test-token". Its people show each case the connector
// and the shipped tests must get right:
//
//   - alice: Super Administrator with a security key (webauthn);
//   - bob: Organization Administrator with SMS only (MFA, not phishing-resistant);
//   - carol: Help Desk Administrator through the group "Helpdesk", with
//     Okta FastPass (signed_nonce);
//   - dave: active with a security question and email only (no MFA);
//   - erin: SUSPENDED; frank: DEPROVISIONED (left out of Okta's plain list);
//   - gina: STAGED, never signed in; ivan: PROVISIONED 45 days ago, never signed in;
//   - hank: active, last signed in 120 days ago;
//   - jill: LOCKED_OUT (still an active account).
//
// Its weakest password policy asks for 8 characters without a symbol; its
// global session policy lets a password alone through, but its one
// authentication policy requires two factors.
func DefaultScenario(now time.Time) *Scenario {
	day := 24 * time.Hour
	created := now.Add(-400 * day)
	return &Scenario{
		Token: "okta-test-token", Me: "alice@acme.example",
		ClientID: "0oa1attestreader0001", ClientKey: sharedKey(), ClientKeyID: "attest-key-1", RequireDPoP: true,
		Scopes: []string{"okta.users.read", "okta.groups.read", "okta.policies.read", "okta.roles.read"},
		Users: []User{
			{ID: "00u1alice0000000001", Login: "alice@acme.example", First: "Alice", Last: "Admin", Status: "ACTIVE", Created: created,
				LastLogin: now.Add(-day), Factors: []Factor{{Type: "webauthn"}, {Type: "push"}}, Roles: []string{"SUPER_ADMIN"}, Department: "IT"},
			{ID: "00u1bob000000000002", Login: "bob@acme.example", First: "Bob", Last: "Builder", Status: "ACTIVE", Created: created,
				LastLogin: now.Add(-2 * day), Factors: []Factor{{Type: "sms"}}, Roles: []string{"ORG_ADMIN"}},
			{ID: "00u1carol0000000003", Login: "carol@acme.example", First: "Carol", Last: "Support", Status: "ACTIVE", Created: created,
				LastLogin: now.Add(-3 * time.Hour), Factors: []Factor{{Type: "signed_nonce"}, {Type: "token:software:totp"}}},
			{ID: "00u1dave00000000004", Login: "dave@acme.example", First: "Dave", Last: "Sales", Status: "ACTIVE", Created: created,
				LastLogin: now.Add(-5 * day), Factors: []Factor{{Type: "question"}, {Type: "email"}, {Type: "push", Status: "PENDING_ACTIVATION"}}, Department: "Sales"},
			{ID: "00u1erin00000000005", Login: "erin@acme.example", First: "Erin", Last: "Leave", Status: "SUSPENDED", Created: created,
				LastLogin: now.Add(-200 * day), Factors: []Factor{{Type: "push"}}},
			{ID: "00u1frank0000000006", Login: "frank@acme.example", First: "Frank", Last: "Former", Status: "DEPROVISIONED", Created: created,
				LastLogin: now.Add(-300 * day)},
			{ID: "00u1gina00000000007", Login: "gina@acme.example", First: "Gina", Last: "Starter", Status: "STAGED", Created: now.Add(-10 * day)},
			{ID: "00u1hank00000000008", Login: "hank@acme.example", First: "Hank", Last: "Idle", Status: "ACTIVE", Created: created,
				LastLogin: now.Add(-120 * day), Factors: []Factor{{Type: "push"}}},
			{ID: "00u1ivan00000000009", Login: "ivan@acme.example", First: "Ivan", Last: "Pending", Status: "PROVISIONED", Created: now.Add(-45 * day)},
			{ID: "00u1jill00000000010", Login: "jill@acme.example", First: "Jill", Last: "Locked", Status: "LOCKED_OUT", Created: created,
				LastLogin: now.Add(-day), Factors: []Factor{{Type: "token:software:totp"}}},
		},
		Groups: []Group{
			{ID: "00g1everyone0000001", Name: "Everyone", Members: []string{"00u1alice0000000001", "00u1bob000000000002", "00u1carol0000000003",
				"00u1dave00000000004", "00u1erin00000000005", "00u1gina00000000007", "00u1hank00000000008", "00u1ivan00000000009", "00u1jill00000000010"}},
			{ID: "00g1helpdesk0000002", Name: "Helpdesk", Members: []string{"00u1carol0000000003"}, Roles: []string{"HELP_DESK_ADMIN"}},
		},
		Policies: []Policy{
			{ID: "00p1pwadmins0000001", Name: "Administrators", Type: "PASSWORD", Status: "ACTIVE", Priority: 1,
				Password: &Password{MinLength: 14, MinLower: 1, MinUpper: 1, MinNumber: 1, MinSymbol: 1, HistoryCount: 10, MaxAttempts: 5},
				Rules:    []Rule{{Name: "Administrators rule", Access: "ALLOW"}}},
			{ID: "00p1pwdefault000002", Name: "Default Policy", Type: "PASSWORD", Status: "ACTIVE", Priority: 2,
				Password: &Password{MinLength: 8, MinLower: 1, MinUpper: 1, MinNumber: 1, HistoryCount: 4, MaxAttempts: 10},
				Rules:    []Rule{{Name: "Default Rule", Access: "ALLOW"}}},
			{ID: "00p1pwold000000003", Name: "Legacy (inactive)", Type: "PASSWORD", Status: "INACTIVE", Priority: 3,
				Password: &Password{MinLength: 4}},
			{ID: "00p1signon00000004", Name: "Default Policy", Type: "OKTA_SIGN_ON", Status: "ACTIVE", Priority: 1,
				Rules: []Rule{{Name: "Default Rule", Access: "ALLOW", RequireFactor: false}}},
		},
		AccessPolicies: []Policy{
			{ID: "rst1anytwo00000005", Name: "Any two factors", Type: "ACCESS_POLICY", Status: "ACTIVE", Priority: 1,
				Rules: []Rule{{Name: "Catch-all Rule", Access: "ALLOW", FactorMode: "2FA"}}},
		},
	}
}
