package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
)

func TestTOTPAcceptsTheCurrentCodeOnceAndDriftOfOneStep(t *testing.T) {
	k, err := NewTOTPKey("Attest", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(k.QRPNG) < 100 || string(k.QRPNG[1:4]) != "PNG" {
		t.Fatalf("QR code is not a PNG (%d bytes)", len(k.QRPNG))
	}
	parsed, err := otp.NewKeyFromURL(k.URL)
	if err != nil || parsed.Secret() != k.Secret || parsed.Issuer() != "Attest" || parsed.AccountName() != "ada@example.com" {
		t.Fatalf("URL %q does not carry the secret and names: %v", k.URL, err)
	}
	now := time.Date(2026, 12, 4, 10, 0, 15, 0, time.UTC)
	code, _ := TOTPCode(k.Secret, now)
	step, ok := CheckTOTP(k.Secret, code, now, 0)
	if !ok || step != TOTPStep(now) {
		t.Fatalf("current code refused (ok=%v step=%d want %d)", ok, step, TOTPStep(now))
	}
	if _, ok := CheckTOTP(k.Secret, code, now, step); ok {
		t.Fatal("a code was accepted twice")
	}
	spaced := code[:3] + " " + code[3:]
	if _, ok := CheckTOTP(k.Secret, spaced, now, 0); !ok {
		t.Fatal("a code typed with a space was refused")
	}
	prev, _ := TOTPCode(k.Secret, now.Add(-30*time.Second))
	if s, ok := CheckTOTP(k.Secret, prev, now, 0); !ok || s != step-1 {
		t.Fatalf("the previous step's code was refused (ok=%v step=%d)", ok, s)
	}
	old, _ := TOTPCode(k.Secret, now.Add(-90*time.Second))
	if old != code && old != prev {
		if _, ok := CheckTOTP(k.Secret, old, now, 0); ok {
			t.Fatal("a code three steps old was accepted")
		}
	}
	other, _ := NewTOTPKey("Attest", "ada@example.com")
	otherCode, _ := TOTPCode(other.Secret, now)
	if otherCode != code {
		if _, ok := CheckTOTP(k.Secret, otherCode, now, 0); ok {
			t.Fatal("another secret's code was accepted")
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := CheckTOTP(k.Secret, bad, now, 0); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRecoveryCodesAreDistinctAndMatchHowTheyAreTyped(t *testing.T) {
	codes := NewRecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 13 || c[6] != '-' || strings.ContainsAny(c, "ilou") {
			t.Errorf("code %q is not two groups of six unambiguous characters", c)
		}
		if seen[c] {
			t.Errorf("code %q repeated", c)
		}
		seen[c] = true
	}
	c := codes[0]
	typed := " " + strings.ToUpper(strings.ReplaceAll(c, "-", " ")) + " "
	if HashRecoveryCode(typed) != HashRecoveryCode(c) {
		t.Error("a code typed in capitals with spaces does not match")
	}
	if HashRecoveryCode(codes[1]) == HashRecoveryCode(c) {
		t.Error("two codes hash the same")
	}
}
