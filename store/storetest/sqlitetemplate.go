package storetest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// SQLiteTemplate is a SQLite database prepared once per test binary (by
// Build: migrated, and populated if it likes) and copied for each test: the
// SQLite counterpart of PostgresTemplate. Replaying the migrations costs 50 ms
// a database, and over a second under the race detector, which instruments
// SQLite's own code (a Go translation of C) along with ours; copying the file
// costs a write of about a megabyte.
//
// The prepared database is held in memory, so nothing is left on disk when
// the test binary ends.
type SQLiteTemplate struct {
	// Build prepares the database at url. It must close the database it
	// opens: closing checkpoints the write-ahead log into the file copied.
	Build func(url string) error

	once  sync.Once
	image []byte
	err   error
}

// Clone returns the URL of a fresh copy of the template in a directory of
// t's, removed when t ends.
func (p *SQLiteTemplate) Clone(t testing.TB) string {
	t.Helper()
	p.once.Do(p.build)
	if p.err != nil {
		t.Fatalf("SQLite template: %v", p.err)
	}
	path := filepath.Join(t.TempDir(), "attest.db")
	if err := os.WriteFile(path, p.image, 0o600); err != nil {
		t.Fatalf("copy the SQLite template: %v", err)
	}
	return "sqlite:" + path
}

func (p *SQLiteTemplate) build() {
	dir, err := os.MkdirTemp("", "attest-template-")
	if err != nil {
		p.err = err
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "attest.db")
	if err := p.Build("sqlite:" + path); err != nil {
		p.err = err
		return
	}
	for _, suffix := range []string{"-wal", "-journal"} {
		if fi, err := os.Stat(path + suffix); err == nil && fi.Size() > 0 {
			p.err = fmt.Errorf("the template's %s file holds %d bytes after Build: close the database it opens", suffix, fi.Size())
			return
		}
	}
	p.image, p.err = os.ReadFile(path)
}
