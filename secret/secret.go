// Package secret seals connection credentials at rest with AES-256-GCM.
//
// A sealed value is: one format byte (1), the 8-byte ID of the key that
// sealed it, a 12-byte random nonce, then the ciphertext with its GCM tag. The
// format byte and key ID are authenticated as additional data, so changing
// either fails to open. The key ID lets keys rotate: a Box seals with its
// current key and opens with any key it holds, so values sealed before a
// rotation stay readable until Rotate re-seals them.
package secret

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

const (
	format  byte = 1
	idSize       = 8
	header       = 1 + idSize
	minSize      = header + 12 + 16 // header, nonce, tag
)

// ErrOpen is returned for any value that does not open: tampered, truncated,
// or sealed with a key the Box does not hold. It says no more, on purpose.
var ErrOpen = errors.New("secret: cannot open the sealed value (wrong key, or changed since it was sealed)")

// Key is one AES-256 key.
type Key [KeySize]byte

// ID names the key without revealing it: the first 8 bytes of its SHA-256.
func (k Key) ID() string {
	id := k.id()
	return hex.EncodeToString(id[:])
}

func (k Key) id() [idSize]byte {
	sum := sha256.Sum256(append([]byte("attest secret key id\x00"), k[:]...))
	var id [idSize]byte
	copy(id[:], sum[:idSize])
	return id
}

// String encodes the key in base64, as key files and ATTEST_SECRET_KEY hold it.
func (k Key) String() string { return base64.StdEncoding.EncodeToString(k[:]) }

// NewKey returns a random key.
func NewKey() (Key, error) {
	var k Key
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("secret: new key: %w", err)
	}
	return k, nil
}

// ParseKey reads a key written in base64 (standard or URL alphabet, with or
// without padding) or in hex. It must decode to exactly 32 bytes. The error
// never repeats the value, which may be a real key with a typo.
func ParseKey(s string) (Key, error) {
	s = strings.TrimSpace(s)
	var k Key
	if s == "" {
		return k, errors.New("empty: want 32 bytes in base64 or hex")
	}
	var decoded [][]byte
	if len(s) == 2*KeySize {
		if b, err := hex.DecodeString(s); err == nil {
			decoded = append(decoded, b)
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			decoded = append(decoded, b)
		}
	}
	for _, b := range decoded {
		if len(b) == KeySize {
			copy(k[:], b)
			return k, nil
		}
	}
	if len(decoded) > 0 {
		return k, fmt.Errorf("decodes to %d bytes: want 32 bytes (for example `openssl rand -base64 32`)", len(decoded[0]))
	}
	return k, errors.New("is neither base64 nor hex: want 32 bytes (for example `openssl rand -base64 32`)")
}

// ParseKeys reads a list of keys, the current one first, separated by commas,
// spaces or new lines; lines starting with # are comments. what names the
// source (the variable or the file) in errors.
func ParseKeys(what, s string) ([]Key, error) {
	var keys []Key
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			n++
			k, err := ParseKey(f)
			if err != nil {
				return nil, fmt.Errorf("%s: key %d %v", what, n, err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no key: want 32 bytes in base64 or hex", what)
	}
	return keys, nil
}

// Box seals with its current key and opens with any of its keys. It
// implements attest.SecretBox.
type Box struct {
	current [idSize]byte
	aeads   map[[idSize]byte]cipher.AEAD
}

// New returns a Box that seals with keys[0] and opens values sealed with any
// of keys (the current one, then older ones kept for values not yet rotated).
func New(keys ...Key) (*Box, error) {
	if len(keys) == 0 {
		return nil, errors.New("secret: no key")
	}
	b := &Box{current: keys[0].id(), aeads: map[[idSize]byte]cipher.AEAD{}}
	for _, k := range keys {
		block, err := aes.NewCipher(k[:])
		if err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
		if _, dup := b.aeads[k.id()]; !dup {
			b.aeads[k.id()] = aead
		}
	}
	return b, nil
}

// CurrentID is the ID of the key new values are sealed with.
func (b *Box) CurrentID() string { return hex.EncodeToString(b.current[:]) }

// Seal encrypts plaintext with the current key.
func (b *Box) Seal(plaintext []byte) ([]byte, error) {
	aead := b.aeads[b.current]
	out := make([]byte, header, header+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = format
	copy(out[1:header], b.current[:])
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret: nonce: %w", err)
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, out[:header]), nil
}

// Open decrypts a value sealed by Seal with any of the Box's keys.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	if len(sealed) < minSize || sealed[0] != format {
		return nil, ErrOpen
	}
	var id [idSize]byte
	copy(id[:], sealed[1:header])
	aead, ok := b.aeads[id]
	if !ok {
		return nil, ErrOpen
	}
	nonce := sealed[header : header+aead.NonceSize()]
	plain, err := aead.Open(nil, nonce, sealed[header+aead.NonceSize():], sealed[:header])
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// SealedWith returns the ID of the key that sealed a value, or "" when the
// value is not in this format.
func SealedWith(sealed []byte) string {
	if len(sealed) < minSize || sealed[0] != format {
		return ""
	}
	return hex.EncodeToString(sealed[1:header])
}

// Rotate re-seals a value with the current key. A value already sealed with
// the current key is returned unchanged, so rotating twice does no work.
func (b *Box) Rotate(sealed []byte) (out []byte, changed bool, err error) {
	plain, err := b.Open(sealed)
	if err != nil {
		return nil, false, err
	}
	if bytes.Equal(sealed[1:header], b.current[:]) {
		return sealed, false, nil
	}
	out, err = b.Seal(plain)
	return out, err == nil, err
}
