package demo

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestLargeEvidenceAddsInBatches: the large demo's evidence goes in through
// evidence.Service.AddAll, largeBatch items per signed checkpoint, counting
// the items already there towards the total; the ledger verifies, and a
// second run adds nothing.
func TestLargeEvidenceAddsInBatches(t *testing.T) {
	if largeBatch > evidence.MaxBatch {
		t.Fatalf("batches of %d, over AddAll's limit of %d", largeBatch, evidence.MaxBatch)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		svc := evidencetest.NewService(t, db)
		org := storetest.MustOrg(t, db, LargeSlug)
		for _, ref := range []string{"AC-1", "AC-2", "AC-3"} {
			storetest.MustControl(t, db, org, ref, attest.StatusImplemented)
		}
		manager := storetest.MustMember(t, db, org, attest.RoleManager, "manager@contoso.example")
		users := map[attest.Role]attest.User{attest.RoleManager: manager}
		// Items added before, one by one, count towards the total.
		const before = 20
		for i := range before {
			evidencetest.MustEvidence(t, svc, org, fmt.Sprintf("earlier-%d.csv", i))
		}
		size := Size{Evidence: before + 2*largeBatch + 30} // two full batches and a part
		now := time.Now().UTC()
		for run := range 2 {
			if err := largeEvidence(ctx, db, Options{Evidence: svc}, org, users, size, now.AddDate(-1, 0, 0), now); err != nil {
				t.Fatalf("run %d: %v", run+1, err)
			}
			if n, err := db.EvidenceCount(ctx, org.ID, store.EvidenceFilter{}); err != nil || n != size.Evidence {
				t.Fatalf("run %d: %d evidence items, want %d (%v)", run+1, n, size.Evidence, err)
			}
			// One checkpoint per earlier item, then one per batch.
			if cps, _ := db.Checkpoints(ctx, org.ID); len(cps) != before+3 {
				t.Fatalf("run %d: %d checkpoints, want %d: one per batch of %d", run+1, len(cps), before+3, largeBatch)
			}
		}
		acts, err := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "evidence.added", ActorLabel: manager.Email, Limit: 2000})
		if err != nil || len(acts) != size.Evidence-before {
			t.Fatalf("%d activity rows by the manager, want one per item (%d): %v", len(acts), size.Evidence-before, err)
		}
		rep, err := svc.Verify(ctx, org)
		if err != nil || rep.Evidence != size.Evidence {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		kinds := map[string]int{}
		list, _ := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{})
		for _, ev := range list {
			if strings.HasPrefix(ev.Title, "earlier-") {
				continue
			}
			kinds[ev.Kind]++
			if !strings.HasPrefix(ev.Title, ev.Controls[0].Ref+" evidence,") {
				t.Fatalf("%s titled %q", ev.Controls[0].Ref, ev.Title)
			}
		}
		if kinds[attest.KindFile] == 0 || kinds[attest.KindLink] == 0 || kinds[attest.KindAttestation] == 0 {
			t.Fatalf("kinds %v, want files, links and attestations", kinds)
		}
	})
}
