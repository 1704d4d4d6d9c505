package store

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
)

// LedgerHead returns the organization's last ledger entry, or nil when its
// chain is empty. Inside a transaction on PostgreSQL it locks the
// organization's row first, so two appends cannot both build on the same head
// (SQLite's immediate transactions already run one at a time). The lock is
// FOR NO KEY UPDATE, not FOR UPDATE: the transaction has usually inserted a row
// referring to the organization already (the evidence row), which holds a FOR
// KEY SHARE lock on it, and FOR UPDATE conflicts with that lock, so two
// concurrent appends each waited for the other's key share: a deadlock.
func (q *Queries) LedgerHead(ctx context.Context, orgID int64) (*ledger.Entry, error) {
	if q.dialect == Postgres {
		if _, err := q.q.ExecContext(ctx, `SELECT id FROM organizations WHERE id = $1 FOR NO KEY UPDATE`, orgID); err != nil {
			return nil, err
		}
	}
	rows, err := q.ledgerEntries(ctx, `WHERE l.org_id = $1 ORDER BY l.seq DESC LIMIT 1`, orgID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// AppendLedger stores an entry built on the current head.
func (q *Queries) AppendLedger(ctx context.Context, orgID int64, e ledger.Entry) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO ledger_entries (org_id, seq, prev, record_type, record_id, record_hash, at, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, orgID, e.Seq, e.Prev, e.RecordType, e.RecordID, e.RecordHash, stamp(e.At), e.Hash)
	if isUnique(err) {
		return fmt.Errorf("ledger entry %d of organization %d already exists: concurrent append", e.Seq, orgID)
	}
	return err
}

// LedgerEntries returns the organization's whole chain in order.
func (q *Queries) LedgerEntries(ctx context.Context, orgID int64) ([]ledger.Entry, error) {
	return q.ledgerEntries(ctx, `WHERE l.org_id = $1 ORDER BY l.seq`, orgID)
}

func (q *Queries) ledgerEntries(ctx context.Context, where string, args ...any) ([]ledger.Entry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT o.slug, l.seq, l.prev, l.record_type, l.record_id, l.record_hash, l.at, l.hash
FROM ledger_entries l JOIN organizations o ON o.id = l.org_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		var e ledger.Entry
		if err := rows.Scan(&e.Org, &e.Seq, &e.Prev, &e.RecordType, &e.RecordID, &e.RecordHash, &e.At, &e.Hash); err != nil {
			return nil, err
		}
		e.At = stamp(e.At)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddCheckpoint stores a signed checkpoint.
func (q *Queries) AddCheckpoint(ctx context.Context, orgID int64, c ledger.Checkpoint) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO ledger_checkpoints (org_id, seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (org_id, seq, key_id) DO NOTHING`, orgID, c.Seq, c.Hash, stamp(c.At), c.KeyID, c.Signature)
	return err
}

// LastCheckpoint returns the organization's latest checkpoint, or nil.
func (q *Queries) LastCheckpoint(ctx context.Context, orgID int64) (*ledger.Checkpoint, error) {
	var c ledger.Checkpoint
	err := q.q.QueryRowContext(ctx, `SELECT o.slug, c.seq, c.hash, c.at, c.key_id, c.signature
FROM ledger_checkpoints c JOIN organizations o ON o.id = c.org_id WHERE c.org_id = $1 ORDER BY c.seq DESC, c.at DESC LIMIT 1`, orgID).
		Scan(&c.Org, &c.Seq, &c.Hash, &c.At, &c.KeyID, &c.Signature)
	if attest.ErrorCode(notFound(err, "checkpoint")) == attest.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.At = stamp(c.At)
	return &c, nil
}

// Checkpoints returns the organization's checkpoints in order.
func (q *Queries) Checkpoints(ctx context.Context, orgID int64) ([]ledger.Checkpoint, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT o.slug, c.seq, c.hash, c.at, c.key_id, c.signature
FROM ledger_checkpoints c JOIN organizations o ON o.id = c.org_id WHERE c.org_id = $1 ORDER BY c.seq, c.key_id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.Checkpoint
	for rows.Next() {
		var c ledger.Checkpoint
		if err := rows.Scan(&c.Org, &c.Seq, &c.Hash, &c.At, &c.KeyID, &c.Signature); err != nil {
			return nil, err
		}
		c.At = stamp(c.At)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LedgerEntry returns the organization's entry seq.
func (q *Queries) LedgerEntry(ctx context.Context, orgID, seq int64) (ledger.Entry, error) {
	rows, err := q.ledgerEntries(ctx, `WHERE l.org_id = $1 AND l.seq = $2`, orgID, seq)
	if err != nil {
		return ledger.Entry{}, err
	}
	if len(rows) == 0 {
		return ledger.Entry{}, attest.Errorf(attest.ENOTFOUND, "ledger entry %d not found", seq)
	}
	return rows[0], nil
}
