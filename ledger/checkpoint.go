package ledger

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// checkpointTag opens every checkpoint message, so a signature over a checkpoint
// can never be passed off as a signature over anything else.
const checkpointTag = "attest-checkpoint-v1\n"

// PublicKeyPrefix starts the text form of a public key.
const PublicKeyPrefix = "attest-ed25519:"

// Checkpoint is a signed statement that an organization's chain had the entry
// with this hash at this sequence number. Because every entry commits to the one
// before it, a checkpoint vouches for the whole chain up to Seq.
type Checkpoint struct {
	Org       string
	Seq       int64
	Hash      string // the entry's hash at Seq
	At        time.Time
	KeyID     string // KeyID of the signing key
	Signature string // base64 (standard, padded) Ed25519 signature of CheckpointMessage
}

// CheckpointMessage returns the bytes a checkpoint's signature covers: org, seq,
// hash and at in the attest-checkpoint-v1 layout (see the package documentation).
// KeyID is not covered; the signature itself binds the key.
func CheckpointMessage(c Checkpoint) []byte {
	var num [20]byte
	var ts [32]byte
	b := make([]byte, 0, 192+len(c.Org))
	b = append(b, checkpointTag...)
	b = appendField(b, "org", c.Org)
	b = appendFieldBytes(b, "seq", strconv.AppendInt(num[:0], c.Seq, 10))
	b = appendField(b, "hash", c.Hash)
	b = appendFieldBytes(b, "at", appendTime(ts[:0], c.At))
	return b
}

// Sign returns a checkpoint over head, the entry at the head of organization
// org's chain, signed with priv at time at (stored as UTC, to the microsecond).
// org must be head.Org: a checkpoint for another organization never verifies.
// Sign panics if priv is not an Ed25519 private key, as ed25519.Sign does; keys
// read with ParsePrivateKey always are.
func Sign(priv ed25519.PrivateKey, org string, head Entry, at time.Time) Checkpoint {
	c := Checkpoint{
		Org:   org,
		Seq:   head.Seq,
		Hash:  head.Hash,
		At:    at.UTC().Truncate(time.Microsecond),
		KeyID: KeyID(priv.Public().(ed25519.PublicKey)),
	}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, CheckpointMessage(c)))
	return c
}

// VerifyCheckpoint checks that c names pub's key and carries pub's valid signature
// over its message. It does not check that c matches any entry; VerifyChain does.
func VerifyCheckpoint(pub ed25519.PublicKey, c Checkpoint) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("checkpoint at entry %d: the verifying key is %d bytes; an Ed25519 public key is %d", c.Seq, len(pub), ed25519.PublicKeySize)
	}
	if want := KeyID(pub); c.KeyID != want {
		return fmt.Errorf("checkpoint at entry %d is signed by key %q, not by the expected key %q", c.Seq, c.KeyID, want)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(c.Signature)
	if err != nil {
		return fmt.Errorf("checkpoint at entry %d: signature is not valid base64: %v", c.Seq, err)
	}
	if len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("checkpoint at entry %d: signature is %d bytes; an Ed25519 signature is %d", c.Seq, len(sig), ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, CheckpointMessage(c), sig) {
		return fmt.Errorf("checkpoint at entry %d: signature does not verify (the checkpoint was changed after signing, or signed by another key)", c.Seq)
	}
	return nil
}

// checkpointJSON is a checkpoint as checkpoints.json carries it, with the time in
// the signed form.
type checkpointJSON struct {
	Org       string `json:"org"`
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	At        string `json:"at"`
	KeyID     string `json:"key_id"`
	Signature string `json:"signature"`
}

// MarshalJSON writes the checkpoint with its time in the signed form.
func (c Checkpoint) MarshalJSON() ([]byte, error) {
	return json.Marshal(checkpointJSON{c.Org, c.Seq, c.Hash, FormatTime(c.At), c.KeyID, c.Signature})
}

// UnmarshalJSON reads a checkpoint, refusing unknown fields.
func (c *Checkpoint) UnmarshalJSON(data []byte) error {
	var w checkpointJSON
	if err := decodeStrict(data, &w); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	at, err := parseTime("at", w.At)
	if err != nil {
		return fmt.Errorf("checkpoint at entry %d: %w", w.Seq, err)
	}
	*c = Checkpoint{w.Org, w.Seq, w.Hash, at, w.KeyID, w.Signature}
	return nil
}

// KeyID returns a short, stable fingerprint of a public key: the first 16 hex
// digits of the SHA-256 of its 32 raw bytes.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// EncodePublicKey returns the copy-pasteable text form of a public key:
// "attest-ed25519:" followed by the standard, padded base64 of its 32 bytes.
func EncodePublicKey(pub ed25519.PublicKey) string {
	return PublicKeyPrefix + base64.StdEncoding.EncodeToString(pub)
}

// ParsePublicKey reads a public key in the text form of EncodePublicKey, or as a
// PEM "PUBLIC KEY" block (what `openssl pkey -pubout` writes). Surrounding
// whitespace is ignored.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil, errors.New("public key is empty")
	case strings.HasPrefix(s, "-----BEGIN"):
		return parsePublicKeyPEM(s)
	case !strings.HasPrefix(s, PublicKeyPrefix):
		return nil, fmt.Errorf("public key must start with %q (or be a PEM PUBLIC KEY block)", PublicKeyPrefix)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(s[len(PublicKeyPrefix):])
	if err != nil {
		return nil, fmt.Errorf("public key is not valid base64 after %q: %v", PublicKeyPrefix, err)
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key is %d bytes; an Ed25519 public key is %d", len(raw), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}

func parsePublicKeyPEM(s string) (ed25519.PublicKey, error) {
	block, rest := pem.Decode([]byte(s))
	switch {
	case block == nil:
		return nil, errors.New("public key: the PEM block is malformed")
	case block.Type == "PRIVATE KEY":
		return nil, errors.New("public key: this is a private key; give the public key, which is safe to share")
	case block.Type != "PUBLIC KEY":
		return nil, fmt.Errorf("public key: PEM block is %q, want \"PUBLIC KEY\"", block.Type)
	case len(bytes.TrimSpace(rest)) > 0:
		return nil, errors.New("public key: unexpected data after the PEM block")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %v", err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key: is %s, not Ed25519", keyKind(key))
	}
	return pub, nil
}

// GenerateKey returns a new Ed25519 key pair from crypto/rand.
func GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("generating signing key: %w", err)
	}
	return pub, priv, nil
}

// EncodePrivateKey returns priv as a PEM "PRIVATE KEY" block (PKCS #8, RFC 8410),
// the form OpenSSL reads, ending in a newline. The caller stores it in a file
// only its owner can read. It panics if priv is not a 64-byte Ed25519 private
// key, which GenerateKey and ParsePrivateKey never return.
func EncodePrivateKey(priv ed25519.PrivateKey) string {
	if len(priv) != ed25519.PrivateKeySize {
		panic(fmt.Sprintf("ledger: private key is %d bytes; an Ed25519 private key is %d", len(priv), ed25519.PrivateKeySize))
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		panic("ledger: encoding an Ed25519 private key: " + err.Error()) // cannot happen for a 64-byte key
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// ParsePrivateKey reads a private key written by EncodePrivateKey (or by
// `openssl genpkey -algorithm ed25519`). Surrounding whitespace is ignored.
func ParsePrivateKey(s string) (ed25519.PrivateKey, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(s)))
	switch {
	case block == nil:
		return nil, errors.New("private key: no PEM block found (expected -----BEGIN PRIVATE KEY-----)")
	case block.Type != "PRIVATE KEY":
		return nil, fmt.Errorf("private key: PEM block is %q, want \"PRIVATE KEY\"", block.Type)
	case len(bytes.TrimSpace(rest)) > 0:
		return nil, errors.New("private key: unexpected data after the PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("private key: not a PKCS #8 key: %v", err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key: is %s, not Ed25519", keyKind(key))
	}
	return priv, nil
}

func keyKind(key any) string {
	switch key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return "an RSA key"
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "an ECDSA key"
	case *ecdh.PrivateKey, *ecdh.PublicKey:
		return "an X25519 (ECDH) key"
	}
	return fmt.Sprintf("a %T", key)
}
