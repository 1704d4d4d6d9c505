package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvKey is the environment variable that holds the keys instead of a file:
// the current key first, older ones after it, separated by commas.
const EnvKey = "ATTEST_SECRET_KEY"

// KeyFilePath is where the install's secret keys live unless configured.
func KeyFilePath(dataDir, configured string) string {
	if configured != "" {
		return configured
	}
	return filepath.Join(dataDir, "keys", "secrets-aes256.key")
}

const fileComment = "# Attest secret keys (AES-256, base64). The first key seals new secrets; the others still open\n" +
	"# secrets sealed before `attest secrets rotate`. Back this file up: without it, stored credentials are lost.\n"

// Load returns the keys from env (the value of ATTEST_SECRET_KEY) when it is
// set, otherwise from the key file at path. Only `attest serve` passes
// create: as with the ledger key, a command run with the wrong data folder
// must fail rather than seal credentials with a key the server does not have.
// created reports that a new key file was written (the caller warns to back
// it up).
func Load(env, path string, create bool) (keys []Key, created bool, err error) {
	if strings.TrimSpace(env) != "" {
		keys, err := ParseKeys(EnvKey, env)
		return keys, false, err
	}
	return LoadFile(path, create)
}

// LoadFile reads the key file at path, creating it with one new key when it
// is missing and create is set. A created file is written atomically with
// mode 0600 in a 0700 folder; a key file others can read is refused.
func LoadFile(path string, create bool) (keys []Key, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, false, fmt.Errorf("no secret key at %s: start `attest serve` once to create it, set %s, or point --secret-key-file (ATTEST_SECRET_KEY_FILE) at the install's key file", path, EnvKey)
		}
		k, err := NewKey()
		if err != nil {
			return nil, false, err
		}
		created, err := writeFile(path, []Key{k}, false)
		if err != nil {
			return nil, false, err
		}
		if !created { // another process made it first: use theirs
			return LoadFile(path, false)
		}
		return []Key{k}, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("secret key file %s: %w", path, err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("secret key file %s is readable by other users (mode %v); run chmod 600 on it", path, info.Mode().Perm())
	}
	keys, err = ParseKeys("secret key file "+path, string(b))
	return keys, false, err
}

// AddKey writes k as the new current key of the file at path, keeping the
// keys it held after it so that values sealed with them still open. The file
// is replaced atomically and stays 0600.
func AddKey(path string, k Key) error {
	old, _, err := LoadFile(path, false)
	if err != nil {
		return err
	}
	_, err = writeFile(path, append([]Key{k}, old...), true)
	return err
}

// writeFile writes keys to path through a temporary file in the same folder.
// With replace it renames over an existing file; without, it links, so that
// of two processes creating the file at once, the first one's keys win.
func writeFile(path string, keys []Key, replace bool) (bool, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("secret key folder %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".secret-key-*")
	if err != nil {
		return false, fmt.Errorf("secret key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	var sb strings.Builder
	sb.WriteString(fileComment)
	for _, k := range keys {
		sb.WriteString(k.String() + "\n")
	}
	if _, err := tmp.WriteString(sb.String()); err != nil {
		tmp.Close()
		return false, fmt.Errorf("secret key file %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, fmt.Errorf("secret key file %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("secret key file %s: %w", path, err)
	}
	if replace {
		if err := os.Rename(tmp.Name(), path); err != nil {
			return false, fmt.Errorf("secret key file %s: %w", path, err)
		}
		return true, nil
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return true, nil
}
