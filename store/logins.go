package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"
)

// Failure scopes for login throttling.
const (
	ScopeAccount = "account"
	ScopeAddress = "address"
)

// RecordLoginFailure notes a failed login for a key (an email or an address).
func (q *Queries) RecordLoginFailure(ctx context.Context, scope, key string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO login_failures (scope, key, at) VALUES ($1, $2, $3)`, scope, key, q.now())
	return err
}

// LoginFailures returns the failure times for a key since a moment.
func (q *Queries) LoginFailures(ctx context.Context, scope, key string, since time.Time) ([]time.Time, error) {
	return q.times(ctx, `SELECT at FROM login_failures WHERE scope = $1 AND key = $2 AND at > $3`, scope, key, stamp(since))
}

// times runs a query of one timestamp column.
func (q *Queries) times(ctx context.Context, query string, args ...any) ([]time.Time, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ClearLoginFailures forgets an account's failures after a successful login.
func (q *Queries) ClearLoginFailures(ctx context.Context, scope, key string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE scope = $1 AND key = $2`, scope, key)
	return err
}

// PruneLoginFailures drops failures older than a moment.
func (q *Queries) PruneLoginFailures(ctx context.Context, before time.Time) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, stamp(before))
	return err
}

// Sign-in attempts are reserved before the password is checked: in one
// transaction, LockLogin serializes attempts for the same account or address,
// LoginFailuresFor counts what is recorded, and ReserveLoginFailure records
// this attempt as a failure. Concurrent attempts therefore each see the ones
// before them, and no more than the limit are ever checked. A success or an
// attempt never checked then takes its reservation back (ReleaseLoginFailure).

// LoginFailureTimes are the recent failures that concern one attempt: for the
// account from this address (Pair), for the account from anywhere, and from the
// address for any account.
type LoginFailureTimes struct {
	Pair, Account, Address []time.Time
}

// LoginReservation names the rows a reserved attempt recorded.
type LoginReservation struct {
	AccountRow, AddressRow int64
}

// LockLogin takes, until the transaction ends, a lock for the account and one
// for the address. On PostgreSQL these are transaction-level advisory locks
// keyed by a hash of the account or the address (always the account's first, so
// two attempts cannot wait for each other); attempts for other accounts from
// other addresses do not wait. On SQLite, Update's transactions are immediate:
// each holds the database's write lock from its start, which serializes them
// already.
func (q *Queries) LockLogin(ctx context.Context, account, address string) error {
	if q.dialect != Postgres {
		return nil
	}
	for _, k := range []string{"attest.login.account\x00" + account, "attest.login.address\x00" + address} {
		h := fnv.New64a()
		h.Write([]byte(k))
		if _, err := q.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64())); err != nil {
			return fmt.Errorf("lock sign-in attempts: %w", err)
		}
	}
	return nil
}

// LoginFailuresFor returns the failures since a moment for an account from an
// address, for the account, and for the address.
func (q *Queries) LoginFailuresFor(ctx context.Context, account, address string, since time.Time) (LoginFailureTimes, error) {
	var f LoginFailureTimes
	rows, err := q.q.QueryContext(ctx, `SELECT at, address FROM login_failures WHERE scope = 'account' AND key = $1 AND at > $2`, account, stamp(since))
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var t time.Time
		var from string
		if err := rows.Scan(&t, &from); err != nil {
			return f, err
		}
		f.Account = append(f.Account, t)
		if from == address {
			f.Pair = append(f.Pair, t)
		}
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	f.Address, err = q.LoginFailures(ctx, ScopeAddress, address, since)
	return f, err
}

// ReserveLoginFailure records an attempt as a failure, for the account (with
// the address it came from) and for the address.
func (q *Queries) ReserveLoginFailure(ctx context.Context, account, address string) (LoginReservation, error) {
	var r LoginReservation
	at := q.now()
	if err := q.q.QueryRowContext(ctx, `INSERT INTO login_failures (scope, key, address, at) VALUES ('account', $1, $2, $3) RETURNING id`,
		account, address, at).Scan(&r.AccountRow); err != nil {
		return r, fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	if err := q.q.QueryRowContext(ctx, `INSERT INTO login_failures (scope, key, address, at) VALUES ('address', $1, $1, $2) RETURNING id`,
		address, at).Scan(&r.AddressRow); err != nil {
		return r, fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	return r, nil
}

// ReleaseLoginFailure takes a reservation back: the attempt succeeded or was
// never checked.
func (q *Queries) ReleaseLoginFailure(ctx context.Context, r LoginReservation) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE id IN ($1, $2)`, r.AccountRow, r.AddressRow)
	return err
}

// ClearLoginPair forgets an account's failures from one address, after a
// successful sign-in from there. Failures from other addresses still count
// towards the account-wide limit.
func (q *Queries) ClearLoginPair(ctx context.Context, account, address string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE scope = 'account' AND key = $1 AND address = $2`, account, address)
	return err
}
