package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// The store refuses evidence linked to another organization's control (the
// evidence service resolves controls first, but the store is the last word).
func TestEvidenceLinksStayInTheOrganization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org, other := storetest.MustOrg(t, db, "acme"), storetest.MustOrg(t, db, "other")
		mine := storetest.MustControl(t, db, org, "AC-1", attest.StatusImplemented)
		theirs := storetest.MustControl(t, db, other, "AC-1", attest.StatusImplemented)
		create := func(uid string, control int64) error {
			e := attest.Evidence{OrgID: org.ID, UID: uid, Kind: attest.KindAttestation, Title: "Reviewed", Source: "test",
				SHA256: strings.Repeat("a", 64), Size: 3, CollectedAt: time.Now(), Controls: []attest.ControlRef{{ID: control}},
				Record: []byte(`{}`), RecordHash: strings.Repeat("b", 64)}
			return db.Update(ctx, func(tx *store.Queries) error { return tx.CreateEvidence(ctx, &e) })
		}
		if err := create("ev-mine", mine.ID); err != nil {
			t.Fatal(err)
		}
		if err := create("ev-theirs", theirs.ID); attest.ErrorField(err) != "controls" {
			t.Fatalf("evidence linked to another organization's control: %v", err)
		}
		if n, err := db.EvidenceCount(ctx, org.ID, store.EvidenceFilter{}); err != nil || n != 1 {
			t.Fatalf("%d evidence items, %v", n, err)
		}
	})
}
