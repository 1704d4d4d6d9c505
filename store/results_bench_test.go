package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// BenchmarkFirstCollectionWrite times what a first collection writes in its
// transaction, on SQLite: 20,000 new results and their 20,000 history rows,
// a connection each iteration. "as is" is the schema, whose revision
// triggers (migration 00033) run once per row on SQLite; "no revision
// triggers" drops them from the two tables, the floor they are measured
// against in the same run (docs/performance.md: a few percent at most, so they stay).
//
//	go test ./store -run '^$' -bench FirstCollectionWrite -benchtime 10x
func BenchmarkFirstCollectionWrite(b *testing.B) {
	const n = 20_000
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		drop bool
	}{{"as is", false}, {"no revision triggers", true}} {
		b.Run(c.name, func(b *testing.B) {
			u := storetest.URL(b, store.SQLite)
			db, err := store.Open(ctx, store.Options{URL: u})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			if c.drop {
				raw := storetest.Raw(b, u)
				for _, t := range []string{"test_results", "result_changes"} {
					for _, ev := range []string{"insert", "update", "delete"} {
						if _, err := raw.Exec(`DROP TRIGGER ` + t + `_revision_` + ev); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			org := storetest.MustOrg(b, db, "acme")
			col := attest.CollectionRun{OrgID: org.ID, UID: "col_1", ConnectionID: 1, ConnectionName: "aws", Connector: "aws",
				StartedAt: at, FinishedAt: at, SnapshotSHA256: "00"}
			if err := db.AddCollection(ctx, &col); err != nil {
				b.Fatal(err)
			}
			conn := int64(0)
			for b.Loop() {
				conn++
				rows := make([]attest.TestResult, n)
				changes := make([]attest.ResultChange, n)
				for i := range rows {
					ref := attest.ResourceRef{Type: "aws.s3.bucket", Key: fmt.Sprintf("arn:aws:s3:::bucket-%06d", i)}
					rows[i] = attest.TestResult{OrgID: org.ID, ConnectionID: conn, Test: "s3-encrypted", TestVersion: "sha256:v", Resource: ref,
						Status: attest.ResultPass, Message: "Default encryption is on.", Observed: "aws:kms", Expected: "on",
						CollectionID: col.ID, Since: at, CheckedAt: at}
					changes[i] = attest.ResultChange{Test: "s3-encrypted", Resource: ref, To: attest.ResultPass, Message: rows[i].Message,
						TestVersion: "sha256:v", At: at}
				}
				if err := db.Update(ctx, func(q *store.Queries) error {
					if err := q.InsertResults(ctx, org.ID, rows); err != nil {
						return err
					}
					return q.AddResultChanges(ctx, org.ID, conn, col.ID, changes)
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
