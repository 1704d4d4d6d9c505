package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/attest-hq/attest"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Messages of the conditions Unavailable recognizes: what is wrong, in
// words for the person who sees it, without the connection's details.
const (
	msgUnreachable = "The database cannot be reached right now; nothing was changed. Try again in a moment."
	msgDiskFull    = "The disk holding Attest's data is full; nothing was changed. Free some space and try again."
	msgBusy        = "The database is busy with a long write; nothing was changed. Try again in a moment."
)

// Unavailable translates an error that says the database cannot serve now
// (unreachable, shutting down, out of connections, its write lock held too
// long) or that the disk is full
// into an attest EUNAVAILABLE, keeping it as the cause for the logs; any
// other error is returned as it is. The adapters (web, CLI) pass every
// error through it once, before mapping the code: this is the only place
// that knows the drivers' ways of saying so.
func Unavailable(err error) error {
	if err == nil || attest.ErrorCode(err) != attest.EINTERNAL {
		return err
	}
	switch {
	case diskFull(err):
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: msgDiskFull, Cause: err}
	case unreachable(err):
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: msgUnreachable, Cause: err}
	case busy(err):
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: msgBusy, Cause: err}
	}
	return err
}

// busy reports a write that waited out SQLite's write lock: in this
// process's queue, or in SQLite's busy handler behind another process.
func busy(err error) bool {
	if errors.Is(err, ErrWriterBusy) {
		return true
	}
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func diskFull(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "53100" // disk_full
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

func unreachable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08, connection exceptions; the server shutting down or
		// starting up; out of connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR:
			return true
		}
		return false
	}
	// A connection that failed (dial, read, write; not a listener of our
	// own), and not any error with a Timeout method: syscall.Errno has one,
	// and a missing file is not a lost database.
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op != "listen" {
		return true
	}
	for _, target := range []error{driver.ErrBadConn, sql.ErrConnDone, io.ErrUnexpectedEOF, syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	// pgx reports a connection lost mid-query without a typed error.
	return strings.Contains(err.Error(), "conn closed")
}
