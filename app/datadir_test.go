package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/auth"
)

// An install whose data folder others can read starts, warns, and keeps its
// database files private.
func TestOpenWarnsOfAnOpenDataFolder(t *testing.T) {
	ctx := context.Background()
	for mode, warn := range map[os.FileMode]bool{0o755: true, 0o700: false} {
		dir := filepath.Join(t.TempDir(), "data")
		if err := os.Mkdir(dir, mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, mode) // whatever the umask
		var logs bytes.Buffer
		s, err := Open(ctx, Config{DataDir: dir, PasswordParams: auth.TestParams, Log: slog.New(slog.NewTextHandler(&logs, nil))}, Needs{})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		got := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "data folder is readable by other users")
		if got != warn {
			t.Errorf("folder %#o: warned %v, want %v: %s", mode, got, warn, logs.String())
		}
		fi, err := os.Stat(filepath.Join(dir, "attest.db"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("folder %#o: database file %v %v", mode, fi.Mode(), err)
		}
	}
}
