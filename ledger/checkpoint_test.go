package ledger

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCheckpointGolden(t *testing.T) {
	// Ed25519 is deterministic, so a fixed key and message give a fixed signature:
	// a vector for other implementations.
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	head := goldenEntry()
	head.Hash = goldenHash
	c := Sign(priv, "acme", head, time.Date(2026, 3, 1, 12, 40, 0, 0, time.UTC))

	wantMsg := "attest-checkpoint-v1\n" +
		"org:4:acme\n" +
		"seq:1:7\n" +
		"hash:64:" + goldenHash + "\n" +
		"at:27:2026-03-01T12:40:00.000000Z\n"
	if got := string(CheckpointMessage(c)); got != wantMsg {
		t.Fatalf("CheckpointMessage:\n%q\nwant\n%q", got, wantMsg)
	}
	checks := map[string][2]string{
		"public key": {EncodePublicKey(pub), "attest-ed25519:A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="},
		"key ID":     {c.KeyID, "56475aa75463474c"},
		"signature":  {c.Signature, "2PAUIulKsjLMl3m3wDtQzfV5azwAZ2WcP5LGRBqsRXvV0PBAA5/d7hcP1I92f2kCVEVByuIkkZ6DRP8zp6iuAQ=="},
	}
	for what, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %s, want %s", what, v[0], v[1])
		}
	}
	sig, _ := base64.StdEncoding.DecodeString(c.Signature)
	if !ed25519.Verify(pub, []byte(wantMsg), sig) {
		t.Error("the signature does not verify over the hand-built message")
	}
}

func TestSignAndVerifyCheckpoint(t *testing.T) {
	pub, priv := testKey(1)
	otherPub, otherPriv := testKey(100)
	head := buildChain(3)[2]
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	c := Sign(priv, "acme", head, at)
	if c.Org != "acme" || c.Seq != 3 || c.Hash != head.Hash || !c.At.Equal(at.Truncate(time.Microsecond)) || c.KeyID != KeyID(pub) {
		t.Fatalf("Sign = %+v", c)
	}
	if err := VerifyCheckpoint(pub, c); err != nil {
		t.Fatalf("VerifyCheckpoint: %v", err)
	}

	// Every signed field is covered.
	tampered := map[string]func(*Checkpoint){
		"org":  func(c *Checkpoint) { c.Org = "acme2" },
		"seq":  func(c *Checkpoint) { c.Seq = 2 },
		"hash": func(c *Checkpoint) { c.Hash = hexSum("x") },
		"at":   func(c *Checkpoint) { c.At = c.At.Add(time.Microsecond) },
	}
	for field, change := range tampered {
		bad := c
		change(&bad)
		err := VerifyCheckpoint(pub, bad)
		if err == nil || !strings.Contains(err.Error(), "signature does not verify") {
			t.Errorf("changed %s: VerifyCheckpoint = %v, want a failed signature", field, err)
		}
	}

	other := Sign(otherPriv, "acme", head, at)
	cases := []struct {
		name string
		pub  ed25519.PublicKey
		c    Checkpoint
		want string
	}{
		{"wrong key", pub, other, `checkpoint at entry 3 is signed by key "` + KeyID(otherPub) + `", not by the expected key "` + KeyID(pub) + `"`},
		{"right key, checked against another", otherPub, c, "is signed by key"},
		{"another key's signature under our key ID", pub, withKeyID(other, KeyID(pub)), "signature does not verify"},
		{"signature not base64", pub, withSignature(c, "not base64!"), "signature is not valid base64"},
		{"signature too short", pub, withSignature(c, base64.StdEncoding.EncodeToString(make([]byte, 63))), "signature is 63 bytes; an Ed25519 signature is 64"},
		{"no signature", pub, withSignature(c, ""), "signature is 0 bytes"},
		{"verifying key of the wrong size", pub[:31], c, "the verifying key is 31 bytes"},
	}
	for _, tc := range cases {
		err := VerifyCheckpoint(tc.pub, tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: VerifyCheckpoint = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func withKeyID(c Checkpoint, id string) Checkpoint      { c.KeyID = id; return c }
func withSignature(c Checkpoint, sig string) Checkpoint { c.Signature = sig; return c }

func TestCheckpointJSON(t *testing.T) {
	_, priv := testKey(1)
	c := Sign(priv, "acme", buildChain(1)[0], time.Date(2026, 3, 1, 12, 0, 0, 500000000, time.UTC))
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"at":"2026-03-01T12:00:00.500000Z"`) {
		t.Errorf("checkpoint JSON does not carry the signed time form: %s", data)
	}
	var back Checkpoint
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if string(CheckpointMessage(back)) != string(CheckpointMessage(c)) || back.Signature != c.Signature || back.KeyID != c.KeyID {
		t.Fatalf("round trip changed the checkpoint: %+v", back)
	}
	if err := json.Unmarshal([]byte(`{"seq":1,"note":"x"}`), &back); err == nil || !strings.Contains(err.Error(), `unknown field "note"`) {
		t.Errorf("unknown field: %v", err)
	}
}

func TestPublicKeyText(t *testing.T) {
	pub, priv := testKey(1)
	text := EncodePublicKey(pub)
	if !strings.HasPrefix(text, "attest-ed25519:") || len(text) != len("attest-ed25519:")+44 {
		t.Fatalf("EncodePublicKey = %q", text)
	}
	for _, in := range []string{text, "  " + text + "\n"} {
		got, err := ParsePublicKey(in)
		if err != nil || !got.Equal(pub) {
			t.Fatalf("ParsePublicKey(%q) = %x, %v", in, got, err)
		}
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if got, err := ParsePublicKey(pemText); err != nil || !got.Equal(pub) {
		t.Fatalf("ParsePublicKey(PEM) = %x, %v", got, err)
	}
	if len(KeyID(pub)) != 16 || KeyID(pub) != KeyID(append(ed25519.PublicKey(nil), pub...)) {
		t.Errorf("KeyID = %q, want 16 stable hex digits", KeyID(pub))
	}

	privPEM := EncodePrivateKey(priv)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	cases := []struct{ in, want string }{
		{"", "public key is empty"},
		{"ed25519:" + text[len("attest-ed25519:"):], `public key must start with "attest-ed25519:"`},
		{"attest-ed25519:not*base64", "public key is not valid base64"},
		{"attest-ed25519:" + base64.StdEncoding.EncodeToString(make([]byte, 31)), "public key is 31 bytes; an Ed25519 public key is 32"},
		{"attest-ed25519:" + base64.RawStdEncoding.EncodeToString(pub), "public key is not valid base64"},
		{privPEM, "this is a private key"},
		{string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER})), "is an ECDSA key, not Ed25519"},
		{string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}})), `PEM block is "CERTIFICATE"`},
		{"-----BEGIN PUBLIC KEY-----\nnope", "the PEM block is malformed"},
	}
	for _, c := range cases {
		_, err := ParsePublicKey(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParsePublicKey(%.40q) = %v, want an error containing %q", c.in, err, c.want)
		}
	}
}

func TestPrivateKeyText(t *testing.T) {
	pub, priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	data := EncodePrivateKey(priv)
	if !strings.HasPrefix(data, "-----BEGIN PRIVATE KEY-----\n") || !strings.HasSuffix(data, "-----END PRIVATE KEY-----\n") {
		t.Fatalf("EncodePrivateKey = %s", data)
	}
	for _, in := range []string{data, "\n" + data + "\n\n"} {
		back, err := ParsePrivateKey(in)
		if err != nil || !back.Equal(priv) || !back.Public().(ed25519.PublicKey).Equal(pub) {
			t.Fatalf("ParsePrivateKey round trip = %v", err)
		}
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "private key is 32 bytes; an Ed25519 private key is 64") {
				t.Errorf("EncodePrivateKey(seed only) panicked with %v", r)
			}
		}()
		EncodePrivateKey(priv[:32])
	}()

	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	cases := []struct{ in, want string }{
		{"", "no PEM block found"},
		{"attest-ed25519:AAAA", "no PEM block found"},
		{string(pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte{1}})), `PEM block is "OPENSSH PRIVATE KEY", want "PRIVATE KEY"`},
		{data + "junk", "unexpected data after the PEM block"},
		{string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}})), "not a PKCS #8 key"},
		{string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})), "is an ECDSA key, not Ed25519"},
	}
	for _, c := range cases {
		_, err := ParsePrivateKey(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParsePrivateKey(%.40q) = %v, want an error containing %q", c.in, err, c.want)
		}
	}
}
