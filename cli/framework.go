package cli

import (
	"fmt"

	"github.com/attest-hq/attest/app"
)

func runFrameworkDelete(e *env, args []string) error {
	f := newFlags("framework delete", e)
	orgSlug := f.fs.String("org", "", "organization slug the framework belongs to")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want exactly one KEY argument (the key shown by the import), got %d", len(rest))
	}
	if *orgSlug == "" {
		return usagef("--org is required: an imported framework belongs to one organization")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	meta, err := s.Frameworks.Delete(e.ctx, cliPrincipal(org.ID), rest[0])
	if err != nil {
		return fmt.Errorf("framework %s: %w", rest[0], err)
	}
	fmt.Fprintf(e.stdout, "deleted %s %s (key %s) from %s, with its mappings\n", meta.Name, meta.Version, meta.Key, org.Slug)
	return nil
}
