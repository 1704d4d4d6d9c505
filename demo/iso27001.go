package demo

import (
	"context"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
)

// demoExclusions are the Annex A controls the demo company excludes from its
// Statement of Applicability, each with the reason an auditor would read.
var demoExclusions = []struct{ control, why string }{
	{"A.7.6", "Northwind has no secure areas: production runs in AWS, whose data centres are covered by its own certification, and the offices hold no servers or media."},
	{"A.7.12", "No data centre or server room of our own; office networks carry no production traffic, and the cloud provider's cabling is covered by its certification."},
	{"A.8.30", "All software is developed by Northwind's own staff; no development is outsourced."},
}

// seedISO27001 brings ISO 27001 into the demo's scope beside SOC 2 and
// excludes a few Annex A controls with their justifications. It runs once:
// an organization that already pursues ISO 27001 is left alone.
func seedISO27001(ctx context.Context, env *Env) error {
	if _, ok := env.Catalog.Framework(programme.ISO27001); !ok {
		return nil
	}
	pursued, err := env.Tx.ScopeFrameworks(ctx, env.Org.ID)
	if err != nil || slices.Contains(pursued, programme.ISO27001) {
		return err
	}
	p := attest.SystemPrincipal(env.Org.ID, env.Actor.Label, env.Actor.Via)
	scope := programme.NewServices(programme.InTx(env.Tx), env.Catalog).Scope
	if err := scope.SetFramework(ctx, p, programme.ISO27001, true); err != nil {
		return err
	}
	for _, e := range demoExclusions {
		if _, err := scope.Exclude(ctx, p, programme.ISO27001, e.control, e.why); err != nil {
			return err
		}
	}
	return nil
}
