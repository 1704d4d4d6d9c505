package cli

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

func runKeyShow(e *env, args []string) error {
	f := newFlags("key show", e)
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	path := app.SigningKeyPath(f.str("data-dir"), f.str("signing-key"))
	key, _, err := app.LoadSigningKey(path, false)
	if err != nil {
		return err
	}
	pub := key.Public().(ed25519.PublicKey)
	fmt.Fprintf(e.stdout, "%s\nkey id %s\n", ledger.EncodePublicKey(pub), ledger.KeyID(pub))
	return nil
}

// runVerify checks the install's ledgers and blobs, or, given a bundle file, the
// bundle alone with the public key passed by --pubkey.
func runVerify(e *env, args []string) error {
	f := newFlags("verify", e)
	orgSlug := f.fs.String("org", "", "verify one organization (default: all)")
	pubkey := f.fs.String("pubkey", "", "with a bundle FILE.zip: the public key (attest-ed25519:…) to check its checkpoints against")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usagef("want at most one bundle FILE.zip, got %d arguments", len(rest))
	}
	if len(rest) == 1 {
		return verifyBundle(e, rest[0], *pubkey)
	}
	if *pubkey != "" {
		return usagef("--pubkey goes with a bundle FILE.zip; a live install checks its own key")
	}
	s, err := f.open(e.ctx, app.Needs{Evidence: true})
	if err != nil {
		return err
	}
	defer s.Close()
	db, svc := s.DB, s.Evidence
	var orgs []attest.Organization
	if *orgSlug != "" {
		o, err := db.OrgBySlug(e.ctx, *orgSlug)
		if err != nil {
			return fmt.Errorf("--org %s: %w", *orgSlug, err)
		}
		orgs = append(orgs, o)
	} else if orgs, err = db.Orgs(e.ctx); err != nil {
		return err
	}
	failed := 0
	for _, o := range orgs {
		rep, err := svc.Verify(e.ctx, o)
		if err != nil {
			failed++
			fmt.Fprintf(e.stdout, "%s: FAILED: %v\n", o.Slug, err)
			continue
		}
		heads := "no saved head to compare with"
		if len(rep.Heads) > 0 {
			heads = "matches the head saved in " + strings.Join(rep.Heads, " and ")
		}
		fmt.Fprintf(e.stdout, "%s: ok: %d ledger entries, %d evidence items, %d blobs (%s) re-hashed, %s\n", o.Slug, rep.Entries, rep.Evidence, rep.Blobs, evidence.FormatSize(rep.Bytes), heads)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d organizations failed verification", failed, len(orgs))
	}
	return nil
}

func verifyBundle(e *env, path, pubkey string) error {
	if pubkey == "" {
		return usagef("--pubkey is required to verify a bundle: get it from the install's Settings or `attest key show`, not from the bundle")
	}
	pub, err := ledger.ParsePublicKey(pubkey)
	if err != nil {
		return usagef("--pubkey: %v", err)
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return err
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(ledger.VerifyMemoryLimit))
	if auditpkg.IsPackage(file, info.Size()) {
		// An audit package carries its ledger segment as a bundle, which
		// auditpkg.Verify checks in place with ledger.VerifyBundle.
		pr, err := auditpkg.Verify(file, info.Size(), pub)
		if err != nil {
			return fmt.Errorf("%s does not verify: %w", path, err)
		}
		rep := pr.Ledger
		fmt.Fprintf(e.stdout, "%s: ok: audit package %s of organization %s: %d evidence items and %d files (%s) re-hashed and found in the ledger segment; segment of %d ledger entries (%d withheld), %d evidence items, %d other records, %d blobs (%s) re-hashed, signed checkpoint at entry %d; OSCAL documents valid\n",
			path, pr.Audit, rep.Org, pr.Evidence, pr.Files, evidence.FormatSize(pr.Bytes), rep.Entries, rep.Withheld, rep.Evidence, rep.Records, rep.Blobs, evidence.FormatSize(rep.Bytes), rep.CheckpointSeq)
		return nil
	}
	rep, err := ledger.VerifyBundle(file, info.Size(), pub)
	if err != nil {
		return fmt.Errorf("%s does not verify: %w", path, err)
	}
	withheld := ""
	if rep.Withheld > 0 {
		withheld = fmt.Sprintf(" (%d withheld: their records are not in the bundle)", rep.Withheld)
	}
	fmt.Fprintf(e.stdout, "%s: ok: organization %s, %d ledger entries%s, %d evidence items, %d other records, %d blobs (%s) re-hashed, %d readable copies checked, signed checkpoint at entry %d\n",
		path, rep.Org, rep.Entries, withheld, rep.Evidence, rep.Records, rep.Blobs, evidence.FormatSize(rep.Bytes), rep.Copies, rep.CheckpointSeq)
	return nil
}

// stringList collects a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func runEvidenceAdd(e *env, args []string) error {
	f := newFlags("evidence add", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	var controls stringList
	f.fs.Var(&controls, "control", "control ID (ref) the evidence supports; repeatable")
	title := f.fs.String("title", "", "title (default: the file name)")
	from := f.fs.String("period-start", "", "first day the evidence covers (YYYY-MM-DD)")
	to := f.fs.String("period-end", "", "last day the evidence covers (YYYY-MM-DD)")
	notes := f.fs.String("notes", "", "notes for the auditor")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	if len(controls) == 0 {
		return usagef("--control is required: name the control(s) the evidence supports")
	}
	if len(rest) == 0 {
		return usagef("name at least one FILE")
	}
	var ps, pe time.Time
	if (*from == "") != (*to == "") {
		return usagef("--period-start and --period-end go together")
	}
	if *from != "" {
		if ps, err = time.Parse("2006-01-02", *from); err != nil {
			return usagef("--period-start: want YYYY-MM-DD, got %q", *from)
		}
		if pe, err = time.Parse("2006-01-02", *to); err != nil {
			return usagef("--period-end: want YYYY-MM-DD, got %q", *to)
		}
		pe = pe.Add(24*time.Hour - time.Microsecond) // the whole last day
	}
	// Every file is checked before any is streamed, so that a bad one among
	// several is named before any work: the files are added in one batch,
	// all or nothing, so a re-run with it fixed or left out records none twice.
	if len(rest) > evidence.MaxBatch {
		return usagef("at most %d files at once, not %d: add them in several runs; nothing was added", evidence.MaxBatch, len(rest))
	}
	infos := make([]os.FileInfo, len(rest))
	for i, path := range rest {
		if infos[i], err = checkEvidenceFile(path); err != nil {
			return fmt.Errorf("%w; nothing was added", err)
		}
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	db, svc := s.DB, s.Evidence
	for i, path := range rest {
		if max := svc.MaxSize; max > 0 && infos[i].Size() > max {
			return fmt.Errorf("%s: file: is larger than the limit of %s (%s); nothing was added", path, evidence.FormatSize(max), evidence.FormatSize(infos[i].Size()))
		}
	}
	all, err := db.Controls(e.ctx, org.ID, store.ControlFilter{})
	if err != nil {
		return err
	}
	var ids []int64
	for _, ref := range controls {
		found := false
		for _, c := range all {
			if strings.EqualFold(c.Ref, ref) {
				ids, found = append(ids, c.ID), true
			}
		}
		if !found {
			return usagef("--control %s: %s has no such control", ref, org.Slug)
		}
	}
	return addFiles(e, svc, evidence.New{Org: org, Actor: cliActor(), Kind: attest.KindFile,
		PeriodStart: ps, PeriodEnd: pe, Notes: *notes, ControlIDs: ids}, rest, infos, *title)
}

// addFiles adds the checked files as evidence described by n, each titled
// title (default: its name), in one evidence.Service.AddAll batch, and
// prints each one added. The batch is all or nothing, so a file that fails
// while streaming (it vanished or grew past the limit since the check, the
// disk filled, the database went away) leaves none added, and the error
// says so and names the file.
func addFiles(e *env, svc *evidence.Service, n evidence.New, paths []string, infos []os.FileInfo, title string) error {
	items := make([]evidence.Upload, len(paths))
	readers := make([]*fileReader, len(paths))
	for i, path := range paths {
		item := n
		item.Filename = filepath.Base(path)
		item.Title = title
		if item.Title == "" {
			item.Title = item.Filename
		}
		size := infos[i].Size()
		readers[i] = &fileReader{path: path, progress: progress{w: e.stderr, name: item.Filename, total: size, show: isTerminal(e.stderr) || size > 8<<20}}
		items[i] = evidence.Upload{New: item, Content: readers[i]}
	}
	defer func() {
		for _, r := range readers {
			r.close()
		}
	}()
	added, err := svc.AddAll(e.ctx, items)
	var ie *evidence.ItemError
	switch {
	case errors.As(err, &ie):
		return fmt.Errorf("%s: %w; nothing was added", paths[ie.Index], ie.Err)
	case err != nil:
		return fmt.Errorf("%w; nothing was added", err)
	}
	for i, ev := range added {
		fmt.Fprintf(e.stdout, "added %s: %s (%s, sha256 %s, ledger entry %d)\n", ev.UID, filepath.Base(paths[i]), evidence.FormatSize(ev.Size), ev.SHA256, ev.LedgerSeq)
	}
	return nil
}

// checkEvidenceFile checks, without reading it, that path can be added: a
// regular file that can be opened, is not empty and has a name evidence may
// carry.
func checkEvidenceFile(path string) (os.FileInfo, error) {
	if err := attest.ValidateFilename(filepath.Base(path)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	info, err := file.Stat()
	switch {
	case err != nil:
		return nil, err
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", path)
	case info.Size() == 0:
		return nil, fmt.Errorf("%s: file: is empty", path)
	}
	return info, nil
}

// fileReader reads a file of a batch: it opens the file at the first read
// and closes it at its end, so that a batch of many files holds one open at
// a time (AddAll streams them in order), and shows its progress.
type fileReader struct {
	path     string
	file     *os.File
	ended    bool
	progress progress
}

func (r *fileReader) Read(p []byte) (int, error) {
	if r.ended {
		return 0, io.EOF
	}
	if r.file == nil {
		f, err := os.Open(r.path)
		if err != nil {
			return 0, err
		}
		r.file = f
	}
	n, err := r.file.Read(p)
	r.progress.Write(p[:n])
	if err == io.EOF {
		r.close()
	}
	return n, err
}

// close closes the file if it is open; the progress line is ended once.
func (r *fileReader) close() {
	if r.file != nil {
		r.file.Close()
		r.file = nil
		r.progress.done()
	}
	r.ended = true
}

// progress prints a progress line for large files.
type progress struct {
	w          io.Writer
	name       string
	total, n   int64
	show       bool
	lastReport time.Time
}

func (p *progress) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	if p.show && time.Since(p.lastReport) > 200*time.Millisecond {
		p.lastReport = time.Now()
		p.print()
	}
	return len(b), nil
}

func (p *progress) print() {
	pct := 100
	if p.total > 0 {
		pct = int(p.n * 100 / p.total)
	}
	bar := strings.Repeat("#", pct/5) + strings.Repeat(".", 20-pct/5)
	fmt.Fprintf(p.w, "\r%s [%s] %3d%% %s", p.name, bar, pct, evidence.FormatSize(p.n))
}

func (p *progress) done() {
	if p.show {
		p.print()
		fmt.Fprintln(p.w)
	}
}

func runEvidenceExport(e *env, args []string) error {
	f := newFlags("evidence export", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	out := f.fs.String("out", "", "the bundle file to write (FILE.zip)")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" || *out == "" {
		return usagef("--org and --out are required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := s.Evidence
	var n int
	if err := writeAtomically(*out, 0o600, func(w io.Writer) (err error) {
		n, err = svc.Export(e.ctx, org, w)
		return err
	}); err != nil {
		return err
	}
	if err := svc.RecordExport(e.ctx, cliPrincipal(org.ID), filepath.Base(*out)); err != nil {
		return err
	}
	pub := svc.Key.Public().(ed25519.PublicKey)
	fmt.Fprintf(e.stdout, "wrote %s: %d evidence items\nverify it anywhere with:\n  attest verify %s --pubkey %s\n", *out, n, *out, ledger.EncodePublicKey(pub))
	return nil
}

func runCoverage(e *env, args []string) error {
	f := newFlags("coverage", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	from := f.fs.String("from", "", "first day of the window (YYYY-MM-DD)")
	to := f.fs.String("to", "", "last day of the window (YYYY-MM-DD)")
	tz := f.fs.String("tz", "UTC", "time zone the window's dates are in, e.g. Europe/Dublin")
	asJSON := f.fs.Bool("json", false, "print JSON")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" || *from == "" || *to == "" {
		return usagef("--org, --from and --to are required")
	}
	w, err := evidence.ParseWindow(*from, *to, *tz)
	if err != nil {
		return usagef("%v", err)
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	db := s.DB
	report, err := evidence.Report(e.ctx, &db.Queries, org.ID, w)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	fmt.Fprintf(e.stdout, "%s: Type 2 coverage %s to %s (%s)\n\n", org.Slug, *from, *to, *tz)
	for _, c := range report.Controls {
		status := fmt.Sprintf("%d/%d covered", c.Covered, len(c.Instances))
		if c.PerEvent {
			status = fmt.Sprintf("%d occurrence(s) evidenced", c.Covered)
		}
		fmt.Fprintf(e.stdout, "%-8s %-10s %-22s %s\n", c.Ref, c.Frequency, status, strings.Join(c.Gaps, " "))
	}
	fmt.Fprintf(e.stdout, "\n%d of %d period instances covered\n", report.Covered, report.Instances)
	return nil
}

// writeAtomically writes a file beside out and renames it into place once it
// is complete and synced, so a failure leaves no half file. perm is the
// file's mode: 0o600 for exports of evidence, 0o644 for documents.
func writeAtomically(out string, perm os.FileMode, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".attest-*"+filepath.Ext(out))
	if err != nil {
		return fmt.Errorf("--out %s: %w", out, err)
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), perm)
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}
