package blob

import (
	"context"
	"errors"
	"io"
	"os"
	"time"
)

// Batch stores several blobs and makes them durable together. On the
// filesystem that is the difference between three syncs per blob (the file,
// its directory, and the directory above when it is new), each waiting on the
// device, and two syncs of the filesystem for the whole batch: a bulk import
// of 500 small files spends a tenth of the time.
//
// A blob put through a batch is not under its name until Commit returns, so
// the caller commits the batch before it records anything that refers to its
// blobs, and calls Discard (safe after Commit) to drop what it did not
// commit. Stores without a cheaper way put each blob at once, as Put does,
// and their Commit and Discard do nothing; a discarded blob is then left to
// the collector of unreferenced blobs. A batch is used by one goroutine at a
// time.
type Batch interface {
	// Put reads, hashes and writes r as Store.Put does, with the same
	// checks and errors.
	Put(ctx context.Context, r io.Reader, want string, maxSize int64) (sha string, size int64, err error)
	// Commit makes every blob the batch put durable under its name.
	Commit(ctx context.Context) error
	// Discard drops the blobs the batch put and did not commit.
	Discard()
}

// NewBatch returns a batch of s for n blobs. A batch of one is put as Put
// puts it: syncing a whole filesystem, which other writers share, for one
// file would cost more than it saves.
func NewBatch(s Store, n int) Batch {
	if fs, ok := s.(*fsStore); ok && n > 1 {
		return &fsBatch{s: fs, syncFS: canSyncFS()}
	}
	return eachBatch{s}
}

// eachBatch puts each blob at once.
type eachBatch struct{ Store }

func (eachBatch) Commit(context.Context) error { return nil }
func (eachBatch) Discard()                     {}

// fsBatch writes each blob to a temporary file and, at Commit, syncs the
// filesystem (the files' content is then on disk), renames the files to
// their names, and syncs the filesystem again (the names are then on disk):
// the order Put keeps per file, so that no name ever points at content a
// crash could lose. Where the filesystem cannot be synced as a whole
// (canSyncFS), each file is synced as it is written and each directory once
// at Commit.
type fsBatch struct {
	s       *fsStore
	syncFS  bool
	pending []pendingBlob
	// dir is the store's directory, opened before the batch's first file
	// is written and used for both syncs: syncfs reports a failed
	// write-back only to descriptors opened before it, so one opened at
	// Commit could miss a failure another process saw first.
	dir *os.File
	// touched is when the pending files' times were last refreshed: the
	// store's opening removes temporary files an hour old, taking them for
	// an interrupted Put's, and a batch's wait unchanged until Commit.
	touched time.Time
	err     error // Commit's outcome (errCommitted: none), once committed
}

type pendingBlob struct {
	tmp, sha string
	size     int64
}

func (b *fsBatch) Put(ctx context.Context, r io.Reader, want string, maxSize int64) (string, int64, error) {
	if b.err != nil {
		return "", 0, errors.New("blob batch: Put after Commit")
	}
	if b.syncFS && b.dir == nil {
		d, err := b.s.root.Open(".")
		if err != nil {
			return "", 0, b.s.fail("opening the store's directory", err)
		}
		b.dir, b.touched = d, time.Now()
	}
	tmp, sha, size, err := b.s.writeTemp(ctx, r, want, maxSize, !b.syncFS)
	if err != nil {
		return "", 0, err
	}
	b.pending = append(b.pending, pendingBlob{tmp: tmp, sha: sha, size: size})
	b.touch(time.Now())
	return sha, size, nil
}

// touch refreshes the pending files' times if touchPending has passed.
func (b *fsBatch) touch(now time.Time) {
	if now.Sub(b.touched) <= touchPending {
		return
	}
	for _, p := range b.pending {
		b.s.root.Chtimes(p.tmp, now, now) // a file gone now fails Commit's rename
	}
	b.touched = now
}

// touchPending is how often a batch refreshes its files' times, well within
// staleTemp.
var touchPending = 10 * time.Minute

// Commit commits once: a failure is kept and returned again, since a
// second syncfs on the same descriptor would not report a failed
// write-back the first one did.
func (b *fsBatch) Commit(ctx context.Context) error {
	if b.err == nil {
		b.err = b.commit(ctx)
		if b.err == nil {
			b.err = errCommitted
		}
		b.closeDir()
	}
	if b.err == errCommitted {
		return nil
	}
	return b.err
}

// errCommitted marks a batch that committed: a later Commit has nothing to
// do.
var errCommitted = errors.New("blob batch committed")

func (b *fsBatch) commit(ctx context.Context) error {
	if len(b.pending) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.touch(time.Now())
	if b.syncFS {
		if err := b.s.syncAll(b.dir); err != nil {
			return err
		}
	}
	dirs := map[string]bool{}
	for i, p := range b.pending {
		placed, err := b.s.place(p.tmp, p.sha, p.size)
		if err != nil {
			b.pending = b.pending[i+1:] // place removed this one's file
			return err
		}
		for _, d := range placed {
			dirs[d] = true
		}
	}
	b.pending = nil
	if b.syncFS {
		return b.s.syncAll(b.dir)
	}
	var errs []error
	for d := range dirs {
		errs = append(errs, b.s.syncDir(d))
	}
	return errors.Join(errs...)
}

func (b *fsBatch) Discard() {
	for _, p := range b.pending {
		b.s.root.Remove(p.tmp)
	}
	b.pending = nil
	b.closeDir()
}

func (b *fsBatch) closeDir() {
	if b.dir != nil {
		b.dir.Close()
		b.dir = nil
	}
}

// syncAll syncs the filesystem holding the store, through d, the store's
// directory opened before what must be synced was written.
func (s *fsStore) syncAll(d *os.File) error {
	if err := syncFilesystem(d); err != nil {
		return s.fail("syncing its filesystem", err)
	}
	return nil
}
