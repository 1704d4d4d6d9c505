package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
)

// TestSecretKey opens the key sealing connection credentials as serve and
// the CLI do: only serve creates the file, with a warning to back it up;
// ATTEST_SECRET_KEY replaces the file, and a bad value names the variable.
func TestSecretKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var logs bytes.Buffer
	cfg := Config{DatabaseURL: jobstest.URL(t, store.SQLite), DataDir: dir, PasswordParams: auth.TestParams,
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	path := filepath.Join(dir, "keys", "secrets-aes256.key")
	if _, err := Open(ctx, cfg, Needs{Secrets: true}); err == nil || !strings.Contains(err.Error(), "no secret key at "+path) {
		t.Fatalf("a command before the first start: %v", err)
	}
	s, err := Open(ctx, cfg, Needs{Evidence: true, CreateKey: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", info, err)
	}
	if !strings.Contains(logs.String(), "back it up") || !strings.Contains(logs.String(), path) {
		t.Errorf("no warning to back the new key up: %s", logs.String())
	}
	s, err = Open(ctx, cfg, Needs{Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Secrets.Seal([]byte("token"))
	s.Close()
	if err != nil || s.Connections.Box != s.Secrets {
		t.Fatalf("the connection service does not seal with the install's box: %v", err)
	}
	keys, _, err := secret.LoadFile(path, false)
	if err != nil || secret.SealedWith(sealed) != keys[0].ID() {
		t.Fatalf("sealed with %s, not the file's key: %v", secret.SealedWith(sealed), err)
	}

	k, _ := secret.NewKey()
	cfg.SecretKey = k.String()
	s, err = Open(ctx, cfg, Needs{Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ = s.Secrets.Seal([]byte("token"))
	s.Close()
	if secret.SealedWith(sealed) != k.ID() {
		t.Errorf("ATTEST_SECRET_KEY set: sealed with %s, want %s", secret.SealedWith(sealed), k.ID())
	}
	cfg.SecretKey = "dG9vIHNob3J0"
	if _, err := Open(ctx, cfg, Needs{Secrets: true}); attest.ErrorField(err) != "ATTEST_SECRET_KEY" || strings.Contains(err.Error(), "dG9vIHNob3J0") {
		t.Fatalf("a bad ATTEST_SECRET_KEY: %v; want an error naming the variable, not repeating it", err)
	}
	s, err = Open(ctx, Config{DatabaseURL: cfg.DatabaseURL, DataDir: dir, PasswordParams: auth.TestParams}, Needs{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Secrets != nil || s.Connections.Box != nil {
		t.Error("a command that needs no secrets opened the key")
	}
}
