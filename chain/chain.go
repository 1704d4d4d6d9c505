// Package chain is the one way records enter an organization's ledger. Every
// record type (evidence today; policy approvals, acceptances, resource
// snapshots and test-run summaries next) is appended by [Chain.Append], or
// several records at once by [Chain.AppendAll], inside the caller's
// transaction: the head is checked, the entries appended and a checkpoint
// signed at the last of them, so records and their entries commit or fail
// together.
//
// Adding a record type:
//
//  1. name it and specify its canonical record, version by version, in the
//     package documentation of ledger (section "Record types"), and add its
//     RecordType constant there;
//  2. in its service, build the record, hash it with ledger.HashRecord, store
//     the row with the record bytes, and call Append with a [Record] of that type
//     (AppendAll with several, for a batch);
//  3. export its records in ledger.Bundle.Records (evidence.Service.Export
//     builds the bundle), so that every entry's record travels with the chain;
//  4. teach the verifiers to re-check it: a check in the service's Verify, and
//     one in ledger's recordChecks for bundles. Until then its entries still
//     verify as links of the chain, under the checkpoints, and its bundle
//     records are held to their hashes.
//
// After the transaction commits, AppendAll copies the new signed head to the
// [HeadStore]s, outside the database, so that deleting the newest entries
// together with their checkpoints and rows (a cut-back, which the chain itself
// cannot reveal) is caught by [Chain.CheckHeads].
package chain

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"sync"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Record is what an entry commits to: the record's type, its stable
// identifier and the hex SHA-256 of its canonical bytes.
type Record struct {
	Type string // ledger.RecordTypeEvidence, …
	ID   string // the record's public identifier, such as an evidence uid
	Hash string // ledger.HashRecord of the record
}

// Chain appends to ledgers and signs their heads with the install's key.
type Chain struct {
	Key   ed25519.PrivateKey
	Heads []HeadStore // copies of each organization's signed head; may be empty
	// Appended, when set, is told the record type of each entry once its
	// transaction has committed (the process's metrics count them).
	Appended func(recordType string)

	mu sync.Mutex // orders head writes within the process
}

// Public returns the key checkpoints are verified with.
func (c *Chain) Public() ed25519.PublicKey { return c.Key.Public().(ed25519.PublicKey) }

// Append adds rec to the organization's chain on its current head and signs a
// checkpoint at the new entry, inside tx: AppendAll with one record.
func (c *Chain) Append(ctx context.Context, tx *store.Queries, org attest.Organization, rec Record) (ledger.Entry, error) {
	entries, err := c.AppendAll(ctx, tx, org, []Record{rec})
	if err != nil {
		return ledger.Entry{}, err
	}
	return entries[0], nil
}

// AppendAll adds recs to the organization's chain, in order, on its current
// head, and signs one checkpoint at the last new entry, inside tx: a batch
// costs one signature and one head check however many records it holds, and
// every entry in it is covered by that checkpoint, since each commits to the
// one before. It refuses a head the install did not sign (see CheckHead) and
// a chain shorter than a head store remembers. It refuses an empty recs
// rather than do nothing, since there would be no entry to sign: a caller
// with nothing to record has a mistake to report, not a checkpoint to write.
// A bad record refuses the whole batch before anything is written.
//
// Once tx commits, the new head is written to every head store (once per
// batch); a failure there is logged, not returned, since the entries have
// committed (the next append or verification writes it again). Appended is
// told of each record.
func (c *Chain) AppendAll(ctx context.Context, tx *store.Queries, org attest.Organization, recs []Record) ([]ledger.Entry, error) {
	if len(recs) == 0 {
		return nil, fmt.Errorf("ledger: nothing to append to the ledger of %s", org.Slug)
	}
	for i, rec := range recs {
		if rec.Type == "" || rec.ID == "" || len(rec.Hash) != 64 {
			err := fmt.Errorf("ledger: a record needs a type, an id and a SHA-256 (got %q, %q, %q)", rec.Type, rec.ID, rec.Hash)
			if len(recs) > 1 {
				err = fmt.Errorf("record %d of %d: %w", i+1, len(recs), err)
			}
			return nil, err
		}
	}
	if c == nil || len(c.Key) != ed25519.PrivateKeySize {
		// A command that opened the install without its signing key
		// (app.Needs.Evidence) cannot sign a checkpoint: say so, never panic.
		return nil, attest.Errorf(attest.EINTERNAL, "ledger: no signing key is loaded, so nothing can be appended to the ledger")
	}
	head, err := tx.LedgerHead(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	if err := c.CheckHead(ctx, tx, org, head); err != nil {
		return nil, err
	}
	if err := c.checkSaved(ctx, tx, org, head); err != nil {
		return nil, err
	}
	now := tx.Now()
	entries := make([]ledger.Entry, 0, len(recs))
	for _, rec := range recs {
		entry := ledger.Next(head, org.Slug, rec.Type, rec.ID, rec.Hash, now)
		if err := tx.AppendLedger(ctx, org.ID, entry); err != nil {
			return nil, err
		}
		entries = append(entries, entry)
		head = &entries[len(entries)-1]
	}
	cp := ledger.Sign(c.Key, org.Slug, *head, now)
	if err := tx.AddCheckpoint(ctx, org.ID, cp); err != nil {
		return nil, err
	}
	if c.Appended != nil {
		tx.AfterCommit(func() {
			for _, rec := range recs {
				c.Appended(rec.Type)
			}
		})
	}
	if len(c.Heads) > 0 {
		tx.AfterCommit(func() {
			// The request's context may be over by now; the write is short.
			if err := c.SaveHead(context.WithoutCancel(ctx), cp); err != nil {
				slog.Error("ledger: the entries committed, but their signed head was not saved outside the database", "org", org.Slug, "seq", cp.Seq, "err", err)
			}
		})
	}
	return entries, nil
}

// CheckHead refuses to build on a head that the install did not sign: every
// append signs a checkpoint at the new head, so the head must be exactly the
// last checkpoint's entry, intact, under this install's key. Otherwise the
// chain was changed outside Attest, and signing on top of it would vouch for
// the change. head is nil for an empty chain.
func (c *Chain) CheckHead(ctx context.Context, tx *store.Queries, org attest.Organization, head *ledger.Entry) error {
	if head == nil {
		return nil
	}
	cp, err := tx.LastCheckpoint(ctx, org.ID)
	if err != nil {
		return err
	}
	switch {
	case head.ComputeHash() != head.Hash:
		return fmt.Errorf("ledger entry %d of %s does not match its hash; it was changed outside Attest: run attest verify", head.Seq, org.Slug)
	case cp == nil:
		return fmt.Errorf("the ledger of %s has %d entries but no checkpoint; it was changed outside Attest: run attest verify", org.Slug, head.Seq)
	case cp.Seq != head.Seq || cp.Hash != head.Hash:
		return fmt.Errorf("the ledger head of %s (entry %d) is not the last signed checkpoint (entry %d); it was changed outside Attest: run attest verify", org.Slug, head.Seq, cp.Seq)
	}
	if err := ledger.VerifyCheckpoint(c.Public(), *cp); err != nil {
		return fmt.Errorf("the last checkpoint of %s does not verify with this install's key: %w", org.Slug, err)
	}
	return nil
}

// checkSaved refuses a chain that does not reach the saved heads: appending
// to a chain cut back behind them would write entries over the missing ones.
func (c *Chain) checkSaved(ctx context.Context, tx *store.Queries, org attest.Organization, head *ledger.Entry) error {
	for _, hs := range c.Heads {
		saved, err := hs.Head(ctx, org.Slug)
		if err != nil {
			return fmt.Errorf("reading the saved head of %s: %w", org.Slug, err)
		}
		if saved == nil {
			continue
		}
		var last int64
		var hashAt string
		if head != nil {
			last = head.Seq
			if saved.Seq >= 1 && saved.Seq <= head.Seq {
				e, err := tx.LedgerEntry(ctx, org.ID, saved.Seq)
				if err != nil {
					return err
				}
				hashAt = e.Hash
			}
		}
		if err := CompareHead(last, hashAt, *saved, c.Public(), hs.String()); err != nil {
			return fmt.Errorf("refusing to append to the ledger of %s: %w", org.Slug, err)
		}
	}
	return nil
}

// AppendRecord stores a record of a type other than evidence (its canonical
// bytes, kept for verifiers and bundles) and appends its entry, inside tx:
// what every service recording to the ledger does.
func (c *Chain) AppendRecord(ctx context.Context, tx *store.Queries, org attest.Organization, typ, id string, rec any) error {
	hash, canon, err := ledger.HashRecord(rec)
	if err != nil {
		return err
	}
	if err := tx.SaveLedgerRecord(ctx, org.ID, ledger.BundleRecord{Type: typ, ID: id, RecordHash: hash, Record: canon}); err != nil {
		return err
	}
	_, err = c.Append(ctx, tx, org, Record{Type: typ, ID: id, Hash: hash})
	return err
}
