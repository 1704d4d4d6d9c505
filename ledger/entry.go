package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// ZeroHash is the previous-entry hash of an organization's first entry.
const ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000"

// RecordTypeEvidence is the record type of an evidence item's entries.
const RecordTypeEvidence = "evidence"

// Monitoring record types (see the package documentation, "Monitoring records").
const (
	RecordTypeSnapshot    = "snapshot"
	RecordTypeTestVersion = "test_version"
	RecordTypeException   = "exception"

	RecordTypePolicyVersion    = "policy_version"
	RecordTypePolicyApproval   = "policy_approval"
	RecordTypePolicyAcceptance = "policy_acceptance"

	RecordTypeRiskAssessment = "risk_assessment"
	RecordTypeRiskAcceptance = "risk_acceptance"
	RecordTypeVendorReview   = "vendor_review"
)

// Incident record types (see the package documentation, "Incident records").
const (
	RecordTypeIncidentPostMortem = "incident_postmortem"
	RecordTypeExercise           = "exercise"
	// RecordTypeTrainingCompletion is a person's completed security
	// awareness training.
	RecordTypeTrainingCompletion = "training_completion"
)

// Access review record types (see the package documentation, "Access review
// records").
const (
	RecordTypeAccessReviewSnapshot   = "access_review_snapshot"
	RecordTypeAccessReviewCompletion = "access_review_completion"
)

// RecordTypePopulation is an audit population's recorded retrieval (see the
// package documentation, "Population records").
const RecordTypePopulation = "population"

// entryTag opens every entry's canonical bytes. A new layout gets a new tag, so a
// hash can never be read under the wrong rules.
const entryTag = "attest-ledger-v1\n"

// timeLayout is the one time form the ledger hashes and writes: UTC, microseconds,
// always 27 bytes for years 0001–9999. Microseconds because that is what both
// databases keep; a finer time would not survive a round trip through the store.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Entry is one link of an organization's chain.
type Entry struct {
	Org        string    // organization slug (immutable in the product)
	Seq        int64     // 1, 2, 3 … per organization, no gaps
	Prev       string    // hex SHA-256 of the previous entry; ZeroHash for seq 1
	RecordType string    // "evidence", …
	RecordID   string    // the record's ID within its type
	RecordHash string    // hex SHA-256 of the record's canonical bytes
	At         time.Time // when the entry was appended; hashed as UTC, to the microsecond
	Hash       string    // hex SHA-256 of Canonical(entry)
}

// Canonical returns the bytes an entry's hash covers: every field but Hash, in the
// attest-ledger-v1 layout described in the package documentation.
func Canonical(e Entry) []byte {
	return appendCanonical(make([]byte, 0, 256+len(e.Org)+len(e.RecordType)+len(e.RecordID)), e)
}

// ComputeHash returns the hex SHA-256 of Canonical(e), which is what e.Hash must be.
func (e Entry) ComputeHash() string {
	// A stack buffer: appending 100,000 entries must not cost 100,000 garbage
	// buffers. Entries with unusually long fields spill to the heap, which is fine.
	var buf [320]byte
	sum := sha256.Sum256(appendCanonical(buf[:0], e))
	var digits [2 * sha256.Size]byte
	hex.Encode(digits[:], sum[:])
	return string(digits[:])
}

// Next builds and hashes the entry that follows prev (nil for an organization's
// first entry). at is stored as UTC truncated to the microsecond, so the entry
// holds exactly the time its hash covers.
func Next(prev *Entry, org, recordType, recordID, recordHash string, at time.Time) Entry {
	e := Entry{
		Org:        org,
		Seq:        1,
		Prev:       ZeroHash,
		RecordType: recordType,
		RecordID:   recordID,
		RecordHash: recordHash,
		At:         at.UTC().Truncate(time.Microsecond),
	}
	if prev != nil {
		e.Seq = prev.Seq + 1
		e.Prev = prev.Hash
	}
	e.Hash = e.ComputeHash()
	return e
}

func appendCanonical(b []byte, e Entry) []byte {
	var num [20]byte
	var ts [32]byte
	b = append(b, entryTag...)
	b = appendField(b, "org", e.Org)
	b = appendFieldBytes(b, "seq", strconv.AppendInt(num[:0], e.Seq, 10))
	b = appendField(b, "prev", e.Prev)
	b = appendField(b, "record_type", e.RecordType)
	b = appendField(b, "record_id", e.RecordID)
	b = appendField(b, "record_hash", e.RecordHash)
	b = appendFieldBytes(b, "at", appendTime(ts[:0], e.At))
	return b
}

// appendField writes name:LENGTH:value\n. The byte length makes the encoding
// unambiguous whatever a value contains, newlines and colons included, so two
// different entries can never share canonical bytes.
func appendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(len(value)), 10)
	b = append(b, ':')
	b = append(b, value...)
	return append(b, '\n')
}

func appendFieldBytes(b []byte, name string, value []byte) []byte {
	b = append(b, name...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(len(value)), 10)
	b = append(b, ':')
	b = append(b, value...)
	return append(b, '\n')
}

// appendTime formats t in the ledger's time form. Formatting with six fractional
// digits truncates, never rounds, so it agrees with time.Truncate(time.Microsecond).
func appendTime(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, timeLayout)
}

// FormatTime returns t as the ledger writes and hashes times:
// "2006-01-02T15:04:05.000000Z", UTC, truncated to the microsecond.
func FormatTime(t time.Time) string {
	var ts [32]byte
	return string(appendTime(ts[:0], t))
}

func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time", field, s)
	}
	return t.UTC(), nil
}

// entryJSON is an entry as ledger.jsonl carries it. The time is written in the
// hashed form so that a reader can rebuild the canonical bytes from the line alone.
type entryJSON struct {
	Org        string `json:"org"`
	Seq        int64  `json:"seq"`
	Prev       string `json:"prev"`
	RecordType string `json:"record_type"`
	RecordID   string `json:"record_id"`
	RecordHash string `json:"record_hash"`
	At         string `json:"at"`
	Hash       string `json:"hash"`
}

// MarshalJSON writes the entry with its time in the hashed form.
func (e Entry) MarshalJSON() ([]byte, error) {
	return json.Marshal(entryJSON{e.Org, e.Seq, e.Prev, e.RecordType, e.RecordID, e.RecordHash, FormatTime(e.At), e.Hash})
}

// UnmarshalJSON reads an entry and refuses unknown fields: a field this version
// does not know is a field it would not hash, so accepting it would let data ride
// along unverified.
func (e *Entry) UnmarshalJSON(data []byte) error {
	var w entryJSON
	if err := decodeStrict(data, &w); err != nil {
		return fmt.Errorf("ledger entry: %w", err)
	}
	at, err := parseTime("at", w.At)
	if err != nil {
		return fmt.Errorf("ledger entry %d: %w", w.Seq, err)
	}
	*e = Entry{w.Org, w.Seq, w.Prev, w.RecordType, w.RecordID, w.RecordHash, at, w.Hash}
	return nil
}

// decodeStrict decodes one JSON value into v, refusing unknown fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// isHexHash reports whether s is 64 lowercase hex digits, the only form the ledger
// writes a SHA-256 in. One form means hashes compare as plain strings.
func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
