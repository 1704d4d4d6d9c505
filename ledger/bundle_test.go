package ledger

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// fixture is an organization with five evidence items: 101 and 102 have files of
// the same size (for swapping), 103 and 104 share one file, and 105 supersedes 101.
type fixture struct {
	pub    ed25519.PublicKey
	priv   ed25519.PrivateKey
	files  map[string][]byte // by SHA-256
	sha    map[string]string // evidence ID → its file's SHA-256
	bundle Bundle
}

func fileContent(seed uint64, size int) []byte {
	b := make([]byte, size)
	var s [32]byte
	s[0] = byte(seed)
	rand.NewChaCha8(s).Read(b)
	return b
}

func newFixture(t testing.TB) *fixture {
	pub, priv := testKey(1)
	f := &fixture{pub: pub, priv: priv, files: map[string][]byte{}, sha: map[string]string{}}
	contents := map[string][]byte{
		"101": fileContent(1, 4096),
		"102": fileContent(2, 4096),
		"103": []byte("shared configuration export\n"),
		"104": []byte("shared configuration export\n"),
		"105": fileContent(5, 10_000),
	}
	titles := map[string]string{
		"101": "Access review Q1",
		"102": "Firewall rules <b>&</b> \u2028 \"quoted\"",
		"103": "Config export",
		"104": "Config export (again)",
		"105": "Access review Q1, corrected",
	}
	f.bundle = Bundle{Org: "acme", GeneratedAt: t0.Add(time.Hour), PublicKey: EncodePublicKey(pub)}
	var prev *Entry
	for i, id := range []string{"101", "102", "103", "104", "105"} {
		data := contents[id]
		sum := sha256.Sum256(data)
		sha := hex.EncodeToString(sum[:])
		f.files[sha], f.sha[id] = data, sha
		start, end := t0.AddDate(0, -3, 0), t0
		ev := BundleEvidence{
			ID: id, Title: titles[id], Kind: "file", MediaType: "application/octet-stream", Filename: id + ".bin",
			SHA256: sha, Size: int64(len(data)), CollectedAt: t0.Add(time.Duration(i) * time.Minute),
			PeriodStart: &start, PeriodEnd: &end, Controls: []string{"IAM-2", "IAM-1"}, Source: "upload",
			AddedBy: "Ada Lovelace", // a display name the record does not carry
		}
		if id == "105" {
			ev.Supersedes = "101"
		}
		ev = withRecord(t, ev)
		f.bundle.Evidence = append(f.bundle.Evidence, ev)
		e := Next(prev, "acme", RecordTypeEvidence, id, ev.RecordHash, ev.CollectedAt)
		f.bundle.Entries = append(f.bundle.Entries, e)
		prev = &e
		if e.Seq == 2 {
			f.bundle.Checkpoints = append(f.bundle.Checkpoints, Sign(priv, "acme", e, e.At))
		}
	}
	head := f.bundle.Entries[len(f.bundle.Entries)-1]
	f.bundle.Checkpoints = append(f.bundle.Checkpoints, Sign(priv, "acme", head, f.bundle.GeneratedAt))
	return f
}

// testRecord is an evidence record shaped as the evidence package shapes it: its
// own key names (uid), extra keys (org, type, url), the period only when set,
// controls in the order given, and no added_by.
func testRecord(ev BundleEvidence) map[string]any {
	rec := map[string]any{
		"type": "evidence", "org": "acme", "uid": ev.ID, "kind": ev.Kind, "title": ev.Title, "source": ev.Source, "url": "",
		"filename": ev.Filename, "media_type": ev.MediaType, "sha256": ev.SHA256, "size": ev.Size,
		"collected_at": FormatTime(ev.CollectedAt), "notes": ev.Notes, "supersedes": ev.Supersedes, "controls": ev.Controls,
	}
	if ev.PeriodStart != nil {
		rec["period_start"], rec["period_end"] = FormatTime(*ev.PeriodStart), FormatTime(*ev.PeriodEnd)
	}
	if ev.Controls == nil {
		rec["controls"] = []string{}
	}
	return rec
}

// withRecord sets an item's record from its fields.
func withRecord(t testing.TB, ev BundleEvidence) BundleEvidence {
	t.Helper()
	hash, record, err := HashRecord(testRecord(ev))
	if err != nil {
		t.Fatal(err)
	}
	ev.RecordHash, ev.Record = hash, record
	return ev
}

func (f *fixture) open(sha string) (io.ReadCloser, error) {
	data, ok := f.files[sha]
	if !ok {
		return nil, fmt.Errorf("no file %s", sha)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func (f *fixture) write(t testing.TB, b Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteBundle(&buf, b, f.open); err != nil {
		t.Fatalf("WriteBundle: %v", err)
	}
	return buf.Bytes()
}

func verifyBytes(data []byte, pub ed25519.PublicKey) (Report, error) {
	return VerifyBundle(bytes.NewReader(data), int64(len(data)), pub)
}

// zfile is one file of a zip archive, for rewriting bundles.
type zfile struct {
	name    string
	data    []byte
	method  uint16
	mode    fs.FileMode
	comment string
}

func unzip(t *testing.T, data []byte) []zfile {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var files []zfile
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		files = append(files, zfile{f.Name, b, f.Method, f.Mode(), f.Comment})
	}
	return files
}

func rezip(t *testing.T, files []zfile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		fh := &zip.FileHeader{Name: f.name, Method: f.method, Comment: f.comment}
		fh.SetMode(f.mode)
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func find(files []zfile, name string) *zfile {
	for i := range files {
		if files[i].name == name {
			return &files[i]
		}
	}
	return nil
}

// editLines rewrites one file line by line.
func editLines(files []zfile, name string, edit func(lines []string) []string) {
	f := find(files, name)
	lines := strings.Split(strings.TrimSuffix(string(f.data), "\n"), "\n")
	f.data = []byte(strings.Join(edit(lines), "\n") + "\n")
}

// replaceNth replaces the n-th (1-based) occurrence of old in s.
func replaceNth(s, old, new string, n int) string {
	at := 0
	for range n {
		i := strings.Index(s[at:], old)
		if i < 0 {
			panic("replaceNth: " + old + " not found")
		}
		at += i + len(old)
	}
	return s[:at-len(old)] + new + s[at:]
}

func TestBundle(t *testing.T) {
	f := newFixture(t)
	data := f.write(t, f.bundle)
	rep, err := verifyBytes(data, f.pub)
	if err != nil {
		t.Fatalf("an untouched bundle does not verify: %v", err)
	}
	head := f.bundle.Entries[4]
	// Every item names IAM-1 and IAM-2, so each has a readable copy in both folders.
	want := Report{Org: "acme", Entries: 5, Evidence: 5, Blobs: 4, Copies: 10, Bytes: 4096 + 4096 + 28 + 10_000, Head: head.Hash, CheckpointSeq: 5}
	if rep != want {
		t.Errorf("Report = %+v\nwant     %+v", rep, want)
	}
	if again := f.write(t, f.bundle); !bytes.Equal(again, data) {
		t.Error("writing the same bundle twice gave different bytes")
	}

	files := unzip(t, data)
	var names []string
	for _, zf := range files {
		names = append(names, zf.name)
	}
	wantNames := []string{"README.txt", "index.html", "index.json", "ledger.jsonl", "checkpoints.json"}
	for _, sha := range slices.Sorted(maps.Keys(f.files)) {
		wantNames = append(wantNames, "blobs/sha256/"+sha[:2]+"/"+sha)
	}
	for _, control := range []string{"IAM-1", "IAM-2"} {
		for _, id := range []string{"101", "102", "103", "104", "105"} {
			wantNames = append(wantNames, "controls/"+control+"/"+id+".bin")
		}
	}
	if !slices.Equal(names, wantNames) {
		t.Errorf("files:\n%v\nwant\n%v", names, wantNames)
	}
	for _, zf := range files {
		if (strings.HasPrefix(zf.name, "blobs/") || strings.HasPrefix(zf.name, "controls/")) && zf.method != zip.Store {
			t.Errorf("%s is compressed (method %d); files must be stored", zf.name, zf.method)
		}
		if id, ok := strings.CutPrefix(zf.name, "controls/IAM-2/"); ok {
			id = strings.TrimSuffix(id, ".bin")
			if sha := f.sha[id]; !bytes.Equal(zf.data, f.files[sha]) {
				t.Errorf("%s is not the file of evidence %s", zf.name, id)
			}
			ev := f.bundle.Evidence[slices.IndexFunc(f.bundle.Evidence, func(ev BundleEvidence) bool { return ev.ID == id })]
			if want := "evidence " + id + " " + ev.RecordHash; zf.comment != want {
				t.Errorf("%s has comment %q, want %q", zf.name, zf.comment, want)
			}
		}
	}
	readme := string(find(files, "README.txt").data)
	for _, s := range []string{"Organization:  acme", EncodePublicKey(f.pub), KeyID(f.pub), "5 ledger entries, 5 evidence items, 0 other records, 4 files, 2 checkpoints, 10 readable copies", "attest-ledger-v1", "Format:        attest-bundle-v3", "index.html"} {
		if !strings.Contains(readme, s) {
			t.Errorf("README.txt does not mention %q", s)
		}
	}
	if n := strings.Count(string(find(files, "ledger.jsonl").data), "\n"); n != 5 {
		t.Errorf("ledger.jsonl has %d lines, want 5", n)
	}
	// The record of 102 holds <, > and & and U+2028; they must be written as is.
	if !strings.Contains(string(find(files, "index.json").data), `"title":"Firewall rules <b>&</b> `+"\u2028") {
		t.Error("index.json escaped the record's characters")
	}
}

func TestBundleTampering(t *testing.T) {
	f := newFixture(t)
	data := f.write(t, f.bundle)
	blob := func(id string) string { sha := f.sha[id]; return "blobs/sha256/" + sha[:2] + "/" + sha }
	_, otherPriv := testKey(100)

	cases := []struct {
		name   string
		edit   func(files []zfile) []zfile
		seq    int64  // the entry named, for a *Failure
		reason string // a part of the Failure's reason, or of the plain error when seq is -1
	}{
		{"flipped byte in a shared file", func(files []zfile) []zfile {
			find(files, blob("103")).data[3] ^= 0x01
			return files
		}, 3, "file " + f.sha["103"] + " of evidence 103 does not match its SHA-256: its content hashes to "},
		{"deleted ledger line", func(files []zfile) []zfile {
			editLines(files, "ledger.jsonl", func(l []string) []string { return slices.Delete(l, 2, 3) })
			return files
		}, 4, "sequence jumps from 2 to 4: entry 3 is missing"},
		{"reordered ledger lines", func(files []zfile) []zfile {
			editLines(files, "ledger.jsonl", func(l []string) []string { l[1], l[2] = l[2], l[1]; return l })
			return files
		}, 3, "entries are out of order: entry 3 comes before entry 2"},
		{"swapped file contents", func(files []zfile) []zfile {
			a, b := find(files, blob("101")), find(files, blob("102"))
			a.data, b.data = b.data, a.data
			return files
		}, 1, "file " + f.sha["101"] + " of evidence 101 does not match its SHA-256: its content hashes to " + f.sha["102"]},
		{"index metadata changed, record kept", func(files []zfile) []zfile {
			idx := find(files, "index.json")
			idx.data = []byte(replaceNth(string(idx.data), `"title":"Config export"`, `"title":"Config export (edited)"`, 1))
			return files
		}, 3, `field "title" of evidence 103 does not match its committed record`},
		{"index record changed", func(files []zfile) []zfile {
			idx := find(files, "index.json")
			idx.data = []byte(replaceNth(string(idx.data), `"title":"Config export"`, `"title":"Config export (edited)"`, 2))
			return files
		}, 3, "the record of evidence 103 was changed: its bytes do not hash to its record_hash"},
		{"index record and record hash changed together", func(files []zfile) []zfile {
			ev := f.bundle.Evidence[2]
			ev.Title = "Config export (edited)"
			edited := withRecord(t, ev)
			idx := find(files, "index.json")
			s := strings.Replace(string(idx.data), string(ev.Record), string(edited.Record), 1)
			idx.data = []byte(strings.Replace(s, ev.RecordHash, edited.RecordHash, 1))
			return files
		}, 3, "record hash does not match evidence 103 in index.json: the record was changed after it was recorded"},
		{"evidence removed from the index", func(files []zfile) []zfile {
			editLines(files, "index.json", func(l []string) []string {
				l[4] = strings.TrimSuffix(l[4], ",") // keep the JSON valid when dropping line 5
				return slices.Delete(l, 5, 6)
			})
			return files
		}, 5, "evidence 105 is not in index.json"},
		{"file removed", func(files []zfile) []zfile {
			return slices.DeleteFunc(files, func(z zfile) bool { return z.name == blob("105") })
		}, 5, "file " + f.sha["105"] + " of evidence 105 is missing from the bundle"},
		{"file grown, deflated", func(files []zfile) []zfile {
			// 16 MiB of zeros deflates to a few kilobytes; only 10,001 bytes may be read.
			zf := find(files, blob("105"))
			zf.data, zf.method = append(zf.data, make([]byte, 16<<20)...), zip.Deflate
			return files
		}, 5, "is larger than the 10000 bytes its record states"},
		{"file cut short", func(files []zfile) []zfile {
			zf := find(files, blob("105"))
			zf.data = zf.data[:9000]
			return files
		}, 5, "does not match its SHA-256"},
		{"head checkpoint removed", func(files []zfile) []zfile {
			find(files, "checkpoints.json").data = []byte(`[` + string(mustJSON(t, f.bundle.Checkpoints[0])) + `]`)
			return files
		}, 3, "entries 3 to 5 are an unsigned tail: no checkpoint signed by the key covers them (the last checkpoint is at entry 2)"},
		{"unsigned tail after a changed file", func(files []zfile) []zfile {
			find(files, blob("101")).data[0] ^= 0x01
			find(files, "checkpoints.json").data = []byte(`[` + string(mustJSON(t, f.bundle.Checkpoints[0])) + `]`)
			return files
		}, 1, "file " + f.sha["101"] + " of evidence 101 does not match its SHA-256"},
		{"changed file in the unsigned tail", func(files []zfile) []zfile {
			find(files, blob("105")).data[0] ^= 0x01
			find(files, "checkpoints.json").data = []byte(`[` + string(mustJSON(t, f.bundle.Checkpoints[0])) + `]`)
			return files
		}, 3, "entries 3 to 5 are an unsigned tail"},
		{"no checkpoints", func(files []zfile) []zfile {
			find(files, "checkpoints.json").data = []byte(`[]`)
			return files
		}, 1, "entries 1 to 5 are an unsigned tail: no checkpoint signed by the key covers them (the bundle has no checkpoint)"},
		{"checkpoint time changed", func(files []zfile) []zfile {
			cs := slices.Clone(f.bundle.Checkpoints)
			cs[1].At = cs[1].At.Add(-time.Hour)
			find(files, "checkpoints.json").data = mustJSON(t, cs)
			return files
		}, 5, "checkpoint at entry 5: signature does not verify"},
		{"checkpoint signed by another key", func(files []zfile) []zfile {
			cs := []Checkpoint{f.bundle.Checkpoints[0], Sign(otherPriv, "acme", f.bundle.Entries[4], t0)}
			find(files, "checkpoints.json").data = mustJSON(t, cs)
			return files
		}, 5, "checkpoint at entry 5 is signed by key"},
		{"first failure wins", func(files []zfile) []zfile {
			find(files, blob("102")).data[0] ^= 0xff
			editLines(files, "ledger.jsonl", func(l []string) []string { return slices.Delete(l, 3, 4) })
			return files
		}, 2, "file " + f.sha["102"] + " of evidence 102 does not match its SHA-256"},

		{"zip slip", func(files []zfile) []zfile {
			return append(files, zfile{"../evil", []byte("x"), zip.Store, 0o644, ""})
		}, -1, `unsafe file name "../evil"`},
		{"zip slip inside", func(files []zfile) []zfile {
			return append(files, zfile{"blobs/../../evil", []byte("x"), zip.Store, 0o644, ""})
		}, -1, `unsafe file name "blobs/../../evil"`},
		{"absolute path", func(files []zfile) []zfile {
			return append(files, zfile{"/etc/cron.d/evil", []byte("x"), zip.Store, 0o644, ""})
		}, -1, `unsafe file name "/etc/cron.d/evil"`},
		{"windows path", func(files []zfile) []zfile {
			return append(files, zfile{`blobs\..\..\evil`, []byte("x"), zip.Store, 0o644, ""})
		}, -1, "unsafe file name"},
		{"drive letter", func(files []zfile) []zfile {
			return append(files, zfile{"C:/evil", []byte("x"), zip.Store, 0o644, ""})
		}, -1, "unsafe file name"},
		{"duplicate name", func(files []zfile) []zfile {
			fake := *find(files, "ledger.jsonl")
			return append(files, fake)
		}, -1, `the archive holds "ledger.jsonl" more than once`},
		{"directory entry", func(files []zfile) []zfile {
			return append(files, zfile{"blobs/", nil, zip.Store, fs.ModeDir | 0o755, ""})
		}, -1, `"blobs/" is not a regular file`},
		{"symbolic link", func(files []zfile) []zfile {
			files = slices.DeleteFunc(files, func(z zfile) bool { return z.name == blob("105") })
			return append(files, zfile{blob("105"), []byte("/etc/passwd"), zip.Store, fs.ModeSymlink | 0o777, ""})
		}, -1, "is not a regular file"},
		{"unexpected file", func(files []zfile) []zfile {
			return append(files, zfile{"notes.txt", []byte("trust me"), zip.Deflate, 0o644, ""})
		}, -1, `unexpected file "notes.txt"`},
		{"file name in upper case", func(files []zfile) []zfile {
			sha := strings.ToUpper(f.sha["105"])
			return append(files, zfile{"blobs/sha256/" + sha[:2] + "/" + sha, nil, zip.Store, 0o644, ""})
		}, -1, "unexpected file"},
		{"file that belongs to no evidence", func(files []zfile) []zfile {
			sum := sha256.Sum256([]byte("stowaway"))
			sha := hex.EncodeToString(sum[:])
			return append(files, zfile{"blobs/sha256/" + sha[:2] + "/" + sha, []byte("stowaway"), zip.Store, 0o644, ""})
		}, -1, "belongs to no evidence or snapshot recorded in the ledger"},
		{"index.json missing", func(files []zfile) []zfile {
			return slices.DeleteFunc(files, func(z zfile) bool { return z.name == "index.json" })
		}, -1, "index.json is missing"},
		{"unknown ledger field", func(files []zfile) []zfile {
			editLines(files, "ledger.jsonl", func(l []string) []string {
				l[1] = strings.Replace(l[1], `{"org"`, `{"note":"hi","org"`, 1)
				return l
			})
			return files
		}, -1, `ledger.jsonl line 2: ledger entry: json: unknown field "note"`},
		{"ledger cut short", func(files []zfile) []zfile {
			zf := find(files, "ledger.jsonl")
			zf.data = zf.data[:len(zf.data)-1]
			return files
		}, -1, "ledger.jsonl does not end with a newline"},
		{"other format", func(files []zfile) []zfile {
			idx := find(files, "index.json")
			idx.data = bytes.Replace(idx.data, []byte(BundleFormat), []byte("attest-bundle-v9"), 1)
			return files
		}, -1, `index.json has format "attest-bundle-v9"`},
		{"other organization in the index", func(files []zfile) []zfile {
			idx := find(files, "index.json")
			idx.data = bytes.Replace(idx.data, []byte(`"org":"acme"`), []byte(`"org":"other"`), 1)
			return files
		}, -1, `index.json is for organization "other", but the ledger for "acme"`},
		{"empty ledger", func(files []zfile) []zfile {
			find(files, "ledger.jsonl").data = nil
			return files
		}, -1, "ledger.jsonl has no entries"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tampered := rezip(t, c.edit(unzip(t, data)))
			_, err := verifyBytes(tampered, f.pub)
			if err == nil {
				t.Fatal("the tampered bundle verifies")
			}
			var fail *Failure
			isFailure := errors.As(err, &fail)
			switch {
			case c.seq >= 0 && !isFailure:
				t.Fatalf("VerifyBundle = %v, want a failure at entry %d", err, c.seq)
			case c.seq >= 0 && (fail.Seq != c.seq || !strings.Contains(fail.Reason, c.reason)):
				t.Fatalf("failure at entry %d: %s\nwant entry %d: …%s…", fail.Seq, fail.Reason, c.seq, c.reason)
			case c.seq < 0 && isFailure:
				t.Fatalf("VerifyBundle = %v, want an error about the archive", err)
			case c.seq < 0 && !strings.Contains(err.Error(), c.reason):
				t.Fatalf("VerifyBundle = %v\nwant an error containing %q", err, c.reason)
			}
		})
	}

	// A rezipped but otherwise untouched bundle still verifies, so the cases above
	// fail for their edit, not for the rewriting.
	if _, err := verifyBytes(rezip(t, unzip(t, data)), f.pub); err != nil {
		t.Fatalf("a rewritten, unchanged bundle does not verify: %v", err)
	}
	// Files may also be deflated by whoever rewrote the archive.
	files := unzip(t, data)
	for i := range files {
		files[i].method = zip.Deflate
	}
	if _, err := verifyBytes(rezip(t, files), f.pub); err != nil {
		t.Fatalf("a bundle with deflated files does not verify: %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestVerifyBundleRefusals(t *testing.T) {
	f := newFixture(t)
	data := f.write(t, f.bundle)
	otherPub, _ := testKey(100)

	_, err := verifyBytes(data, otherPub)
	var fail *Failure
	if !errors.As(err, &fail) || fail.Seq != 2 || !strings.Contains(fail.Reason, "is signed by key") {
		t.Errorf("verified with another key: %v, want the first checkpoint (entry 2) named", err)
	}
	if _, err := verifyBytes(data, nil); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Errorf("verified without a key: %v", err)
	}
	if _, err := verifyBytes([]byte("not a zip"), f.pub); err == nil || !strings.Contains(err.Error(), "not a readable zip archive") {
		t.Errorf("verified a non-zip: %v", err)
	}
}

func TestBundleContents(t *testing.T) {
	t.Run("record versions", func(t *testing.T) {
		// Evidence 102's notes were edited: a second record of the same ID, recorded
		// by a later entry. Both versions are in the index and both verify.
		f := newFixture(t)
		b := f.bundle
		ev := b.Evidence[1]
		ev.Notes = "reviewed by Bob"
		ev = withRecord(t, ev)
		b.Evidence = append(slices.Clone(b.Evidence), ev)
		head := Next(&b.Entries[4], "acme", RecordTypeEvidence, "102", ev.RecordHash, t0.Add(time.Hour))
		b.Entries = append(slices.Clone(b.Entries), head)
		b.Checkpoints = append(slices.Clone(b.Checkpoints), Sign(f.priv, "acme", head, t0.Add(time.Hour)))
		rep, err := verifyBytes(f.write(t, b), f.pub)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Entries != 6 || rep.Evidence != 6 || rep.Blobs != 4 || rep.CheckpointSeq != 6 {
			t.Errorf("Report = %+v", rep)
		}
	})
	t.Run("evidence no entry records", func(t *testing.T) {
		f := newFixture(t)
		b := f.bundle
		ev := b.Evidence[0]
		ev.ID = "999"
		b.Evidence = append(slices.Clone(b.Evidence), withRecord(t, ev))
		_, err := verifyBytes(f.write(t, b), f.pub)
		if err == nil || !strings.Contains(err.Error(), "evidence 999 (record hash ") || !strings.Contains(err.Error(), "no ledger entry records it") {
			t.Errorf("VerifyBundle = %v", err)
		}
	})
	t.Run("record type the bundle does not carry", func(t *testing.T) {
		f := newFixture(t)
		b := f.bundle
		head := Next(&b.Entries[4], "acme", "approval", "7", hexSum("approval"), t0.Add(time.Hour))
		b.Entries = append(slices.Clone(b.Entries), head)
		b.Checkpoints = append(slices.Clone(b.Checkpoints), Sign(f.priv, "acme", head, t0.Add(time.Hour)))
		_, err := verifyBytes(f.write(t, b), f.pub)
		var fail *Failure
		if !errors.As(err, &fail) || fail.Seq != 6 || !strings.Contains(fail.Reason, `the record of approval 7 with this record hash is not in index.json`) {
			t.Errorf("VerifyBundle = %v", err)
		}
	})
	// A record type this verifier does not know still verifies as a link of
	// the chain, with its bytes held to the hash its entry committed to.
	withApproval := func(t *testing.T) (*fixture, Bundle) {
		f := newFixture(t)
		b := f.bundle
		hash, rec, err := HashRecord(map[string]any{"type": "approval", "org": "acme", "policy": "Access <policy>", "version": 1})
		if err != nil {
			t.Fatal(err)
		}
		b.Records = []BundleRecord{{Type: "approval", ID: "7", RecordHash: hash, Record: rec}}
		head := Next(&b.Entries[4], "acme", "approval", "7", hash, t0.Add(time.Hour))
		b.Entries = append(slices.Clone(b.Entries), head)
		b.Checkpoints = append(slices.Clone(b.Checkpoints), Sign(f.priv, "acme", head, t0.Add(time.Hour)))
		return f, b
	}
	t.Run("record of an unknown type", func(t *testing.T) {
		f, b := withApproval(t)
		rep, err := verifyBytes(f.write(t, b), f.pub)
		if err != nil || rep.Records != 1 || rep.Entries != 6 || rep.Evidence != 5 {
			t.Fatalf("VerifyBundle = %+v, %v", rep, err)
		}
	})
	t.Run("record of an unknown type changed", func(t *testing.T) {
		f, b := withApproval(t)
		files := unzip(t, f.write(t, b))
		idx := find(files, "index.json")
		idx.data = bytes.Replace(idx.data, []byte(`Access <policy>`), []byte(`Access policy!!`), 1)
		_, err := verifyBytes(rezip(t, files), f.pub)
		var fail *Failure
		if !errors.As(err, &fail) || fail.Seq != 6 || !strings.Contains(fail.Reason, "do not hash to its record_hash") {
			t.Errorf("VerifyBundle = %v", err)
		}
	})
	t.Run("record no entry records", func(t *testing.T) {
		f, b := withApproval(t)
		extra := b.Records[0]
		extra.ID = "8"
		b.Records = append(b.Records, extra)
		_, err := verifyBytes(f.write(t, b), f.pub)
		if err == nil || !strings.Contains(err.Error(), "approval 8 (record hash") {
			t.Errorf("VerifyBundle = %v", err)
		}
	})
}

// testdata/bundle-v1.zip was written by the attest-bundle-v1 writer (newFixture's
// bundle, exported with WriteBundle before bundle v2), with
// testdata/bundle-v1.pubkey its key. It is checked in so that v1 bundles keep
// verifying whatever the writer becomes.
func TestVerifiesV1Bundles(t *testing.T) {
	data, pub := oldBundle(t, "testdata/bundle-v1.zip")
	if !bytes.Contains(find(unzip(t, data), "index.json").data, []byte(`"format":"attest-bundle-v1"`)) {
		t.Fatal("the fixture is not a v1 bundle")
	}
	rep, err := verifyBytes(data, pub)
	if err != nil || rep.Entries != 5 || rep.Evidence != 5 || rep.Records != 0 {
		t.Fatalf("v1 bundle: %+v, %v", rep, err)
	}
	// v1 is still checked as strictly as before.
	files := unzip(t, data)
	idx := find(files, "index.json")
	idx.data = bytes.Replace(idx.data, []byte(`"title":"Config export"`), []byte(`"title":"Config exp0rt"`), 1)
	if _, err := verifyBytes(rezip(t, files), pub); err == nil || !strings.Contains(err.Error(), "title") {
		t.Fatalf("edited v1 bundle: %v", err)
	}
	// A v1 index cannot carry records.
	files = unzip(t, data)
	idx = find(files, "index.json")
	idx.data = bytes.Replace(idx.data, []byte(`]}`+"\n"), []byte(`],"records":[]}`+"\n"), 1)
	if _, err := verifyBytes(rezip(t, files), pub); err == nil || !strings.Contains(err.Error(), "has no \"records\"") {
		t.Fatalf("v1 bundle with records: %v", err)
	}
}

func TestWriteBundleRefusals(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		edit func(b *Bundle)
		open func(string) (io.ReadCloser, error)
		want string
	}{
		{"file changed in the store", nil, func(sha string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("something else")), nil
		}, "no longer matches its SHA-256"},
		{"file missing from the store", nil, func(sha string) (io.ReadCloser, error) {
			return nil, fs.ErrNotExist
		}, ": file does not exist"},
		{"hash that is no hash", func(b *Bundle) {
			b.Evidence[0].SHA256 = "../../../etc/passwd"
			b.Evidence[0] = withRecord(t, b.Evidence[0])
		}, nil, `evidence 101: sha256 "../../../etc/passwd" is not 64 lowercase hex digits`},
		{"record that does not match its hash", func(b *Bundle) { b.Evidence[0].RecordHash = hexSum("x") }, nil,
			"the record of evidence 101 was changed: its bytes do not hash to its record_hash"},
		{"metadata that does not match the record", func(b *Bundle) { b.Evidence[0].Title = "Something else" }, nil,
			`field "title" of evidence 101 does not match its committed record`},
		{"one file, two sizes", func(b *Bundle) {
			b.Evidence[3].Size++
			b.Evidence[3] = withRecord(t, b.Evidence[3])
		}, nil, "evidence 103 and 104 name the same file"},
		{"empty ledger", func(b *Bundle) { b.Entries, b.Checkpoints = nil, nil }, nil, "organization acme has no ledger entries"},
		{"unsigned head", func(b *Bundle) { b.Checkpoints = b.Checkpoints[:1] }, nil,
			"no checkpoint covers the head of the ledger (entry 5)"},
		{"no organization", func(b *Bundle) { b.Org = "" }, nil, "no organization"},
		{"entries of another organization", func(b *Bundle) { b.Org = "other" }, nil, `entry 1 belongs to organization "acme", not "other"`},
	}
	for _, c := range cases {
		b := f.bundle
		b.Evidence = slices.Clone(b.Evidence)
		if c.edit != nil {
			c.edit(&b)
		}
		open := c.open
		if open == nil {
			open = f.open
		}
		err := WriteBundle(io.Discard, b, open)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: WriteBundle = %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// BenchmarkVerifyBundle verifies a bundle with 64 MiB of files (64 files of 1 MiB).
// Compare its MB/s with BenchmarkSHA256, the bound set by hashing alone.
func BenchmarkVerifyBundle(b *testing.B) {
	const files, size = 64, 1 << 20
	pub, priv := testKey(1)
	store := map[string][]byte{}
	bundle := Bundle{Org: "acme", GeneratedAt: t0, PublicKey: EncodePublicKey(pub)}
	var prev *Entry
	for i := range files {
		data := fileContent(uint64(i), size)
		sum := sha256.Sum256(data)
		sha := hex.EncodeToString(sum[:])
		store[sha] = data
		ev := withRecord(b, BundleEvidence{ID: fmt.Sprint(i + 1), Title: "file", SHA256: sha, Size: size, CollectedAt: t0})
		bundle.Evidence = append(bundle.Evidence, ev)
		e := Next(prev, "acme", RecordTypeEvidence, ev.ID, ev.RecordHash, t0)
		bundle.Entries = append(bundle.Entries, e)
		prev = &e
	}
	bundle.Checkpoints = []Checkpoint{Sign(priv, "acme", *prev, t0)}
	var buf bytes.Buffer
	err := WriteBundle(&buf, bundle, func(sha string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(store[sha])), nil
	})
	if err != nil {
		b.Fatal(err)
	}
	r := bytes.NewReader(buf.Bytes())
	b.SetBytes(files * size)
	for b.Loop() {
		if _, err := VerifyBundle(r, r.Size(), pub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSHA256 is the bound for BenchmarkVerifyBundle: SHA-256 alone over
// 64 MiB in 1 MiB writes.
func BenchmarkSHA256(b *testing.B) {
	data := fileContent(1, 1<<20)
	b.SetBytes(64 << 20)
	for b.Loop() {
		h := sha256.New()
		for range 64 {
			h.Write(data)
		}
		h.Sum(nil)
	}
}

// A bundle may withhold entries' records (attest-bundle-v4): the chain and
// its signatures still verify over every entry, so a withheld entry cannot
// be changed or dropped, and what the bundle does hold verifies as before.
func TestBundleWithheld(t *testing.T) {
	f := newFixture(t)
	b := f.bundle
	b.Withheld = []int64{1, 3} // evidence 101 and 103; 103's file stays, 104 shares it
	b.Evidence = slices.DeleteFunc(slices.Clone(b.Evidence), func(ev BundleEvidence) bool { return ev.ID == "101" || ev.ID == "103" })
	data := f.write(t, b)
	rep, err := verifyBytes(data, f.pub)
	if err != nil || rep.Withheld != 2 || rep.Entries != 5 || rep.Evidence != 3 || rep.Blobs != 3 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	files := unzip(t, data)
	if find(files, "blobs/sha256/"+f.sha["101"][:2]+"/"+f.sha["101"]) != nil {
		t.Error("the file of a withheld entry is in the bundle")
	}
	if idx := string(find(files, "index.json").data); !strings.Contains(idx, `"format":"`+BundleFormatWithheld+`"`) || !strings.Contains(idx, `"withheld":[1,3]`) {
		t.Errorf("index.json: %.200s", idx)
	}
	if !strings.Contains(string(find(files, "README.txt").data), "5 ledger entries (2 withheld)") {
		t.Error("README.txt does not count the withheld entries")
	}
	// Without the format, with nothing withheld under it, or withholding an
	// entry the ledger does not have: refused.
	for _, c := range []struct{ name, old, new, want string }{
		{"v3 with withheld entries", `"format":"` + BundleFormatWithheld + `"`, `"format":"` + BundleFormat + `"`, "withheld entries are " + BundleFormatWithheld + "'s alone"},
		{"v4 withholding nothing", `"withheld":[1,3],`, `"withheld":[],`, "with 0 withheld entries"},
		{"an entry it does not have", `"withheld":[1,3]`, `"withheld":[1,9]`, "withholds entry 9"},
		{"out of order", `"withheld":[1,3]`, `"withheld":[3,1]`, "withholds entry 1"},
		{"not withheld, not there", `"withheld":[1,3]`, `"withheld":[1]`, "evidence 103 is not in index.json"},
		{"not a list of numbers", `"withheld":[1,3]`, `"withheld":["1"]`, "index.json"},
	} {
		files := unzip(t, data)
		idx := find(files, "index.json")
		idx.data = []byte(strings.Replace(string(idx.data), c.old, c.new, 1))
		if _, err := verifyBytes(rezip(t, files), f.pub); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// A withheld entry's line changed (its record hash, as if its record
	// had been swapped): the chain breaks at it.
	files = unzip(t, data)
	editLines(files, "ledger.jsonl", func(l []string) []string {
		l[0] = strings.Replace(l[0], `"record_hash":"`, `"record_hash":"0`, 1)
		return l
	})
	var fail *Failure
	if _, err := verifyBytes(rezip(t, files), f.pub); !errors.As(err, &fail) || fail.Seq != 1 {
		t.Errorf("a changed withheld entry: %v", err)
	}
	// WriteBundle refuses a withheld list that is not entries in order.
	for _, w := range [][]int64{{0}, {6}, {3, 1}, {2, 2}} {
		b.Withheld = w
		if err := WriteBundle(io.Discard, b, f.open); err == nil || !strings.Contains(err.Error(), "withheld entry") {
			t.Errorf("withheld %v: %v", w, err)
		}
	}
}
