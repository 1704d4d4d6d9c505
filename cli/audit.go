package cli

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/attest-hq/attest"
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
