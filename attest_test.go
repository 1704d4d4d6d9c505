package attest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoleCan(t *testing.T) {
	want := map[Role]map[Action]bool{
		RoleAdmin:    {ActOwn: true, ActWork: true, ActRead: true, ActEdit: true, ActAdmin: true},
		RoleManager:  {ActOwn: true, ActWork: true, ActRead: true, ActEdit: true, ActAdmin: false},
		RoleEmployee: {ActOwn: true, ActWork: true, ActRead: false, ActEdit: false, ActAdmin: false},
		RoleAuditor:  {ActOwn: true, ActWork: false, ActRead: true, ActEdit: false, ActAdmin: false},
		Role("root"): {ActOwn: false, ActWork: false, ActRead: false, ActEdit: false, ActAdmin: false},
	}
	for role, acts := range want {
		for a, ok := range acts {
			if role.Can(a) != ok {
				t.Errorf("%s.Can(%s) = %v, want %v", role, a, !ok, ok)
			}
		}
		if role.Can("unknown") {
			t.Errorf("%s may do an unknown action", role)
		}
	}
}

func TestParseRole(t *testing.T) {
	if r, err := ParseRole(" Manager "); err != nil || r != RoleManager {
		t.Fatalf("ParseRole = %q, %v", r, err)
	}
	_, err := ParseRole("owner")
	if ErrorCode(err) != EINVALID || ErrorField(err) != "role" {
		t.Fatalf("ParseRole(owner) = %v", err)
	}
}

func TestValidateOrg(t *testing.T) {
	for slug, ok := range map[string]bool{"acme": true, "a": true, "acme-eu-2": true, "-acme": false, "acme-": false, "Acme": false,
		"ac me": false, "": false, "api": false, "a2345678901234567890123456789012345678901": false, "a234567890123456789012345678901234567890": true} {
		o := Organization{Slug: slug, Name: "N"}
		if err := ValidateOrg(&o); (err == nil) != ok {
			t.Errorf("slug %q: err %v, want ok=%v", slug, err, ok)
		}
	}
	o := Organization{Slug: "acme", Name: "  "}
	if err := ValidateOrg(&o); ErrorField(err) != "name" {
		t.Errorf("blank name: %v", err)
	}
}

func TestValidateEmailAndPassword(t *testing.T) {
	for email, ok := range map[string]bool{"a@b.test": true, "a.b+c@d.example": true, "": false, "ab": false, "A <a@b.test>": false, "a@": false} {
		if err := ValidateEmail(email); (err == nil) != ok {
			t.Errorf("email %q: %v", email, err)
		}
	}
	if NormalizeEmail("  A@B.Test ") != "a@b.test" {
		t.Error("NormalizeEmail")
	}
	if err := ValidatePassword("123456789"); ErrorField(err) != "password" {
		t.Errorf("9 chars: %v", err)
	}
	if err := ValidatePassword("ünïcödé!!!"); err != nil {
		t.Errorf("10 runes: %v", err)
	}
	if err := ValidatePassword(string(make([]byte, 257))); err == nil {
		t.Error("257 bytes accepted")
	}
}

func TestErrors(t *testing.T) {
	wrapped := fmt.Errorf("context: %w", Invalid("email", "is required"))
	if ErrorCode(wrapped) != EINVALID || ErrorField(wrapped) != "email" || ErrorMessage(wrapped) != "email: is required" {
		t.Fatalf("wrapped: %q %q %q", ErrorCode(wrapped), ErrorField(wrapped), ErrorMessage(wrapped))
	}
	plain := errors.New("disk on fire at /var/secret")
	if ErrorCode(plain) != EINTERNAL || ErrorMessage(plain) != "Internal error." {
		t.Fatal("internal errors must not leak their detail")
	}
	if ErrorCode(nil) != "" {
		t.Fatal("nil error has a code")
	}
}

func TestTokenAndInvitationStates(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if !(APIToken{}).Active(now) {
		t.Error("a token without expiry is active")
	}
	if (APIToken{ExpiresAt: now}).Active(now) {
		t.Error("a token is dead at its expiry")
	}
	if (APIToken{RevokedAt: now.Add(-time.Hour)}).Active(now) {
		t.Error("revoked token active")
	}
	inv := Invitation{ExpiresAt: now.Add(time.Hour)}
	if !inv.Pending(now) || inv.Pending(now.Add(time.Hour)) {
		t.Error("invitation expiry")
	}
	inv.AcceptedAt = now
	if inv.Pending(now) {
		t.Error("accepted invitation pending")
	}
}

func TestCompareRefs(t *testing.T) {
	refs := []string{"AC-10", "AC-2", "AC-1", "AST-1", "AC-1.1", "AC-01", "B", "A"}
	slices.SortStableFunc(refs, CompareRefs)
	if got := strings.Join(refs, " "); got != "A AC-1 AC-01 AC-1.1 AC-2 AC-10 AST-1 B" {
		t.Fatalf("natural order: %s", got)
	}
}

func TestAdoptedFrom(t *testing.T) {
	retired := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := []Control{{ID: 1, LibraryID: "HR-8"}, {ID: 2, LibraryID: "HR-9"}, {ID: 3, LibraryID: "HR-8", RetiredAt: retired}, {ID: 4, Ref: "HR-8"}}
	if got := AdoptedFrom(cs, "HR-8"); len(got) != 1 || got[0] != 1 {
		t.Errorf("adopted from HR-8: %v; want 1 (3 is retired, 4 is the organization's own)", got)
	}
	if got := AdoptedFrom(cs, "HR-8", "HR-9"); len(got) != 2 {
		t.Errorf("adopted from HR-8 or HR-9: %v", got)
	}
}
