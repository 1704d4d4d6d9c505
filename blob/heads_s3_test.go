package blob_test

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/ledger"
)

// TestS3KeepsLedgerHeads runs the ledger's saved heads against the S3 gateway:
// a head saved in the bucket reveals a chain cut back behind it.
func TestS3KeepsLedgerHeads(t *testing.T) {
	s := blob.S3ForTest(t)
	heads := chain.Stores("", s)
	if len(heads) != 1 {
		t.Fatalf("Stores on S3 = %v, want the bucket's heads", heads)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	c := &chain.Chain{Key: key, Heads: heads}
	var entries []ledger.Entry
	var prev *ledger.Entry
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		e := ledger.Next(prev, "acme", "test", string(rune('a'+i)), ledger.HashBytes([]byte{byte(i)}), at)
		entries = append(entries, e)
		prev = &entries[len(entries)-1]
	}
	if err := c.SaveHead(t.Context(), ledger.Sign(key, "acme", entries[4], at)); err != nil {
		t.Fatal(err)
	}
	saved, err := heads[0].Head(t.Context(), "acme")
	if err != nil || saved == nil || saved.Seq != 5 {
		t.Fatalf("saved head: %+v %v", saved, err)
	}
	last := ledger.Sign(key, "acme", entries[1], at)
	err = c.CheckHeads(t.Context(), "acme", entries[:2], &last)
	if err == nil || !strings.Contains(err.Error(), "the database ends at entry 2") || !strings.Contains(err.Error(), "entries 3–5 are missing") {
		t.Fatalf("a cut-back against the bucket's head: %v", err)
	}
	if err := c.CheckHeads(t.Context(), "acme", entries, nil); err != nil {
		t.Fatal(err)
	}
}
