package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// PostgresTemplate is a PostgreSQL database prepared once per test binary (by
// Build: migrated and populated) and copied for each test with CREATE
// DATABASE … TEMPLATE. Copying a database costs a fraction of replaying the
// migrations into a fresh schema, so suites that need hundreds of identical
// databases (the web authorization matrix) use it; everything else uses Open.
//
// Copies are dropped in batches once their tests end (see dropBatch), and the
// rest with the template by Close (call it from TestMain). Databases left by a
// test binary that was killed, or that did not call Close, are dropped by the
// next one that builds a template.
type PostgresTemplate struct {
	// Build prepares the template database at url. It must close every
	// connection it opens: PostgreSQL copies only a database nobody is in.
	Build func(url string) error

	once     sync.Once
	base     *url.URL
	name     string
	err      error
	dropping sync.WaitGroup

	mu      sync.Mutex
	waiting []string // copies whose tests ended, not yet dropped
}

// dbPrefix names the databases templates make: attest_t<pid>_<random>.
const dbPrefix = "attest_t"

// Clone returns the URL of a fresh copy of the template, dropped when t ends.
// It skips the test (fails it under ATTEST_TEST_STRICT=1) without
// ATTEST_TEST_POSTGRES_URL.
func (p *PostgresTemplate) Clone(t testing.TB) string {
	t.Helper()
	raw := os.Getenv("ATTEST_TEST_POSTGRES_URL")
	if raw == "" {
		SkipOrFail(t, "PostgreSQL tests need ATTEST_TEST_POSTGRES_URL (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	p.once.Do(func() { p.err = p.build(raw) })
	if p.err != nil {
		t.Fatalf("PostgreSQL template: %v", p.err)
	}
	name := newName()
	if err := p.admin(func(db *sql.DB) error {
		_, err := db.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + p.name)
		return err
	}); err != nil {
		t.Fatalf("copy the PostgreSQL template: %v", err)
	}
	t.Cleanup(func() { p.ended(name) })
	return p.url(name)
}

// dropBatch is how many ended copies wait before they are dropped together.
//
// Dropping a database makes PostgreSQL take an immediate checkpoint, which
// writes every dirty page of every database to disk, the copies the next
// tests are writing included, and holds up the next CREATE DATABASE: dropped
// one by one as their tests ended, copies cost the web authorization matrix
// 0.7 s each (50 ms without the drops). Dropped in a batch, the first drop's
// checkpoint writes what is dirty and the other drops find little left. With
// a batch still dropping, up to twice as many ended copies exist at once:
// about 1.5 GB of the web fixture's.
const dropBatch = 64

// ended notes that a copy's test has ended, and drops the copies that ended,
// in the background, once dropBatch of them wait.
func (p *PostgresTemplate) ended(name string) {
	p.mu.Lock()
	p.waiting = append(p.waiting, name)
	if len(p.waiting) < dropBatch {
		p.mu.Unlock()
		return
	}
	names := p.waiting
	p.waiting = nil
	p.mu.Unlock()
	p.dropping.Add(1)
	go func() {
		defer p.dropping.Done()
		p.drop(names...)
	}()
}

// Close drops the copies whose tests ended and waits for every drop, then
// drops the template, if one was built.
func (p *PostgresTemplate) Close() {
	p.mu.Lock()
	names := p.waiting
	p.waiting = nil
	p.mu.Unlock()
	p.drop(names...)
	p.dropping.Wait()
	if p.name != "" && p.err == nil {
		p.drop(p.name)
	}
}

func (p *PostgresTemplate) build(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("ATTEST_TEST_POSTGRES_URL: %w", err)
	}
	p.base = u
	if err := p.admin(dropAbandoned); err != nil {
		return err
	}
	p.name = newName()
	if err := p.admin(func(db *sql.DB) error {
		_, err := db.Exec(`CREATE DATABASE ` + p.name)
		return err
	}); err != nil {
		return err
	}
	if err := p.Build(p.url(p.name)); err != nil {
		p.drop(p.name)
		p.name = ""
		return err
	}
	return nil
}

// url is the base URL aimed at database name, with commits that do not wait
// for the WAL flush (see pgSchema).
func (p *PostgresTemplate) url(name string) string {
	u := *p.base
	u.Path = "/" + name
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// admin runs fn on a short-lived connection to the base database.
func (p *PostgresTemplate) admin(fn func(db *sql.DB) error) error {
	db, err := sql.Open("pgx", p.base.String())
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// drop drops databases, on one connection.
func (p *PostgresTemplate) drop(names ...string) {
	if len(names) == 0 {
		return
	}
	p.admin(func(db *sql.DB) error {
		for _, name := range names {
			db.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		}
		return nil
	})
}

func newName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%s%d_%s", dbPrefix, os.Getpid(), hex.EncodeToString(b))
}

// dropAbandoned drops the databases of test binaries that no longer run.
func dropAbandoned(db *sql.DB) error {
	rows, err := db.Query(`SELECT datname FROM pg_database WHERE datname LIKE 'attest\_t%'`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		pid, _, ok := strings.Cut(strings.TrimPrefix(n, dbPrefix), "_")
		id, err := strconv.Atoi(pid)
		if !ok || err != nil || id <= 0 {
			continue // not one of ours
		}
		if err := syscall.Kill(id, 0); !errors.Is(err, syscall.ESRCH) {
			continue // its binary still runs (or may: not ours to judge)
		}
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + n + ` WITH (FORCE)`); err != nil {
			return fmt.Errorf("drop abandoned test database %s: %w", n, err)
		}
	}
	return nil
}
