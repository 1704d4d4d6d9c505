// Package storetest opens throw-away databases for tests: always SQLite (a
// copy of one migrated once per test binary), and PostgreSQL whenever
// ATTEST_TEST_POSTGRES_URL is set (each test in its own schema, or a copy of a
// template database). With ATTEST_TEST_STRICT=1 (as .ci/run sets) a missing
// PostgreSQL fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/store"
)

// Strict reports whether environment skips must fail (CI).
func Strict() bool { return os.Getenv("ATTEST_TEST_STRICT") == "1" }

// SkipOrFail skips the test with reason, or fails it under ATTEST_TEST_STRICT=1.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	if Strict() {
		t.Fatalf("required by ATTEST_TEST_STRICT=1: %s", reason)
	}
	t.Skip(reason)
}

// Dialects lists the dialects tests run on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn once per dialect as a subtest, on a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d, nil))
		})
	}
}

// URL returns a database URL for a fresh, empty database of dialect d, removed
// when the test ends.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	switch d {
	case store.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "attest.db")
	case store.Postgres:
		base := os.Getenv("ATTEST_TEST_POSTGRES_URL")
		if base == "" {
			SkipOrFail(t, "PostgreSQL tests need ATTEST_TEST_POSTGRES_URL (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
		}
		return pgSchema(t, base)
	}
	t.Fatalf("unknown dialect %q", d)
	return ""
}

// migrated is a SQLite database with every migration applied, copied by Open.
var migrated = SQLiteTemplate{Build: func(url string) error {
	db, err := store.Open(context.Background(), store.Options{URL: url})
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(context.Background())
	return err
}}

// Open returns a migrated database of dialect d with an optional clock.
func Open(t testing.TB, d store.Dialect, now func() time.Time) *store.DB {
	t.Helper()
	ctx := context.Background()
	var u string
	if d == store.SQLite {
		u = migrated.Clone(t)
	} else {
		u = URL(t, d)
	}
	db, err := store.Open(ctx, store.Options{URL: u, Now: now})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	// A no-op on SQLite's copy, which holds every migration already.
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return db
}

func pgSchema(t testing.TB, base string) string {
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("postgres at %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("ATTEST_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// A throw-away schema needs no commit to wait for its WAL flush: the
	// tests' thousands of small transactions (migrations above all) run
	// several times faster, and nothing a test checks depends on PostgreSQL
	// surviving a crash of this machine.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// Raw opens a second, plain connection to a test database, for tests that
// tamper with rows behind the store's back (as an attacker with database
// access would) to prove that verification notices.
func Raw(t testing.TB, dbURL string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", dbURL
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		driver, dsn = "sqlite", store.FileURI(path)+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
