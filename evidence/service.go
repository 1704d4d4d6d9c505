package evidence

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Service adds evidence: it streams the content into the blob store, stores
// the record, and appends the record to the organization's ledger with a fresh
// signed checkpoint, in one database transaction (one for a whole batch, with
// one checkpoint: AddAll).
type Service struct {
	DB      *store.DB
	Blobs   blob.Store
	Key     ed25519.PrivateKey // the install's signing key
	MaxSize int64              // largest accepted content, in bytes
	// Heads keep each organization's signed head outside the database
	// (chain.Stores); Verify compares them with the chain.
	Heads []chain.HeadStore
	// Ledger is the install's one append path, shared with every other
	// service that records to the ledger (app builds it once); nil builds one
	// from Key and Heads.
	Ledger *chain.Chain
	// Catalog titles the criteria on an export's index.html; nil leaves
	// them as bare IDs.
	Catalog *catalog.Catalog

	once     sync.Once
	coverage store.Kept[coverageKey, ControlCoverageReport] // Coverage's reports
	expiring store.Kept[time.Duration, []Expiring]          // Expiring's rows, judged, soonest first
	counts   store.Kept[store.EvidenceFilter, int]          // Count's
	controls store.Kept[controlKey, ControlSummary]         // ControlSummary's
}

// Chain is the ledger the service appends to.
func (s *Service) Chain() *chain.Chain {
	s.once.Do(func() {
		if s.Ledger == nil {
			s.Ledger = &chain.Chain{Key: s.Key, Heads: s.Heads}
		}
	})
	return s.Ledger
}

// New is what a caller knows about evidence being added.
type New struct {
	Org         attest.Organization
	Actor       attest.Actor
	Kind        string
	Title       string
	Source      string // defaults to the actor
	URL         string // links
	Filename    string // files
	MediaType   string // files; sniffed when empty
	CollectedAt time.Time
	PeriodStart time.Time
	PeriodEnd   time.Time
	Notes       string
	ControlIDs  []int64
	Supersedes  int64
}

// ErrEmpty is returned for empty content.
var ErrEmpty = attest.Invalid("file", "is empty")

// Add stores evidence whose content is read from r: the file, the attestation
// text, or the system's output. For a link the content is the URL itself, and
// r is ignored. Nothing is acknowledged until the blob is durable and the
// record, its ledger entry and checkpoint have committed together; a failure
// anywhere leaves no row. A blob written before a failure stays behind
// unreferenced (except for empty content, removed at once): nothing counts
// it, `attest verify`, which starts from the ledger, passes over it, and
// CollectGarbage removes it once it is old enough. Add is AddAll with one
// item, and returns that item's error as it is.
func (s *Service) Add(ctx context.Context, n New, r io.Reader) (attest.Evidence, error) {
	added, err := s.AddAll(ctx, []Upload{{New: n, Content: r}})
	if err != nil {
		var ie *ItemError
		if errors.As(err, &ie) {
			err = ie.Err // the only item: naming it would say nothing
		}
		return attest.Evidence{}, err
	}
	return added[0], nil
}

// Upload is one item of a batch given to AddAll: what the caller knows about
// it, and its content, read as Add reads r.
type Upload struct {
	New
	Content io.Reader
}

// MaxBatch is the most items AddAll takes in one call. A batch's records,
// rows and ledger entries are held in memory and written in one transaction,
// which holds the organization's ledger (and, on SQLite, the database) for
// its length; a larger import is several batches.
const MaxBatch = 1000

// ItemError is AddAll's refusal of one item of a batch, which refuses the
// whole batch.
type ItemError struct {
	Index int    // the item's index in the batch, from 0
	Name  string // its file name, else its title
	Err   error
}

func (e *ItemError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("item %d: %v", e.Index+1, e.Err)
	}
	return fmt.Sprintf("item %d (%s): %v", e.Index+1, e.Name, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// AddAll stores several evidence items, as Add stores one, all or nothing:
// every item is checked before any content is read, then every content is
// streamed into a batch of the blob store in order (the same checks and size
// limit as Add) and the batch made durable (blob.Batch), then one
// transaction stores every row, appends their records to the ledger under
// one signed checkpoint (chain.AppendAll) and logs one activity row per
// item. Nothing is acknowledged until all of it has committed; a failure
// anywhere leaves no row, no ledger entry and no activity. A failure while
// the content is read leaves no blob on the filesystem (the batch is
// discarded); one after the batch committed leaves its blobs behind
// unreferenced, as after a failed Add, for the collector. An
// item's failure is an *ItemError naming it ("item 3 (name.csv): file: is
// empty", counting from 1). The batch holds 1 to MaxBatch items; the
// evidence is returned in the order given.
func (s *Service) AddAll(ctx context.Context, items []Upload) ([]attest.Evidence, error) {
	switch {
	case len(items) == 0:
		return nil, attest.Invalid("items", "name at least one item to add")
	case len(items) > MaxBatch:
		return nil, attest.Invalid("items", "a batch holds at most %d items, not %d: add them in several batches", MaxBatch, len(items))
	}
	evs := make([]attest.Evidence, len(items))
	itemErr := func(i int, err error) error {
		name := items[i].Filename
		if name == "" {
			name = items[i].Title
		}
		return &ItemError{Index: i, Name: name, Err: err}
	}
	// Check what can be checked before reading any content, for every item:
	// a bad last item must not cost the blobs of the others.
	for i, it := range items {
		if it.Org.ID != items[0].Org.ID {
			// The entries go to one organization's ledger.
			return nil, itemErr(i, attest.Invalid("org", "is not the organization of the batch's first item: a batch adds to one organization"))
		}
		e, err := s.prepare(it.New)
		if err != nil {
			return nil, itemErr(i, err)
		}
		evs[i] = e
	}
	// The batch's blobs become durable together, before any row refers to
	// them (blob.Batch): far fewer syncs than one upload at a time.
	blobs := blob.NewBatch(s.Blobs, len(items))
	defer blobs.Discard()
	for i, it := range items {
		if err := s.store(ctx, blobs, &evs[i], it.Content); err != nil {
			return nil, itemErr(i, err)
		}
	}
	if err := blobs.Commit(ctx); err != nil {
		return nil, fmt.Errorf("storing the batch's content: %w", err)
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		refs := map[int64]string{} // control id → ref, read once per batch
		supersedes := make([]string, len(items))
		recs := make([]chain.Record, len(items))
		rows := make([]*attest.Evidence, len(items))
		corrects := false
		for i, it := range items {
			if err := s.record(ctx, tx, it.New, &evs[i], refs, &supersedes[i]); err != nil {
				return itemErr(i, err)
			}
			recs[i] = chain.Record{Type: ledger.RecordTypeEvidence, ID: evs[i].UID, Hash: evs[i].RecordHash}
			rows[i], corrects = &evs[i], corrects || evs[i].Supersedes != 0
		}
		if corrects {
			// One at a time, so that a version corrected twice names its item.
			for i, e := range rows {
				if err := tx.CreateEvidence(ctx, e); err != nil {
					return itemErr(i, err)
				}
			}
		} else if err := tx.CreateEvidenceAll(ctx, rows); err != nil {
			return err
		}
		entries, err := s.Chain().AppendAll(ctx, tx, items[0].Org, recs)
		if err != nil {
			return err
		}
		// One activity row per item, as Add writes, so the log reads the
		// same whether items came one by one or in a batch.
		for i, it := range items {
			e := &evs[i]
			e.LedgerSeq = entries[i].Seq
			verb := "Added"
			if supersedes[i] != "" {
				verb = "Corrected " + supersedes[i] + " with"
			}
			if err := tx.Log(ctx, it.Actor.Record(it.Org.ID, "evidence.added", "evidence", e.UID,
				fmt.Sprintf("%s %s evidence %q (%s, sha256 %s, ledger entry %d)", verb, e.Kind, e.Title, FormatSize(e.Size), e.SHA256, e.LedgerSeq))); err != nil {
				return itemErr(i, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// prepare builds the evidence n describes and checks what can be checked
// before any content is read.
func (s *Service) prepare(n New) (attest.Evidence, error) {
	e := attest.Evidence{OrgID: n.Org.ID, UID: newUID(), Kind: n.Kind, Title: n.Title, Source: n.Source, URL: strings.TrimSpace(n.URL),
		Filename: n.Filename, MediaType: n.MediaType, CollectedAt: n.CollectedAt, PeriodStart: n.PeriodStart, PeriodEnd: n.PeriodEnd,
		AddedBy: n.Actor.UserID, Notes: n.Notes, Supersedes: n.Supersedes}
	if e.Source == "" {
		e.Source = n.Actor.Label
	}
	if e.CollectedAt.IsZero() {
		e.CollectedAt = s.DB.Now()
	}
	e.SHA256 = strings.Repeat("0", 64) // a placeholder until the content is stored
	if err := attest.ValidateEvidence(&e); err != nil {
		return e, err
	}
	for _, id := range n.ControlIDs {
		e.Controls = append(e.Controls, attest.ControlRef{ID: id})
	}
	return e, nil
}

// store streams the content of e into the blob store and records its hash,
// size and media type on e.
func (s *Service) store(ctx context.Context, blobs putter, e *attest.Evidence, r io.Reader) error {
	switch e.Kind {
	case attest.KindLink:
		r = strings.NewReader(e.URL)
		e.MediaType = "text/uri-list"
	case attest.KindAttestation:
		e.MediaType = "text/plain; charset=utf-8"
	}
	if r == nil {
		// A caller gave no content; read it as what it is, empty, rather
		// than panic in the blob store.
		r = strings.NewReader("")
	}
	var sniff sniffer
	sha, size, err := blobs.Put(ctx, io.TeeReader(r, &sniff), "", s.MaxSize)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return attest.Invalid("file", "is larger than the limit of %s", FormatSize(s.MaxSize))
	case err != nil:
		return fmt.Errorf("storing the content: %w", err)
	case size == 0:
		// Empty content is refused, so no row refers to its blob; remove the
		// one this Put may have stored rather than leave it to the collector.
		s.dropUnreferenced(ctx, sha)
		return ErrEmpty
	}
	e.SHA256, e.Size = sha, size
	if e.MediaType == "" {
		e.MediaType = mediaType(e.Filename, sniff.head)
	}
	return nil
}

// putter stores a blob: the blob store, or a batch of it.
type putter interface {
	Put(ctx context.Context, r io.Reader, want string, maxSize int64) (sha string, size int64, err error)
}

// record resolves e's controls (refs keeps those read for the batch) and
// the evidence it corrects, then hashes its record, in tx; the caller
// stores the row. supersedesUID is set to the uid of the evidence it
// corrects, if any.
func (s *Service) record(ctx context.Context, tx *store.Queries, n New, e *attest.Evidence, refs map[int64]string, supersedesUID *string) error {
	// Resolve control refs for the record, refusing controls of other organizations.
	for i, c := range e.Controls {
		ref, ok := refs[c.ID]
		if !ok {
			r, err := tx.ControlRef(ctx, n.Org.ID, c.ID)
			if attest.ErrorCode(err) == attest.ENOTFOUND {
				return attest.Invalid("controls", "control %d is not a control of this organization", c.ID)
			}
			if err != nil {
				return fmt.Errorf("control %d: %w", c.ID, err)
			}
			ref, refs[c.ID] = r, r
		}
		e.Controls[i].Ref = ref
	}
	if e.Supersedes != 0 {
		old, err := tx.Evidence(ctx, n.Org.ID, e.Supersedes)
		if err != nil {
			return attest.Invalid("supersedes", "must be evidence of this organization")
		}
		*supersedesUID = old.UID
	}
	// The record commits to when the row is stored, so the time is set here.
	e.CreatedAt = tx.Now()
	hash, record, err := ledger.HashRecord(Record(RecordVersion, n.Org.Slug, *e, *supersedesUID, n.Actor.Label))
	if err != nil {
		return err
	}
	e.RecordHash, e.Record = hash, record
	return nil
}

// RecordVersion is the version of the evidence record that Add writes.
// Version 1 (before "version" was a key) lacks who added the evidence and when
// it was stored; rows committed as version 1 keep their version and verify as
// such. ledger's package documentation specifies both.
const RecordVersion = 2

// Record is the canonical description of an evidence item, in record version
// 1 or 2, that its ledger entry commits to. It names controls by ref and
// people by label (addedBy, as shown when the evidence was added) so that a
// bundle verifies without Attest's database. Version 2 adds "version",
// "added_by" (the label), "added_by_id" (e.AddedBy, 0 for none) and
// "stored_at" (e.CreatedAt).
func Record(version int, org string, e attest.Evidence, supersedesUID, addedBy string) map[string]any {
	var controls []string
	for _, c := range e.Controls {
		controls = append(controls, c.Ref)
	}
	rec := map[string]any{
		"type": "evidence", "org": org, "uid": e.UID, "kind": e.Kind, "title": e.Title, "source": e.Source, "url": e.URL,
		"filename": e.Filename, "media_type": e.MediaType, "sha256": e.SHA256, "size": e.Size,
		"collected_at": stampString(e.CollectedAt), "notes": e.Notes, "supersedes": supersedesUID, "controls": controls,
	}
	if !e.PeriodStart.IsZero() {
		rec["period_start"], rec["period_end"] = stampString(e.PeriodStart), stampString(e.PeriodEnd)
	}
	if controls == nil {
		rec["controls"] = []string{}
	}
	if version >= 2 {
		rec["version"], rec["added_by"], rec["added_by_id"], rec["stored_at"] = version, addedBy, e.AddedBy, stampString(e.CreatedAt)
	}
	return rec
}

func stampString(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

func newUID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return "ev_" + hex.EncodeToString(b)
}

// sniffer keeps the first 512 bytes of content for media-type detection.
type sniffer struct{ head []byte }

func (s *sniffer) Write(p []byte) (int, error) {
	if n := 512 - len(s.head); n > 0 {
		s.head = append(s.head, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

// mediaType prefers the content's own signature, then the file extension.
func mediaType(filename string, head []byte) string {
	sniffed := http.DetectContentType(head)
	if sniffed != "application/octet-stream" && !strings.HasPrefix(sniffed, "text/plain") {
		return sniffed
	}
	if byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(filename))); byExt != "" {
		return byExt
	}
	return sniffed
}

// FormatSize writes a byte count for people: 1.5 MiB, 312 bytes.
func FormatSize(n int64) string { return ledger.FormatSize(n) }

// Verify re-hashes every blob of the organization's evidence and walks its
// ledger, checking each entry's record against the database; it returns the
// first entry that does not verify as a *ledger.Failure. Checkpoint
// signatures are checked against the install's key.
func (s *Service) Verify(ctx context.Context, org attest.Organization) (VerifyReport, error) {
	rep := VerifyReport{Org: org.Slug}
	entries, err := s.DB.LedgerEntries(ctx, org.ID)
	if err != nil {
		return rep, err
	}
	checkpoints, err := s.DB.Checkpoints(ctx, org.ID)
	if err != nil {
		return rep, err
	}
	rep.Entries = len(entries)
	// One query for every version of every item, not one per entry.
	all, err := s.DB.EvidenceList(ctx, org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		return rep, err
	}
	byUID := make(map[string]attest.Evidence, len(all))
	uidOf := make(map[int64]string, len(all))
	for _, ev := range all {
		byUID[ev.UID], uidOf[ev.ID] = ev, ev.UID
	}
	hashed := map[string]error{} // each blob is read once however many records share it
	// Records of other types (snapshots, test versions, exceptions) are
	// held to their hashes; a snapshot's file is re-hashed like evidence.
	others, err := s.DB.LedgerRecords(ctx, org.ID)
	if err != nil {
		return rep, err
	}
	type recKey struct{ typ, id, hash string }
	otherByKey := make(map[recKey]ledger.BundleRecord, len(others))
	for _, r := range others {
		otherByKey[recKey{r.Type, r.ID, r.RecordHash}] = r
	}
	check := func(e ledger.Entry) error {
		if e.RecordType != "evidence" {
			r, ok := otherByKey[recKey{e.RecordType, e.RecordID, e.RecordHash}]
			if !ok {
				return fmt.Errorf("the %s record %s is missing from the database", e.RecordType, e.RecordID)
			}
			if err := r.CheckRecord(org.Slug); err != nil {
				return err
			}
			sha, size, hasFile, err := r.File()
			if err != nil || !hasFile {
				return err
			}
			if _, done := hashed[sha]; !done {
				hashed[sha] = s.rehash(ctx, sha, size, &rep)
			}
			if err := hashed[sha]; err != nil {
				return fmt.Errorf("%s %s: %w", e.RecordType, e.RecordID, err)
			}
			return nil
		}
		ev, ok := byUID[e.RecordID]
		if !ok {
			return fmt.Errorf("evidence %s is missing from the database", e.RecordID)
		}
		if got := ledger.HashBytes(ev.Record); got != e.RecordHash || ev.RecordHash != e.RecordHash {
			return fmt.Errorf("evidence %s: its record does not match the hash the ledger committed to", ev.UID)
		}
		var supersedesUID string
		if ev.Supersedes != 0 {
			if supersedesUID, ok = uidOf[ev.Supersedes]; !ok {
				return fmt.Errorf("evidence %s: the evidence it corrects is missing", ev.UID)
			}
		}
		if err := recordMatchesRow(org.Slug, ev, supersedesUID); err != nil {
			return fmt.Errorf("evidence %s: %w", ev.UID, err)
		}
		if _, done := hashed[ev.SHA256]; !done {
			hashed[ev.SHA256] = s.rehash(ctx, ev.SHA256, ev.Size, &rep)
		}
		if err := hashed[ev.SHA256]; err != nil {
			return fmt.Errorf("evidence %s: %w", ev.UID, err)
		}
		rep.Evidence++
		return nil
	}
	if err := ledger.VerifyChain(entries, checkpoints, s.Key.Public().(ed25519.PublicKey), check); err != nil {
		return rep, err
	}
	// As in a bundle, the head must be signed: entries after the last
	// checkpoint were added outside Attest.
	if n := len(entries); n > 0 {
		covered := int64(0)
		for _, c := range checkpoints {
			if c.Seq <= int64(n) && entries[c.Seq-1].Hash == c.Hash && c.Seq > covered {
				covered = c.Seq
			}
		}
		if covered < entries[n-1].Seq {
			e := entries[covered]
			return rep, &ledger.Failure{Seq: e.Seq, RecordType: e.RecordType, RecordID: e.RecordID, Reason: "no signed checkpoint covers this entry or any after it"}
		}
	}
	// Every evidence row must be committed by an entry.
	for _, ev := range all {
		if ev.LedgerSeq == 0 {
			return rep, fmt.Errorf("evidence %s has no ledger entry: it was added outside Attest", ev.UID)
		}
	}
	// The chain verified up to its signed head; only the heads saved outside
	// the database show whether newer entries were cut off.
	var last *ledger.Checkpoint
	if len(checkpoints) > 0 {
		last = &checkpoints[len(checkpoints)-1]
	}
	if err := s.Chain().CheckHeads(ctx, org.Slug, entries, last); err != nil {
		return rep, err
	}
	for _, hs := range s.Heads {
		rep.Heads = append(rep.Heads, hs.String())
	}
	return rep, nil
}

// VerifyReport says what a verification covered.
type VerifyReport struct {
	Org      string
	Entries  int
	Evidence int
	Blobs    int
	Bytes    int64
	Heads    []string // where the saved heads it was compared with are
}

// rehash streams a blob through SHA-256 and compares it with what the record says.
func (s *Service) rehash(ctx context.Context, sha string, size int64, rep *VerifyReport) error {
	rc, _, err := s.Blobs.Open(ctx, sha)
	if errors.Is(err, blob.ErrNotFound) {
		return fmt.Errorf("its content (sha256 %s) is missing from the blob store", sha)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	got, n, err := ledger.HashReader(rc)
	if err != nil {
		return fmt.Errorf("reading its content: %w", err)
	}
	rep.Blobs++
	rep.Bytes += n
	if got != sha || n != size {
		return fmt.Errorf("its content no longer matches: sha256 %s (%d bytes) recorded, %s (%d bytes) found", sha, size, got, n)
	}
	return nil
}

// recordMatchesRow checks that the row (with its control links) says exactly
// what the hashed record says: the record is rebuilt from the row and must
// hash to the committed bytes, so editing any field or link behind Attest's
// back is caught even if the record column is left alone.
func recordMatchesRow(org string, ev attest.Evidence, supersedesUID string) error {
	var committed, current map[string]any
	if err := ledger.DecodeRecord(ev.Record, &committed); err != nil {
		return fmt.Errorf("its record is not valid JSON: %w", err)
	}
	// Links are listed in the order they were committed; compare as sets.
	refs := map[string]bool{}
	if list, ok := committed["controls"].([]any); ok {
		for _, r := range list {
			refs[fmt.Sprint(r)] = true
		}
	}
	ordered := make([]attest.ControlRef, 0, len(ev.Controls))
	for _, c := range ev.Controls {
		if !refs[c.Ref] {
			return fmt.Errorf("it is linked to %s, which the committed record does not name", c.Ref)
		}
		ordered = append(ordered, c)
	}
	if len(ordered) != len(refs) {
		return fmt.Errorf("its control links differ from the committed record")
	}
	version, addedBy, err := recordVersion(committed)
	if err != nil {
		return err
	}
	hash, rebuilt, err := ledger.HashRecord(Record(version, org, withControlsInRecordOrder(ev, committed), supersedesUID, addedBy))
	if err != nil {
		return err
	}
	if hash != ev.RecordHash {
		if err := ledger.DecodeRecord(rebuilt, &current); err == nil {
			for k, v := range committed {
				if fmt.Sprint(current[k]) != fmt.Sprint(v) {
					return fmt.Errorf("its %s in the database differs from the committed record", k)
				}
			}
		}
		return fmt.Errorf("its row differs from the committed record")
	}
	return nil
}

// withControlsInRecordOrder orders the evidence's control refs as the
// committed record lists them, so a rebuilt record hashes the same.
func withControlsInRecordOrder(ev attest.Evidence, committed map[string]any) attest.Evidence {
	list, _ := committed["controls"].([]any)
	byRef := map[string]attest.ControlRef{}
	for _, c := range ev.Controls {
		byRef[c.Ref] = c
	}
	ev.Controls = nil
	for _, r := range list {
		if c, ok := byRef[fmt.Sprint(r)]; ok {
			ev.Controls = append(ev.Controls, c)
		}
	}
	return ev
}

// recordVersion reads the version of a committed record (1 when it has no
// "version" key) and, from version 2, the label of who added it: the label is
// kept only in the record, as it was shown at the time.
func recordVersion(committed map[string]any) (int, string, error) {
	v, ok := committed["version"]
	if !ok {
		return 1, "", nil
	}
	if f, isNum := v.(float64); !isNum || f != RecordVersion {
		return 0, "", fmt.Errorf("its record has version %v, which this version of Attest does not know", v)
	}
	label, _ := committed["added_by"].(string)
	return RecordVersion, label, nil
}

// AddedByLabel is who added the evidence as its record states it (record
// version 2), else as the database names the user now.
func AddedByLabel(ev attest.Evidence) string {
	var rec map[string]any
	if ledger.DecodeRecord(ev.Record, &rec) == nil {
		if label, ok := rec["added_by"].(string); ok {
			return label
		}
	}
	return ev.AddedByName
}
