// Package auth holds the credential primitives: argon2id password hashes, random
// secrets stored only as hashes, and the pure rule that throttles failed logins.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters. They are encoded into every hash so they
// can be raised later without invalidating existing passwords.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams use RFC 9106's second recommended setting (64 MiB, 3 passes)
// with 2 lanes rather than 4, matching the small servers Attest targets.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 2}

// TestParams are cheap parameters for tests, where hashing speed matters more
// than resistance to cracking.
var TestParams = Params{Time: 1, Memory: 1024, Threads: 1}

// HashPassword returns a PHC-formatted argon2id hash of password.
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("auth: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("auth: unsupported argon2 version")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("auth: bad argon2 parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("auth: bad salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("auth: bad key: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewSecret returns a random secret of 32 bytes, URL-safe, with a readable prefix
// (for example "atk_" for API tokens) so leaked secrets can be recognised by scanners.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret returns the hex SHA-256 of a secret. Secrets (session cookies, API
// tokens, invitation links) have 256 bits of entropy, so a fast hash suffices:
// the database never holds anything that can be replayed.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// NoPasswordPrefix marks the stored hash of an account that has no password
// (one made by single sign-on): no password matches it.
const NoPasswordPrefix = "!no-password:"

// NoPassword is the stored hash of an account without a password; the random
// part keeps every such value distinct.
func NoPassword() string { return NoPasswordPrefix + NewSecret("") }

// HasPassword reports whether a stored hash is a password's.
func HasPassword(encoded string) bool { return !strings.HasPrefix(encoded, NoPasswordPrefix) }
