package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// checkIncidentPostMortem re-derives a signed-off post-mortem's hash from its
// text, so the record commits to the words signed off.
func checkIncidentPostMortem(_ string, r BundleRecord) error {
	var p struct {
		UID        *string `json:"uid"`
		Severity   *string `json:"severity"`
		PostMortem *string `json:"post_mortem"`
		Hash       *string `json:"hash"`
		SignedOff  *string `json:"signed_off_by"`
	}
	if err := json.Unmarshal(r.Record, &p); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if p.UID == nil || *p.UID != r.ID || p.Severity == nil || p.PostMortem == nil || p.SignedOff == nil || p.Hash == nil || !isHexHash(*p.Hash) {
		return fmt.Errorf("the record of %s %s does not name its uid, severity, post_mortem, signed_off_by and a \"hash\" of 64 hex digits", r.Type, r.ID)
	}
	sum := sha256.Sum256([]byte(*p.PostMortem))
	if hex.EncodeToString(sum[:]) != *p.Hash {
		return fmt.Errorf("post-mortem %s: its text does not hash to the hash it states", r.ID)
	}
	return nil
}

// checkExercise holds an exercise record to its kind, format, date and
// participants.
func checkExercise(_ string, r BundleRecord) error {
	var e struct {
		UID          *string  `json:"uid"`
		Kind         string   `json:"kind"`
		Format       string   `json:"format"`
		HeldOn       string   `json:"held_on"`
		Participants []string `json:"participants"`
	}
	if err := json.Unmarshal(r.Record, &e); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if e.UID == nil || *e.UID != r.ID {
		return fmt.Errorf("the record of %s %s does not name its uid", r.Type, r.ID)
	}
	if e.Kind != "incident_response" && e.Kind != "disaster_recovery" {
		return fmt.Errorf("exercise %s: unknown kind %q", r.ID, e.Kind)
	}
	if e.Format != "tabletop" && e.Format != "live" {
		return fmt.Errorf("exercise %s: unknown format %q", r.ID, e.Format)
	}
	if _, err := time.Parse("2006-01-02", e.HeldOn); err != nil {
		return fmt.Errorf("exercise %s: held_on %q is not a date", r.ID, e.HeldOn)
	}
	if len(e.Participants) == 0 {
		return fmt.Errorf("exercise %s names no participants", r.ID)
	}
	return nil
}
