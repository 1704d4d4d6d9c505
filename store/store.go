// Package store persists Attest's records in SQLite (embedded, the default) or
// PostgreSQL (production). Both dialects share one logical schema and the same
// hand-written SQL; only the migrations differ per dialect.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/attest-hq/attest"
)

// Dialect names a supported database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is an open database. Its embedded Queries run outside any transaction; use
// Update for changes that must commit together (a change and its activity entry).
type DB struct {
	Queries
	sql *sql.DB
	// write is where writes run: on SQLite a handle of its own with one
	// connection (SQLite has one writer at a time anyway), so the pages a
	// monitoring run rewrites stay in that connection's large cache from one
	// transaction to the next, and the readers' connections can keep small
	// ones; on PostgreSQL the same pool as sql.
	write   *sql.DB
	dialect Dialect
	where   string // what to call the database in messages, without credentials
	// writer is SQLite's one write lock, taken in this process before BEGIN
	// and before a single statement that writes (writeLock). Writers of one
	// process queue here without a connection and are handed the lock the
	// moment it is free; waiting inside BEGIN, each would hold one of the
	// pool's connections, and a few waiting behind a long write would leave
	// none for reads. What does not come through here (River's statements,
	// a statement that writes through QueryRowContext outside Update,
	// another process on the same file) still waits in SQLite's busy
	// handler. Nil for PostgreSQL, whose writers do not exclude each other.
	// Copies of the DB (WithClock) share it.
	writer writeLock
	stmts  *stmtCache // the pool's prepared statements, closed with it
}

// writeLock is SQLite's write lock as this process takes it: a channel
// holding one token, nil when there is no such lock.
type writeLock chan struct{}

// writerWait is how long a writer waits for SQLite's write lock in this
// process before giving up, as busy_timeout does for the database's.
var writerWait = 10 * time.Second

// ErrWriterBusy is what a write returns when another write of this process
// held SQLite's write lock for longer than it waits (10 s, as long as
// SQLite's busy_timeout).
var ErrWriterBusy = errors.New("database is locked: another write held it too long")

// take waits for the lock until ctx ends or writerWait passes, and returns
// what gives it back.
func (l writeLock) take(ctx context.Context) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	release = func() { <-l }
	select {
	case l <- struct{}{}: // free: no timer needed
		return release, nil
	default:
	}
	wait := time.NewTimer(writerWait)
	defer wait.Stop()
	select {
	case l <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-wait.C:
		return nil, ErrWriterBusy
	}
}

// pool is the connection pool as Queries uses it outside a transaction. A
// statement run with ExecContext there is a write (reads go through the
// Query methods), so on SQLite it takes the write lock for as long as it
// runs, as Update does: a session or token touched on every request must
// not wait for the lock holding a connection.
type pool struct {
	*sql.DB
	write  *sql.DB // where ExecContext runs (DB.write)
	writer writeLock
	stmts  *stmtCache // SQLite's prepared statements (stmts.go); nil on PostgreSQL
}

func (p pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	release, err := p.writer.take(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return p.write.ExecContext(ctx, query, args...)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries holds the SQL for every aggregate. The same methods serve reads on the
// database and writes inside a transaction.
type Queries struct {
	q       querier
	now     func() time.Time
	dialect Dialect
	after   *[]func() // inside Update: run after the commit succeeds
}

// Options configure Open.
type Options struct {
	URL     string           // postgres://… selects PostgreSQL; sqlite:PATH or "" selects SQLite
	DataDir string           // where the default SQLite file lives
	Now     func() time.Time // clock; time.Now when nil
}

// Open connects to the database named by opts and checks that it answers. It
// does not migrate: call Migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	clock := func() time.Time { return stamp(now()) }
	var (
		sdb     *sql.DB
		wdb     *sql.DB
		err     error
		dialect Dialect
		where   string
		maxOpen int
		maxIdle int
	)
	switch {
	case strings.HasPrefix(opts.URL, "postgres://"), strings.HasPrefix(opts.URL, "postgresql://"):
		dialect = Postgres
		where = redactURL(opts.URL)
		sdb, err = sql.Open("pgx", opts.URL)
		if err != nil {
			return nil, fmt.Errorf("database URL %s: %w", where, err)
		}
		maxOpen, maxIdle = 20, 10
		wdb = sdb
	case opts.URL == "" || strings.HasPrefix(opts.URL, "sqlite:"):
		dialect = SQLite
		path := strings.TrimPrefix(opts.URL, "sqlite:")
		if path == "" {
			if opts.DataDir == "" {
				return nil, errors.New("data directory: not set")
			}
			if err := ensureWritableDir(opts.DataDir); err != nil {
				return nil, err
			}
			path = filepath.Join(opts.DataDir, "attest.db")
		} else if err := ensureWritableDir(filepath.Dir(path)); err != nil {
			return nil, err
		}
		where = path
		if err := ownerOnly(path); err != nil {
			return nil, err
		}
		// WAL lets readers proceed during a write; immediate transactions take the
		// write lock up front so two writers wait on busy_timeout instead of
		// failing with SQLITE_BUSY half-way through. synchronous=FULL makes every
		// commit durable before it is acknowledged: what Attest acknowledged
		// (evidence, ledger entries) survives a crash of the machine, not only
		// of the process.
		//
		// Each connection caches the pages it read (cache_size, in KiB when
		// negative) until another connection's commit makes it start over.
		// The writer's is large: a monitoring run rewrites the same index
		// pages across its statements and transactions (a steady run of
		// 100,000 resources took 29 s with the default 2 MiB, 21 s with 64).
		// The readers' are small: what they read repeatedly is kept above the
		// database (kept derivations and pages), the file's pages stay in the
		// kernel's cache, and eight caches of 64 MiB kept a server of the
		// large organization at 350–500 MiB.
		dsn := func(cacheKiB int) string {
			return FileURI(path) + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_pragma=cache_size(-" + strconv.Itoa(cacheKiB) + ")&_txlock=immediate&_time_format=sqlite"
		}
		sdb, err = sql.Open("sqlite", dsn(readerCacheKiB))
		if err != nil {
			return nil, fmt.Errorf("sqlite database %s: %w", path, err)
		}
		wdb, err = sql.Open("sqlite", dsn(writerCacheKiB))
		if err != nil {
			sdb.Close()
			return nil, fmt.Errorf("sqlite database %s: %w", path, err)
		}
		wdb.SetMaxOpenConns(1)
		wdb.SetMaxIdleConns(1)
		wdb.SetConnMaxIdleTime(time.Minute)
		maxOpen, maxIdle = 8, 8
	default:
		return nil, attest.Invalid("ATTEST_DATABASE_URL", "must start with postgres://, postgresql:// or sqlite: (got %q)", redactURL(opts.URL))
	}
	// Connections stay open between requests rather than the two
	// database/sql keeps by default: under load the others were closed as
	// they were put back and opened again at once, each opening paying for
	// its settings and for preparing its statements again (a tenth of a
	// page's work). All of SQLite's stay (a file; eight at most); half of
	// PostgreSQL's, each a server process. Idle ones close after a minute,
	// and with them the memory SQLite caches for each.
	sdb.SetMaxOpenConns(maxOpen)
	sdb.SetMaxIdleConns(maxIdle)
	sdb.SetConnMaxIdleTime(time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := errors.Join(sdb.PingContext(pctx), wdb.PingContext(pctx)); err != nil {
		closePools(sdb, wdb)
		return nil, fmt.Errorf("cannot connect to database %s: %w", where, err)
	}
	var writer writeLock
	var stmts *stmtCache
	if dialect == SQLite {
		writer = make(writeLock, 1)
		stmts = &stmtCache{db: sdb, stmts: map[string]*cachedStmt{}}
	}
	return &DB{Queries: Queries{q: pool{sdb, wdb, writer, stmts}, now: clock, dialect: dialect}, sql: sdb, write: wdb, dialect: dialect, where: where, writer: writer, stmts: stmts}, nil
}

// SQLite's page caches per connection, in KiB: the writer's one and each of
// the (up to eight) readers'.
const (
	writerCacheKiB = 64 << 10
	readerCacheKiB = 8 << 10
)

// closePools closes the readers' pool and, when it is another, the writer's.
func closePools(read, write *sql.DB) error {
	err := read.Close()
	if write != read {
		err = errors.Join(err, write.Close())
	}
	return err
}

// ensureWritableDir creates dir if needed and proves it is writable, so that a
// read-only data directory fails at start-up with its name, not later.
func ensureWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// FileURI is the SQLite URI of the database file at path. SQLite reads "?" as
// the start of the URI's parameters, "#" as the start of a fragment and
// "%HH" as an escaped byte, so each is escaped: a data directory named
// "audit#2" otherwise put the database in a file named "audit" beside it.
func FileURI(path string) string {
	if strings.HasPrefix(path, "/") {
		// An empty authority: "file://" and a path of "//x" would read x as a host.
		return "file://" + uriEscaper.Replace(path)
	}
	return "file:" + uriEscaper.Replace(path)
}

var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// ownerOnly makes the SQLite database file, and its -wal and -shm files if
// they exist, readable and writable by their owner only (0600): they hold
// every password hash and every organization's data, and the folder's mode
// should not be all that protects them. A missing database file is created
// empty with that mode before SQLite opens it; SQLite creates the -wal and
// -shm files with the database file's permissions. Files of an earlier
// version, made 0644, are tightened.
func ownerOnly(path string) error {
	if strings.Contains(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil // no file, or a URI this does not parse
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite database %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlite database %s: %w", p, err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return fmt.Errorf("sqlite database %s: make it private: %w", p, err)
			}
		}
	}
	return nil
}

// redactURL drops the password from a database URL for messages and logs.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Handle is the connection pool, for a job queue that keeps its own tables in
// the same database (River's database/sql drivers take it, with Dialect to
// choose the driver). Attest's own SQL stays in this package: callers get the
// handle for such libraries, never to write queries of their own.
func (db *DB) Handle() *sql.DB { return db.sql }

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// String names the database without credentials.
func (db *DB) String() string { return string(db.dialect) + " " + db.where }

// Close closes the connection pool.
func (db *DB) Close() error {
	db.stmts.close()
	return closePools(db.sql, db.write)
}

// Analyze refreshes PostgreSQL's planner statistics, after a bulk load (the
// large demo organization): planned on the statistics of the tables as they
// were before it, the evidence list's first page sorted all 50,000 items
// (140 ms) rather than read fifty from its index (8 ms). Autovacuum does the
// same in time where it runs; a load that is read at once cannot wait for it.
// On SQLite it does nothing: its planner works without statistics, and
// gathering them could change plans the queries were written for.
func (db *DB) Analyze(ctx context.Context) error {
	if db.dialect != Postgres {
		return nil
	}
	if _, err := db.sql.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Update runs fn in a transaction and commits when it returns nil.
func (db *DB) Update(ctx context.Context, fn func(tx *Queries) error) error {
	release, err := db.writer.take(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	var after []func()
	err = func() error {
		defer release()
		return db.update(ctx, fn, &after)
	}()
	if err != nil {
		return err
	}
	// After the lock is given back: the after-commit work (the ledger's
	// head files) runs outside SQLite's lock, as it always has.
	for _, f := range after {
		f()
	}
	return nil
}

// update runs fn in a transaction and commits when it returns nil; the
// functions fn registers with AfterCommit land in after.
func (db *DB) update(ctx context.Context, fn func(tx *Queries) error, after *[]func()) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	committed := false
	defer func() {
		// Whatever ends fn (an error, a panic, runtime.Goexit from a test's
		// Fatal), the transaction must not stay open, holding SQLite's
		// write lock, until its connection is closed.
		if !committed {
			tx.Rollback()
		}
	}()
	if err := fn(&Queries{q: tx, now: db.now, dialect: db.dialect, after: after}); err != nil {
		return err
	}
	committed = true // a failed commit has ended the transaction too
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// AfterCommit runs f once the transaction has committed, in the order
// registered, and never when it rolls back: for copies of committed state
// kept outside the database (the ledger's head files). Outside a
// transaction f runs at once, since every statement has already committed.
func (q *Queries) AfterCommit(f func()) {
	if q.after == nil {
		f()
		return
	}
	*q.after = append(*q.after, f)
}

// Now is the store's clock, truncated to the precision both dialects keep.
func (q *Queries) Now() time.Time { return q.now() }

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	if db.dialect == Postgres {
		gd = goose.DialectPostgres
	}
	return goose.NewProvider(gd, db.sql, sub)
}

// Migrate applies pending migrations. Each migration runs in its own transaction
// (PostgreSQL and SQLite both have transactional DDL), so a failing one leaves
// the database as it was before it. It returns the versions applied.
func (db *DB) Migrate(ctx context.Context) ([]int64, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	var applied []int64
	for _, r := range results {
		if r.Error == nil {
			applied = append(applied, r.Source.Version)
		}
	}
	if err != nil {
		return applied, fmt.Errorf("migrate %s: %w", db, err)
	}
	return applied, nil
}

// SchemaVersion returns the current and the newest known schema versions.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	current, latest, err = p.GetVersions(ctx)
	return current, latest, err
}

// isUnique reports whether err is a unique-constraint violation in either dialect.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// stamp is how every time is stored: UTC at the microsecond precision both
// dialects keep, so a value reads back exactly as written and SQLite's text
// timestamps compare in time order.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return stamp(t)
}

// timeOf maps NULL to the zero time.
func timeOf(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return n.Time.UTC()
}

// notFound turns sql.ErrNoRows into a coded not-found error.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return attest.Errorf(attest.ENOTFOUND, "%s not found", what)
	}
	return err
}

// WithClock returns the database read and written at another clock: the same
// connections, whose records are stamped at now(). The demo tells its history
// with it; a copy is never closed on its own.
func (db *DB) WithClock(now func() time.Time) *DB {
	c := *db
	c.Queries.now = func() time.Time { return stamp(now()) }
	return &c
}
