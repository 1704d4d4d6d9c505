package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP codes follow RFC 6238 with the parameters every authenticator app
// supports: SHA-1, six digits, a 30-second step. A code is accepted for its
// own step and one step either side, to allow for clocks that drift.
const (
	totpPeriod = 30
	totpSkew   = 1
)

// TOTPKey is a new authenticator-app secret: the base32 secret to type in by
// hand, the otpauth:// URL the QR code carries, and the QR code as PNG.
type TOTPKey struct {
	Secret string
	URL    string
	QRPNG  []byte
}

// NewTOTPKey makes a 160-bit secret for account at issuer (the names an
// authenticator app shows).
func NewTOTPKey(issuer, account string) (TOTPKey, error) {
	b := make([]byte, 20)
	rand.Read(b)
	return TOTPKeyFor(issuer, account, base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// TOTPStep is the time step a moment falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// TOTPCode is the code of secret for the step t falls in; tests and
// documentation examples use it as an authenticator app would.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// CheckTOTP checks code against secret at now. A code is accepted only for a
// step after lastStep, so that a code seen once (over a shoulder, or replayed)
// never works again; the accepted step is returned, to become the new
// lastStep. Spaces and dashes in the code are ignored.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(code) != 6 {
		return 0, false
	}
	current := TOTPStep(now)
	// Every candidate step is computed, so the time taken does not say which matched.
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		want, err := TOTPCode(secret, time.Unix(s*totpPeriod, 0))
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && s > lastStep && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// recoveryEncoding is Crockford's base32 in lower case: no i, l, o or u, so
// that nothing written down is misread as a digit.
var recoveryEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewRecoveryCodes makes n one-time recovery codes of 60 random bits each,
// written as two groups of six characters ("k7cq2m-x9vdaf").
func NewRecoveryCodes(n int) []string {
	codes := make([]string, n)
	for i := range codes {
		b := make([]byte, 8)
		rand.Read(b)
		s := recoveryEncoding.EncodeToString(b)[:12]
		codes[i] = s[:6] + "-" + s[6:]
	}
	return codes
}

// NormalizeRecoveryCode is how a typed recovery code is compared: lower case,
// without spaces or dashes.
func NormalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, code)
}

// HashRecoveryCode is what is stored for a recovery code.
func HashRecoveryCode(code string) string { return HashSecret(NormalizeRecoveryCode(code)) }

// TOTPKeyFor rebuilds the URL and QR code of an existing secret, to show a
// set-up page again.
func TOTPKeyFor(issuer, account, secret string) (TOTPKey, error) {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	k, err := otp.NewKeyFromURL(u.String())
	if err != nil {
		return TOTPKey{}, fmt.Errorf("authenticator key: %w", err)
	}
	img, err := k.Image(240, 240)
	if err != nil {
		return TOTPKey{}, fmt.Errorf("QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPKey{}, fmt.Errorf("QR code: %w", err)
	}
	return TOTPKey{Secret: secret, URL: k.URL(), QRPNG: buf.Bytes()}, nil
}
