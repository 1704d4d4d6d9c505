package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
)

// seedEvidence gives about a third of the demo's implemented controls evidence
// through the real evidence service, so the ledger, freshness, readiness and
// coverage all have something to show. Some of it is old enough to have gone
// stale. It runs once: an organization with evidence is left alone.
func seedEvidence(ctx context.Context, db *store.DB, svc *evidence.Service, org attest.Organization, actor attest.Actor) error {
	if svc == nil {
		return nil
	}
	if existing, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{}); err != nil || len(existing) > 0 {
		return err
	}
	controls, err := db.Controls(ctx, org.ID, store.ControlFilter{Status: attest.StatusImplemented})
	if err != nil {
		return err
	}
	now := db.Now()
	for i, c := range controls {
		if pick(c.Ref+"e")%3 != 0 {
			continue
		}
		// Most evidence is recent; every fifth item is a year old, stale unless
		// its control is annual.
		collected := now.AddDate(0, 0, -int(pick(c.Ref+"d")%40))
		if i%5 == 0 {
			collected = now.AddDate(-1, 0, -10)
		}
		expected := "Evidence of the control operating"
		if len(c.Evidence) > 0 {
			expected = c.Evidence[0]
		}
		n := evidence.New{Org: org, Actor: actor, Source: "demo", CollectedAt: collected, ControlIDs: []int64{c.ID}, Title: expected}
		var content string
		switch pick(c.Ref+"k") % 3 {
		case 0:
			n.Kind, n.Filename = attest.KindFile, strings.ToLower(c.Ref)+"-export.csv"
			content = fmt.Sprintf("control,checked_at,result\n%s,%s,pass\n", c.Ref, collected.Format("2006-01-02"))
		case 1:
			n.Kind, n.URL = attest.KindLink, "https://wiki.northwind.example/compliance/"+strings.ToLower(c.Ref)
		default:
			n.Kind = attest.KindAttestation
			content = fmt.Sprintf("I confirm that %s (%s) operated as described during the period. Max Manager, %s.", c.Ref, c.Name, collected.Format("2 January 2006"))
		}
		if _, err := svc.Add(ctx, n, strings.NewReader(content)); err != nil {
			return fmt.Errorf("evidence for %s: %w", c.Ref, err)
		}
	}
	return nil
}
