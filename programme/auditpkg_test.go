package programme_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/export/oscal"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store/storetest"
)

// index is the part of index.json the tests read.
type index struct {
	Format string `json:"format"`
	Audit  string `json:"audit"`
	Type   string `json:"type"`
	Ledger struct {
		Path    string `json:"path"`
		Through int64  `json:"through_entry"`
	} `json:"ledger"`
	Criteria []struct {
		ID       string `json:"id"`
		Controls []struct {
			Ref      string             `json:"ref"`
			Evidence []string           `json:"evidence"`
			Requests []auditpkg.Request `json:"requests"`
		} `json:"controls"`
	} `json:"criteria"`
	Evidence []auditpkg.Evidence `json:"evidence"`
}

func readZip(t *testing.T, data []byte) map[string]*zip.File {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	return files
}

func readMember(t *testing.T, f *zip.File) []byte {
	t.Helper()
	if f == nil {
		t.Fatal("missing member")
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An audit package holds the evidence of its period and no other, streams
// files one at a time, carries the ledger segment through the period as a
// bundle, and verifies offline; a changed file, at either place, fails.
func TestAuditPackage(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clock := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
			db := storetest.Open(t, d, func() time.Time { return clock })
			ctx := t.Context()
			svc := evidencetest.NewService(t, db)
			org := storetest.MustOrg(t, db, "acme")
			a1 := storetest.MustControl(t, db, org, "A-1", attest.StatusImplemented)
			b1 := storetest.MustControl(t, db, org, "B-1", attest.StatusImplemented)
			add := func(title string, c attest.Control) attest.Evidence {
				t.Helper()
				ev, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title,
					Filename: "f.txt", ControlIDs: []int64{c.ID}}, strings.NewReader("content of "+title))
				if err != nil {
					t.Fatal(err)
				}
				return ev
			}
			// An item long expired by the period: in the segment's range
			// (entry 1), not in the package, so the segment withholds it.
			clock = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)
			old := add("Old review, with a secret", a1)
			clock = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
			jan := add(`<script>alert("jan")</script>`, a1)
			clock = time.Date(2026, 2, 15, 9, 0, 0, 0, time.UTC)
			feb := add("February review", b1)
			clock = time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
			may := add("May review", a1)

			pkgs := programme.AuditPackages{DB: db, Catalog: cat, Evidence: svc, Now: func() time.Time { return clock }}
			p := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
			in := auditpkg.Input{Audit: "aud_1", Type: auditpkg.Type2, From: "2026-01-01", To: "2026-03-31",
				Requests: []auditpkg.Request{{ID: "R-1", Title: "Access review", Control: "A-1", Evidence: []string{jan.UID, may.UID, "ev_unknown"}}}}
			var buf bytes.Buffer
			sum, err := pkgs.Export(ctx, p, in, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Evidence != 2 || sum.Files != 2 {
				t.Fatalf("summary: %+v", sum)
			}
			data := buf.Bytes()
			files := readZip(t, data)
			var idx index
			if err := json.Unmarshal(readMember(t, files[auditpkg.IndexFile]), &idx); err != nil {
				t.Fatal(err)
			}
			ids := []string{}
			for _, ev := range idx.Evidence {
				ids = append(ids, ev.ID)
				f := files[ev.Path]
				if f == nil || f.Method != zip.Store || ev.Path != auditpkg.BlobPath(ev.SHA256) {
					t.Errorf("evidence %s: file %s missing or compressed", ev.ID, ev.Path)
				}
			}
			if !slices.Equal(ids, []string{jan.UID, feb.UID}) || idx.Format != auditpkg.Format || idx.Audit != "aud_1" {
				t.Fatalf("index: %+v (want %s, %s; not %s)", idx, jan.UID, feb.UID, may.UID)
			}
			// The ledger segment ends at February's entry, before May's.
			if idx.Ledger.Through != feb.LedgerSeq || idx.Ledger.Path != auditpkg.LedgerFile || files[auditpkg.LedgerFile].Method != zip.Store {
				t.Errorf("ledger segment: %+v, want through %d", idx.Ledger, feb.LedgerSeq)
			}
			var sawRequest bool
			for _, cr := range idx.Criteria {
				for _, c := range cr.Controls {
					if c.Ref == "A-1" && cr.ID == "CC6.1" {
						sawRequest = len(c.Requests) == 1 && slices.Equal(c.Requests[0].Evidence, []string{jan.UID}) && slices.Equal(c.Evidence, []string{jan.UID})
					}
				}
			}
			if !sawRequest {
				t.Errorf("CC6.1 → A-1 → R-1 → %s missing from the index: %+v", jan.UID, idx.Criteria)
			}
			page := string(readMember(t, files[auditpkg.PageFile]))
			if strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;") || !strings.Contains(page, auditpkg.BlobPath(jan.SHA256)) {
				t.Errorf("index.html does not escape titles or link files:\n%s", page)
			}
			if pdf := readMember(t, files[auditpkg.SummaryFile]); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Errorf("summary.pdf is not a PDF")
			}
			for name, kind := range map[string]string{auditpkg.ComponentFile: oscal.KindComponent, auditpkg.ResultsFile: oscal.KindResults} {
				if err := oscal.Validate(kind, readMember(t, files[name])); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}

			pub := svc.Key.Public().(ed25519.PublicKey)
			rep, err := auditpkg.Verify(bytes.NewReader(data), int64(len(data)), pub)
			if err != nil || rep.Evidence != 2 || rep.Files != 2 || rep.Ledger.Entries != int(feb.LedgerSeq) {
				t.Fatalf("verify: %+v %v", rep, err)
			}
			// The segment is the bundle `attest verify BUNDLE.zip` checks. It
			// withholds the record and file of the item outside the package.
			seg := readMember(t, files[auditpkg.LedgerFile])
			segRep, err := ledger.VerifyBundle(bytes.NewReader(seg), int64(len(seg)), pub)
			if err != nil {
				t.Fatalf("the extracted segment does not verify: %v", err)
			}
			if segRep.Withheld != 1 || segRep.Evidence != 2 || old.LedgerSeq != 1 || bytes.Contains(data, []byte("Old review")) ||
				bytes.Contains(data, []byte("content of Old review")) {
				t.Errorf("the segment carries what lies outside the package: %+v", segRep)
			}
			other, _, _ := ed25519.GenerateKey(nil)
			if _, err := auditpkg.Verify(bytes.NewReader(data), int64(len(data)), other); err == nil {
				t.Error("a package verified under another key")
			}
			// Each file is in the package twice: under blobs/, then in the segment.
			needle := []byte("content of February review")
			for _, c := range []struct {
				name string
				at   int
				want string
			}{
				{"package file", bytes.Index(data, needle), "evidence " + feb.UID + ": file blobs/sha256/"},
				{"segment file", bytes.LastIndex(data, needle), "the ledger segment does not verify"},
			} {
				bad := bytes.Clone(data)
				bad[c.at] ^= 1
				if _, err := auditpkg.Verify(bytes.NewReader(bad), int64(len(bad)), pub); err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s changed: %v, want %q", c.name, err, c.want)
				}
			}

			// Type 1: as of a day, only what was current that day.
			buf.Reset()
			if _, err := pkgs.Export(ctx, p, auditpkg.Input{Type: auditpkg.Type1, AsOf: "2026-01-20"}, &buf); err != nil {
				t.Fatal(err)
			}
			idx = index{}
			if err := json.Unmarshal(readMember(t, readZip(t, buf.Bytes())[auditpkg.IndexFile]), &idx); err != nil {
				t.Fatal(err)
			}
			if len(idx.Evidence) != 1 || idx.Evidence[0].ID != jan.UID || idx.Audit != "soc2-type1-2026-01-20" || idx.Ledger.Through != jan.LedgerSeq {
				t.Errorf("Type 1 index: %+v", idx)
			}
			for _, bad := range []auditpkg.Input{
				{Type: auditpkg.Type2, From: "2026-01-01", To: "2026-01-31"},
				{Type: "type3"},
				{Type: auditpkg.Type2, From: "2026-01-01", To: "2026-03-31", Framework: "nist-800-53"},
			} {
				if _, err := pkgs.Export(ctx, p, bad, io.Discard); attest.ErrorCode(err) != attest.EINVALID {
					t.Errorf("%+v: %v, want EINVALID", bad, err)
				}
			}
		})
	}
}

// countingReader counts that files are opened one at a time.
type countingReader struct {
	io.Reader
	open *atomic.Int32
}

func (c countingReader) Close() error { c.open.Add(-1); return nil }

// Files are streamed one at a time: never two open at once, whatever their count.
func TestAuditPackageStreamsOneFileAtATime(t *testing.T) {
	var open, most atomic.Int32
	pkg := auditpkg.Package{Input: auditpkg.Input{Type: auditpkg.Type1, AsOf: "2026-01-01"}, Org: "acme", Generated: time.Unix(0, 0),
		Ledger: func(w io.Writer) error { return nil }}
	contents := map[string]string{}
	for i := range 50 {
		body := strings.Repeat("x", i+1)
		sha, _, _ := ledger.HashReader(strings.NewReader(body))
		contents[sha] = body
		pkg.Evidence = append(pkg.Evidence, auditpkg.Evidence{ID: "ev_" + sha[:8], SHA256: sha, Size: int64(len(body))})
	}
	pkg.Open = func(sha string) (io.ReadCloser, error) {
		most.Store(max(most.Load(), open.Add(1)))
		return countingReader{strings.NewReader(contents[sha]), &open}, nil
	}
	sum, err := auditpkg.Write(io.Discard, pkg)
	if err != nil || sum.Files != 50 || most.Load() != 1 || open.Load() != 0 {
		t.Fatalf("summary %+v, err %v, most open %d, still open %d", sum, err, most.Load(), open.Load())
	}
	// A file that changed in the store is refused, not written.
	pkg.Open = func(sha string) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("changed")), nil }
	if _, err := auditpkg.Write(io.Discard, pkg); err == nil || !strings.Contains(err.Error(), "no longer matches its record") {
		t.Fatalf("changed file: %v", err)
	}
}
