package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSigningKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "ledger-ed25519.key")
	if _, _, err := LoadSigningKey(path, false); err == nil || !strings.Contains(err.Error(), "no ledger signing key at "+path) {
		t.Fatalf("missing key without create: %v", err)
	}
	k1, created, err := LoadSigningKey(path, true)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	info, _ := os.Stat(path)
	dir, _ := os.Stat(filepath.Dir(path))
	if info.Mode().Perm() != 0o600 || dir.Mode().Perm() != 0o700 {
		t.Fatalf("modes: file %v dir %v", info.Mode().Perm(), dir.Mode().Perm())
	}
	k2, created, err := LoadSigningKey(path, true)
	if err != nil || created || !k1.Equal(k2) {
		t.Fatalf("reload gave another key: %v %v", created, err)
	}
	os.Chmod(path, 0o644)
	if _, _, err := LoadSigningKey(path, false); err == nil || !strings.Contains(err.Error(), "readable by other users") {
		t.Fatalf("world-readable key accepted: %v", err)
	}
	os.Chmod(path, 0o600)
	os.WriteFile(path, []byte("not a key"), 0o600)
	if _, _, err := LoadSigningKey(path, false); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("garbage key file: %v", err)
	}
}
