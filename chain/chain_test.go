package chain_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

var ctx = context.Background()

type fixture struct {
	d     store.Dialect
	db    *store.DB
	raw   *sql.DB
	chain *chain.Chain
	org   attest.Organization
	heads chain.DirHeads
}

func setup(t *testing.T, d store.Dialect) *fixture {
	t.Helper()
	url := storetest.URL(t, d)
	db, err := store.Open(ctx, store.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	f := &fixture{d: d, db: db, raw: storetest.Raw(t, url), heads: chain.DirHeads{Dir: filepath.Join(t.TempDir(), "heads")}}
	f.chain = &chain.Chain{Key: key, Heads: []chain.HeadStore{f.heads}}
	f.org = attest.Organization{Slug: "acme", Name: "Acme"}
	if err := db.CreateOrg(ctx, &f.org); err != nil {
		t.Fatal(err)
	}
	return f
}

func record(n int) chain.Record {
	return chain.Record{Type: "test", ID: fmt.Sprint(n), Hash: ledger.HashBytes([]byte(fmt.Sprint(n)))}
}

func (f *fixture) append(n int) (ledger.Entry, error) {
	var e ledger.Entry
	err := f.db.Update(ctx, func(tx *store.Queries) error {
		var err error
		e, err = f.chain.Append(ctx, tx, f.org, record(n))
		return err
	})
	return e, err
}

func (f *fixture) mustAppend(t *testing.T, n int) ledger.Entry {
	t.Helper()
	e, err := f.append(n)
	if err != nil {
		t.Fatalf("append %d: %v", n, err)
	}
	return e
}

// exec runs SQL with the append-only triggers out of the way, as someone
// with direct database access could.
func (f *fixture) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if f.d == store.SQLite {
		for _, tr := range []string{"ledger_no_update", "ledger_no_delete", "checkpoints_no_update", "checkpoints_no_delete"} {
			f.raw.Exec(`DROP TRIGGER IF EXISTS ` + tr)
		}
	} else {
		for _, tb := range []string{"ledger_entries", "ledger_checkpoints"} {
			if _, err := f.raw.Exec(`ALTER TABLE ` + tb + ` DISABLE TRIGGER USER`); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := f.raw.ExecContext(ctx, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// verify checks the stored chain as attest verify does, heads included.
func (f *fixture) verify(t *testing.T) error {
	t.Helper()
	entries, _ := f.db.LedgerEntries(ctx, f.org.ID)
	cps, _ := f.db.Checkpoints(ctx, f.org.ID)
	if err := ledger.VerifyChain(entries, cps, f.chain.Public(), nil); err != nil {
		return err
	}
	last, _ := f.db.LastCheckpoint(ctx, f.org.ID)
	return f.chain.CheckHeads(ctx, f.org.Slug, entries, last)
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, setup(t, d)) })
	}
}

func TestAppendsInSequenceWithSignedHeads(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for n := 1; n <= 3; n++ {
			e := f.mustAppend(t, n)
			if e.Seq != int64(n) || e.RecordType != "test" || e.RecordID != fmt.Sprint(n) {
				t.Fatalf("entry %d: %+v", n, e)
			}
			saved, err := f.heads.Head(ctx, "acme")
			if err != nil || saved == nil || saved.Seq != e.Seq || saved.Hash != e.Hash {
				t.Fatalf("saved head after entry %d: %+v, %v", n, saved, err)
			}
		}
		cps, _ := f.db.Checkpoints(ctx, f.org.ID)
		if len(cps) != 3 {
			t.Fatalf("%d checkpoints, want one per append", len(cps))
		}
		if err := f.verify(t); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAppendRefusesAHeadItDidNotSign(t *testing.T) {
	cases := []struct {
		name, want string
		tamper     func(t *testing.T, f *fixture)
	}{
		{"tampered head", "does not match its hash", func(t *testing.T, f *fixture) {
			f.exec(t, `UPDATE ledger_entries SET record_id = 'x' WHERE seq = 2`)
		}},
		{"missing checkpoint", "is not the last signed checkpoint", func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM ledger_checkpoints WHERE seq = 2`)
		}},
		{"no checkpoint at all", "no checkpoint", func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM ledger_checkpoints`)
		}},
		{"foreign key's checkpoint", "does not verify with this install's key", func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM ledger_checkpoints WHERE seq = 2`)
			head, _ := f.db.LedgerHead(ctx, f.org.ID)
			_, other, _ := ed25519.GenerateKey(nil)
			if err := f.db.AddCheckpoint(ctx, f.org.ID, ledger.Sign(other, "acme", *head, head.At)); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			each(t, func(t *testing.T, f *fixture) {
				f.mustAppend(t, 1)
				f.mustAppend(t, 2)
				c.tamper(t, f)
				_, err := f.append(3)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("append on a %s: %v, want %q", c.name, err, c.want)
				}
				if entries, _ := f.db.LedgerEntries(ctx, f.org.ID); len(entries) != 2 {
					t.Fatalf("%d entries after a refused append", len(entries))
				}
			})
		})
	}
}

func TestConcurrentAppendsDoNotFork(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := 1; i <= n; i++ {
			wg.Go(func() {
				_, err := f.append(i)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			if err == nil {
				ok++
			} else if !strings.Contains(err.Error(), "concurrent append") && !strings.Contains(strings.ToLower(err.Error()), "busy") && !strings.Contains(err.Error(), "locked") {
				t.Errorf("append: %v", err)
			}
		}
		t.Logf("%d of %d concurrent appends committed", ok, n)
		entries, _ := f.db.LedgerEntries(ctx, f.org.ID)
		if len(entries) != ok || ok == 0 {
			t.Fatalf("%d appends succeeded, %d entries stored", ok, len(entries))
		}
		// Heads only move forward, whatever order the commits' hooks ran in
		// (checked before verify, which would catch the head up).
		if saved, _ := f.heads.Head(ctx, "acme"); saved == nil || saved.Seq != int64(ok) {
			t.Fatalf("saved head %+v after %d appends", saved, ok)
		}
		if err := f.verify(t); err != nil {
			t.Fatalf("the chain forked or broke: %v", err)
		}
	})
}

func TestCutBackIsDetected(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for n := 1; n <= 5; n++ {
			f.mustAppend(t, n)
		}
		// Remove the newest entries with their checkpoints: the chain that is
		// left verifies by itself.
		f.exec(t, `DELETE FROM ledger_checkpoints WHERE seq > 2`)
		f.exec(t, `DELETE FROM ledger_entries WHERE seq > 2`)
		entries, _ := f.db.LedgerEntries(ctx, f.org.ID)
		cps, _ := f.db.Checkpoints(ctx, f.org.ID)
		if err := ledger.VerifyChain(entries, cps, f.chain.Public(), nil); err != nil {
			t.Fatalf("the cut chain should verify by itself: %v", err)
		}
		err := f.verify(t)
		if err == nil || !strings.Contains(err.Error(), "the database ends at entry 2") || !strings.Contains(err.Error(), "records entry 5") ||
			!strings.Contains(err.Error(), "entries 3–5 are missing") {
			t.Fatalf("verify after a cut-back: %v", err)
		}
		if _, err := f.append(6); err == nil || !strings.Contains(err.Error(), "entries 3–5 are missing") {
			t.Fatalf("append after a cut-back: %v", err)
		}
		if err := f.chain.CheckAllHeads(ctx, f.db); err == nil || !strings.Contains(err.Error(), "acme") {
			t.Fatalf("CheckAllHeads: %v", err)
		}
		// The saved head still says 5.
		if saved, _ := f.heads.Head(ctx, "acme"); saved.Seq != 5 {
			t.Fatalf("saved head moved back to %d", saved.Seq)
		}
	})
}

func TestRewrittenChainIsDetected(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.mustAppend(t, 1)
		f.mustAppend(t, 2)
		saved, _ := f.heads.Head(ctx, "acme")
		// Another chain, signed by the same key, as a restored backup of a
		// different history would be.
		f.exec(t, `DELETE FROM ledger_checkpoints`)
		f.exec(t, `DELETE FROM ledger_entries`)
		// Appending to an emptied chain is refused: entries 1–2 are missing.
		if _, err := f.append(10); err == nil || !strings.Contains(err.Error(), "entries 1–2 are missing") {
			t.Fatalf("append on an emptied chain: %v", err)
		}
		// Another history, written without the head store.
		saving := f.chain
		f.chain = &chain.Chain{Key: saving.Key}
		for n := 10; n <= 12; n++ {
			f.mustAppend(t, n)
		}
		f.chain = saving
		_, err := f.append(13)
		if err == nil || !strings.Contains(err.Error(), "the chain was rewritten") {
			t.Fatalf("append on a rewritten chain: %v", err)
		}
		if err := f.verify(t); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("signs %s", saved.Hash)) {
			t.Fatalf("verify of a rewritten chain: %v", err)
		}
	})
}

func TestHeadBehindTheDatabaseIsNotTampering(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.mustAppend(t, 1)
		old, _ := f.heads.Head(ctx, "acme")
		f.mustAppend(t, 2)
		f.mustAppend(t, 3)
		// A crash between the commit and the head write leaves an older head.
		if err := f.heads.SetHead(ctx, *old); err != nil {
			t.Fatal(err)
		}
		if err := f.verify(t); err != nil {
			t.Fatalf("a head behind the database was reported: %v", err)
		}
		if saved, _ := f.heads.Head(ctx, "acme"); saved.Seq != 3 {
			t.Fatalf("the head was not caught up: at %d", saved.Seq)
		}
		// No head at all (an install from before head files) is caught up too.
		os.Remove(filepath.Join(f.heads.Dir, "acme.json"))
		if err := f.verify(t); err != nil {
			t.Fatal(err)
		}
		if saved, _ := f.heads.Head(ctx, "acme"); saved == nil || saved.Seq != 3 {
			t.Fatalf("no head written: %+v", saved)
		}
		f.mustAppend(t, 4)
	})
}

func TestHeadIsWrittenOnlyAfterCommit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.mustAppend(t, 1)
		boom := errors.New("boom")
		err := f.db.Update(ctx, func(tx *store.Queries) error {
			if _, err := f.chain.Append(ctx, tx, f.org, record(2)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if saved, _ := f.heads.Head(ctx, "acme"); saved.Seq != 1 {
			t.Fatalf("a rolled-back append moved the head to %d", saved.Seq)
		}
		if err := f.verify(t); err != nil {
			t.Fatal(err)
		}
	})
}

func TestForgedHeadFileIsRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := f.mustAppend(t, 1)
		_, other, _ := ed25519.GenerateKey(nil)
		forged := ledger.Sign(other, "acme", e, e.At)
		forged.Seq = 9
		if err := f.heads.SetHead(ctx, forged); err != nil {
			t.Fatal(err)
		}
		if err := f.verify(t); err == nil || !strings.Contains(err.Error(), "does not verify") {
			t.Fatalf("a forged head: %v", err)
		}
	})
}

// memNamed is a blob store's named objects in memory.
type memNamed struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (m *memNamed) PutNamed(_ context.Context, name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[name] = append([]byte(nil), data...)
	return nil
}

func (m *memNamed) GetNamed(_ context.Context, name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.m[name]
	if !ok {
		return nil, blob.ErrNotFound
	}
	return data, nil
}

func TestCutBackIsDetectedByTheBucketsHead(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		bucket := &memNamed{m: map[string][]byte{}}
		f.chain = &chain.Chain{Key: f.chain.Key, Heads: []chain.HeadStore{chain.BlobHeads{Store: bucket}}}
		for n := 1; n <= 3; n++ {
			f.mustAppend(t, n)
		}
		if _, ok := bucket.m["heads/acme.json"]; !ok {
			t.Fatalf("no head in the bucket: %v", bucket.m)
		}
		f.exec(t, `DELETE FROM ledger_checkpoints WHERE seq > 2`)
		f.exec(t, `DELETE FROM ledger_entries WHERE seq > 2`)
		if err := f.verify(t); err == nil || !strings.Contains(err.Error(), "entry 3 is missing") {
			t.Fatalf("verify after a cut-back: %v", err)
		}
	})
}

func TestStores(t *testing.T) {
	dir := t.TempDir()
	fs, err := blob.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	got := chain.Stores(dir, fs)
	if len(got) != 1 || got[0].(chain.DirHeads).Dir != filepath.Join(dir, "heads") {
		t.Fatalf("Stores = %v", got)
	}
}

// TestStartCheckPassesAnIntactChainAheadOfItsHead: the start-up check reads
// only the head and the entries the saved heads name; a database ahead of
// its saved head (a crash between commit and the head write) is not a cut-back.
func TestStartCheckPassesAnIntactChainAheadOfItsHead(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for n := 1; n <= 3; n++ {
			f.mustAppend(t, n)
		}
		saved, err := f.heads.Head(ctx, "acme")
		if err != nil || saved == nil {
			t.Fatalf("saved head: %v %v", saved, err)
		}
		chain2 := &chain.Chain{Key: f.chain.Key} // appends without saving heads
		err = f.db.Update(ctx, func(tx *store.Queries) error {
			_, err := chain2.Append(ctx, tx, f.org, chain.Record{Type: "test", ID: "4", Hash: strings.Repeat("4", 64)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.chain.CheckAllHeads(ctx, f.db); err != nil {
			t.Fatalf("an intact chain ahead of its saved head: %v", err)
		}
		if now, _ := f.heads.Head(ctx, "acme"); now == nil || now.Seq != 4 {
			t.Fatalf("the saved head was not moved up to the database's head: %+v (was %d)", now, saved.Seq)
		}
	})
}

func TestAppendWithoutAKeyIsAnError(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		keyless := &chain.Chain{}
		err := f.db.Update(ctx, func(tx *store.Queries) error {
			_, err := keyless.Append(ctx, tx, f.org, record(1))
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "no signing key") {
			t.Fatalf("append without a key: %v", err)
		}
		if head, _ := f.db.LedgerHead(ctx, f.org.ID); head != nil && head.Seq != 0 {
			t.Fatalf("an entry was written: %+v", head)
		}
	})
}

func (f *fixture) appendAll(recs ...chain.Record) ([]ledger.Entry, error) {
	var entries []ledger.Entry
	err := f.db.Update(ctx, func(tx *store.Queries) error {
		var err error
		entries, err = f.chain.AppendAll(ctx, tx, f.org, recs)
		return err
	})
	return entries, err
}

// countingHeads counts the heads written to a head store.
type countingHeads struct {
	chain.HeadStore
	mu   sync.Mutex
	sets []int64 // the seq of each head written
}

func (c *countingHeads) SetHead(ctx context.Context, cp ledger.Checkpoint) error {
	c.mu.Lock()
	c.sets = append(c.sets, cp.Seq)
	c.mu.Unlock()
	return c.HeadStore.SetHead(ctx, cp)
}

// TestAppendAllSignsOneCheckpointPerBatch: a batch's entries chain on the
// head and on each other, one checkpoint is signed at the last of them, the
// saved head moves once, Appended hears of every record, and the chain
// verifies and takes further appends.
func TestAppendAllSignsOneCheckpointPerBatch(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		heads := &countingHeads{HeadStore: f.heads}
		var mu sync.Mutex
		appended := map[string]int{}
		f.chain = &chain.Chain{Key: f.chain.Key, Heads: []chain.HeadStore{heads}, Appended: func(typ string) {
			mu.Lock()
			appended[typ]++
			mu.Unlock()
		}}
		first := f.mustAppend(t, 1)
		batch := []chain.Record{record(2), record(3), {Type: "other", ID: "4", Hash: ledger.HashBytes([]byte("4"))}, record(5)}
		got, err := f.appendAll(batch...)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(batch) {
			t.Fatalf("%d entries returned for %d records", len(got), len(batch))
		}
		prev := first
		for i, e := range got {
			if e.Seq != int64(i+2) || e.Prev != prev.Hash || e.RecordID != batch[i].ID || e.RecordType != batch[i].Type || e.Hash != e.ComputeHash() {
				t.Fatalf("entry %d: %+v on %+v", i, e, prev)
			}
			prev = e
		}
		stored, _ := f.db.LedgerEntries(ctx, f.org.ID)
		if len(stored) != 5 || stored[4] != got[3] {
			t.Fatalf("stored %+v, returned %+v", stored, got)
		}
		cps, _ := f.db.Checkpoints(ctx, f.org.ID)
		if len(cps) != 2 || cps[0].Seq != 1 || cps[1].Seq != 5 || cps[1].Hash != got[3].Hash {
			t.Fatalf("checkpoints %+v, want one at entry 1 and one at entry 5", cps)
		}
		if len(heads.sets) != 2 || heads.sets[1] != 5 {
			t.Fatalf("heads written at %v, want entry 1 then entry 5 once", heads.sets)
		}
		if appended["test"] != 4 || appended["other"] != 1 {
			t.Fatalf("Appended told %v, want 4 test and 1 other", appended)
		}
		if err := f.verify(t); err != nil {
			t.Fatal(err)
		}
		if e := f.mustAppend(t, 6); e.Seq != 6 || e.Prev != got[3].Hash {
			t.Fatalf("append after a batch: %+v", e)
		}
		if err := f.verify(t); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAppendAllRefusesTheWholeBatch: an empty batch is refused (there is no
// entry to sign), and a bad record anywhere in a batch refuses it all, the
// good records before it included.
func TestAppendAllRefusesTheWholeBatch(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.mustAppend(t, 1)
		if _, err := f.appendAll(); err == nil || !strings.Contains(err.Error(), "nothing to append") {
			t.Fatalf("an empty batch: %v", err)
		}
		bad := chain.Record{Type: "test", ID: "3", Hash: "not a hash"}
		if _, err := f.appendAll(record(2), bad, record(4)); err == nil || !strings.Contains(err.Error(), "record 2 of 3") || !strings.Contains(err.Error(), "needs a type, an id and a SHA-256") {
			t.Fatalf("a batch with a bad record: %v", err)
		}
		if entries, _ := f.db.LedgerEntries(ctx, f.org.ID); len(entries) != 1 {
			t.Fatalf("%d entries after refused batches, want 1", len(entries))
		}
		if cps, _ := f.db.Checkpoints(ctx, f.org.ID); len(cps) != 1 {
			t.Fatalf("%d checkpoints after refused batches, want 1", len(cps))
		}
		if saved, _ := f.heads.Head(ctx, "acme"); saved.Seq != 1 {
			t.Fatalf("a refused batch moved the head to %d", saved.Seq)
		}
		// A batch on a head the install did not sign is refused like one record.
		f.exec(t, `DELETE FROM ledger_checkpoints`)
		if _, err := f.appendAll(record(2), record(3)); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
			t.Fatalf("a batch on an unsigned head: %v", err)
		}
		if entries, _ := f.db.LedgerEntries(ctx, f.org.ID); len(entries) != 1 {
			t.Fatalf("%d entries after a batch on an unsigned head, want 1", len(entries))
		}
	})
}
