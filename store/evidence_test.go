package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// A batch of evidence is stored several rows a statement: every item gets
// the ID of its own row, across statements, with its own links; a control
// of another organization or a correction refuses the whole batch. One item
// (CreateEvidence) linked to another organization's control is refused too:
// the evidence service resolves controls first, but the store has the last
// word.
func TestCreateEvidenceAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org, other := storetest.MustOrg(t, db, "acme"), storetest.MustOrg(t, db, "other")
		c1 := storetest.MustControl(t, db, org, "AC-1", attest.StatusImplemented)
		c2 := storetest.MustControl(t, db, org, "AC-2", attest.StatusImplemented)
		theirs := storetest.MustControl(t, db, other, "AC-1", attest.StatusImplemented)
		item := func(i int, controls ...int64) *attest.Evidence {
			e := &attest.Evidence{OrgID: org.ID, UID: fmt.Sprintf("ev-%03d", i), Kind: attest.KindAttestation, Title: fmt.Sprintf("Item %d", i),
				Source: "test", SHA256: fmt.Sprintf("%064d", i), Size: int64(i + 1), CollectedAt: time.Now(),
				Record: []byte(fmt.Sprintf(`{"item":%d}`, i)), RecordHash: fmt.Sprintf("%064x", i)}
			for _, c := range controls {
				e.Controls = append(e.Controls, attest.ControlRef{ID: c})
			}
			return e
		}
		create := func(evs []*attest.Evidence) error {
			return db.Update(ctx, func(tx *store.Queries) error { return tx.CreateEvidenceAll(ctx, evs) })
		}
		var batch []*attest.Evidence
		for i := range 250 { // three statements of rows
			if i%3 == 0 {
				batch = append(batch, item(i, c1.ID, c2.ID))
			} else {
				batch = append(batch, item(i, c1.ID+int64(i%2)))
			}
		}
		if err := create(batch); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for i, e := range batch {
			got, err := db.EvidenceByUID(ctx, org.ID, e.UID)
			if err != nil || got.ID != e.ID || seen[e.ID] || got.Title != e.Title || got.Size != e.Size || len(got.Controls) != len(e.Controls) {
				t.Fatalf("item %d: stored %+v (%v), returned ID %d", i, got, err, e.ID)
			}
			seen[e.ID] = true
		}
		if n, _ := db.EvidenceCount(ctx, org.ID, store.EvidenceFilter{ControlID: c2.ID}); n != 84+83 { // every third, and the odd others
			t.Errorf("%d items linked to AC-2", n)
		}

		one := item(299, theirs.ID)
		if err := db.Update(ctx, func(tx *store.Queries) error { return tx.CreateEvidence(ctx, one) }); attest.ErrorField(err) != "controls" {
			t.Errorf("one item linked to another organization's control: %v", err)
		}
		for name, bad := range map[string][]*attest.Evidence{
			"a control of another organization": {item(300, c1.ID), item(301, theirs.ID)},
			"a correction":                      {item(302, c1.ID), func() *attest.Evidence { e := item(303, c1.ID); e.Supersedes = batch[0].ID; return e }()},
		} {
			if err := create(bad); err == nil {
				t.Errorf("%s: stored", name)
			}
		}
		if n, err := db.EvidenceCount(ctx, org.ID, store.EvidenceFilter{}); err != nil || n != 250 {
			t.Fatalf("%d items after the refused batches, %v", n, err)
		}
	})
}
