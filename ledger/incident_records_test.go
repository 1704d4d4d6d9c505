package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func bundleRecord(t *testing.T, typ, id string, rec map[string]any) BundleRecord {
	t.Helper()
	hash, canonical, err := HashRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	return BundleRecord{Type: typ, ID: id, RecordHash: hash, Record: canonical}
}

func TestIncidentRecordsVerify(t *testing.T) {
	text := "# What happened\n"
	sum := sha256.Sum256([]byte(text))
	pm := map[string]any{"type": RecordTypeIncidentPostMortem, "org": "acme", "uid": "pm_1", "incident": 1, "title": "Leak",
		"severity": "sev2", "post_mortem": text, "hash": hex.EncodeToString(sum[:]), "evidence": "", "signed_off_by": "Ada", "at": "x"}
	if err := bundleRecord(t, RecordTypeIncidentPostMortem, "pm_1", pm).CheckRecord("acme"); err != nil {
		t.Fatal(err)
	}
	pm["post_mortem"] = "# Something else\n" // re-hashed record, but the text no longer matches its hash
	if err := bundleRecord(t, RecordTypeIncidentPostMortem, "pm_1", pm).CheckRecord("acme"); err == nil || !strings.Contains(err.Error(), "does not hash") {
		t.Fatalf("changed post-mortem verified: %v", err)
	}
	ex := map[string]any{"type": RecordTypeExercise, "org": "acme", "uid": "ex_1", "kind": "disaster_recovery", "format": "live",
		"held_on": "2026-05-01", "title": "Restore", "scenario": "s", "participants": []string{"Ada"}, "findings": "", "recorded_by": "Ada", "at": "x"}
	if err := bundleRecord(t, RecordTypeExercise, "ex_1", ex).CheckRecord("acme"); err != nil {
		t.Fatal(err)
	}
	ex["participants"] = []string{}
	if err := bundleRecord(t, RecordTypeExercise, "ex_1", ex).CheckRecord("acme"); err == nil {
		t.Fatal("an exercise without participants verified")
	}
	ex["participants"], ex["kind"] = []string{"Ada"}, "fire_drill"
	if err := bundleRecord(t, RecordTypeExercise, "ex_1", ex).CheckRecord("acme"); err == nil {
		t.Fatal("an exercise of an unknown kind verified")
	}
	good := bundleRecord(t, RecordTypeExercise, "ex_1", map[string]any{"type": RecordTypeExercise, "org": "acme", "uid": "ex_1",
		"kind": "incident_response", "format": "tabletop", "held_on": "2026-05-01", "participants": []string{"Ada"}})
	good.Record = []byte(strings.Replace(string(good.Record), "Ada", "Bob", 1))
	if err := good.CheckRecord("acme"); err == nil {
		t.Fatal("changed bytes verified")
	}
}
