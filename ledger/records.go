package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// BundleRecord is a record of any type other than evidence in a bundle
// (from attest-bundle-v2): its type and id, as its ledger entry names them, and its
// exact canonical bytes. A verifier that knows the type re-checks the record;
// one that does not still checks that the bytes are the ones the entry
// committed to, and the entry is a link of the chain like any other.
type BundleRecord struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	RecordHash string          `json:"record_hash"`
	Record     json.RawMessage `json:"record"`
}

// MarshalJSON writes the record without escaping HTML, so Record stays byte
// for byte.
func (r BundleRecord) MarshalJSON() ([]byte, error) {
	type plain BundleRecord
	return marshal(plain(r))
}

// UnmarshalJSON reads a record, refusing unknown fields.
func (r *BundleRecord) UnmarshalJSON(data []byte) error {
	type plain BundleRecord
	var p plain
	if err := decodeStrict(data, &p); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	*r = BundleRecord(p)
	return nil
}

// recordChecks re-check the records of the types this package knows beyond
// evidence, whose checks need its file too (BundleEvidence.CheckRecord). A new
// record type adds its check here; until then its records are held only to
// their hash.
var recordChecks = map[string]func(org string, r BundleRecord) error{
	RecordTypeSnapshot:               func(org string, r BundleRecord) error { _, _, _, err := r.File(); return err },
	RecordTypePolicyVersion:          checkPolicyVersion,
	RecordTypePolicyApproval:         checkPolicyHash,
	RecordTypePolicyAcceptance:       checkPolicyHash,
	RecordTypeRiskAssessment:         checkRiskAssessment,
	RecordTypeRiskAcceptance:         checkRiskAcceptance,
	RecordTypeVendorReview:           checkVendorReview,
	RecordTypeIncidentPostMortem:     checkIncidentPostMortem,
	RecordTypeExercise:               checkExercise,
	RecordTypeTrainingCompletion:     checkTrainingCompletion,
	RecordTypeAccessReviewSnapshot:   checkAccessReviewSnapshot,
	RecordTypeAccessReviewCompletion: checkAccessReviewCompletion,
	RecordTypePopulation:             checkPopulation,
}

// fileRecords are the record types whose record names a file by "sha256" and
// "size": the bundle carries the file, and verifying re-hashes it, so that
// committing to the record commits to the file (a snapshot's resources).
var fileRecords = map[string]bool{RecordTypeSnapshot: true}

// File returns the file a record names, if its type carries one: the file's
// SHA-256 and size. A record of such a type without a valid pair is an error.
func (r BundleRecord) File() (sha string, size int64, ok bool, err error) {
	if !fileRecords[r.Type] {
		return "", 0, false, nil
	}
	var rec struct {
		SHA256 *string      `json:"sha256"`
		Size   *json.Number `json:"size"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.Record))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		return "", 0, false, fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if rec.SHA256 == nil || !isHexHash(*rec.SHA256) {
		return "", 0, false, fmt.Errorf("the record of %s %s does not name its file by a \"sha256\" of 64 hex digits", r.Type, r.ID)
	}
	if rec.Size == nil {
		return "", 0, false, fmt.Errorf("the record of %s %s does not state its file's \"size\"", r.Type, r.ID)
	}
	n, err := rec.Size.Int64()
	if err != nil || n < 0 {
		return "", 0, false, fmt.Errorf("the record of %s %s states an invalid size %s", r.Type, r.ID, rec.Size.String())
	}
	return *rec.SHA256, n, true, nil
}

// CheckRecord checks that the record's bytes hash to RecordHash and form one
// JSON object whose "type" and "org", when present, are the entry's type and
// org; then the type's own check, if this verifier knows the type.
func (r BundleRecord) CheckRecord(org string) error {
	if HashBytes(r.Record) != r.RecordHash {
		return fmt.Errorf("the record of %s %s was changed: its bytes do not hash to its record_hash", r.Type, r.ID)
	}
	dec := json.NewDecoder(bytes.NewReader(r.Record))
	var rec map[string]any
	if err := dec.Decode(&rec); err != nil || rec == nil {
		return fmt.Errorf("the record of %s %s is not a JSON object", r.Type, r.ID)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("the record of %s %s has data after the JSON object", r.Type, r.ID)
	}
	if v, ok := rec["org"]; ok && v != org {
		return fmt.Errorf("the record of %s %s belongs to organization %v, not %q", r.Type, r.ID, v, org)
	}
	if v, ok := rec["type"]; ok && v != r.Type {
		return fmt.Errorf("the record of %s %s is of type %v", r.Type, r.ID, v)
	}
	if check := recordChecks[r.Type]; check != nil {
		return check(org, r)
	}
	return nil
}
