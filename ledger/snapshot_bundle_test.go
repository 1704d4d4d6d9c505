package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// withSnapshot appends a snapshot record (and its entry, signed) to the
// fixture's bundle, naming a file of the given content.
func withSnapshot(t *testing.T, f *fixture, content []byte, size int64) Bundle {
	t.Helper()
	sum := sha256.Sum256(content)
	sha := hex.EncodeToString(sum[:])
	f.files[sha] = content
	rec := map[string]any{"type": RecordTypeSnapshot, "org": "acme", "uid": "col_1", "connection": "gh", "connector": "github",
		"started_at": FormatTime(t0), "finished_at": FormatTime(t0), "partial": false, "resources": 1, "calls": 3,
		"failed": map[string]string{}, "sha256": sha, "size": size}
	hash, canon, err := HashRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	b := f.bundle
	b.Records = []BundleRecord{{Type: RecordTypeSnapshot, ID: "col_1", RecordHash: hash, Record: canon}}
	head := b.Entries[len(b.Entries)-1]
	e := Next(&head, "acme", RecordTypeSnapshot, "col_1", hash, t0.Add(time.Hour))
	b.Entries = append(append([]Entry(nil), b.Entries...), e)
	b.Checkpoints = append(append([]Checkpoint(nil), b.Checkpoints...), Sign(f.priv, "acme", e, e.At))
	return b
}

func TestBundleCarriesSnapshotFiles(t *testing.T) {
	snapshot := []byte(`{"format":"attest-snapshot-v1","resources":[]}`)
	f := newFixture(t)
	b := withSnapshot(t, f, snapshot, int64(len(snapshot)))
	data := f.write(t, b)
	rep, err := verifyBytes(data, f.pub)
	if err != nil {
		t.Fatalf("a bundle with a snapshot: %v", err)
	}
	if rep.Records != 1 || rep.Blobs != 5 { // four evidence files (103 and 104 share one) and the snapshot
		t.Errorf("report = %+v, want 1 record and 5 files", rep)
	}
	sum := sha256.Sum256(snapshot)
	name := blobName(hex.EncodeToString(sum[:]))
	if find(unzip(t, data), name) == nil {
		t.Fatalf("the bundle lacks the snapshot file %s", name)
	}

	t.Run("changed snapshot file", func(t *testing.T) {
		files := unzip(t, data)
		z := find(files, name)
		z.data = []byte(strings.Replace(string(z.data), "[]", "[{}]", 1)[:len(z.data)])
		_, err := verifyBytes(rezip(t, files), f.pub)
		if err == nil || !strings.Contains(err.Error(), "snapshot col_1") || !strings.Contains(err.Error(), "does not match its SHA-256") {
			t.Errorf("VerifyBundle = %v, want the snapshot file named as changed", err)
		}
	})
	t.Run("missing snapshot file", func(t *testing.T) {
		var kept []zfile
		for _, z := range unzip(t, data) {
			if z.name != name {
				kept = append(kept, z)
			}
		}
		_, err := verifyBytes(rezip(t, kept), f.pub)
		if err == nil || !strings.Contains(err.Error(), "snapshot col_1 is missing") {
			t.Errorf("VerifyBundle = %v, want the snapshot file named as missing", err)
		}
	})
	t.Run("record without a file", func(t *testing.T) {
		rec := BundleRecord{Type: RecordTypeSnapshot, ID: "col_2", Record: []byte(`{"type":"snapshot","size":3}`)}
		if _, _, _, err := rec.File(); err == nil || !strings.Contains(err.Error(), `"sha256"`) {
			t.Errorf("File of a snapshot record without sha256 = %v", err)
		}
		rec.Record = []byte(`{"type":"snapshot","sha256":"` + strings.Repeat("a", 64) + `","size":-1}`)
		if _, _, _, err := rec.File(); err == nil || !strings.Contains(err.Error(), "invalid size") {
			t.Errorf("File of a snapshot record with a negative size = %v", err)
		}
		other := BundleRecord{Type: "approval", ID: "7", Record: []byte(`{"sha256":"x"}`)}
		if _, _, ok, err := other.File(); ok || err != nil {
			t.Errorf("a type without files: ok=%v err=%v", ok, err)
		}
	})
	t.Run("size differs from the file", func(t *testing.T) {
		f := newFixture(t)
		b := withSnapshot(t, f, snapshot, int64(len(snapshot))+1)
		var buf strings.Builder
		if err := WriteBundle(&nopWriter{&buf}, b, f.open); err == nil || !strings.Contains(err.Error(), "snapshot col_1") {
			t.Errorf("WriteBundle with a wrong snapshot size = %v", err)
		}
	})
}

type nopWriter struct{ b *strings.Builder }

func (w *nopWriter) Write(p []byte) (int, error) { return w.b.Write(p) }

// withPolicy appends an approved policy version and an acceptance of the
// given hash to the fixture's bundle.
func withPolicy(t *testing.T, f *fixture, content, acceptedHash string) Bundle {
	t.Helper()
	sum := sha256.Sum256([]byte(content))
	b := f.bundle
	b.Entries = append([]Entry(nil), b.Entries...)
	b.Checkpoints = append([]Checkpoint(nil), b.Checkpoints...)
	for i, rec := range []map[string]any{
		{"type": RecordTypePolicyVersion, "org": "acme", "id": "pv_1", "policy": "access-control", "title": "Access", "version": "1.0",
			"material": true, "hash": hex.EncodeToString(sum[:]), "content": content, "author": "a@acme.test", "approvers": []string{"b@acme.test"},
			"quorum": 1, "approved_at": FormatTime(t0)},
		{"type": RecordTypePolicyAcceptance, "org": "acme", "uid": "acc_1", "policy": "access-control", "version": "1.0", "hash": acceptedHash,
			"person": "Erin", "person_email": "erin@acme.test", "by": "erin@acme.test", "at": FormatTime(t0), "address": "192.0.2.1", "user_agent": "x"},
	} {
		hash, canon, err := HashRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		typ, id := rec["type"].(string), []string{"pv_1", "acc_1"}[i]
		b.Records = append(b.Records, BundleRecord{Type: typ, ID: id, RecordHash: hash, Record: canon})
		head := b.Entries[len(b.Entries)-1]
		e := Next(&head, "acme", typ, id, hash, t0.Add(time.Duration(i+1)*time.Hour))
		b.Entries = append(b.Entries, e)
		b.Checkpoints = append(b.Checkpoints, Sign(f.priv, "acme", e, e.At))
	}
	return b
}

func TestBundlePolicyRecords(t *testing.T) {
	text := "# Access\n\nOnly what you need."
	sum := sha256.Sum256([]byte(text))
	good := hex.EncodeToString(sum[:])
	f := newFixture(t)
	if rep, err := verifyBytes(f.write(t, withPolicy(t, f, text, good)), f.pub); err != nil || rep.Records != 2 {
		t.Fatalf("a bundle with a policy and its acceptance: %+v, %v", rep, err)
	}
	// An acceptance of a text no approved version has.
	other := strings.Repeat("b", 64)
	_, err := verifyBytes(f.write(t, withPolicy(t, f, text, other)), f.pub)
	if err == nil || !strings.Contains(err.Error(), "acceptance acc_1") || !strings.Contains(err.Error(), "no approved policy version") {
		t.Errorf("an acceptance of an unknown text: %v", err)
	}
	// A version record whose text does not hash to its hash.
	rec := BundleRecord{Type: RecordTypePolicyVersion, ID: "pv_2", Record: []byte(`{"type":"policy_version","policy":"p","version":"1.0","hash":"` + good + `","content":"changed"}`)}
	rec.RecordHash = HashBytes(rec.Record)
	if err := rec.CheckRecord("acme"); err == nil || !strings.Contains(err.Error(), "does not hash") {
		t.Errorf("a changed policy text: %v", err)
	}
}
