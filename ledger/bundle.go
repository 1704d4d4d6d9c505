package ledger

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// BundleFormat names the bundle layout that WriteBundle writes, in index.json.
// VerifyBundle reads it, BundleFormatV2 and BundleFormatV1.
const BundleFormat = "attest-bundle-v3"

// BundleFormatV2 is the layout without index.html and readable copies; its
// index.json has the same shape as v3's.
const BundleFormatV2 = "attest-bundle-v2"

// BundleFormatV1 is the first layout: evidence records only, no "records".
const BundleFormatV1 = "attest-bundle-v1"

// BundleFormatWithheld is v3 with some entries' records withheld: index.json
// lists those entries' sequence numbers under "withheld", and neither their
// records nor their files are in the bundle. The chain still verifies over
// every entry (an entry's hash covers its record's hash, not the record), so
// what a withheld entry recorded is hidden but cannot have been changed or
// removed. An audit package's segment withholds the records outside its
// audit. WriteBundle writes it when Bundle.Withheld is not empty.
const BundleFormatWithheld = "attest-bundle-v4"

// Limits on what VerifyBundle reads from a bundle. A bundle is untrusted input:
// without a bound, a few kilobytes of zip could inflate into gigabytes, or a
// line count or an item count could size an allocation. Together they keep a
// verification's memory under 256 MiB whatever the archive holds; each is far
// above what a real install exports (a ledger entry is about 330 bytes of
// ledger.jsonl, an evidence item 600 bytes to 1 KiB of index.json). A blob is bounded
// by the size its record states, and is streamed, never held.
const (
	MaxIndexSize       = 64 << 20  // index.json, inflated: about 80,000 evidence items
	MaxLedgerSize      = 32 << 20  // ledger.jsonl, inflated: about 100,000 entries
	MaxCheckpointsSize = 8 << 20   // checkpoints.json, inflated: about 30,000 checkpoints
	MaxReadmeSize      = 1 << 20   // README.txt, which is not verified but must still be bounded
	MaxPageSize        = 256 << 20 // index.html, likewise (WriteBundle lists at most pageRows items on it)
	MaxValueSize       = 4 << 20   // one evidence item, record or checkpoint, or one field of index.json
	MaxLedgerLine      = 64 << 10  // one line of ledger.jsonl
	MaxItems           = 150_000   // evidence items and records in index.json, together
	MaxEntries         = 150_000   // entries in ledger.jsonl
	MaxCheckpoints     = 40_000    // checkpoints in checkpoints.json
	MaxMembers         = 200_000   // files in the archive: the five bundle files, one per distinct blob, and readable copies
	MaxDirectorySize   = 32 << 20  // the zip's central directory, decoded whole before anything else (about 130 bytes a file)
)

// VerifyMemoryLimit is the soft memory limit (runtime/debug.SetMemoryLimit)
// that `attest verify FILE.zip` sets while VerifyBundle runs. The limits above
// bound what verification keeps; this keeps the garbage of decoding from
// doubling it before the collector runs, so that the process's peak stays under
// 256 MiB. It is a target for the collector, never a cause of failure.
const VerifyMemoryLimit = 192 << 20

// bundleLimits are the limits VerifyBundle applies. Tests lower them to prove
// each bound is enforced without generating gigabytes.
type bundleLimits struct {
	index, ledger, checkpoints, readme int64
	page                               int64
	value                              int64
	line                               int
	members, entries, items, checkpts  int
	directory                          int64
}

var limits = bundleLimits{
	index: MaxIndexSize, ledger: MaxLedgerSize, checkpoints: MaxCheckpointsSize, readme: MaxReadmeSize, page: MaxPageSize,
	value: MaxValueSize,
	line:  MaxLedgerLine, members: MaxMembers, entries: MaxEntries, items: MaxItems, checkpts: MaxCheckpoints,
	directory: MaxDirectorySize,
}

// Names of the files in a bundle.
const (
	readmeFile      = "README.txt"
	pageFile        = "index.html"
	indexFile       = "index.json"
	ledgerFile      = "ledger.jsonl"
	checkpointsFile = "checkpoints.json"
	blobDir         = "blobs/sha256/"
)

// Bundle is everything an export holds: one organization's evidence with its
// files, its whole ledger, and its checkpoints.
type Bundle struct {
	Org         string
	GeneratedAt time.Time
	PublicKey   string // EncodePublicKey of the install's key; a hint only, never trusted
	Evidence    []BundleEvidence
	Records     []BundleRecord // the records of every other type
	Entries     []Entry        // in sequence order
	Checkpoints []Checkpoint
	// Controls and Criteria give index.html its headings and each item its
	// freshness. Like README.txt they are for reading only: index.json does
	// not carry them and verification does not depend on them. Evidence that
	// names a control not listed here is still shown, under its ref.
	Controls []BundleControl
	Criteria []BundleCriterion // in the order index.html lists them
	// NoCopies leaves the readable copies out (they are optional): an audit
	// package carries its segment beside files of its own, and copies would
	// add each file a third time.
	NoCopies bool
	// Withheld are the sequence numbers of entries whose records Evidence
	// and Records leave out, in ascending order (BundleFormatWithheld).
	Withheld []int64
}

// Withhold withholds the records of every entry keep refuses: their
// sequence numbers go to Withheld, and the evidence items and records that no
// kept entry records leave the bundle (with their files).
func (b *Bundle) Withhold(keep func(Entry) bool) {
	type key struct{ typ, id, hash string }
	kept := map[key]bool{}
	b.Withheld = nil
	for _, e := range b.Entries {
		if keep(e) {
			kept[key{e.RecordType, e.RecordID, e.RecordHash}] = true
		} else {
			b.Withheld = append(b.Withheld, e.Seq)
		}
	}
	b.Evidence = slices.DeleteFunc(slices.Clone(b.Evidence), func(ev BundleEvidence) bool { return !kept[key{RecordTypeEvidence, ev.ID, ev.RecordHash}] })
	b.Records = slices.DeleteFunc(slices.Clone(b.Records), func(r BundleRecord) bool { return !kept[key{r.Type, r.ID, r.RecordHash}] })
}

// format is the layout b is written in.
func (b Bundle) format() string {
	if len(b.Withheld) > 0 {
		return BundleFormatWithheld
	}
	return BundleFormat
}

// BundleControl is a control as index.html shows it.
type BundleControl struct {
	Ref       string
	Name      string
	Frequency string   // how often it operates, as the organization set it
	Criteria  []string // the IDs of the criteria it is mapped to
	// Expires holds, by evidence ID, when the item stops being current for
	// this control; an item without an entry shows no freshness.
	Expires map[string]time.Time
}

// BundleCriterion is a criterion (a requirement of the framework) that
// controls are mapped to.
type BundleCriterion struct {
	ID    string
	Title string
}

// Report describes a bundle that verified. Alongside an error it holds what was
// learned before the failure.
type Report struct {
	Org           string
	Entries       int    // ledger entries
	Evidence      int    // evidence items in index.json
	Records       int    // records of other types in index.json
	Blobs         int    // distinct files re-hashed
	Copies        int    // readable copies under controls/ and unlinked/ checked against their evidence
	Bytes         int64  // total size of those files
	Head          string // hash of the last entry
	CheckpointSeq int64  // sequence number of the latest signed checkpoint
	Withheld      int    // entries whose records the bundle withholds
}

type indexJSON struct {
	Format      string           `json:"format"`
	Org         string           `json:"org"`
	GeneratedAt string           `json:"generated_at"`
	PublicKey   string           `json:"public_key"`
	Withheld    []int64          `json:"withheld,omitempty"` // from attest-bundle-v4
	Evidence    []BundleEvidence `json:"evidence"`
	Records     []BundleRecord   `json:"records,omitempty"` // from attest-bundle-v2
}

// WriteBundle writes b as a zip archive to w. Files, in this order: README.txt,
// index.html, index.json, ledger.jsonl, checkpoints.json, then every file named
// by the evidence exactly once, as blobs/sha256/<first two hex digits>/<hex>, in
// order of hash, then the readable copies (copies.go) in order of name. The
// same bundle always gives the same bytes.
//
// openBlob opens a file by its hex SHA-256. Each file is streamed through once,
// hashed on the way, and must match its recorded hash and size: exporting a file
// that no longer matches would produce a bundle that can never verify, so that is
// an error naming the file.
//
// For the same reason every evidence item must pass CheckRecord, the ledger must
// not be empty, and a checkpoint must cover its last entry. Files are stored
// uncompressed: evidence is mostly compressed already (PDF, PNG, ZIP), and
// inflating would slow down every verification.
func WriteBundle(w io.Writer, b Bundle, openBlob func(sha string) (io.ReadCloser, error)) error {
	if b.Org == "" {
		return errors.New("bundle: no organization")
	}
	if len(b.Entries) == 0 {
		return fmt.Errorf("bundle: organization %s has no ledger entries, so there is nothing to export", b.Org)
	}
	for _, e := range b.Entries {
		if e.Org != b.Org {
			return fmt.Errorf("bundle: entry %d belongs to organization %q, not %q", e.Seq, e.Org, b.Org)
		}
	}
	for i, seq := range b.Withheld {
		if seq < b.Entries[0].Seq || seq > b.Entries[len(b.Entries)-1].Seq || i > 0 && seq <= b.Withheld[i-1] {
			return fmt.Errorf("bundle: withheld entry %d is not an entry of the bundle in ascending order", seq)
		}
	}
	// A bundle whose head is unsigned can never verify; say so now, not later.
	head := b.Entries[len(b.Entries)-1]
	if !slices.ContainsFunc(b.Checkpoints, func(c Checkpoint) bool { return c.Seq == head.Seq && c.Hash == head.Hash }) {
		return fmt.Errorf("bundle: no checkpoint covers the head of the ledger (entry %d); sign one before exporting", head.Seq)
	}
	for _, r := range b.Records {
		if r.Type == RecordTypeEvidence {
			return fmt.Errorf("bundle: evidence %s is listed as a record; evidence goes with its file in Evidence", r.ID)
		}
		if err := r.CheckRecord(b.Org); err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
	}
	evidence := slices.Clone(b.Evidence)
	sizes := map[string]int64{} // blob hash → size
	owner := map[string]string{}
	for i := range evidence {
		ev := &evidence[i]
		if err := ev.CheckRecord(b.Org); err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		if size, ok := sizes[ev.SHA256]; ok && size != ev.Size {
			return fmt.Errorf("bundle: evidence %s and %s name the same file %s with different sizes (%d and %d bytes)", owner[ev.SHA256], ev.ID, ev.SHA256, size, ev.Size)
		}
		if _, ok := owner[ev.SHA256]; !ok {
			sizes[ev.SHA256], owner[ev.SHA256] = ev.Size, "evidence "+ev.ID // errors name the first item with the file
		}
	}
	for _, r := range b.Records {
		sha, size, ok, err := r.File()
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		if !ok {
			continue
		}
		if have, ok := sizes[sha]; ok && have != size {
			return fmt.Errorf("bundle: %s and %s %s name the same file %s with different sizes (%d and %d bytes)", owner[sha], r.Type, r.ID, sha, have, size)
		}
		if _, ok := owner[sha]; !ok {
			sizes[sha], owner[sha] = size, r.Type+" "+r.ID
		}
	}
	shas := slices.Sorted(maps.Keys(sizes))
	left := room(shas)
	if b.NoCopies {
		left = copyRoom{} // no room: planCopies plans none
	}
	copies, copyPaths := planCopies(evidence, left)

	zw := zip.NewWriter(w)
	modified := b.GeneratedAt.UTC()
	put := func(name string, method uint16, comment string, write func(io.Writer) error) error {
		fh := &zip.FileHeader{Name: name, Method: method, Modified: modified, Comment: comment}
		fh.SetMode(0o644)
		fw, err := zw.CreateHeader(fh)
		if err == nil {
			err = write(fw)
		}
		if err != nil {
			return fmt.Errorf("bundle: writing %s: %w", name, err)
		}
		return nil
	}
	if err := put(readmeFile, zip.Deflate, "", func(w io.Writer) error {
		_, err := io.WriteString(w, readme(b, len(shas), len(copies)))
		return err
	}); err != nil {
		return err
	}
	if err := put(pageFile, zip.Deflate, "", func(w io.Writer) error { return writePage(w, b, evidence, copyPaths, len(shas), len(copies)) }); err != nil {
		return err
	}
	if err := put(indexFile, zip.Deflate, "", func(w io.Writer) error { return writeIndex(w, b, evidence, b.Records) }); err != nil {
		return err
	}
	if err := put(ledgerFile, zip.Deflate, "", func(w io.Writer) error { return writeLines(w, "", b.Entries, "") }); err != nil {
		return err
	}
	if err := put(checkpointsFile, zip.Deflate, "", func(w io.Writer) error { return writeLines(w, "[", b.Checkpoints, "]\n") }); err != nil {
		return err
	}
	for _, sha := range shas {
		err := put(blobName(sha), zip.Store, "", func(w io.Writer) error {
			return copyBlob(w, sha, sizes[sha], owner[sha], openBlob)
		})
		if err != nil {
			return err
		}
	}
	for _, c := range copies {
		err := put(c.path, zip.Store, c.comment, func(w io.Writer) error {
			return copyBlob(w, c.sha, c.size, c.path, openBlob)
		})
		if err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("bundle: finishing the archive: %w", err)
	}
	return nil
}

func copyBlob(w io.Writer, sha string, size int64, id string, openBlob func(string) (io.ReadCloser, error)) error {
	rc, err := openBlob(sha)
	if err != nil {
		return fmt.Errorf("opening the file of %s: %w", id, err)
	}
	defer rc.Close()
	got, n, err := HashReader(io.TeeReader(rc, w))
	if err != nil {
		return fmt.Errorf("copying the file of %s: %w", id, err)
	}
	if got != sha {
		return fmt.Errorf("the stored file of %s no longer matches its SHA-256: it hashes to %s", id, got)
	}
	if n != size {
		return fmt.Errorf("the stored file of %s is %d bytes; its record states %d", id, n, size)
	}
	return nil
}

func blobName(sha string) string { return blobDir + sha[:2] + "/" + sha }

// writeIndex writes index.json with one evidence item or record per line, so
// that the file reads and diffs well without re-indenting (which would change
// record bytes).
func writeIndex(w io.Writer, b Bundle, evidence []BundleEvidence, records []BundleRecord) error {
	head, err := marshal(indexJSON{Format: b.format(), Org: b.Org, GeneratedAt: FormatTime(b.GeneratedAt), PublicKey: b.PublicKey, Withheld: b.Withheld})
	if err != nil {
		return err
	}
	// head ends in `"evidence":null}`; open the array instead.
	head = bytes.TrimSuffix(head, []byte("null}"))
	if _, err := w.Write(head); err != nil {
		return err
	}
	if err := writeLines(w, "[", evidence, "],\n\"records\":"); err != nil {
		return err
	}
	return writeLines(w, "[", records, "]}\n")
}

// writeLines writes open, then one JSON value per line (comma-separated when
// open is "["), then close.
func writeLines[T any](w io.Writer, open string, items []T, close string) error {
	var buf bytes.Buffer
	buf.WriteString(open)
	if open != "" {
		buf.WriteByte('\n')
	}
	for i, it := range items {
		line, err := marshal(it)
		if err != nil {
			return err
		}
		buf.Write(line)
		if open != "" && i < len(items)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		if buf.Len() > 1<<16 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	buf.WriteString(close)
	_, err := w.Write(buf.Bytes())
	return err
}

// marshal is json.Marshal without HTML escaping, which would alter record bytes.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// VerifyBundle verifies a bundle written by WriteBundle with nothing but the
// organization's public key. It returns a *Failure when an entry of the ledger
// does not verify (naming the first such entry) and a plain error when the archive
// itself is unsafe or malformed. In order:
//
//  1. The archive: its central directory at most MaxDirectorySize and
//     MaxMembers files; every file name must be safe to extract (no "..", no
//     absolute path, no backslash or colon), unique, a regular file, stored or
//     deflated, and one of the bundle's own files. Nothing else may ride along
//     unverified: index.html (read by no one here, and at most MaxPageSize)
//     and readable copies are allowed from attest-bundle-v3 on only.
//  2. index.json, ledger.jsonl and checkpoints.json are read as streams, one
//     value or line at a time, within the limits above (MaxIndexSize,
//     MaxLedgerSize, MaxCheckpointsSize, MaxValueSize, MaxLedgerLine, MaxItems,
//     MaxEntries, MaxCheckpoints). Items and records are indexed by type, ID
//     and record hash, so duplicates are refused in one pass.
//  3. The chain, with VerifyChain and pub. For each entry: its record must be an
//     evidence item in index.json with that record hash; the item must pass
//     BundleEvidence.CheckRecord (its record bytes hash to it, and its metadata
//     agrees with the record); and its file must re-hash to the record's SHA-256
//     and size. A file is read once,
//     however many items name it, and never beyond its stated size plus one byte.
//  4. The last entry must be covered by a checkpoint signed by pub. An export
//     signs its head, so an unsigned tail means entries were added afterwards.
//     The failure names the first entry after the last checkpoint.
//  5. Every evidence item must be recorded by an entry, and every file must belong
//     to an evidence item.
//  6. Every readable copy under controls/ or unlinked/ must copy the evidence
//     item its zip comment names: in a folder of one of the item's controls
//     (unlinked/ for an item with none), under the item's file name made safe
//     (numbered when names collide), with exactly the item's bytes. Copies are
//     optional; each one present is checked (see copies.go).
//
// The checks of steps 3 and 4 that need no file run over the whole chain before
// any file is hashed, so a broken chain, a bad signature or an unsigned tail
// costs no hashing beyond the entries before it. Files are then hashed in entry
// order up to the failing entry, so the failure reported is still the first
// entry that does not verify.
func VerifyBundle(r io.ReaderAt, size int64, pub ed25519.PublicKey) (Report, error) {
	var rep Report
	if len(pub) != ed25519.PublicKeySize {
		return rep, fmt.Errorf("bundle: an Ed25519 public key (%d bytes) is needed to verify a bundle", ed25519.PublicKeySize)
	}
	if err := checkDirectory(r, size); err != nil {
		return rep, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are checked below, by stricter rules
		return rep, fmt.Errorf("bundle: not a readable zip archive: %w", err)
	}
	if len(zr.File) > limits.members {
		return rep, fmt.Errorf("bundle: the archive holds %d files, more than the %d a bundle may hold", len(zr.File), limits.members)
	}
	v := &bundleVerifier{blobs: map[string]*zip.File{}, ids: map[string]bool{}, items: map[recordKey]*indexItem{}, hashed: map[string]int64{}, records: map[recordKey]*otherItem{}}
	files := map[string]*zip.File{}
	if err := v.scan(zr, files); err != nil {
		return rep, err
	}
	for name, limit := range map[string]int64{readmeFile: limits.readme, pageFile: limits.page} {
		if f := files[name]; f != nil && f.UncompressedSize64 > uint64(limit) {
			return rep, fmt.Errorf("bundle: %s is %d bytes, more than the %s it may be", name, f.UncompressedSize64, sizeText(limit))
		}
	}
	idx, err := readIndex(files[indexFile])
	if err != nil {
		return rep, err
	}
	switch {
	case idx.Format == BundleFormatV1 && idx.Records != nil:
		return rep, fmt.Errorf("bundle: index.json is %s, which has no \"records\"", BundleFormatV1)
	case (idx.Format == BundleFormat || idx.Format == BundleFormatV2 || idx.Format == BundleFormatWithheld) && idx.Records == nil:
		return rep, fmt.Errorf("bundle: index.json is %s but has no \"records\"", idx.Format)
	case idx.Format != BundleFormat && idx.Format != BundleFormatV2 && idx.Format != BundleFormatV1 && idx.Format != BundleFormatWithheld:
		return rep, fmt.Errorf("bundle: index.json has format %q; this verifier reads %q, %q, %q and %q", idx.Format, BundleFormatWithheld, BundleFormat, BundleFormatV2, BundleFormatV1)
	case (idx.Format == BundleFormatWithheld) != (len(idx.Withheld) > 0):
		return rep, fmt.Errorf("bundle: index.json is %s with %d withheld entries; withheld entries are %s's alone, and it has at least one", idx.Format, len(idx.Withheld), BundleFormatWithheld)
	case idx.Format != BundleFormat && idx.Format != BundleFormatWithheld && (files[pageFile] != nil || len(v.copies) > 0):
		// Earlier layouts had neither; a file they never held is not trusted now.
		name := pageFile
		if files[name] == nil {
			name = v.copies[0].Name
		}
		return rep, fmt.Errorf("bundle: unexpected file %q: %s bundles hold no index.html and no readable copies", name, idx.Format)
	}
	entries, err := readLedger(files[ledgerFile])
	if err != nil {
		return rep, err
	}
	checkpoints, err := readArray[Checkpoint](files[checkpointsFile], checkpointsFile, limits.checkpoints, limits.checkpts, "checkpoints")
	if err != nil {
		return rep, err
	}
	v.org, v.format = idx.Org, idx.Format
	rep.Org, rep.Entries, rep.Evidence, rep.Records = idx.Org, len(entries), len(idx.Evidence), len(idx.Records)
	if len(entries) == 0 {
		return rep, errors.New("bundle: ledger.jsonl has no entries, so there is nothing to verify")
	}
	if entries[0].Org != idx.Org {
		return rep, fmt.Errorf("bundle: index.json is for organization %q, but the ledger for %q", idx.Org, entries[0].Org)
	}
	v.withheld = make(map[int64]bool, len(idx.Withheld))
	for i, seq := range idx.Withheld {
		if seq < entries[0].Seq || seq > entries[len(entries)-1].Seq || i > 0 && seq <= idx.Withheld[i-1] {
			return rep, fmt.Errorf("bundle: index.json withholds entry %d, which is not an entry of ledger.jsonl in ascending order", seq)
		}
		v.withheld[seq] = true
	}
	rep.Withheld = len(idx.Withheld)
	// Maps keyed by the whole identity, so that duplicates cost one lookup each
	// however many items share an ID.
	for i := range idx.Evidence {
		it := &indexItem{BundleEvidence: &idx.Evidence[i]}
		k := recordKey{RecordTypeEvidence, it.ID, it.RecordHash}
		if v.items[k] != nil {
			return rep, fmt.Errorf("bundle: index.json lists evidence %s with record hash %s twice", it.ID, it.RecordHash)
		}
		v.items[k], v.ids[it.ID] = it, true
	}
	for i := range idx.Records {
		r := &idx.Records[i]
		if r.Type == RecordTypeEvidence {
			return rep, fmt.Errorf("bundle: index.json lists evidence %s under \"records\"; evidence goes under \"evidence\"", r.ID)
		}
		k := recordKey{r.Type, r.ID, r.RecordHash}
		if v.records[k] != nil {
			return rep, fmt.Errorf("bundle: index.json lists %s %s with record hash %s twice", r.Type, r.ID, r.RecordHash)
		}
		v.records[k] = &otherItem{BundleRecord: r}
	}

	n, chainErr := verifyChain(entries, checkpoints, pub, v.checkRecord)
	head := entries[len(entries)-1]
	for _, c := range checkpoints {
		rep.CheckpointSeq = max(rep.CheckpointSeq, c.Seq)
	}
	if chainErr == nil && rep.CheckpointSeq < head.Seq {
		// Every checkpoint verified, so the latest one is within the chain, and
		// entries[i] is entry i+1.
		n = int(rep.CheckpointSeq)
		first := entries[n]
		last := "the bundle has no checkpoint"
		if n > 0 {
			last = fmt.Sprintf("the last checkpoint is at entry %d", n)
		}
		chainErr = failAt(first, "entries %d to %d are an unsigned tail: no checkpoint signed by the key covers them (%s)", first.Seq, head.Seq, last)
	}
	// Only now the files, in entry order, up to the first entry that failed.
	for _, e := range entries[:n] {
		if err := v.checkBlob(e); err != nil {
			f := failAt(e, "%s", err.Error())
			f.Err = err
			return v.report(rep), f
		}
	}
	rep = v.report(rep)
	if chainErr != nil {
		return rep, chainErr
	}
	rep.Head = head.Hash
	for i := range idx.Evidence {
		if it := &idx.Evidence[i]; !v.items[recordKey{RecordTypeEvidence, it.ID, it.RecordHash}].used {
			return rep, fmt.Errorf("bundle: evidence %s (record hash %s) is in index.json, but no ledger entry records it", it.ID, it.RecordHash)
		}
	}
	for _, r := range idx.Records {
		if !v.records[recordKey{r.Type, r.ID, r.RecordHash}].used {
			return rep, fmt.Errorf("bundle: %s %s (record hash %s) is in index.json, but no ledger entry records it", r.Type, r.ID, r.RecordHash)
		}
	}
	if err := checkAcceptedTexts(idx.Records); err != nil {
		return rep, err
	}
	for _, sha := range slices.Sorted(maps.Keys(v.blobs)) {
		if _, ok := v.hashed[sha]; !ok {
			return rep, fmt.Errorf("bundle: file %s belongs to no evidence or snapshot recorded in the ledger", blobName(sha))
		}
	}
	// Last, the readable copies: each item they copy has verified by now.
	for _, f := range v.copies {
		if err := v.checkCopy(f); err != nil {
			return rep, err
		}
		rep.Copies++
	}
	return rep, nil
}

type indexItem struct {
	*BundleEvidence
	used    bool
	checked bool
	problem error    // the result of checking the item, once checked
	folders []string // its copy folders, sorted, once a copy names it
}

// otherItem is a record of a type other than evidence, in a v2 bundle.
type otherItem struct {
	*BundleRecord
	used    bool
	checked bool
	problem error
}

type recordKey struct{ typ, id, hash string }

type bundleVerifier struct {
	org      string
	format   string
	withheld map[int64]bool           // entries whose records are withheld
	records  map[recordKey]*otherItem // records of other types
	blobs    map[string]*zip.File     // blob hash → file
	items    map[recordKey]*indexItem // evidence items (one per record version)
	ids      map[string]bool          // evidence IDs in index.json
	hashed   map[string]int64         // blob hash → size, for files that verified
	bytes    int64
	copies   []*zip.File // readable copies, checked last
}

func (v *bundleVerifier) report(rep Report) Report {
	rep.Blobs, rep.Bytes = len(v.hashed), v.bytes
	return rep
}

// scan checks every name in the archive before anything is read.
func (v *bundleVerifier) scan(zr *zip.Reader, files map[string]*zip.File) error {
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := f.Name
		switch {
		case unsafeName(name):
			return fmt.Errorf("bundle: unsafe file name %q: extracting it could write outside the target directory", name)
		case seen[name]:
			return fmt.Errorf("bundle: the archive holds %q more than once", name)
		case !f.Mode().IsRegular():
			return fmt.Errorf("bundle: %q is not a regular file (mode %v)", name, f.Mode())
		case f.Flags&0x1 != 0:
			return fmt.Errorf("bundle: %q is encrypted", name)
		case f.Method != zip.Store && f.Method != zip.Deflate:
			return fmt.Errorf("bundle: %q uses compression method %d; only stored and deflated files are read", name, f.Method)
		}
		seen[name] = true
		switch name {
		case readmeFile, pageFile, indexFile, ledgerFile, checkpointsFile:
			files[name] = f
			continue
		}
		if isCopyName(name) {
			v.copies = append(v.copies, f)
			continue
		}
		sha, ok := strings.CutPrefix(name, blobDir)
		if ok && len(sha) == 67 && sha[2] == '/' && sha[:2] == sha[3:5] && isHexHash(sha[3:]) {
			v.blobs[sha[3:]] = f
			continue
		}
		return fmt.Errorf("bundle: unexpected file %q: a bundle holds only README.txt, index.html, index.json, ledger.jsonl, checkpoints.json, blobs/sha256/xx/<sha256>, controls/<control>/<file> and unlinked/<file>", name)
	}
	for _, name := range []string{indexFile, ledgerFile, checkpointsFile} {
		if files[name] == nil {
			return fmt.Errorf("bundle: %s is missing", name)
		}
	}
	return nil
}

// unsafeName reports names that could escape the directory a bundle is extracted
// to, on any system: parent references, absolute paths, Windows separators and
// drive letters, NUL.
func unsafeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\:\x00") {
		return true
	}
	return slices.Contains(strings.Split(name, "/"), "..")
}

// checkRecord is VerifyChain's check: the entry's record must be in the index and
// agree with itself. Files are hashed separately (checkBlob).
func (v *bundleVerifier) checkRecord(e Entry) error {
	if v.withheld[e.Seq] {
		return nil // its record is not here to check; the chain covers its hash
	}
	if e.RecordType != RecordTypeEvidence && v.format != BundleFormatV1 {
		r := v.records[recordKey{e.RecordType, e.RecordID, e.RecordHash}]
		if r == nil {
			return fmt.Errorf("the record of %s %s with this record hash is not in index.json", e.RecordType, e.RecordID)
		}
		r.used = true
		if !r.checked {
			r.checked, r.problem = true, r.CheckRecord(v.org)
		}
		return r.problem
	}
	it, err := v.item(e)
	if err != nil {
		return err
	}
	it.used = true
	if !it.checked {
		it.checked, it.problem = true, it.CheckRecord(v.org)
	}
	return it.problem
}

func (v *bundleVerifier) item(e Entry) (*indexItem, error) {
	if e.RecordType != RecordTypeEvidence {
		return nil, fmt.Errorf("record type %q cannot be checked: %s bundles carry only %s records", e.RecordType, BundleFormatV1, RecordTypeEvidence)
	}
	if it := v.items[recordKey{RecordTypeEvidence, e.RecordID, e.RecordHash}]; it != nil {
		return it, nil
	}
	if !v.ids[e.RecordID] {
		return nil, fmt.Errorf("evidence %s is not in index.json", e.RecordID)
	}
	return nil, fmt.Errorf("record hash does not match evidence %s in index.json: the record was changed after it was recorded", e.RecordID)
}

// checkBlob re-hashes the file behind an entry whose record has verified.
func (v *bundleVerifier) checkBlob(e Entry) error {
	if v.withheld[e.Seq] {
		return nil
	}
	var sha, what string
	var want int64
	if e.RecordType == RecordTypeEvidence {
		it, err := v.item(e)
		if err != nil {
			return err // not reached: checkRecord accepted e
		}
		sha, want, what = it.SHA256, it.Size, "evidence "+it.ID
	} else {
		r := v.records[recordKey{e.RecordType, e.RecordID, e.RecordHash}]
		if r == nil {
			return nil // a v1 bundle; checkRecord refused it already
		}
		s, size, ok, err := r.File()
		if err != nil {
			return err
		}
		if !ok {
			return nil // a record without a file
		}
		sha, want, what = s, size, e.RecordType+" "+e.RecordID
	}
	return v.hashBlob(sha, want, what)
}

// hashBlob re-hashes one file once, however many records name it.
func (v *bundleVerifier) hashBlob(sha string, want int64, what string) error {
	if n, ok := v.hashed[sha]; ok {
		if n != want {
			return fmt.Errorf("file %s of %s is %d bytes; its record states %d", sha, what, n, want)
		}
		return nil
	}
	f := v.blobs[sha]
	if f == nil {
		return fmt.Errorf("file %s of %s is missing from the bundle", sha, what)
	}
	n, got, crcErr, err := hashFile(f, want+1)
	switch {
	case err != nil:
		return fmt.Errorf("reading file %s of %s: %w", sha, what, err)
	case n > want:
		return fmt.Errorf("file %s of %s is larger than the %d bytes its record states", sha, what, want)
	case got != sha:
		return fmt.Errorf("file %s of %s does not match its SHA-256: its content hashes to %s", sha, what, got)
	case n != want:
		return fmt.Errorf("file %s of %s is %d bytes; its record states %d", sha, what, n, want)
	case crcErr:
		return fmt.Errorf("file %s of %s: the archive's checksum for it is wrong (the archive is damaged)", sha, what)
	}
	v.hashed[sha] = n
	v.bytes += n
	return nil
}

// hashFile streams at most limit bytes of f through SHA-256. Stored files are
// read raw: the SHA-256 is the real check, so zip's CRC-32 would only cost time.
// A deflated file's CRC mismatch is reported separately, after the hash, so that
// changed content is named as such.
func hashFile(f *zip.File, limit int64) (n int64, sum string, crcErr bool, err error) {
	var r io.Reader
	if f.Method == zip.Store {
		r, err = f.OpenRaw()
	} else {
		var rc io.ReadCloser
		rc, err = f.Open()
		if err == nil {
			defer rc.Close()
		}
		r = rc
	}
	if err != nil {
		return 0, "", false, err
	}
	sum, n, err = HashReader(io.LimitReader(r, limit))
	if errors.Is(err, zip.ErrChecksum) {
		crcErr, err = true, nil
	}
	return n, sum, crcErr, err
}
