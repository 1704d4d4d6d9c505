// Package googletest serves a local Google Workspace for tests and the demo:
// Google's OAuth token endpoint for service accounts (the JWT bearer grant of
// domain-wide delegation) and the Admin SDK Directory API's users.list, in
// Google's wire format. Its state is a mutable Scenario, so a test can change
// the account and collect again, and it reproduces Google's awkward answers:
// delegation not granted, a missing scope, rate limits, fields an
// administrator's role does not show, and page tokens.
package googletest

import (
	"crypto/rsa"
	"slices"
	"sync"
	"time"
)

// Scope is the one scope the scenario grants by default.
const Scope = "https://www.googleapis.com/auth/admin.directory.user.readonly"

// User is one Workspace user of a scenario.
type User struct {
	Email                 string
	GivenName, FamilyName string
	Admin                 bool // super administrator (isAdmin)
	DelegatedAdmin        bool // holds an administrator role (isDelegatedAdmin)
	Suspended             bool
	SuspensionReason      string // e.g. ADMIN, when Suspended
	Archived              bool
	Enrolled2Sv           bool
	Enforced2Sv           bool
	LastLogin             time.Time // zero: never signed in (Google says 1970-01-01)
	Created               time.Time
	OrgUnit               string // "/" when empty
	Aliases               []string
	Department            string // the primary organization's department ("" leaves organizations out)
}

// Scenario is the account the server shows. Change it only through Update
// once a server uses it.
type Scenario struct {
	mu sync.Mutex

	Customer string // the customer ID (C…); my_customer also names it
	Users    []User
	PageSize int // users per page at most (the request's maxResults may ask for fewer); 0: 100

	// The service account and its delegation.
	ClientEmail string
	ClientID    string
	Key         *rsa.PrivateKey // the service account's key: assertions must verify against its public half
	Admin       string          // the administrator the service account may act as (the assertion's sub)
	// NoDelegation: domain-wide delegation is not granted, so the token
	// endpoint answers unauthorized_client.
	NoDelegation bool
	// NoScope: tokens are issued but lack the Directory scope, so users.list
	// answers 403 insufficientPermissions.
	NoScope bool
	// Hide lists User fields, by Google's names (isEnrolledIn2Sv,
	// lastLoginTime…), left out of every user, as for an administrator
	// whose role does not show them.
	Hide []string
	// RateLimit is how many of the next users.list requests answer 429
	// rateLimitExceeded; RetryAfter is their Retry-After header ("" none).
	RateLimit  int
	RetryAfter string

	requests []string
	tokens   map[string]time.Time // access token → expiry
	pages    map[string]int       // page token → offset
}

// Update changes the scenario under its lock.
func (s *Scenario) Update(f func(*Scenario)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// Requests returns "METHOD path?query" of every request so far.
func (s *Scenario) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// DefaultScenario is the account of Acme (acme.example), as of now, with
// eight users that exercise every shipped test:
//
//   - alice: super administrator, 2SV enrolled and enforced; the
//     administrator the service account acts as
//   - bob: super administrator without 2-Step Verification
//   - carol: delegated administrator, 2SV enforced
//   - dave: enrolled in 2SV, but not enforced
//   - erin: suspended (and without 2SV: not judged)
//   - frank: archived (and without 2SV: not judged)
//   - grace: never signed in, created 60 days ago; enforced but not yet enrolled
//   - heidi: last signed in 120 days ago
func DefaultScenario(now time.Time) *Scenario {
	day := 24 * time.Hour
	ago := func(days int) time.Time { return now.Add(-time.Duration(days) * day).Truncate(time.Second) }
	return &Scenario{
		Customer:    "C03acme42",
		PageSize:    3,
		ClientEmail: "attest-reader@acme-security.iam.gserviceaccount.com",
		ClientID:    "108234567890123456789",
		Key:         sharedKey(),
		Admin:       "alice@acme.example",
		Users: []User{
			{Email: "alice@acme.example", GivenName: "Alice", FamilyName: "Ng", Admin: true, Enrolled2Sv: true, Enforced2Sv: true,
				LastLogin: ago(1), Created: ago(900), OrgUnit: "/IT", Aliases: []string{"it@acme.example"}, Department: "IT"},
			{Email: "bob@acme.example", GivenName: "Bob", FamilyName: "Stone", Admin: true,
				LastLogin: ago(2), Created: ago(700), OrgUnit: "/IT"},
			{Email: "carol@acme.example", GivenName: "Carol", FamilyName: "Diaz", DelegatedAdmin: true, Enrolled2Sv: true, Enforced2Sv: true,
				LastLogin: ago(3), Created: ago(400), OrgUnit: "/Support"},
			{Email: "dave@acme.example", GivenName: "Dave", FamilyName: "Okafor", Enrolled2Sv: true,
				LastLogin: ago(5), Created: ago(300), OrgUnit: "/Engineering", Department: "Engineering"},
			{Email: "erin@acme.example", GivenName: "Erin", FamilyName: "Park", Suspended: true, SuspensionReason: "ADMIN",
				LastLogin: ago(200), Created: ago(500), OrgUnit: "/Sales"},
			{Email: "frank@acme.example", GivenName: "Frank", FamilyName: "Moreau", Archived: true,
				LastLogin: ago(365), Created: ago(1000), OrgUnit: "/Alumni"},
			{Email: "grace@acme.example", GivenName: "Grace", FamilyName: "Huang", Enforced2Sv: true,
				Created: ago(60), OrgUnit: "/Engineering"},
			{Email: "heidi@acme.example", GivenName: "Heidi", FamilyName: "Berg", Enrolled2Sv: true, Enforced2Sv: true,
				LastLogin: ago(120), Created: ago(800), OrgUnit: "/Finance"},
		},
	}
}
