package cli

import (
	"fmt"
	"time"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/evidence"
)

// runGC removes blobs that no evidence refers to, as the server's janitor does
// hourly: for a store without a running server, or to see what would go.
func runGC(e *env, args []string) error {
	f := newFlags("gc", e)
	dry := f.fs.Bool("dry-run", false, "report what would be removed, and remove nothing")
	age := f.fs.Duration("older-than", evidence.GCGrace, "remove only blobs stored longer ago than this; at least "+evidence.GCGrace.String()+", so that uploads still being recorded keep theirs")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *age < evidence.GCGrace {
		return usagef("--older-than %s: must be at least %s; a younger blob may belong to an upload still being recorded", *age, evidence.GCGrace)
	}
	s, err := f.open(e.ctx, app.Needs{Evidence: true})
	if err != nil {
		return err
	}
	defer s.Close()
	// Blob times are the store's clock, not a configured one.
	rep, err := s.Evidence.CollectGarbage(e.ctx, time.Now().Add(-*age), *dry)
	if err != nil {
		return err
	}
	verb := "removed"
	if *dry {
		verb = "would remove"
	}
	fmt.Fprintf(e.stdout, "%s %d unreferenced blobs (%s) of %d in %s; %d referenced; %d unreferenced but newer than %s, kept\n",
		verb, rep.Removed, evidence.FormatSize(rep.Bytes), rep.Blobs, s.Blobs, rep.Referenced, rep.Young, *age)
	return nil
}
