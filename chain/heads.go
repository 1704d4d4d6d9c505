package chain

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// A HeadStore keeps the latest signed checkpoint of each organization's chain
// outside the database. The chain proves that nothing before a checkpoint was
// changed, but someone who can write the database can delete the newest
// entries together with their checkpoints and rows, and what is left still
// verifies. A head kept elsewhere remembers how far the chain reached.
//
// A head is the checkpoint as checkpoints.json writes it, one JSON object, so
// it can be checked with the public key alone.
type HeadStore interface {
	// Head returns the saved head of the organization, or nil when none is saved.
	Head(ctx context.Context, org string) (*ledger.Checkpoint, error)
	// SetHead replaces the saved head, atomically: a reader sees the old head
	// or the new one.
	SetHead(ctx context.Context, cp ledger.Checkpoint) error
	String() string // where the heads are, for messages
}

// DirHeads keeps heads as files <Dir>/<org>.json, usually <data-dir>/heads.
type DirHeads struct{ Dir string }

func (d DirHeads) String() string { return d.Dir }

func (d DirHeads) path(org string) (string, error) {
	if !validSlug(org) {
		return "", fmt.Errorf("ledger heads: %q is not an organization slug", org)
	}
	return filepath.Join(d.Dir, org+".json"), nil
}

// Head reads <Dir>/<org>.json.
func (d DirHeads) Head(ctx context.Context, org string) (*ledger.Checkpoint, error) {
	p, err := d.path(org)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger heads: %w", err)
	}
	return decodeHead(data, p, org)
}

// SetHead writes a temporary file, syncs it, renames it over the head and
// syncs the directory, so that a crash leaves the old head or the new one.
func (d DirHeads) SetHead(ctx context.Context, cp ledger.Checkpoint) error {
	p, err := d.path(cp.Org)
	if err != nil {
		return err
	}
	data, err := encodeHead(cp)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return fmt.Errorf("ledger heads: %w", err)
	}
	f, err := os.CreateTemp(d.Dir, ".head-*.tmp")
	if err != nil {
		return fmt.Errorf("ledger heads: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename, a no-op
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err == nil {
		err = syncDir(d.Dir)
	}
	if err != nil {
		return fmt.Errorf("ledger heads: writing %s: %w", p, err)
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// BlobHeads keeps heads as objects heads/<org>.json in a blob store that keeps
// named objects (an S3 bucket), beside the evidence files.
type BlobHeads struct{ Store blob.Named }

func (b BlobHeads) String() string { return fmt.Sprintf("%v heads/", b.Store) }

// Head reads heads/<org>.json.
func (b BlobHeads) Head(ctx context.Context, org string) (*ledger.Checkpoint, error) {
	if !validSlug(org) {
		return nil, fmt.Errorf("ledger heads: %q is not an organization slug", org)
	}
	data, err := b.Store.GetNamed(ctx, "heads/"+org+".json")
	if errors.Is(err, blob.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger heads: %w", err)
	}
	return decodeHead(data, b.String()+org+".json", org)
}

// SetHead writes heads/<org>.json in one request.
func (b BlobHeads) SetHead(ctx context.Context, cp ledger.Checkpoint) error {
	if !validSlug(cp.Org) {
		return fmt.Errorf("ledger heads: %q is not an organization slug", cp.Org)
	}
	data, err := encodeHead(cp)
	if err != nil {
		return err
	}
	return b.Store.PutNamed(ctx, "heads/"+cp.Org+".json", data)
}

// Stores returns the head stores of an install: a directory heads/ in its data
// directory, and the blob store too when it keeps named objects (S3).
func Stores(dataDir string, blobs blob.Store) []HeadStore {
	var out []HeadStore
	if dataDir != "" {
		out = append(out, DirHeads{Dir: filepath.Join(dataDir, "heads")})
	}
	if named, ok := blobs.(blob.Named); ok {
		out = append(out, BlobHeads{Store: named})
	}
	return out
}

func validSlug(s string) bool {
	if s == "" || len(s) > 100 || s[0] == '.' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func encodeHead(cp ledger.Checkpoint) ([]byte, error) {
	data, err := json.Marshal(cp)
	if err != nil {
		return nil, fmt.Errorf("ledger heads: %w", err)
	}
	return append(data, '\n'), nil
}

func decodeHead(data []byte, where, org string) (*ledger.Checkpoint, error) {
	var cp ledger.Checkpoint
	if err := json.Unmarshal(data, &cp); err != nil {
		return nil, fmt.Errorf("ledger heads: %s is not a signed head: %w", where, err)
	}
	if cp.Org != org {
		return nil, fmt.Errorf("ledger heads: %s is the head of organization %q, not %q", where, cp.Org, org)
	}
	return &cp, nil
}

// CompareHead compares the database's chain with a head saved outside it. last
// is the sequence number of the database's last entry (0 for an empty chain)
// and hashAt the hash of its entry saved.Seq ("" when the chain is shorter).
// The database may be ahead of the saved head (the process stopped between
// the commit and the write; the chain itself is verified from the
// checkpoints); it must never be behind it, nor hold a different entry at its
// sequence number. where names the head store in the error.
func CompareHead(last int64, hashAt string, saved ledger.Checkpoint, pub ed25519.PublicKey, where string) error {
	if err := ledger.VerifyCheckpoint(pub, saved); err != nil {
		return fmt.Errorf("the head saved in %s does not verify with the install's key: %w", where, err)
	}
	signed := ledger.FormatTime(saved.At)
	switch {
	case saved.Seq > last && last == 0:
		return fmt.Errorf("the database has no ledger entries, but the head saved in %s records entry %d signed at %s: entries 1–%d are missing (cut back)", where, saved.Seq, signed, saved.Seq)
	case saved.Seq > last:
		missing := fmt.Sprintf("entries %d–%d are missing", last+1, saved.Seq)
		if saved.Seq == last+1 {
			missing = fmt.Sprintf("entry %d is missing", saved.Seq)
		}
		return fmt.Errorf("the database ends at entry %d but the head saved in %s records entry %d signed at %s: %s (cut back)", last, where, saved.Seq, signed, missing)
	case hashAt != saved.Hash:
		return fmt.Errorf("entry %d in the database has hash %s, but the head saved in %s signs %s at %s: the chain was rewritten from entry %d or earlier", saved.Seq, hashAt, where, saved.Hash, signed, saved.Seq)
	}
	return nil
}

// SaveHead writes cp to every head store that holds an older head (or none),
// so that heads only move forward even when commits finish out of order.
func (c *Chain) SaveHead(ctx context.Context, cp ledger.Checkpoint) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, hs := range c.Heads {
		saved, err := hs.Head(ctx, cp.Org)
		if err == nil && (saved == nil || saved.Seq < cp.Seq) {
			err = hs.SetHead(ctx, cp)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// CheckHeads compares an organization's chain, as the database holds it and
// already verified, with every saved head. entries is the whole chain in order
// and last its latest checkpoint (nil when none). When a head store is behind
// (or empty) and the chain's head is signed, the head is saved there again.
func (c *Chain) CheckHeads(ctx context.Context, org string, entries []ledger.Entry, last *ledger.Checkpoint) error {
	var n int64
	if len(entries) > 0 {
		n = entries[len(entries)-1].Seq
	}
	for _, hs := range c.Heads {
		saved, err := hs.Head(ctx, org)
		if err != nil {
			return err
		}
		if saved != nil {
			var hashAt string
			for _, e := range entries { // not indexed by seq: at start the chain is not verified
				if e.Seq == saved.Seq {
					hashAt = e.Hash
				}
			}
			if err := CompareHead(n, hashAt, *saved, c.Public(), hs.String()); err != nil {
				return err
			}
		}
	}
	if last != nil && n > 0 && last.Seq == n && last.Hash == entries[len(entries)-1].Hash && ledger.VerifyCheckpoint(c.Public(), *last) == nil {
		return c.SaveHead(ctx, *last)
	}
	return nil
}

// CheckAllHeads runs CheckHeads for every organization of db, without
// re-verifying the chains (attest verify does): at start, it reveals a cut-back
// at once. It returns every organization's problem, joined.
func (c *Chain) CheckAllHeads(ctx context.Context, db *store.DB) error {
	if len(c.Heads) == 0 {
		return nil
	}
	orgs, err := db.Orgs(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range orgs {
		// Only the head and the entries the saved heads name are read, not
		// whole ledgers: start-up stays fast however long the chains grow.
		entries, err := c.headEntries(ctx, db, o)
		if err != nil {
			return err
		}
		last, err := db.LastCheckpoint(ctx, o.ID)
		if err != nil {
			return err
		}
		if err := c.CheckHeads(ctx, o.Slug, entries, last); err != nil {
			errs = append(errs, fmt.Errorf("the ledger of %s: %w", o.Slug, err))
		}
	}
	return errors.Join(errs...)
}

// headEntries returns, in sequence order, the entries of o's ledger at the
// sequence numbers its saved heads record, followed by its head entry: what
// CheckHeads needs from the chain.
func (c *Chain) headEntries(ctx context.Context, db *store.DB, o attest.Organization) ([]ledger.Entry, error) {
	head, err := db.LedgerHead(ctx, o.ID)
	if err != nil || head == nil {
		return nil, err
	}
	var out []ledger.Entry
	for _, hs := range c.Heads {
		saved, err := hs.Head(ctx, o.Slug)
		if err != nil {
			return nil, err
		}
		if saved == nil || saved.Seq >= head.Seq {
			continue
		}
		e, err := db.LedgerEntry(ctx, o.ID, saved.Seq)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			continue // CompareHead reports the missing entry
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b ledger.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	return append(out, *head), nil
}
