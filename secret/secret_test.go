package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustKey(t *testing.T) Key {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustBox(t *testing.T, keys ...Key) *Box {
	t.Helper()
	b, err := New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	k := mustKey(t)
	b := mustBox(t, k)
	plain := []byte("ghp_secret token")
	sealed, err := b.Seal(plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, plain) {
		t.Fatal("sealed value contains the plaintext")
	}
	if SealedWith(sealed) != k.ID() || b.CurrentID() != k.ID() {
		t.Errorf("sealed with %q, current %q; want key %q", SealedWith(sealed), b.CurrentID(), k.ID())
	}
	again, _ := b.Seal(plain)
	if bytes.Equal(sealed, again) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	got, err := b.Open(sealed)
	if err != nil || string(got) != string(plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

func TestTamperedValueDoesNotOpen(t *testing.T) {
	b := mustBox(t, mustKey(t))
	sealed, err := b.Seal([]byte("a credential"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := b.Open(bad); !errors.Is(err, ErrOpen) {
			t.Errorf("byte %d flipped: Open = %v, want ErrOpen", i, err)
		}
	}
	if _, err := b.Open(sealed[:len(sealed)-1]); !errors.Is(err, ErrOpen) {
		t.Errorf("truncated: %v", err)
	}
	if _, err := b.Open(nil); !errors.Is(err, ErrOpen) {
		t.Errorf("empty: %v", err)
	}
}

func TestWrongKeyDoesNotOpen(t *testing.T) {
	sealed, err := mustBox(t, mustKey(t)).Seal([]byte("a credential"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mustBox(t, mustKey(t)).Open(sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("other key: Open = %v, want ErrOpen", err)
	}
	// A key with the right ID cannot be forged, but the check must not rest
	// on the ID alone: same ID, other key bytes.
	other := mustKey(t)
	b := mustBox(t, other)
	bad := bytes.Clone(sealed)
	id := other.id()
	copy(bad[1:header], id[:])
	if _, err := b.Open(bad); !errors.Is(err, ErrOpen) {
		t.Fatalf("ID swapped to the box's key: Open = %v, want ErrOpen", err)
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := mustKey(t), mustKey(t)
	old := mustBox(t, oldKey)
	sealed, err := old.Seal([]byte("sealed before rotation"))
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustBox(t, newKey, oldKey)
	if got, err := rotated.Open(sealed); err != nil || string(got) != "sealed before rotation" {
		t.Fatalf("the rotated box opens old values: %q, %v", got, err)
	}
	fresh, err := rotated.Seal([]byte("new"))
	if err != nil {
		t.Fatal(err)
	}
	if SealedWith(fresh) != newKey.ID() {
		t.Errorf("new values sealed with %s, want the new key %s", SealedWith(fresh), newKey.ID())
	}
	if _, err := old.Open(fresh); !errors.Is(err, ErrOpen) {
		t.Errorf("the old box opens a value of the new key: %v", err)
	}
	resealed, changed, err := rotated.Rotate(sealed)
	if err != nil || !changed || SealedWith(resealed) != newKey.ID() {
		t.Fatalf("Rotate = %x, %v, %v", resealed, changed, err)
	}
	// Once re-sealed, the old key can go.
	if got, err := mustBox(t, newKey).Open(resealed); err != nil || string(got) != "sealed before rotation" {
		t.Fatalf("re-sealed value with the new key only: %q, %v", got, err)
	}
	same, changed, err := rotated.Rotate(resealed)
	if err != nil || changed || !bytes.Equal(same, resealed) {
		t.Errorf("rotating a current value again: changed=%v, %v", changed, err)
	}
	if _, _, err := mustBox(t, newKey).Rotate(sealed); !errors.Is(err, ErrOpen) {
		t.Errorf("rotating a value of a dropped key: %v, want ErrOpen", err)
	}
}

func TestParseKey(t *testing.T) {
	k := mustKey(t)
	for name, s := range map[string]string{
		"base64":        base64.StdEncoding.EncodeToString(k[:]),
		"raw base64":    base64.RawStdEncoding.EncodeToString(k[:]),
		"url base64":    base64.URLEncoding.EncodeToString(k[:]),
		"hex":           hex.EncodeToString(k[:]),
		"hex, newline":  hex.EncodeToString(k[:]) + "\n",
		"String method": k.String(),
	} {
		got, err := ParseKey(s)
		if err != nil || got != k {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, s := range map[string]string{
		"short":     base64.StdEncoding.EncodeToString(k[:16]),
		"long":      base64.StdEncoding.EncodeToString(append(k[:], 1)),
		"not a key": "correct horse battery staple!",
		"empty":     " ",
	} {
		if _, err := ParseKey(s); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), strings.TrimSpace(s)) && strings.TrimSpace(s) != "" {
			t.Errorf("%s: the error repeats the value: %v", name, err)
		}
	}
}

func TestEnvironmentKeys(t *testing.T) {
	k1, k2 := mustKey(t), mustKey(t)
	keys, created, err := Load(k1.String()+", "+hex.EncodeToString(k2[:]), filepath.Join(t.TempDir(), "none"), false)
	if err != nil || created || len(keys) != 2 || keys[0] != k1 || keys[1] != k2 {
		t.Fatalf("Load from the variable = %v, %v, %v", keys, created, err)
	}
	_, _, err = Load("not-a-key", "", false)
	if err == nil || !strings.Contains(err.Error(), "ATTEST_SECRET_KEY") {
		t.Fatalf("a bad variable: %v, want an error naming ATTEST_SECRET_KEY", err)
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := KeyFilePath(dir, "")
	if _, _, err := LoadFile(path, false); err == nil || !strings.Contains(err.Error(), "no secret key at "+path) {
		t.Fatalf("missing file without create: %v", err)
	}
	keys, created, err := Load("", path, true)
	if err != nil || !created || len(keys) != 1 {
		t.Fatalf("first start: %v, %v, %v", keys, created, err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", info.Mode().Perm(), err)
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("key folder mode = %v, %v; want 0700", info.Mode().Perm(), err)
	}
	again, created, err := Load("", path, true)
	if err != nil || created || len(again) != 1 || again[0] != keys[0] {
		t.Fatalf("second start must reuse the key: %v, %v, %v", again, created, err)
	}

	next := mustKey(t)
	if err := AddKey(path, next); err != nil {
		t.Fatal(err)
	}
	after, _, err := LoadFile(path, false)
	if err != nil || len(after) != 2 || after[0] != next || after[1] != keys[0] {
		t.Fatalf("after AddKey: %v, %v; want the new key first, then the old", after, err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode after AddKey = %v, %v", info.Mode().Perm(), err)
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadFile(path, false); err == nil || !strings.Contains(err.Error(), "readable by other users") {
		t.Fatalf("a key file others can read: %v", err)
	}
	if err := os.WriteFile(path, []byte("# only a comment\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadFile(path, false); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("a key file without keys: %v, want an error naming the file", err)
	}
}
