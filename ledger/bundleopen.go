package ledger

import (
	"archive/zip"
	"fmt"
	"io"
)

// OpenedBundle gives read access to the records and files of a bundle that
// VerifyBundle accepted: what a verifier needs to re-derive something from
// it, such as a test verdict from a snapshot file (attest test replay
// --bundle). It checks nothing itself; verify first.
type OpenedBundle struct {
	Org     string
	records map[[2]string]BundleRecord // (type, id) → the last record listed
	blobs   map[string]*zip.File
}

// OpenBundle reads a bundle's index for its records and names its files.
func OpenBundle(r io.ReaderAt, size int64) (*OpenedBundle, error) {
	if err := checkDirectory(r, size); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("bundle: not a readable zip archive: %w", err)
	}
	v := &bundleVerifier{blobs: map[string]*zip.File{}}
	files := map[string]*zip.File{}
	if err := v.scan(zr, files); err != nil {
		return nil, err
	}
	idx, err := readIndex(files[indexFile])
	if err != nil {
		return nil, err
	}
	b := &OpenedBundle{Org: idx.Org, records: map[[2]string]BundleRecord{}, blobs: v.blobs}
	for _, rec := range idx.Records {
		b.records[[2]string{rec.Type, rec.ID}] = rec
	}
	return b, nil
}

// Record returns the record of a type and id (the last one listed, for a
// record with several versions).
func (b *OpenedBundle) Record(typ, id string) (BundleRecord, bool) {
	r, ok := b.records[[2]string{typ, id}]
	return r, ok
}

// Open returns a file of the bundle by its SHA-256; the caller re-hashes what
// it reads if it has not verified the bundle.
func (b *OpenedBundle) Open(sha string) (io.ReadCloser, error) {
	f := b.blobs[sha]
	if f == nil {
		return nil, fmt.Errorf("bundle: no file %s", sha)
	}
	return f.Open()
}
