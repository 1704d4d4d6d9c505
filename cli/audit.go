package cli

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/programme"
)

// runAuditSample draws a sample into a workpaper, or re-derives one
// (--verify). It reads and writes files only: the population is a JSON
// array of items, so an auditor can check a workpaper without an install.
func runAuditSample(e *env, args []string) error {
	f := newFlags("audit sample", e)
	verify := f.fs.String("verify", "", "a workpaper to re-derive; exits 1 on any difference")
	auditID := f.fs.String("audit", "", "the audit's ID")
	control := f.fs.String("control", "", "the control's reference, e.g. CC6.2")
	popFile := f.fs.String("population", "", "a JSON array of items {id, occurred_at, summary}")
	frequency := f.fs.String("frequency", "per-event", "the control's frequency, which sets the sample size")
	prior := f.fs.Bool("prior-deviation", false, "a deviation was found in the prior period: take the next size up")
	out := f.fs.String("out", "", "where to write the workpaper (JSON)")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *verify != "" {
		file, err := os.Open(*verify)
		if err != nil {
			return err
		}
		defer file.Close()
		w, err := attest.ParseWorkpaper(file)
		if err != nil {
			return err
		}
		if err := attest.VerifyWorkpaper(w); err != nil {
			return fmt.Errorf("mismatch: %w", err)
		}
		fmt.Fprintf(e.stdout, "match: %d of %d items, seed %s\n", len(w.Selection), len(w.Population), w.Seed)
		return nil
	}
	if *auditID == "" || *control == "" || *popFile == "" || *out == "" {
		return usagef("--audit, --control, --population and --out are required (or --verify FILE)")
	}
	data, err := os.ReadFile(*popFile)
	if err != nil {
		return err
	}
	var items []attest.SampleItem
	if err := json.Unmarshal(data, &items); err != nil {
		return attest.Invalid("population", "want a JSON array of {id, occurred_at, summary}: %v", err)
	}
	size, err := attest.SampleSize(*frequency, len(items), *prior)
	if err != nil {
		return err
	}
	w, err := attest.NewWorkpaper(*auditID, *control, items, size)
	if err != nil {
		return err
	}
	doc, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(doc, '\n'), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sampled %d of %d items, seed %s: %s\n", len(w.Selection), len(items), w.Seed, *out)
	return nil
}

// runAuditExport writes an audit's export package: of an audit record
// (--audit ID), or of a framework and dates given by flags.
func runAuditExport(e *env, args []string) error {
	f, org := orgFlags("audit export", e)
	var in auditpkg.Input
	f.fs.StringVar(&in.Audit, "label", "", "the audit's name in the package (default: framework, type and dates)")
	f.fs.StringVar(&in.Framework, "framework", "", "a framework in scope (soc2, iso27001); SOC 2 when empty")
	asOf := f.fs.String("as-of", "", "Type 1: the day the report is as of, YYYY-MM-DD")
	f.fs.StringVar(&in.From, "from", "", "Type 2: the period's first day, YYYY-MM-DD")
	f.fs.StringVar(&in.To, "to", "", "Type 2: the period's last day, YYYY-MM-DD")
	out := f.fs.String("out", "", "the package file to write (FILE.zip)")
	audit := f.fs.String("audit", "", "an audit's ID (attest audit list): its framework, type and dates")
	noResume := f.fs.Bool("no-resume", false, "start afresh, ignoring what an interrupted run left in FILE.zip.partial")
	s, o, err := f.openOrgCommand(args, org, app.Needs{Evidence: true})
	if err != nil {
		return err
	}
	defer s.Close()
	var auditID int64
	var label string
	switch {
	case *out == "":
		return usagef("--out is required")
	case *audit != "" && (*asOf != "" || in.From != "" || in.To != "" || in.Framework != ""):
		return usagef("--audit names the framework and dates; leave out --framework, --as-of, --from and --to")
	case *audit != "":
		id, err := auditFlag(*audit)
		if err != nil {
			return err
		}
		auditID = id
		label = in.Audit
		if in, err = s.AuditPackages.AuditInput(e.ctx, cliPrincipal(o.ID), id); err != nil {
			return err
		}
		if label != "" {
			in.Audit = label
		}
	case *asOf != "" && (in.From != "" || in.To != ""):
		return usagef("give --as-of (Type 1) or --from and --to (Type 2), not both")
	case *asOf != "":
		in.Type, in.AsOf = auditpkg.Type1, *asOf
	case in.From != "" || in.To != "":
		in.Type = auditpkg.Type2
	default:
		return usagef("--as-of DAY (Type 1) or --from DAY --to DAY (Type 2) is required")
	}
	p := cliPrincipal(o.ID)
	sum, err := writeResumable(e, *out, !*noResume, func(r *auditpkg.Resume, w io.Writer) (auditpkg.Summary, error) {
		opts := programme.ExportOptions{Label: label, Resume: r}
		if auditID != 0 {
			// An audit record's package: its populations, samples, results
			// and request list too, as the workspace's download.
			_, sum, err := s.AuditPackages.ExportAuditWith(e.ctx, p, auditID, opts, w)
			return sum, err
		}
		return s.AuditPackages.ExportWith(e.ctx, p, in, opts, w)
	})
	if err != nil {
		return err
	}
	if err := s.AuditPackages.RecordExport(e.ctx, p, in, filepath.Base(*out)); err != nil {
		return err
	}
	pub := s.Evidence.Key.Public().(ed25519.PublicKey)
	resumed := ""
	if sum.Reused > 0 {
		resumed = fmt.Sprintf(", %d of them (%s) copied from the interrupted run", sum.Reused, evidence.FormatSize(sum.ReusedBytes))
	}
	fmt.Fprintf(e.stdout, "wrote %s: audit %s, %d evidence items, %d files (%s)%s\nverify it anywhere with:\n  attest verify %s --pubkey %s\n",
		*out, in.Label(), sum.Evidence, sum.Files, evidence.FormatSize(sum.Bytes), resumed, *out, ledger.EncodePublicKey(pub))
	return nil
}

// writeResumable writes a package to out by way of out.partial, renamed to
// out once it is complete. An export cut short (killed, out of disk, a
// lost connection to the bucket) leaves out.partial; the next run, unless
// resume is false, moves it aside to out.resume and hands it to write, which
// copies the evidence files it holds whole instead of fetching them again.
// A run cut short while resuming leaves both; the larger holds more.
func writeResumable(e *env, out string, resume bool, write func(*auditpkg.Resume, io.Writer) (auditpkg.Summary, error)) (auditpkg.Summary, error) {
	partial, earlier := out+".partial", out+".resume"
	var sum auditpkg.Summary
	size := func(name string) int64 {
		if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
		return -1
	}
	var from *os.File
	switch ps, es := size(partial), size(earlier); {
	case !resume:
		os.Remove(partial)
		os.Remove(earlier)
	case ps > es:
		if err := os.Rename(partial, earlier); err != nil {
			return sum, fmt.Errorf("--out %s: setting the interrupted run aside: %w", out, err)
		}
		fallthrough
	case es >= 0:
		f, err := os.Open(earlier)
		if err != nil {
			return sum, fmt.Errorf("--out %s: reading the interrupted run: %w", out, err)
		}
		defer f.Close()
		from = f
	}
	var r *auditpkg.Resume
	if from != nil {
		r = &auditpkg.Resume{From: from, Size: size(earlier)}
		fmt.Fprintf(e.stderr, "resuming from %s (%s) left by an interrupted run (--no-resume starts afresh)\n", earlier, evidence.FormatSize(r.Size))
	}
	f, err := os.OpenFile(partial, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return sum, fmt.Errorf("--out %s: %w", out, err)
	}
	sum, err = write(r, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return sum, fmt.Errorf("%w (what was written is kept in %s: run the same command again to resume)", err, partial)
	}
	if err := os.Rename(partial, out); err != nil {
		return sum, err
	}
	if from != nil {
		from.Close()
		os.Remove(earlier)
	}
	return sum, nil
}
