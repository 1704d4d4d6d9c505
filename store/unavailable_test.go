package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	_ "modernc.org/sqlite"
)

// A database behind a proxy the test cuts: queries fail as EUNAVAILABLE
// with a message that names no host or user, and succeed again once the
// connection is back, through the same pool.
func TestUnavailableWhenPostgresIsCut(t *testing.T) {
	ctx := t.Context()
	direct := storetest.URL(t, store.Postgres)
	viaProxy, proxy := storetest.ThroughProxy(t, direct)
	db, err := store.Open(ctx, store.Options{URL: viaProxy})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := storetest.MustOrg(t, db, "acme")
	proxy.Cut()
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = db.OrgBySlug(short, "acme")
	if err == nil {
		t.Fatal("a query through a cut connection succeeded")
	}
	got := store.Unavailable(err)
	if attest.ErrorCode(got) != attest.EUNAVAILABLE || !strings.Contains(attest.ErrorMessage(got), "cannot be reached") {
		t.Fatalf("a lost database: %v (code %s), from %v", got, attest.ErrorCode(got), err)
	}
	if msg := attest.ErrorMessage(got); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "postgres") {
		t.Fatalf("the message names the connection: %s", msg)
	}
	if !errors.Is(got, err) {
		t.Fatal("the cause is not kept for the logs")
	}
	proxy.Restore()
	var back attest.Organization
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if back, err = db.OrgBySlug(ctx, "acme"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || back.ID != org.ID {
		t.Fatalf("after the connection came back: %+v, %v", back, err)
	}
}

// Opening a database nothing listens for is EUNAVAILABLE too.
func TestUnavailableWhenNothingListens(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	db, err := store.Open(ctx, store.Options{URL: "postgres://postgres@" + addr + "/test?sslmode=disable&connect_timeout=2"})
	if err == nil {
		_, err = db.Migrate(ctx)
		db.Close()
	}
	if attest.ErrorCode(store.Unavailable(err)) != attest.EUNAVAILABLE {
		t.Fatalf("a database nothing listens for: %v", err)
	}
}

// A full disk, as SQLite and the operating system report it, is
// EUNAVAILABLE with its own message; other errors pass unchanged.
func TestUnavailableWhenDiskIsFull(t *testing.T) {
	raw, err := sql.Open("sqlite", store.FileURI(t.TempDir()+"/full.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1) // the page limit is the connection's
	for _, q := range []string{"CREATE TABLE t (b BLOB)", "PRAGMA max_page_count = 8"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	_, err = raw.Exec("INSERT INTO t VALUES (zeroblob(1000000))")
	if got := store.Unavailable(err); attest.ErrorCode(got) != attest.EUNAVAILABLE || !strings.Contains(attest.ErrorMessage(got), "disk") {
		t.Fatalf("SQLite out of pages: %v, from %v", got, err)
	}
	// /dev/full answers every write with ENOSPC, as a full disk does.
	err = os.WriteFile("/dev/full", []byte("evidence"), 0o600)
	if got := store.Unavailable(fmt.Errorf("store blob: %w", err)); attest.ErrorCode(got) != attest.EUNAVAILABLE || !strings.Contains(attest.ErrorMessage(got), "disk") {
		t.Fatalf("ENOSPC: %v, from %v", got, err)
	}
	_, missing := os.Stat(filepath.Join(t.TempDir(), "missing.json"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, taken := net.Listen("tcp", ln.Addr().String()) // our own listener's port: not the database
	for _, e := range []error{nil, attest.Invalid("title", "is required"), errors.New("a bug"), sql.ErrNoRows, missing, taken} {
		if got := store.Unavailable(e); got != e {
			t.Errorf("Unavailable(%v) = %v, want it unchanged", e, got)
		}
	}
}
