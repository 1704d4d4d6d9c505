// Package auditpkg writes an audit's export package: one zip holding an index
// (JSON and HTML) from criterion to control to request to evidence, every
// evidence file of the audit's window, the ledger segment covering the window
// as a bundle that `attest verify` checks offline, a PDF summary, the
// readiness summary and the OSCAL documents. It is pure: the caller
// (programme.AuditPackages) gathers what goes in and passes functions that
// stream the files, so no file is ever held in memory. Verify checks a
// package with nothing but the install's public key.
//
// The layout is documented in docs/audits.md ("The export package").
package auditpkg

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/attest-hq/attest/ledger"
)

// Format names the package layout, in index.json.
const Format = "attest-audit-package-v1"

// Names of the files in a package.
const (
	ReadmeFile     = "README.txt"
	IndexFile      = "index.json"
	PageFile       = "index.html"
	SummaryFile    = "summary.pdf"
	ReadinessFile  = "readiness.json"
	ComponentFile  = "oscal/component-definition.json"
	ResultsFile    = "oscal/assessment-results.json"
	LedgerFile     = "ledger/bundle.zip"
	blobDir        = "blobs/sha256/"
	maxIndexedSize = ledger.MaxIndexSize
)

// Audit types: a Type 1 report is as of one day, a Type 2 report covers a
// window.
const (
	Type1 = "type1"
	Type2 = "type2"
)

// Input says which audit a package is for. Today it is given on the command
// line; once audits are records, it is read from the audit.
type Input struct {
	Audit     string // the audit's ID or a label for it; "" names it by framework and dates
	Framework string // a framework in scope; "" is SOC 2
	Type      string // Type1 or Type2
	AsOf      string // Type 1: YYYY-MM-DD
	From, To  string // Type 2: YYYY-MM-DD, both days included
	// Requests are the audit's request list, when it has one: the index
	// then goes criterion → control → request → evidence.
	Requests []Request
}

// Label is the audit's name in the package: its ID, or the framework and
// dates when it has none.
func (in Input) Label() string {
	if in.Audit != "" {
		return in.Audit
	}
	fw := in.Framework
	if fw == "" {
		fw = "soc2"
	}
	if in.Type == Type1 {
		return fw + "-type1-" + in.AsOf
	}
	return fw + "-type2-" + in.From + "-" + in.To
}

// Period is the audit's period in words: "as of DAY" or "DAY to DAY".
func (in Input) Period() string {
	if in.Type == Type1 {
		return "as of " + in.AsOf
	}
	return in.From + " to " + in.To
}

// Request is one entry of an audit's request list.
type Request struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Control  string   `json:"control"` // the control's ref
	Status   string   `json:"status,omitempty"`
	Evidence []string `json:"evidence"` // evidence IDs
}

// Package is everything a package holds, gathered by the caller.
type Package struct {
	Input
	Org            string // the organization's slug
	OrgName        string
	FrameworkTitle string
	Generated      time.Time
	PublicKey      string // the install's public key, as a hint; verifiers bring their own
	Readiness      Readiness
	Criteria       []Criterion // in the framework's order
	Controls       []Control
	Evidence       []Evidence // in the order the index lists them
	// OSCAL documents, already validated against NIST's schemas.
	ComponentDefinition, AssessmentResults []byte
	// LedgerThrough and LedgerHead say where the ledger segment ends; Ledger
	// writes it (a bundle by ledger.WriteBundle).
	LedgerThrough int64
	LedgerHead    string
	// Testing is the audit record's populations, samples and results; nil
	// for a package of a bare period.
	Testing *Testing
	Ledger  func(w io.Writer) error
	// Open streams an evidence file by its SHA-256.
	Open func(sha string) (io.ReadCloser, error)
	// Resume, when set, is an earlier interrupted package of the same
	// export: the evidence files it holds whole are copied from it rather
	// than opened again (see resume.go).
	Resume *Resume
}

// Readiness is the programme's state on the report's day, when it was
// recorded that day (Day and RecordedAt set), else when the package was
// written.
type Readiness struct {
	Percent int            `json:"percent"`
	States  map[string]int `json:"control_states"`
	Ready   int            `json:"criteria_ready"`
	Total   int            `json:"criteria"`
	// Day is the report's day the readiness was recorded on (YYYY-MM-DD),
	// RecordedAt when: the last recording of that day.
	Day        string    `json:"day,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// When says which moment the readiness is of, as the index and the summary
// put it.
func (r Readiness) When() string {
	if r.Day == "" {
		return "when generated"
	}
	return "on " + r.Day + " (recorded " + r.RecordedAt.UTC().Format("15:04 MST") + " that day)"
}

// Criterion is a requirement of the framework with the controls mapped to it.
type Criterion struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Ready    bool     `json:"ready"`
	Controls []string `json:"controls"` // refs
}

// Control is a control in scope.
type Control struct {
	Ref       string   `json:"ref"`
	Name      string   `json:"name"`
	Frequency string   `json:"frequency"`
	State     string   `json:"state"`
	Evidence  []string `json:"evidence"` // IDs of its evidence in the window
}

// Evidence is one evidence item of the window.
type Evidence struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Kind        string     `json:"kind"`
	Filename    string     `json:"filename,omitempty"`
	MediaType   string     `json:"media_type"`
	SHA256      string     `json:"sha256"`
	Size        int64      `json:"size"`
	Path        string     `json:"path"` // its file in the package
	CollectedAt time.Time  `json:"collected_at"`
	PeriodStart *time.Time `json:"period_start"`
	PeriodEnd   *time.Time `json:"period_end"`
	Controls    []string   `json:"controls"`
	RecordHash  string     `json:"record_hash"`
	LedgerEntry int64      `json:"ledger_entry"`
}

// BlobPath is where a file with this SHA-256 is in a package: the same
// place a bundle keeps it.
func BlobPath(sha string) string { return blobDir + sha[:2] + "/" + sha }

// Summary is what Write wrote.
type Summary struct {
	Evidence int   // evidence items
	Files    int   // distinct files
	Bytes    int64 // their total size
	// Of those, the files copied from the package it resumed.
	Reused      int
	ReusedBytes int64
}

// Write writes the package to w as a zip archive: README.txt, index.json,
// index.html, summary.pdf, readiness.json, the OSCAL documents, then every
// evidence file once in order of hash, then the ledger segment. Files are
// streamed one at a time through a SHA-256 and must match their recorded hash
// and size; evidence files and the ledger are stored uncompressed (evidence
// is mostly compressed already, and a stored bundle can be verified in place).
// The documents are composed in memory and carry their sizes in their
// headers, so that a package cut short can be walked to its evidence files
// and resumed (p.Resume).
func Write(w io.Writer, p Package) (Summary, error) {
	var sum Summary
	if p.Org == "" || p.Ledger == nil || p.Open == nil {
		return sum, errors.New("audit package: organization, ledger and files are required")
	}
	sizes := map[string]int64{}
	owner := map[string]string{}
	for i := range p.Evidence {
		ev := &p.Evidence[i]
		if !isHexHash(ev.SHA256) {
			return sum, fmt.Errorf("audit package: evidence %s has no valid SHA-256", ev.ID)
		}
		if size, ok := sizes[ev.SHA256]; ok && size != ev.Size {
			return sum, fmt.Errorf("audit package: evidence %s and %s name the file %s with different sizes", owner[ev.SHA256], ev.ID, ev.SHA256)
		}
		sizes[ev.SHA256], owner[ev.SHA256] = ev.Size, ev.ID
		ev.Path = BlobPath(ev.SHA256)
	}
	sum.Evidence = len(p.Evidence)

	zw := zip.NewWriter(w)
	modified := p.Generated.UTC()
	put := func(name string, method uint16, write func(io.Writer) error) error {
		fh := &zip.FileHeader{Name: name, Method: method, Modified: modified}
		fh.SetMode(0o644)
		fw, err := zw.CreateHeader(fh)
		if err == nil {
			err = write(fw)
		}
		if err != nil {
			return fmt.Errorf("audit package: writing %s: %w", name, err)
		}
		return nil
	}
	// A document is compressed in memory and written with its sizes and
	// CRC in its header (no data descriptor), so a resume can step over it.
	putDoc := func(name string, write func(io.Writer) error) error {
		var raw, packed bytes.Buffer
		if err := write(&raw); err != nil {
			return fmt.Errorf("audit package: writing %s: %w", name, err)
		}
		fz, _ := flate.NewWriter(&packed, flate.DefaultCompression)
		if _, err := fz.Write(raw.Bytes()); err != nil {
			return err
		}
		if err := fz.Close(); err != nil {
			return err
		}
		fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified, CRC32: crc32.ChecksumIEEE(raw.Bytes()),
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: uint64(raw.Len())}
		fh.SetMode(0o644)
		fw, err := zw.CreateRaw(fh)
		if err == nil {
			_, err = fw.Write(packed.Bytes())
		}
		if err != nil {
			return fmt.Errorf("audit package: writing %s: %w", name, err)
		}
		return nil
	}
	docs := []struct {
		name  string
		write func(io.Writer) error
	}{
		{ReadmeFile, func(w io.Writer) error { _, err := io.WriteString(w, readme(p)); return err }},
		{IndexFile, func(w io.Writer) error { return writeIndex(w, p) }},
		{PageFile, func(w io.Writer) error { return writePage(w, p) }},
		{SummaryFile, func(w io.Writer) error { return writeSummary(w, p) }},
		{ReadinessFile, func(w io.Writer) error { return writeJSON(w, p.Readiness) }},
		{ComponentFile, func(w io.Writer) error { _, err := w.Write(p.ComponentDefinition); return err }},
		{ResultsFile, func(w io.Writer) error { _, err := w.Write(p.AssessmentResults); return err }},
	}
	if p.Testing != nil {
		docs = append(docs, struct {
			name  string
			write func(io.Writer) error
		}{TestingFile, func(w io.Writer) error { return writeJSON(w, p.Testing) }})
	}
	for _, d := range docs {
		if err := putDoc(d.name, d.write); err != nil {
			return sum, err
		}
	}
	var kept map[string]span
	if p.Resume != nil {
		kept = p.Resume.scan(sizes)
	}
	for _, sha := range slices.Sorted(maps.Keys(sizes)) {
		var err error
		if at, ok := kept[sha]; ok {
			// Copied from the earlier package, its header carrying its
			// size and CRC; copyFile hashes it again on the way.
			fh := &zip.FileHeader{Name: BlobPath(sha), Method: zip.Store, Modified: modified, CRC32: at.crc,
				CompressedSize64: uint64(at.size), UncompressedSize64: uint64(at.size)}
			fh.SetMode(0o644)
			var fw io.Writer
			if fw, err = zw.CreateRaw(fh); err == nil {
				err = copyFile(fw, sha, sizes[sha], owner[sha], func(string) (io.ReadCloser, error) {
					return io.NopCloser(io.NewSectionReader(p.Resume.From, at.off, at.size)), nil
				})
			}
			if err != nil {
				return sum, fmt.Errorf("audit package: writing %s: %w", BlobPath(sha), err)
			}
			sum.Reused++
			sum.ReusedBytes += at.size
		} else if err = put(BlobPath(sha), zip.Store, func(w io.Writer) error {
			return copyFile(w, sha, sizes[sha], owner[sha], p.Open)
		}); err != nil {
			return sum, err
		}
		sum.Files++
		sum.Bytes += sizes[sha]
	}
	if err := put(LedgerFile, zip.Store, p.Ledger); err != nil {
		return sum, err
	}
	if err := zw.Close(); err != nil {
		return sum, fmt.Errorf("audit package: finishing the archive: %w", err)
	}
	return sum, nil
}

// copyFile streams one evidence file into the archive, hashing it on the way:
// a file that no longer matches its record would make a package that never
// verifies, so that is an error naming the item.
func copyFile(w io.Writer, sha string, size int64, id string, open func(string) (io.ReadCloser, error)) error {
	rc, err := open(sha)
	if err != nil {
		return fmt.Errorf("opening the file of evidence %s: %w", id, err)
	}
	defer rc.Close()
	got, n, err := ledger.HashReader(io.TeeReader(rc, w))
	if err != nil {
		return fmt.Errorf("copying the file of evidence %s: %w", id, err)
	}
	if got != sha || n != size {
		return fmt.Errorf("the stored file of evidence %s no longer matches its record: %d bytes hashing to %s, not %d bytes hashing to %s", id, n, got, size, sha)
	}
	return nil
}

func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
