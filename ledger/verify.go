package ledger

import (
	"crypto/ed25519"
	"fmt"
	"maps"
	"slices"
)

// Failure names the first entry of a chain that does not verify, and why.
type Failure struct {
	Seq        int64  // the entry's sequence number; 0 when the problem is not one entry's
	RecordType string // the entry's record, when the entry exists
	RecordID   string
	Reason     string // what is wrong, in words
	Err        error  // the error returned by the caller's check, if that is what failed
}

func (f *Failure) Error() string {
	switch {
	case f.Seq == 0 && f.RecordType == "":
		return "ledger: " + f.Reason
	case f.RecordType == "":
		return fmt.Sprintf("ledger entry %d: %s", f.Seq, f.Reason)
	}
	return fmt.Sprintf("ledger entry %d (%s %s): %s", f.Seq, f.RecordType, f.RecordID, f.Reason)
}

// Unwrap returns the caller's check error, so that callers can tell an I/O error
// while reading a record from a record that is wrong.
func (f *Failure) Unwrap() error { return f.Err }

func failAt(e Entry, format string, args ...any) *Failure {
	return &Failure{Seq: e.Seq, RecordType: e.RecordType, RecordID: e.RecordID, Reason: fmt.Sprintf(format, args...)}
}

// VerifyChain walks an organization's entries in the order given and returns a
// *Failure naming the first entry that does not verify, or nil. For each entry,
// in this order, it checks:
//
//   - the sequence: the first entry is 1 and each next one is one more (a gap,
//     a repeat and an out-of-order entry are each named as such);
//   - that the entry belongs to the same organization as the first;
//   - that its hash matches its contents (ComputeHash);
//   - that its previous-entry hash is the hash of the entry before it (ZeroHash
//     for entry 1);
//   - every checkpoint at its sequence number: same organization, the entry's
//     hash, and, when pub is not nil, a valid signature by pub (VerifyCheckpoint);
//   - check(entry), when check is not nil, so the caller can verify the record
//     behind the entry; its error becomes the Failure's Reason and Err.
//
// Last, it refuses checkpoints that refer to entries the chain does not have.
// pub may be nil to check checkpoints against the chain but skip signatures.
//
// Within one entry the cheap checks come first, so a tampered entry is named as
// such before check spends time re-hashing the file behind it.
func VerifyChain(entries []Entry, checkpoints []Checkpoint, pub ed25519.PublicKey, check func(Entry) error) error {
	if _, f := verifyChain(entries, checkpoints, pub, check); f != nil {
		return f
	}
	return nil
}

// verifyChain is VerifyChain that also returns how many entries verified: the
// position of the failing entry, or len(entries).
func verifyChain(entries []Entry, checkpoints []Checkpoint, pub ed25519.PublicKey, check func(Entry) error) (int, *Failure) {
	bySeq := make(map[int64][]Checkpoint, len(checkpoints))
	for _, c := range checkpoints {
		bySeq[c.Seq] = append(bySeq[c.Seq], c)
	}
	var org string
	if len(entries) > 0 {
		org = entries[0].Org
	}
	for i, e := range entries {
		if reason := sequenceProblem(entries, i); reason != "" {
			return i, failAt(e, "%s", reason)
		}
		if e.Org != org {
			return i, failAt(e, "entry belongs to organization %q, but entry 1 to %q", e.Org, org)
		}
		if e.Hash != e.ComputeHash() {
			return i, failAt(e, "entry hash does not match its contents")
		}
		if i == 0 && e.Prev != ZeroHash {
			return i, failAt(e, "previous-entry hash of entry 1 is not %d zeros", len(ZeroHash))
		}
		if i > 0 && e.Prev != entries[i-1].Hash {
			return i, failAt(e, "previous-entry hash does not match entry %d", entries[i-1].Seq)
		}
		for _, c := range bySeq[e.Seq] {
			if reason := checkpointProblem(c, e, pub); reason != "" {
				return i, failAt(e, "%s", reason)
			}
		}
		delete(bySeq, e.Seq)
		if check != nil {
			if err := check(e); err != nil {
				f := failAt(e, "%s", err.Error())
				f.Err = err
				return i, f
			}
		}
	}
	// What is left refers to entries the chain does not have.
	if len(bySeq) > 0 {
		seq := slices.Min(slices.Collect(maps.Keys(bySeq)))
		if seq < 1 {
			return len(entries), &Failure{Seq: seq, Reason: fmt.Sprintf("checkpoint refers to entry %d, which cannot exist", seq)}
		}
		return len(entries), &Failure{Seq: seq, Reason: fmt.Sprintf("checkpoint refers to entry %d, but the chain ends at entry %d", seq, len(entries))}
	}
	return len(entries), nil
}

// sequenceProblem explains why entries[i] is not where it belongs, given that
// entries[:i] are entries 1 to i. It looks ahead only when something is wrong, so
// a good chain costs no map or second pass.
func sequenceProblem(entries []Entry, i int) string {
	e := entries[i]
	want := int64(i) + 1
	switch {
	case e.Seq == want:
		return ""
	case e.Seq < 1:
		return fmt.Sprintf("sequence number %d is not positive", e.Seq)
	case e.Seq < want:
		return fmt.Sprintf("entry %d appears more than once", e.Seq)
	}
	for _, later := range entries[i+1:] {
		if later.Seq == want {
			return fmt.Sprintf("entries are out of order: entry %d comes before entry %d", e.Seq, want)
		}
	}
	missing := fmt.Sprintf("entry %d is missing", want)
	if e.Seq-want > 1 {
		missing = fmt.Sprintf("entries %d to %d are missing", want, e.Seq-1)
	}
	if i == 0 {
		return fmt.Sprintf("the chain starts at entry %d: %s", e.Seq, missing)
	}
	return fmt.Sprintf("sequence jumps from %d to %d: %s", want-1, e.Seq, missing)
}

func checkpointProblem(c Checkpoint, e Entry, pub ed25519.PublicKey) string {
	if c.Org != e.Org {
		return fmt.Sprintf("checkpoint at entry %d is for organization %q, not %q", c.Seq, c.Org, e.Org)
	}
	if c.Hash != e.Hash {
		return fmt.Sprintf("checkpoint at entry %d does not match the entry: it signs hash %s, the entry's hash is %s", c.Seq, c.Hash, e.Hash)
	}
	if pub != nil {
		if err := VerifyCheckpoint(pub, c); err != nil {
			return err.Error()
		}
	}
	return ""
}
