package app

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/attest-hq/attest/ledger"
)

// SigningKeyPath is where the install's ledger key lives unless configured.
func SigningKeyPath(dataDir, configured string) string {
	if configured != "" {
		return configured
	}
	return filepath.Join(dataDir, "keys", "ledger-ed25519.key")
}

// LoadSigningKey reads the install's Ed25519 key. Only `attest serve` passes
// create: a command run from the wrong directory must fail, not quietly sign
// with a new key that verifies nothing of the install's past. A created file
// is written atomically with mode 0600 in a 0700 directory; a key file
// readable by others is refused, since whoever holds it can sign checkpoints.
func LoadSigningKey(path string, create bool) (key ed25519.PrivateKey, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, false, fmt.Errorf("no ledger signing key at %s: start `attest serve` once to create it, or point --signing-key (ATTEST_SIGNING_KEY_FILE) at the install's key", path)
		}
		return createKey(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("signing key %s: %w", path, err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("signing key %s is readable by other users (mode %v); run chmod 600 on it", path, info.Mode().Perm())
	}
	key, err = ledger.ParsePrivateKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, false, fmt.Errorf("signing key %s: %w", path, err)
	}
	return key, false, nil
}

func createKey(path string) (ed25519.PrivateKey, bool, error) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("signing key directory %s: %w", filepath.Dir(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return nil, false, fmt.Errorf("signing key %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(ledger.EncodePrivateKey(priv) + "\n"); err != nil {
		tmp.Close()
		return nil, false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, false, err
	}
	if err := tmp.Close(); err != nil {
		return nil, false, err
	}
	// Link rather than rename: if another process created the key meanwhile,
	// keep theirs, so two starts never end up with different keys.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			k, _, err := LoadSigningKey(path, false)
			return k, false, err
		}
		return nil, false, fmt.Errorf("signing key %s: %w", path, err)
	}
	return priv, true, nil
}
