package passkey

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

var ctx = context.Background()

func newService(t *testing.T, db *store.DB, base string) (*Service, attest.Principal, attest.User) {
	t.Helper()
	org := storetest.MustOrg(t, db, "acme")
	u := storetest.MustMember(t, db, org, attest.RoleAdmin, "ada@acme.test")
	p := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleAdmin, Via: attest.ViaUI}
	return &Service{DB: db, Users: &account.Users{DB: db, PasswordParams: auth.TestParams}, BaseURL: base}, p, u
}

// The relying party is the public address's host: an IP address cannot be
// one, and is refused with a way out.
func TestRelyingPartyNeedsADomain(t *testing.T) {
	db := storetest.Open(t, store.SQLite, nil)
	for base, ok := range map[string]bool{"http://127.0.0.1:8080": false, "http://[::1]:8080": false, "": false,
		"http://localhost:8080": true, "https://attest.example.com": true} {
		s, p, _ := newService(t, storetest.Open(t, store.SQLite, nil), base)
		err := s.Available()
		if (err == nil) != ok {
			t.Errorf("%q: %v", base, err)
		}
		if !ok {
			if _, _, err := s.BeginRegistration(ctx, p); err != ErrNeedsDomain {
				t.Errorf("%q: registration began: %v", base, err)
			}
		}
	}
	s, p, _ := newService(t, db, "https://attest.example.com")
	opts, secret, err := s.BeginRegistration(ctx, p)
	if err != nil || secret == "" {
		t.Fatal(err)
	}
	// The options name the relying party and ask for a discoverable credential.
	var b strings.Builder
	if err := writeJSON(&b, opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":"attest.example.com"`, `"residentKey":"required"`, `"name":"ada@acme.test"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("registration options lack %s: %s", want, b.String())
		}
	}
}

// A ceremony works once, for its own kind and person, and the answer to
// one that is gone is refused before anything is parsed.
func TestCeremoniesAreUsedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, p, _ := newService(t, db, "http://localhost:8080")
		_, secret, err := s.BeginRegistration(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		// Another person's answer to Ada's ceremony.
		other := p
		other.UserID++
		if _, err := s.FinishRegistration(ctx, other, secret, "", strings.NewReader("{}")); err != ErrCeremonyGone {
			t.Fatalf("another person's answer: %v", err)
		}
		// Taken by the refusal above: used once, whoever used it.
		if _, err := s.FinishRegistration(ctx, p, secret, "", strings.NewReader("{}")); err != ErrCeremonyGone {
			t.Fatalf("a used ceremony: %v", err)
		}
		_, secret, _ = s.BeginRegistration(ctx, p)
		if _, err := s.FinishSecondStep(ctx, "no-such-challenge", secret, strings.NewReader("{}"), "", "", ""); err != account.ErrChallengeGone {
			t.Fatalf("a second step without a sign-in: %v", err)
		}
		if _, err := s.FinishPasswordless(ctx, secret, strings.NewReader("{}"), "", "", ""); err != ErrCeremonyGone {
			t.Fatalf("a registration's ceremony used to sign in: %v", err)
		}
		_, secret, _ = s.BeginRegistration(ctx, p)
		if _, err := s.FinishRegistration(ctx, p, secret, "", strings.NewReader(`{"id": 1`)); attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("a malformed answer: %v", err)
		}
	})
}

// Naming and removing touch only the person's own passkeys; removing asks
// for the password and takes the recovery codes when no factor is left.
func TestRenameAndRemove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, p, u := newService(t, db, "http://localhost:8080")
		org, _ := db.OrgByID(ctx, p.OrgID)
		bob := storetest.MustMember(t, db, org, attest.RoleEmployee, "bob@acme.test")
		mine := store.Passkey{UserID: u.ID, CredentialID: "c1", Name: "Laptop", Credential: "{}"}
		theirs := store.Passkey{UserID: bob.ID, CredentialID: "c2", Name: "Phone", Credential: "{}"}
		for _, k := range []*store.Passkey{&mine, &theirs} {
			if err := db.AddPasskey(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		db.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2"})
		if err := s.Rename(ctx, p, theirs.ID, "Mine now"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("renamed another's passkey: %v", err)
		}
		for _, bad := range []string{"", "   ", strings.Repeat("x", 101), "two\nlines"} {
			if err := s.Rename(ctx, p, mine.ID, bad); attest.ErrorField(err) != "name" {
				t.Errorf("name %q: %v", bad, err)
			}
		}
		if err := s.Rename(ctx, p, mine.ID, "  Work laptop "); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Remove(ctx, p, mine.ID, "wrong"); attest.ErrorField(err) != "password" {
			t.Fatalf("removed without the password: %v", err)
		}
		if _, err := s.Remove(ctx, p, theirs.ID, storetest.Password); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("removed another's passkey: %v", err)
		}
		key, err := s.Remove(ctx, p, mine.ID, storetest.Password)
		if err != nil || key.Name != "Work laptop" {
			t.Fatalf("remove: %+v %v", key, err)
		}
		if f, _ := db.FactorsOf(ctx, u.ID); f.Any() || f.RecoveryCodes != 0 {
			t.Fatalf("factors after removing the last passkey: %+v", f)
		}
		acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{Limit: 1})
		if acts[0].Action != "user.passkey_removed" || !strings.Contains(acts[0].Summary, "Work laptop") {
			t.Fatalf("activity: %+v", acts[0])
		}
		if keys, _ := db.Passkeys(ctx, bob.ID); len(keys) != 1 {
			t.Fatal("another's passkey went")
		}
	})
}

func writeJSON(b *strings.Builder, v any) error {
	enc := json.NewEncoder(b)
	return enc.Encode(v)
}
