package ledger

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// testKey returns a fixed key pair, so failures print the same key IDs every run.
func testKey(b byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = b + byte(i)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return priv.Public().(ed25519.PublicKey), priv
}

// buildChain returns n entries for organization acme, each recording evidence i.
func buildChain(n int) []Entry {
	entries := make([]Entry, 0, n)
	for i := range n {
		var prev *Entry
		if i > 0 {
			prev = &entries[i-1]
		}
		id := strconv.Itoa(i + 1)
		entries = append(entries, Next(prev, "acme", RecordTypeEvidence, id, hexSum("record "+id), t0.Add(time.Duration(i)*time.Second)))
	}
	return entries
}

// rehash makes a tampered entry self-consistent again, as an attacker with write
// access to the database can.
func rehash(e Entry) Entry {
	e.Hash = e.ComputeHash()
	return e
}

func TestVerifyChain(t *testing.T) {
	pub, priv := testKey(1)
	otherPub, otherPriv := testKey(100)
	entries := buildChain(1000)
	checkpoints := []Checkpoint{Sign(priv, "acme", entries[499], t0), Sign(priv, "acme", entries[999], t0)}
	if err := VerifyChain(entries, checkpoints, pub, nil); err != nil {
		t.Fatalf("an untouched chain does not verify: %v", err)
	}
	if err := VerifyChain(nil, nil, pub, nil); err != nil {
		t.Fatalf("an empty chain does not verify: %v", err)
	}

	// Each case tampers with a copy of the chain or its checkpoints.
	type tamper func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint)
	cases := []struct {
		name   string
		tamper tamper
		seq    int64
		reason string
	}{
		{"deleted entry", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			return slices.Delete(es, 499, 500), cs
		}, 501, "sequence jumps from 499 to 501: entry 500 is missing"},
		{"three deleted entries", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			return slices.Delete(es, 4, 7), cs
		}, 8, "sequence jumps from 4 to 8: entries 5 to 7 are missing"},
		{"deleted first entry", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			return es[1:], cs
		}, 2, "the chain starts at entry 2: entry 1 is missing"},
		{"deleted last entry", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			return es[:999], cs
		}, 1000, "checkpoint refers to entry 1000, but the chain ends at entry 999"},
		{"swapped lines", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[299], es[300] = es[300], es[299]
			return es, cs
		}, 301, "entries are out of order: entry 301 comes before entry 300"},
		{"reordered records, renumbered and rehashed", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			a, b := es[299], es[300]
			a.Seq, b.Seq = 301, 300
			es[299], es[300] = rehash(b), rehash(a)
			return es, cs
		}, 300, "previous-entry hash does not match entry 299"},
		{"repeated entry", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			return slices.Insert(es, 5, es[4]), cs
		}, 5, "entry 5 appears more than once"},
		{"non-positive sequence number", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[0].Seq = 0
			return es, cs
		}, 0, "sequence number 0 is not positive"},
		{"tampered record id", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[699].RecordID = "9999"
			return es, cs
		}, 700, "entry hash does not match its contents"},
		{"tampered time", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[9].At = es[9].At.Add(time.Microsecond)
			return es, cs
		}, 10, "entry hash does not match its contents"},
		{"tampered record hash", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[9].RecordHash = hexSum("other")
			return es, cs
		}, 10, "entry hash does not match its contents"},
		{"tampered hash", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[9].Hash = hexSum("x")
			return es, cs
		}, 10, "entry hash does not match its contents"},
		{"other organization", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[2].Org = "evil"
			es[2] = rehash(es[2])
			return es, cs
		}, 3, `entry belongs to organization "evil", but entry 1 to "acme"`},
		{"first entry with a previous hash", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			es[0].Prev = hexSum("before")
			es[0] = rehash(es[0])
			return es, cs
		}, 1, "previous-entry hash of entry 1 is not 64 zeros"},
		{"rewritten after the first checkpoint", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			// The attacker changes entry 600 and relinks everything after it:
			// only the signed checkpoint at 1000 can tell.
			es[599].RecordHash = hexSum("forged")
			for i := 599; i < len(es); i++ {
				es[i].Prev = es[i-1].Hash
				es[i] = rehash(es[i])
			}
			return es, cs
		}, 1000, "checkpoint at entry 1000 does not match the entry: it signs hash " + entries[999].Hash},
		{"checkpoint hash tampered", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			cs[0].Hash = es[498].Hash
			return es, cs
		}, 500, "checkpoint at entry 500 does not match the entry"},
		{"checkpoint at a missing entry", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			c := Sign(priv, "acme", es[999], t0)
			c.Seq = 1200
			return es, append(cs, c)
		}, 1200, "checkpoint refers to entry 1200, but the chain ends at entry 1000"},
		{"checkpoint at entry 0", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			c := cs[0]
			c.Seq = 0
			return es, append(cs, c)
		}, 0, "checkpoint refers to entry 0, which cannot exist"},
		{"checkpoint for another organization", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			cs[1].Org = "evil"
			return es, cs
		}, 1000, `checkpoint at entry 1000 is for organization "evil", not "acme"`},
		{"checkpoint signed by another key", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			return es, append(cs, Sign(otherPriv, "acme", es[699], t0))
		}, 700, fmt.Sprintf("checkpoint at entry 700 is signed by key %q, not by the expected key %q", KeyID(otherPub), KeyID(pub))},
		{"checkpoint signed by another key under our key ID", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			c := Sign(otherPriv, "acme", es[699], t0)
			c.KeyID = KeyID(pub)
			return es, append(cs, c)
		}, 700, "checkpoint at entry 700: signature does not verify"},
		{"checkpoint time changed after signing", func(es []Entry, cs []Checkpoint) ([]Entry, []Checkpoint) {
			cs[0].At = cs[0].At.Add(time.Hour)
			return es, cs
		}, 500, "checkpoint at entry 500: signature does not verify"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es, cs := c.tamper(slices.Clone(entries), slices.Clone(checkpoints))
			err := VerifyChain(es, cs, pub, nil)
			var f *Failure
			if !errors.As(err, &f) {
				t.Fatalf("VerifyChain = %v, want a *Failure", err)
			}
			if f.Seq != c.seq || !strings.HasPrefix(f.Reason, c.reason) {
				t.Fatalf("failure at entry %d: %q\nwant entry %d: %q", f.Seq, f.Reason, c.seq, c.reason)
			}
		})
	}
}

func TestVerifyChainCheck(t *testing.T) {
	pub, priv := testKey(1)
	entries := buildChain(100)
	checkpoints := []Checkpoint{Sign(priv, "acme", entries[99], t0)}
	errMissing := errors.New("file abc is missing")
	var checked []int64
	err := VerifyChain(entries, checkpoints, pub, func(e Entry) error {
		checked = append(checked, e.Seq)
		if e.Seq >= 42 {
			return errMissing
		}
		return nil
	})
	var f *Failure
	if !errors.As(err, &f) || f.Seq != 42 || f.RecordType != "evidence" || f.RecordID != "42" || f.Reason != errMissing.Error() {
		t.Fatalf("VerifyChain = %#v, want a failure at entry 42 with the check's reason", err)
	}
	if !errors.Is(err, errMissing) {
		t.Error("the check's error cannot be reached with errors.Is")
	}
	if len(checked) != 42 || checked[41] != 42 {
		t.Errorf("check ran for %v entries, want 1 to 42 in order", len(checked))
	}
	if got, want := err.Error(), "ledger entry 42 (evidence 42): file abc is missing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}

	// A tampered entry is named as such before check runs for it.
	entries[9].RecordID = "x"
	err = VerifyChain(entries, checkpoints, pub, func(e Entry) error {
		if e.Seq == 10 {
			t.Error("check ran for a tampered entry")
		}
		return nil
	})
	if !errors.As(err, &f) || f.Seq != 10 {
		t.Fatalf("VerifyChain = %v, want a failure at entry 10", err)
	}
}

func TestVerifyChainWithoutKey(t *testing.T) {
	_, otherPriv := testKey(100)
	entries := buildChain(10)
	// With no key, signatures are not checked, but checkpoints still must match.
	if err := VerifyChain(entries, []Checkpoint{Sign(otherPriv, "acme", entries[9], t0)}, nil, nil); err != nil {
		t.Fatalf("VerifyChain without a key checked the signature: %v", err)
	}
	bad := Sign(otherPriv, "acme", entries[9], t0)
	bad.Hash = entries[8].Hash
	if err := VerifyChain(entries, []Checkpoint{bad}, nil, nil); err == nil {
		t.Fatal("VerifyChain without a key accepted a checkpoint that does not match its entry")
	}
}

func TestFailureError(t *testing.T) {
	cases := []struct {
		f    Failure
		want string
	}{
		{Failure{Seq: 5, RecordType: "evidence", RecordID: "42", Reason: "entry hash does not match its contents"},
			"ledger entry 5 (evidence 42): entry hash does not match its contents"},
		{Failure{Seq: 12, Reason: "checkpoint refers to entry 12, but the chain ends at entry 10"},
			"ledger entry 12: checkpoint refers to entry 12, but the chain ends at entry 10"},
		{Failure{Reason: "something about the whole chain"}, "ledger: something about the whole chain"},
	}
	for _, c := range cases {
		if got := c.f.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func BenchmarkVerifyChain(b *testing.B) {
	pub, priv := testKey(1)
	entries := buildChain(100_000)
	checkpoints := []Checkpoint{Sign(priv, "acme", entries[len(entries)-1], t0)}
	for b.Loop() {
		if err := VerifyChain(entries, checkpoints, pub, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(entries)), "ns/entry")
}
