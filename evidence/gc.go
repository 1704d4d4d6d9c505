package evidence

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest/blob"
)

// GCGrace is how old an unreferenced blob must be before the collector
// removes it. A blob gets its final name at the end of its upload's Put, and
// the evidence row that refers to it commits a moment later, in Add; between
// the two the blob is unreferenced but live. That moment is one short
// transaction, but a process can stall in it (a database lock, a paused VM),
// and several processes may share the store with clocks that disagree by
// minutes. A day is far beyond any of these and costs nothing but keeping a
// few orphans a day longer.
const GCGrace = 24 * time.Hour

// GCReport says what a collection found.
type GCReport struct {
	Blobs      int   // blobs in the store
	Referenced int   // of those, blobs evidence refers to
	Removed    int   // unreferenced blobs removed (or, dry, that would be)
	Bytes      int64 // their size
	Young      int   // unreferenced blobs spared for being newer than the cut-off
}

// CollectGarbage removes blobs that no evidence row refers to and that were
// stored before olderThan (give at most now minus GCGrace). Evidence rows are
// the only thing that refers to blobs; evidence is never deleted, so a blob
// referenced once stays referenced, and what the collector finds are blobs of
// uploads that failed after their content was stored.
//
// Each blob's references are checked as the store is walked, and checked again
// right before its Delete, so a blob that a new upload of the same content
// came to refer to in between is kept. A race remains: an upload whose Put
// finds the content already stored (identical content is kept once) and whose
// row commits after that last check, while the Delete runs, refers to a blob
// that is gone. That needs content identical to an upload that failed more
// than olderThan ago, added again in the few milliseconds between the check
// and the Delete. `attest verify` would report the item's blob missing, and
// adding the same file again stores the content anew.
//
// When no blob in the store is referenced at all, CollectGarbage refuses
// rather than empty the store: that is the mark of a store opened beside the
// wrong database.
//
// With dryRun, nothing is deleted and the report says what would be.
func (s *Service) CollectGarbage(ctx context.Context, olderThan time.Time, dryRun bool) (GCReport, error) {
	var rep GCReport
	var orphans []blob.Info
	err := s.Blobs.Walk(ctx, func(b blob.Info) error {
		rep.Blobs++
		ref, err := s.DB.BlobReferenced(ctx, b.SHA)
		if err != nil {
			return fmt.Errorf("checking references to blob %s: %w", b.SHA, err)
		}
		switch {
		case ref:
			rep.Referenced++
		case !b.Modified.Before(olderThan):
			rep.Young++
		default:
			orphans = append(orphans, b)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("walking the blob store %s: %w", s.Blobs, err)
	}
	if rep.Referenced == 0 && len(orphans) > 0 {
		// A store that none of the database's evidence uses is far more
		// likely paired with the wrong database (a mistyped --database-url
		// or --data-dir beside the real bucket) than full of failed uploads.
		return rep, fmt.Errorf("no evidence in the database refers to any of the %d blobs in %s; refusing to remove %d of them: check that --database-url and --blob-url name the same install", rep.Blobs, s.Blobs, len(orphans))
	}
	for _, b := range orphans {
		if !dryRun {
			// Checked again as late as possible: the walk may have taken
			// long, and an upload of the same content may have committed.
			ref, err := s.DB.BlobReferenced(ctx, b.SHA)
			if err != nil {
				return rep, fmt.Errorf("checking references to blob %s: %w", b.SHA, err)
			}
			if ref {
				continue
			}
			if err := s.Blobs.Delete(ctx, b.SHA); err != nil {
				return rep, fmt.Errorf("removing unreferenced blob %s: %w", b.SHA, err)
			}
		}
		rep.Removed++
		rep.Bytes += b.Size
	}
	return rep, nil
}

// dropUnreferenced removes the blob sha just written for an upload that was
// then refused, unless a row refers to it. It is for content no row can hold
// (empty content): nothing else can be recording it at the same time.
func (s *Service) dropUnreferenced(ctx context.Context, sha string) {
	if ref, err := s.DB.BlobReferenced(ctx, sha); err == nil && !ref {
		s.Blobs.Delete(ctx, sha) // on failure the collector removes it later
	}
}
