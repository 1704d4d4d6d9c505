package main

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
)

// benchUploads times the evidence service's two paths, each beside a floor
// that does the same durable work per item without Attest's:
//
//   - one upload per item (evidence.Service.Add, as `attest evidence add` with
//     one file and the web form add it): its blob stored and synced, then one
//     transaction with the row, the ledger entry, a signed checkpoint and the
//     activity row, and the signed head saved outside the database. The
//     floor stores the same bytes as a blob and commits one plain row of the
//     evidence row's width per item.
//   - batches (evidence.Service.AddAll of batch items, as `attest evidence add`
//     with several files and the large demo add them). The floor stores the
//     blobs through a blob.Batch, as the path does, and commits the plain
//     rows batch at a time.
//
// Both floors grow as their path does, one synced blob and one commit per
// upload or per batch, so the ratios hold at any n. Each round adds to a new
// organization, with content of its own so that no blob is already stored.
func benchUploads(ctx context.Context, db *store.DB, raw *sql.DB, dataDir string, n, batch, rounds int) error {
	blobs, err := blob.Open(ctx, "", dataDir)
	if err != nil {
		return err
	}
	defer blobs.Close()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	ledger := &chain.Chain{Key: key, Heads: chain.Stores(dataDir, blobs)}
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: 1 << 20, Heads: ledger.Heads, Ledger: ledger}
	actor := attest.Actor{Label: "bench", Via: attest.ViaCLI}

	var one, oneFloor, many, manyFloor []time.Duration
	for r := range rounds {
		org := attest.Organization{Slug: fmt.Sprintf("uploads-%d", r+1), Name: "Bench uploads"}
		if err := db.CreateOrg(ctx, &org); err != nil {
			return err
		}
		ctl := attest.Control{OrgID: org.ID, Ref: "BENCH-1", Name: "Bench control", Family: "Bench", Description: "d",
			Type: "preventive", Frequency: "quarterly", Status: attest.StatusImplemented}
		if err := db.CreateControl(ctx, &ctl); err != nil {
			return err
		}
		item := func(path string, i int) evidence.Upload {
			return evidence.Upload{New: evidence.New{Org: org, Actor: actor, Kind: attest.KindFile, Title: fmt.Sprintf("Export %d", i),
				Filename: fmt.Sprintf("export-%d.csv", i), ControlIDs: []int64{ctl.ID}}, Content: strings.NewReader(content(r, path, i))}
		}
		steps := []func() error{
			func() error {
				start := time.Now()
				for i := range n {
					if _, err := svc.Add(ctx, item("one", i).New, item("one", i).Content); err != nil {
						return fmt.Errorf("upload %d: %w", i+1, err)
					}
				}
				one = append(one, time.Since(start))
				return nil
			},
			func() error {
				d, err := uploadFloor(ctx, raw, blobs, fmt.Sprintf("bench_upload_floor_%d", r+1), r, "one-floor", n, 1)
				oneFloor = append(oneFloor, d)
				return err
			},
			func() error {
				start := time.Now()
				for lo := 0; lo < n; lo += batch {
					items := make([]evidence.Upload, 0, batch)
					for i := lo; i < min(lo+batch, n); i++ {
						items = append(items, item("many", i))
					}
					if _, err := svc.AddAll(ctx, items); err != nil {
						return fmt.Errorf("batch from %d: %w", lo+1, err)
					}
				}
				many = append(many, time.Since(start))
				return nil
			},
			func() error {
				d, err := uploadFloor(ctx, raw, blobs, fmt.Sprintf("bench_batch_floor_%d", r+1), r, "many-floor", n, batch)
				manyFloor = append(manyFloor, d)
				return err
			},
		}
		if r%2 == 1 { // each path after its floor, then before it
			steps[0], steps[1], steps[2], steps[3] = steps[1], steps[0], steps[3], steps[2]
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		if got, err := db.EvidenceCount(ctx, org.ID, store.EvidenceFilter{}); err != nil || got != 2*n {
			return fmt.Errorf("round %d holds %d evidence items, want %d (%v)", r+1, got, 2*n, err)
		}
		if _, err := svc.Verify(ctx, org); err != nil {
			return fmt.Errorf("round %d's ledger: %w", r+1, err)
		}
	}
	perSecond := func(ds []time.Duration) string {
		return fmt.Sprintf("%.0f/s", float64(n)/slices.Min(ds).Seconds())
	}
	fmt.Printf("\n  evidence through the service, %d items each way:\n", n)
	fmt.Printf("  %-44s %7s %9s %9s   %s\n", "", "best", "(median)", "items/s", "every round, seconds")
	for _, row := range []struct {
		label string
		ds    []time.Duration
	}{
		{"floor: a blob and a row committed per item", oneFloor},
		{"uploads: evidence.Service.Add per item", one},
		{fmt.Sprintf("floor: blobs, rows committed %d at a time", batch), manyFloor},
		{fmt.Sprintf("batches: evidence.Service.AddAll of %d", batch), many},
	} {
		fmt.Printf("  %-44s %6.2fs (%6.2fs) %9s   %s\n", row.label, slices.Min(row.ds).Seconds(), median(row.ds).Seconds(), perSecond(row.ds), seconds(row.ds))
	}
	fmt.Printf("  uploads / floor: %.2f× (median %.2f×); batches / floor: %.2f× (median %.2f×)\n",
		slices.Min(one).Seconds()/slices.Min(oneFloor).Seconds(), median(one).Seconds()/median(oneFloor).Seconds(),
		slices.Min(many).Seconds()/slices.Min(manyFloor).Seconds(), median(many).Seconds()/median(manyFloor).Seconds())
	return nil
}

// content is item i's file for a path of round r: a small CSV export, as
// most evidence files are, unlike any other item's.
func content(r int, path string, i int) string {
	return fmt.Sprintf("control,checked_at,result,round,path,item\nBENCH-1,2026-12-01,pass,%d,%s,%d\n", r, path, i)
}

// uploadFloor stores n blobs like the paths' and inserts n rows of an
// evidence row's width into a scratch table with nothing but the columns,
// batch rows per transaction.
func uploadFloor(ctx context.Context, raw *sql.DB, blobs blob.Store, table string, r int, path string, n, batch int) (time.Duration, error) {
	if _, err := raw.ExecContext(ctx, `CREATE TABLE `+table+` (org_id BIGINT NOT NULL, uid TEXT NOT NULL, title TEXT NOT NULL,
filename TEXT NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL, record TEXT NOT NULL, created_at TIMESTAMP NOT NULL)`); err != nil {
		return 0, err
	}
	// An evidence record is about 600 bytes of JSON.
	record := strings.Repeat("r", 600)
	at := time.Now().UTC().Truncate(time.Microsecond)
	start := time.Now()
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		shas := make([]string, 0, hi-lo)
		// Durable the cheapest way the blob store has for a batch, as the
		// path's are (blob.Batch; a batch of one is one Put).
		b := blob.NewBatch(blobs, hi-lo)
		for i := lo; i < hi; i++ {
			sha, _, err := b.Put(ctx, strings.NewReader(content(r, path, i)), "", 1<<20)
			if err != nil {
				b.Discard()
				return 0, err
			}
			shas = append(shas, sha)
		}
		if err := b.Commit(ctx); err != nil {
			b.Discard()
			return 0, err
		}
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		for i := lo; i < hi; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (org_id, uid, title, filename, sha256, size, record, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, 0, fmt.Sprintf("ev_%020d", i), fmt.Sprintf("Export %d", i), fmt.Sprintf("export-%d.csv", i),
				shas[i-lo], 60, record, at); err != nil {
				tx.Rollback()
				return 0, err
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}
