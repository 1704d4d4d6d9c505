package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/attest-hq/attest/store"
)

// The database holds every password hash and every organization's data: its
// files are the owner's alone, whatever the folder's mode and the umask.
func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for _, name := range []string{"attest.db", "attest.db-wal", "attest.db-shm"} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if m := fi.Mode().Perm(); m != 0o600 {
				t.Errorf("%s: %s has mode %#o, want 0600", when, name, m)
			}
		}
	}
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil { // writes: the WAL and shared memory exist now
		t.Fatal(err)
	}
	check("new database")
	db.Close()

	// A database made by an earlier version with 0644 files is tightened on open.
	for _, name := range []string{"attest.db", "attest.db-wal", "attest.db-shm"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			os.Chmod(p, 0o644)
		} else if err := os.WriteFile(p, nil, 0o644); err != nil && name != "attest.db" {
			t.Fatal(err)
		}
	}
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("existing database")
}

// A data directory's name may hold what SQLite's URIs give a meaning to ("?",
// "#", "%"): the database is still the file named, and no other.
func TestSQLiteFileAtAnyPath(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"audit#2", "what?", "50%", "a%20b", "%3f"} {
		parent := t.TempDir()
		dir := filepath.Join(parent, name)
		db, err := store.Open(ctx, store.Options{DataDir: dir})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		_, err = db.Migrate(ctx)
		db.Close()
		if err != nil {
			t.Errorf("%s: migrate: %v", name, err)
			continue
		}
		entries, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Name() != name {
			t.Errorf("%s: the data directory's parent holds %v, want only %q", name, entries, name)
		}
		if fi, err := os.Stat(filepath.Join(dir, "attest.db")); err != nil || fi.Size() == 0 {
			t.Errorf("%s: no database at %s: %v", name, filepath.Join(dir, "attest.db"), err)
		}
	}
}
