package faults_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

var verifyOK = regexp.MustCompile(`(?m)^(\S+): ok: (\d+) ledger entries`)

// checkVerified requires `attest verify` to have reported slug as ok.
func checkVerified(t *testing.T, out, slug string) {
	t.Helper()
	for _, m := range verifyOK.FindAllStringSubmatch(out, -1) {
		if m[1] == slug {
			return
		}
	}
	t.Errorf("attest verify printed %q, want %q", out, slug+": ok: …")
}

// checkAcknowledged holds the install to its promise, through the store: the
// ledger is one chain numbered 1…n without a gap or a repeat, one entry per
// evidence row; every row's blob re-hashes to it; and every acknowledged
// upload is there as it was acknowledged (uid, hash, ledger entry).
func checkAcknowledged(t *testing.T, ctx context.Context, opts store.Options, blobURL, slug string, uploads []*upload) {
	t.Helper()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs, err := blob.Open(ctx, blobURL, opts.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	org, err := db.OrgBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := db.LedgerEntries(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Fatalf("ledger entry %d has seq %d: the chain has a gap or a repeat", i+1, e.Seq)
		}
		if i > 0 && e.Prev != entries[i-1].Hash {
			t.Fatalf("ledger entry %d does not link to entry %d: the chain forked", e.Seq, e.Seq-1)
		}
	}
	if len(entries) != len(rows) {
		t.Errorf("%d ledger entries for %d evidence rows", len(entries), len(rows))
	}
	byTitle := map[string]attest.Evidence{}
	for _, ev := range rows {
		byTitle[ev.Title] = ev
		rc, _, err := blobs.Open(ctx, ev.SHA256)
		if err != nil {
			t.Errorf("evidence %s (%s): a row without its blob: %v", ev.UID, ev.Title, err)
			continue
		}
		sha, n, err := ledger.HashReader(rc)
		rc.Close()
		if err != nil || sha != ev.SHA256 || n != ev.Size {
			t.Errorf("evidence %s (%s): blob holds sha256 %s (%d bytes, %v), the row says %s (%d bytes)", ev.UID, ev.Title, sha, n, err, ev.SHA256, ev.Size)
		}
	}
	acked := 0
	for _, u := range uploads {
		if u.ack == nil {
			continue
		}
		acked++
		ev, ok := byTitle[u.title]
		if !ok || ev.UID != u.ack.UID || ev.SHA256 != u.ack.SHA256 || ev.LedgerSeq != u.ack.LedgerSeq {
			t.Errorf("%s was acknowledged as %+v, but the database holds %+v (stored: %v)", u.title, *u.ack, ev, ok)
		}
	}
	t.Logf("%s: %d evidence rows, %d ledger entries, %d acknowledged uploads checked", slug, len(rows), len(entries), acked)
}
