package evidence_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store/storetest"
)

func shaOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// age sets the modification time of the filesystem blob sha to d ago.
func (f *fixture) age(t *testing.T, sha string, d time.Duration) {
	t.Helper()
	p := filepath.Join(f.dir, "sha256", sha[:2], sha[2:4], sha)
	when := time.Now().Add(-d)
	if err := os.Chtimes(p, when, when); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) put(t *testing.T, content string) string {
	t.Helper()
	sha, _, err := f.svc.Blobs.Put(ctx, strings.NewReader(content), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return sha
}

func (f *fixture) stored(t *testing.T, sha string) bool {
	t.Helper()
	_, err := f.svc.Blobs.Stat(ctx, sha)
	if err != nil && !errors.Is(err, blob.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// TestCollectGarbageRemovesOnlyOldOrphans: the collector removes a blob only
// when no evidence refers to it and it is older than the cut-off, so that an
// upload still being recorded keeps its blob.
func TestCollectGarbageRemovesOnlyOldOrphans(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			live := f.add(t, "live.csv", "referenced content")
			oldOrphan := f.put(t, "an upload that failed yesterday")
			youngOrphan := f.put(t, "an upload being recorded right now")
			f.age(t, live.SHA256, 72*time.Hour)
			f.age(t, oldOrphan, 48*time.Hour)
			cutoff := time.Now().Add(-evidence.GCGrace)

			rep, err := f.svc.CollectGarbage(ctx, cutoff, true)
			want := evidence.GCReport{Blobs: 3, Referenced: 1, Removed: 1, Bytes: int64(len("an upload that failed yesterday")), Young: 1}
			if err != nil || rep != want {
				t.Fatalf("dry run = %+v, %v; want %+v", rep, err, want)
			}
			if !f.stored(t, oldOrphan) {
				t.Fatal("a dry run removed a blob")
			}
			rep, err = f.svc.CollectGarbage(ctx, cutoff, false)
			if err != nil || rep != want {
				t.Fatalf("collection = %+v, %v; want %+v", rep, err, want)
			}
			if f.stored(t, oldOrphan) {
				t.Error("the old unreferenced blob is still stored")
			}
			if !f.stored(t, youngOrphan) {
				t.Error("the young unreferenced blob was removed: an upload in flight would lose its content")
			}
			if !f.stored(t, live.SHA256) {
				t.Error("a referenced blob was removed")
			}
			if rep, err := f.svc.Verify(ctx, f.org); err != nil || rep.Blobs != 1 {
				t.Fatalf("verify after collection: %+v, %v", rep, err)
			}
			// Once nothing is left to remove, a second run removes nothing.
			if rep, err := f.svc.CollectGarbage(ctx, cutoff, false); err != nil || rep.Removed != 0 || rep.Blobs != 2 {
				t.Fatalf("second collection = %+v, %v", rep, err)
			}
		})
	}
}

// racingStore lets a test act between the collector's walk and its deletes.
type racingStore struct {
	blob.Store
	afterWalk func()
}

func (s *racingStore) Walk(ctx context.Context, fn func(blob.Info) error) error {
	err := s.Store.Walk(ctx, fn)
	s.afterWalk()
	return err
}

// TestCollectGarbageRechecksBeforeDeleting: an old orphan that an upload of
// the same content comes to refer to after the walk is kept.
func TestCollectGarbageRechecksBeforeDeleting(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			f.add(t, "live.csv", "referenced content")
			content := "uploaded again while the collector runs"
			orphan := f.put(t, content)
			f.age(t, orphan, 48*time.Hour)
			inner := f.svc.Blobs
			f.svc.Blobs = &racingStore{Store: inner, afterWalk: func() { f.add(t, "again.txt", content) }}
			rep, err := f.svc.CollectGarbage(ctx, time.Now().Add(-evidence.GCGrace), false)
			if err != nil || rep.Removed != 0 {
				t.Fatalf("collection = %+v, %v; want nothing removed", rep, err)
			}
			f.svc.Blobs = inner
			if !f.stored(t, orphan) {
				t.Fatal("the collector removed a blob that evidence came to refer to during its walk")
			}
		})
	}
}

// TestEmptyUploadLeavesNoBlob: refused empty content does not stay behind.
func TestEmptyUploadLeavesNoBlob(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			_, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: "file", Title: "empty", Filename: "empty.txt"}, strings.NewReader(""))
			if !errors.Is(err, evidence.ErrEmpty) {
				t.Fatalf("empty upload: %v, want ErrEmpty", err)
			}
			if f.stored(t, shaOf("")) {
				t.Fatal("a refused empty upload left its blob behind")
			}
		})
	}
}

// TestCollectGarbageRefusesAStoreNothingRefersTo: a store paired with the
// wrong (say, empty) database is not emptied.
func TestCollectGarbageRefusesAStoreNothingRefersTo(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			sha := f.put(t, "evidence of another install's database")
			f.age(t, sha, 48*time.Hour)
			_, err := f.svc.CollectGarbage(ctx, time.Now().Add(-evidence.GCGrace), false)
			if err == nil || !strings.Contains(err.Error(), "refusing to remove 1") {
				t.Fatalf("collection with no referenced blob: %v, want a refusal", err)
			}
			if !f.stored(t, sha) {
				t.Fatal("the blob was removed")
			}
		})
	}
}
