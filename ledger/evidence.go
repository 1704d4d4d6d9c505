package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// BundleEvidence is one evidence item in a bundle: its metadata, to be read, and
// Record, the exact canonical bytes whose SHA-256 (RecordHash) the ledger
// committed to. What the record holds is up to the code that records evidence;
// the bundle requires only that it is a JSON object naming the file by "sha256"
// and "size", and that every metadata field it also carries agrees with the
// field here (see CheckRecord).
type BundleEvidence struct {
	ID          string // the entry's record_id
	Title       string
	Kind        string
	MediaType   string
	Filename    string
	SHA256      string // hex SHA-256 of the file, lowercase
	Size        int64  // the file's length in bytes
	CollectedAt time.Time
	PeriodStart *time.Time // the period the evidence covers, when it covers one
	PeriodEnd   *time.Time
	Controls    []string // control references
	Source      string
	AddedBy     string
	Notes       string
	Supersedes  string          // ID of the evidence item this one replaces, if any
	RecordHash  string          // hex SHA-256 of Record
	Record      json.RawMessage // the canonical record bytes that were hashed
}

// bundleEvidenceJSON is an item as index.json carries it. Times are in the
// ledger's time form, like everywhere else in a bundle.
type bundleEvidenceJSON struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Kind        string          `json:"kind"`
	MediaType   string          `json:"media_type"`
	Filename    string          `json:"filename"`
	SHA256      string          `json:"sha256"`
	Size        int64           `json:"size"`
	CollectedAt string          `json:"collected_at"`
	PeriodStart *string         `json:"period_start"`
	PeriodEnd   *string         `json:"period_end"`
	Controls    []string        `json:"controls"`
	Source      string          `json:"source"`
	AddedBy     string          `json:"added_by"`
	Notes       string          `json:"notes"`
	Supersedes  string          `json:"supersedes"`
	RecordHash  string          `json:"record_hash"`
	Record      json.RawMessage `json:"record"`
}

// MarshalJSON writes the item as one flat object. Record is written byte for
// byte, so encoders around it must not escape HTML (WriteBundle's do not):
// rewriting "<" as "\u003c" inside the record would change its hash.
func (b BundleEvidence) MarshalJSON() ([]byte, error) {
	opt := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := FormatTime(*t)
		return &s
	}
	controls := b.Controls
	if controls == nil {
		controls = []string{}
	}
	return marshal(bundleEvidenceJSON{
		ID: b.ID, Title: b.Title, Kind: b.Kind, MediaType: b.MediaType, Filename: b.Filename, SHA256: b.SHA256,
		Size: b.Size, CollectedAt: FormatTime(b.CollectedAt), PeriodStart: opt(b.PeriodStart), PeriodEnd: opt(b.PeriodEnd),
		Controls: controls, Source: b.Source, AddedBy: b.AddedBy, Notes: b.Notes, Supersedes: b.Supersedes,
		RecordHash: b.RecordHash, Record: b.Record,
	})
}

// UnmarshalJSON reads an item, refusing unknown fields.
func (b *BundleEvidence) UnmarshalJSON(data []byte) error {
	var w bundleEvidenceJSON
	if err := decodeStrict(data, &w); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	at, err := parseTime("collected_at", w.CollectedAt)
	if err != nil {
		return fmt.Errorf("evidence %s: %w", w.ID, err)
	}
	opt := func(field string, s *string) (*time.Time, error) {
		if s == nil {
			return nil, nil
		}
		t, err := parseTime(field, *s)
		return &t, err
	}
	start, err := opt("period_start", w.PeriodStart)
	if err != nil {
		return fmt.Errorf("evidence %s: %w", w.ID, err)
	}
	end, err := opt("period_end", w.PeriodEnd)
	if err != nil {
		return fmt.Errorf("evidence %s: %w", w.ID, err)
	}
	*b = BundleEvidence{
		ID: w.ID, Title: w.Title, Kind: w.Kind, MediaType: w.MediaType, Filename: w.Filename, SHA256: w.SHA256,
		Size: w.Size, CollectedAt: at, PeriodStart: start, PeriodEnd: end, Controls: w.Controls, Source: w.Source,
		AddedBy: w.AddedBy, Notes: w.Notes, Supersedes: w.Supersedes, RecordHash: w.RecordHash, Record: w.Record,
	}
	return nil
}

// CheckRecord checks that an item's record is the one its RecordHash names and
// that its metadata says what the record says, for organization org. The rules,
// which let the record's author choose its shape while leaving no metadata field
// unchecked that the record could vouch for:
//
//   - Record must hash to RecordHash and be a JSON object.
//   - "sha256" (a string) and "size" (an integer) are required and must equal
//     SHA256 and Size: they are how the record commits to the file.
//   - "title", "kind", "media_type", "filename", "source", "notes",
//     "supersedes", "collected_at", "period_start", "period_end" and "controls"
//     must agree with the field of that name when the record has the key, and
//     the field must be empty (zero time, nil, no controls) when it has not.
//     Times agree when they name the same microsecond; controls are compared as
//     a set.
//   - "id" and "added_by" must agree when the record has them. Without them, ID
//     is still bound by the entry's record_id, while AddedBy is a display name
//     the bundle cannot vouch for.
//   - "org" and "type", when present, must be org and "evidence".
func (b BundleEvidence) CheckRecord(org string) error {
	if HashBytes(b.Record) != b.RecordHash {
		return fmt.Errorf("the record of evidence %s was changed: its bytes do not hash to its record_hash", b.ID)
	}
	dec := json.NewDecoder(bytes.NewReader(b.Record))
	dec.UseNumber()
	var rec map[string]any
	if err := dec.Decode(&rec); err != nil || rec == nil {
		return fmt.Errorf("the record of evidence %s is not a JSON object", b.ID)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("the record of evidence %s has data after the JSON object", b.ID)
	}
	differs := func(key string) error {
		return fmt.Errorf("field %q of evidence %s does not match its committed record", key, b.ID)
	}

	sha, ok := rec["sha256"].(string)
	if !ok {
		return fmt.Errorf("the record of evidence %s names no file: it has no \"sha256\" string", b.ID)
	}
	if sha != b.SHA256 {
		return differs("sha256")
	}
	size, ok := rec["size"].(json.Number)
	if !ok {
		return fmt.Errorf("the record of evidence %s names no file size: it has no \"size\" number", b.ID)
	}
	if string(size) != strconv.FormatInt(b.Size, 10) {
		return differs("size")
	}
	if !isHexHash(b.SHA256) {
		return fmt.Errorf("evidence %s: sha256 %q is not 64 lowercase hex digits", b.ID, b.SHA256)
	}
	if b.Size < 0 {
		return fmt.Errorf("evidence %s: size %d is negative", b.ID, b.Size)
	}
	if v, ok := rec["org"]; ok && v != org {
		return fmt.Errorf("the record of evidence %s belongs to organization %v, not %q", b.ID, v, org)
	}
	if v, ok := rec["type"]; ok && v != RecordTypeEvidence {
		return fmt.Errorf("the record of evidence %s is of type %v, not %q", b.ID, v, RecordTypeEvidence)
	}

	strs := []struct {
		key, value string
		optional   bool // may be absent from the record whatever the field holds
	}{
		{"id", b.ID, true}, {"title", b.Title, false}, {"kind", b.Kind, false}, {"media_type", b.MediaType, false},
		{"filename", b.Filename, false}, {"source", b.Source, false}, {"added_by", b.AddedBy, true},
		{"notes", b.Notes, false}, {"supersedes", b.Supersedes, false},
	}
	for _, f := range strs {
		v, ok := rec[f.key]
		if !ok {
			if f.value != "" && !f.optional {
				return differs(f.key)
			}
			continue
		}
		if s, isString := v.(string); !isString || s != f.value {
			return differs(f.key)
		}
	}

	collected := b.CollectedAt
	times := []struct {
		key   string
		value *time.Time
	}{{"collected_at", &collected}, {"period_start", b.PeriodStart}, {"period_end", b.PeriodEnd}}
	if collected.IsZero() {
		times[0].value = nil
	}
	for _, f := range times {
		v := rec[f.key] // absent and null alike mean no time
		if v == nil || f.value == nil {
			if v != nil || f.value != nil {
				return differs(f.key)
			}
			continue
		}
		s, isString := v.(string)
		if !isString {
			return differs(f.key)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || FormatTime(t) != FormatTime(*f.value) {
			return differs(f.key)
		}
	}

	var controls []string
	if v, ok := rec["controls"]; ok && v != nil {
		list, isList := v.([]any)
		if !isList {
			return differs("controls")
		}
		for _, c := range list {
			s, isString := c.(string)
			if !isString {
				return differs("controls")
			}
			controls = append(controls, s)
		}
	}
	slices.Sort(controls)
	if !slices.Equal(controls, slices.Sorted(slices.Values(b.Controls))) {
		return differs("controls")
	}
	return nil
}
