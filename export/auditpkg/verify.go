package auditpkg

import (
	"archive/zip"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/export/oscal"
	"github.com/attest-hq/attest/ledger"
)

// Report describes a package that verified.
type Report struct {
	Ledger   ledger.Report // the ledger segment's verification
	Audit    string
	Evidence int   // evidence items of index.json, each found in the ledger
	Files    int   // evidence files re-hashed
	Bytes    int64 // their total size
	Samples  int   // samples of testing.json, each re-derived from its workpaper
}

// IsPackage reports whether the zip archive in r is an audit package (it
// holds ledger/bundle.zip), so that `attest verify` knows which check to run.
func IsPackage(r io.ReaderAt, size int64) bool {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return false
	}
	return slices.ContainsFunc(zr.File, func(f *zip.File) bool { return f.Name == LedgerFile })
}

// Verify checks a package written by Write with nothing but the install's
// public key:
//
//  1. ledger/bundle.zip, stored, is verified in place by ledger.VerifyBundle,
//     the check `attest verify BUNDLE.zip` runs: every entry, record, file and
//     signature of the segment.
//  2. index.json is this format, for the same organization, and names the
//     segment's head.
//  3. Every evidence item of index.json is in the segment with the same ID,
//     record hash, SHA-256 and size, so the index cannot claim an item the
//     ledger does not record, and its file in the package re-hashes to them.
//  4. Every file under blobs/ belongs to an item; no name could escape the
//     directory the package is extracted to.
//  5. The OSCAL documents validate against NIST's schemas.
//  6. testing.json, when index.json has testing, is that testing; its
//     samples re-derive from their workpapers; and each population is a
//     population record of the segment, with the same rows, census results
//     and reconciliation, and the same retrieval (kind, window, query…).
//
// index.html, summary.pdf and readiness.json are derived for reading and are
// not checked.
func Verify(r io.ReaderAt, size int64, pub ed25519.PublicKey) (Report, error) {
	var rep Report
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return rep, fmt.Errorf("audit package: not a readable zip archive: %w", err)
	}
	if len(zr.File) > ledger.MaxMembers {
		return rep, fmt.Errorf("audit package: the archive holds %d files, more than %d", len(zr.File), ledger.MaxMembers)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if unsafeName(f.Name) {
			return rep, fmt.Errorf("audit package: unsafe file name %q", f.Name)
		}
		if files[f.Name] != nil {
			return rep, fmt.Errorf("audit package: the archive holds %q more than once", f.Name)
		}
		if !f.Mode().IsRegular() {
			return rep, fmt.Errorf("audit package: %q is not a regular file", f.Name)
		}
		files[f.Name] = f
	}
	lf := files[LedgerFile]
	if lf == nil {
		return rep, fmt.Errorf("audit package: %s is missing", LedgerFile)
	}
	if lf.Method != zip.Store {
		return rep, fmt.Errorf("audit package: %s must be stored, not compressed", LedgerFile)
	}
	off, err := lf.DataOffset()
	if err != nil {
		return rep, fmt.Errorf("audit package: %s: %w", LedgerFile, err)
	}
	segment := io.NewSectionReader(r, off, int64(lf.CompressedSize64))
	rep.Ledger, err = ledger.VerifyBundle(segment, segment.Size(), pub)
	if err != nil {
		return rep, fmt.Errorf("audit package: the ledger segment does not verify: %w", err)
	}
	recorded, populations, err := segmentEvidence(segment)
	if err != nil {
		return rep, err
	}

	var idx indexJSON
	if err := readJSON(files[IndexFile], IndexFile, &idx); err != nil {
		return rep, err
	}
	switch {
	case idx.Format != Format:
		return rep, fmt.Errorf("audit package: index.json has format %q; this verifier reads %q", idx.Format, Format)
	case idx.Org != rep.Ledger.Org:
		return rep, fmt.Errorf("audit package: index.json is for organization %q, the ledger segment for %q", idx.Org, rep.Ledger.Org)
	case idx.Ledger.Head != rep.Ledger.Head:
		return rep, fmt.Errorf("audit package: index.json names ledger head %s, the segment ends at %s", idx.Ledger.Head, rep.Ledger.Head)
	}
	rep.Audit = idx.Audit
	if idx.Testing == nil && files[TestingFile] != nil {
		// Testing left out of the index would go unchecked.
		return rep, fmt.Errorf("audit package: %s is in the package, but index.json has no testing", TestingFile)
	}
	if idx.Testing != nil {
		// The testing file and the index carry the same testing, and each
		// sample re-derives from its workpaper.
		var t Testing
		if err := readJSON(files[TestingFile], TestingFile, &t); err != nil {
			return rep, err
		}
		a, _ := json.Marshal(t)
		b, _ := json.Marshal(idx.Testing)
		if string(a) != string(b) {
			return rep, fmt.Errorf("audit package: %s differs from the testing of index.json", TestingFile)
		}
		if err := verifyTesting(t); err != nil {
			return rep, err
		}
		// Each population is the one its ledger record banked: the signed
		// segment holds a population record of that uid and record hash
		// whose population hash is the one testing.json's rows hash to, and
		// whose rows, census results and reconciliation are the ones
		// testing.json claims. The hash covers only each row's ID, time and
		// summary, so without the rest a consistent edit of testing.json and
		// index.json could turn a deviation into a pass.
		for _, p := range t.Populations {
			b, ok := populations[p.UID+" "+p.RecordHash]
			switch {
			case !ok:
				return rep, fmt.Errorf("audit package: %s: population %s (record hash %s) is not recorded in the ledger segment", TestingFile, p.UID, p.RecordHash)
			case b.Hash != p.Hash:
				return rep, fmt.Errorf("audit package: %s: population %s hashes to %s, but its ledger record says %s", TestingFile, p.UID, p.Hash, b.Hash)
			}
			if err := verifyBanked(p, b); err != nil {
				return rep, fmt.Errorf("audit package: %s: population %s %w", TestingFile, p.UID, err)
			}
		}
		rep.Samples = len(t.Samples)
	}
	hashed := map[string]bool{}
	for _, ev := range idx.Evidence {
		key := ev.ID + " " + ev.RecordHash
		rec, ok := recorded[key]
		switch {
		case !ok:
			return rep, fmt.Errorf("audit package: evidence %s (record hash %s) is in index.json, but the ledger segment does not record it", ev.ID, ev.RecordHash)
		case rec.SHA256 != ev.SHA256 || rec.Size != ev.Size:
			return rep, fmt.Errorf("audit package: evidence %s: index.json says %d bytes hashing to %s, its record %d bytes hashing to %s", ev.ID, ev.Size, ev.SHA256, rec.Size, rec.SHA256)
		case !isHexHash(ev.SHA256) || ev.Path != BlobPath(ev.SHA256):
			return rep, fmt.Errorf("audit package: evidence %s: its path %q is not where its file belongs", ev.ID, ev.Path)
		}
		rep.Evidence++
		if hashed[ev.SHA256] {
			continue
		}
		f := files[ev.Path]
		if f == nil {
			return rep, fmt.Errorf("audit package: the file of evidence %s (%s) is missing", ev.ID, ev.Path)
		}
		if err := rehash(f, ev.SHA256, ev.Size); err != nil {
			return rep, fmt.Errorf("audit package: evidence %s: %w", ev.ID, err)
		}
		hashed[ev.SHA256] = true
		rep.Files++
		rep.Bytes += ev.Size
	}
	for name := range files {
		if sha, ok := strings.CutPrefix(name, blobDir); ok && !hashed[sha[min(3, len(sha)):]] {
			return rep, fmt.Errorf("audit package: file %s belongs to no evidence item of index.json", name)
		}
	}
	for _, d := range []struct{ name, kind string }{{ComponentFile, oscal.KindComponent}, {ResultsFile, oscal.KindResults}} {
		data, err := readAll(files[d.name], d.name)
		if err != nil {
			return rep, err
		}
		if err := oscal.Validate(d.kind, data); err != nil {
			return rep, fmt.Errorf("audit package: %s: %w", d.name, err)
		}
	}
	return rep, nil
}

// recordedItem is what the segment's index.json says of an evidence item;
// VerifyBundle has checked it against its record and its ledger entry.
type recordedItem struct {
	ID         string `json:"id"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	RecordHash string `json:"record_hash"`
}

// segmentEvidence reads the evidence of a segment that verified, keyed by ID
// and record hash.
func segmentEvidence(segment *io.SectionReader) (evidence map[string]recordedItem, populations map[string]bankedPopulation, err error) {
	zr, err := zip.NewReader(segment, segment.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("audit package: reading the ledger segment: %w", err)
	}
	var idx struct {
		Evidence []recordedItem        `json:"evidence"`
		Records  []ledger.BundleRecord `json:"records"`
	}
	i := slices.IndexFunc(zr.File, func(f *zip.File) bool { return f.Name == "index.json" })
	if i < 0 {
		return nil, nil, errors.New("audit package: the ledger segment has no index.json") // not reached: it verified
	}
	if err := readJSON(zr.File[i], "ledger segment's index.json", &idx); err != nil {
		return nil, nil, err
	}
	evidence = make(map[string]recordedItem, len(idx.Evidence))
	for _, it := range idx.Evidence {
		evidence[it.ID+" "+it.RecordHash] = it
	}
	// Population records, by uid and record hash, with what each banked
	// (the segment verified, so each record is the bytes its entry
	// committed to).
	populations = map[string]bankedPopulation{}
	for _, r := range idx.Records {
		if r.Type != ledger.RecordTypePopulation {
			continue
		}
		var rec bankedPopulation
		if err := json.Unmarshal(r.Record, &rec); err != nil {
			return nil, nil, fmt.Errorf("audit package: the ledger segment's population record %s: %w", r.ID, err)
		}
		populations[r.ID+" "+r.RecordHash] = rec
	}
	return evidence, populations, nil
}

// bankedPopulation is what a population record of the segment banked, of
// what testing.json claims of the population (ledger/doc.go, "Population
// records").
type bankedPopulation = attest.PopulationRetrieval // the record's keys are its JSON names

// verifyBanked holds a population of testing.json, whose uid, record hash
// and population hash match its record b, to the rest of b: its rows (with
// the facts its census tests, which the population hash does not cover: a
// configuration capture's verdict, snapshot, collection and controls too),
// its census results, its reconciliation and what the retrieval was (kind,
// window, audit, source, query, deadlines, when and by whom, count); then it
// recounts the tally from the results and findings. The error completes
// "population UID".
func verifyBanked(p attest.PopulationRetrieval, b bankedPopulation) error {
	// Both sides' rows were decoded into the same type, so their encodings
	// are equal exactly when the rows are.
	enc := func(r attest.PopulationRow) string { out, _ := json.Marshal(r); return string(out) }
	rows, banked := make([]string, len(p.Rows)), make([]string, len(b.Rows))
	for i, r := range p.Rows {
		rows[i] = enc(r)
	}
	for i, r := range b.Rows {
		banked[i] = enc(r)
	}
	if i := firstDifference(rows, banked); i >= 0 {
		if i >= len(rows) || i >= len(banked) {
			return fmt.Errorf("has %d rows, but its ledger record %d", len(rows), len(banked))
		}
		return fmt.Errorf("row %d (%s) differs from the one its ledger record holds", i+1, p.Rows[i].ID)
	}
	if i := firstDifference(p.Results, b.Results); i >= 0 {
		if i >= len(p.Results) || i >= len(b.Results) {
			return fmt.Errorf("has %d census results, but its ledger record %d", len(p.Results), len(b.Results))
		}
		r, w := p.Results[i], b.Results[i]
		return fmt.Errorf("says item %s is %s (%s), but its ledger record says %s is %s (%s)", r.Item, r.Result, r.Reason, w.Item, w.Result, w.Reason)
	}
	pr, br := p.Reconciliation, b.Reconciliation
	if pr.Against != br.Against || pr.Reconciled != br.Reconciled || pr.Note != br.Note {
		return fmt.Errorf("says its reconciliation against %s is reconciled %t (%q), but its ledger record says against %s reconciled %t (%q)",
			pr.Against, pr.Reconciled, pr.Note, br.Against, br.Reconciled, br.Note)
	}
	if i := firstDifference(pr.Findings, br.Findings); i >= 0 {
		if i >= len(pr.Findings) || i >= len(br.Findings) {
			return fmt.Errorf("has %d reconciliation findings, but its ledger record %d", len(pr.Findings), len(br.Findings))
		}
		f, w := pr.Findings[i], br.Findings[i]
		return fmt.Errorf("says reconciliation finding %d is %s (%s), but its ledger record says %s (%s)", i+1, f.Item, f.Why, w.Item, w.Why)
	}
	// What the retrieval was: the checks' outcome depends on the kind and
	// the deadlines, what it covers on the window. These are compared with
	// the record, not re-derived with today's census rules, so a package
	// verifies under later releases whose checks have changed.
	pp, _ := json.Marshal(p.Params)
	bp, _ := json.Marshal(b.Params)
	for _, f := range []struct{ name, got, banked string }{
		{"kind", p.Kind, b.Kind}, {"from", p.From, b.From}, {"to", p.To, b.To}, {"audit", p.Audit, b.Audit},
		{"audit_id", fmt.Sprint(p.AuditID), fmt.Sprint(b.AuditID)}, {"source", p.Source, b.Source}, {"query", p.Query, b.Query},
		{"params", string(pp), string(bp)}, {"ran_at", stamp(p.RanAt), stamp(b.RanAt)}, {"taken_by", p.TakenBy, b.TakenBy},
		{"count", fmt.Sprint(p.Count), fmt.Sprint(b.Count)},
	} {
		if f.got != f.banked {
			return fmt.Errorf("says its %s is %q, but its ledger record says %q", f.name, f.got, f.banked)
		}
	}
	if tally := attest.TallyOf(p.Results, p.Reconciliation); tally != p.Tally {
		return fmt.Errorf("has the tally %+v, but its results and findings count %+v", p.Tally, tally)
	}
	return nil
}

// stamp is a time as a record holds it: UTC, to the microsecond (a row
// read back from the database may carry more digits than its record).
func stamp(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
}

// firstDifference is the index of the first element where a and b differ,
// the shorter's length when one is the start of the other, or -1 when they
// are equal.
func firstDifference[T comparable](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

func readAll(f *zip.File, name string) ([]byte, error) {
	if f == nil {
		return nil, fmt.Errorf("audit package: %s is missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("audit package: %s: %w", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxIndexedSize+1))
	if err != nil {
		return nil, fmt.Errorf("audit package: reading %s: %w", name, err)
	}
	if len(data) > maxIndexedSize {
		return nil, fmt.Errorf("audit package: %s is larger than %d bytes", name, maxIndexedSize)
	}
	return data, nil
}

func readJSON(f *zip.File, name string, v any) error {
	data, err := readAll(f, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("audit package: %s: %w", name, err)
	}
	return nil
}

// rehash streams a file, at most one byte beyond its stated size. Files are
// stored, and read raw: the SHA-256 is the real check, and a changed file is
// then named as such rather than as a zip checksum error.
func rehash(f *zip.File, sha string, size int64) error {
	if f.Method != zip.Store {
		return fmt.Errorf("file %s is compressed; evidence files are stored", f.Name)
	}
	r, err := f.OpenRaw()
	if err != nil {
		return err
	}
	got, n, err := ledger.HashReader(io.LimitReader(r, size+1))
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Name, err)
	}
	if got != sha || n != size {
		return fmt.Errorf("file %s does not match its record: it is %d bytes hashing to %s, the record says %d bytes hashing to %s", f.Name, n, got, size, sha)
	}
	return nil
}

func unsafeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\:\x00") {
		return true
	}
	return slices.Contains(strings.Split(name, "/"), "..")
}
