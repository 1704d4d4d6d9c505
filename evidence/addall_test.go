package evidence_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// upload is a file item of f's organization for its control.
func (f *fixture) upload(name, content string) evidence.Upload {
	return evidence.Upload{New: evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindFile, Title: name, Filename: name,
		ControlIDs: []int64{f.ctl.ID}}, Content: strings.NewReader(content)}
}

// held is what the organization's database holds of evidence: rows (every
// version), ledger entries, checkpoints and evidence activity.
type held struct{ rows, entries, checkpoints, activity int }

func (f *fixture) held(t *testing.T) held {
	t.Helper()
	rows, err := f.db.EvidenceList(ctx, f.org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := f.db.LedgerEntries(ctx, f.org.ID)
	cps, _ := f.db.Checkpoints(ctx, f.org.ID)
	acts, err := f.db.Activity(ctx, f.org.ID, attest.ActivityFilter{Action: "evidence.added", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return held{len(rows), len(entries), len(cps), len(acts)}
}

// TestAddAllCommitsABatchUnderOneCheckpoint: a batch of every kind (a
// correction included) is stored in order, chained on the head under one
// new checkpoint, logged item by item, verifies, and moves the
// organization's revision so that kept counts are derived again.
func TestAddAllCommitsABatchUnderOneCheckpoint(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			first := f.add(t, "first.csv", "a,b\n1,2\n")
			if n, err := f.svc.Count(ctx, f.org.ID, store.EvidenceFilter{}); err != nil || n != 1 {
				t.Fatalf("count before the batch: %d %v", n, err) // kept from here on
			}
			rev, _ := f.db.OrgRevision(ctx, f.org.ID)
			correction := f.upload("first-fixed.csv", "a,b\n1,3\n")
			correction.Supersedes = first.ID
			batch := []evidence.Upload{
				f.upload("users.csv", "user,mfa\nada,true\n"),
				{New: evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindLink, Title: "Runbook", URL: "https://wiki.acme.test/runbook", ControlIDs: []int64{f.ctl.ID}}},
				{New: evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindAttestation, Title: "Reviewed"}, Content: strings.NewReader("I reviewed it.")},
				correction,
			}
			evs, err := f.svc.AddAll(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(batch) {
				t.Fatalf("%d evidence returned for %d items", len(evs), len(batch))
			}
			for i, ev := range evs {
				if ev.LedgerSeq != int64(i+2) || ev.Title != batch[i].Title || ev.ID == 0 || ev.UID == first.UID {
					t.Fatalf("item %d: %+v", i, ev)
				}
			}
			if evs[0].MediaType != "text/csv; charset=utf-8" || evs[1].MediaType != "text/uri-list" || evs[0].Controls[0].Ref != "AC-2" || len(evs[2].Controls) != 0 {
				t.Fatalf("media types or controls: %+v", evs)
			}
			if old, _ := f.db.Evidence(ctx, f.org.ID, first.ID); old.SupersededBy != evs[3].ID {
				t.Fatalf("the corrected item: %+v", old)
			}
			if got, want := f.held(t), (held{rows: 5, entries: 5, checkpoints: 2, activity: 5}); got != want {
				t.Fatalf("held %+v, want %+v: one row, entry and activity per item and one checkpoint per batch", got, want)
			}
			cps, _ := f.db.Checkpoints(ctx, f.org.ID)
			if cps[1].Seq != 5 {
				t.Fatalf("the batch's checkpoint is at entry %d, want 5", cps[1].Seq)
			}
			acts, _ := f.db.Activity(ctx, f.org.ID, attest.ActivityFilter{Action: "evidence.added"})
			logged := map[string]string{}
			for _, a := range acts {
				logged[a.RecordID] = a.Summary
			}
			for _, ev := range evs {
				if s := logged[ev.UID]; !strings.Contains(s, fmt.Sprintf("ledger entry %d)", ev.LedgerSeq)) || !strings.Contains(s, ev.Title) {
					t.Fatalf("activity of %s: %q", ev.UID, s)
				}
			}
			if s := logged[evs[3].UID]; !strings.HasPrefix(s, "Corrected "+first.UID+" with") {
				t.Fatalf("the correction's activity: %q", s)
			}
			rep, err := f.svc.Verify(ctx, f.org)
			if err != nil || rep.Entries != 5 || rep.Evidence != 5 {
				t.Fatalf("verify: %+v %v", rep, err)
			}
			if now, _ := f.db.OrgRevision(ctx, f.org.ID); now == rev {
				t.Fatalf("the batch left the organization's revision at %d", rev)
			}
			if n, err := f.svc.Count(ctx, f.org.ID, store.EvidenceFilter{}); err != nil || n != 4 {
				t.Fatalf("count after the batch: %d %v, want 4 current items", n, err)
			}
			// The chain takes single adds on top of a batch.
			if ev := f.add(t, "last.csv", "x"); ev.LedgerSeq != 6 {
				t.Fatalf("after the batch: entry %d", ev.LedgerSeq)
			}
			if _, err := f.svc.Verify(ctx, f.org); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// failingReader fails after some content, as a file that cannot be read to
// its end does.
type failingReader struct{ done bool }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, errors.New("disk read error")
	}
	r.done = true
	return copy(p, "partial"), nil
}

// TestAddAllIsAllOrNothing: an item refused before its content is read,
// while it is streamed, or inside the transaction after the items before it
// were written, refuses the whole batch, naming the item, and leaves no row,
// ledger entry, checkpoint or activity.
func TestAddAllIsAllOrNothing(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			first := f.add(t, "first.csv", "a,b\n1,2\n")
			fixed := f.upload("fixed.csv", "a,b\n1,3\n")
			fixed.Supersedes = first.ID
			if _, err := f.svc.AddAll(ctx, []evidence.Upload{fixed}); err != nil {
				t.Fatal(err)
			}
			other := storetest.MustOrg(t, f.db, "globex")
			otherCtl := storetest.MustControl(t, f.db, other, "AC-9", attest.StatusImplemented)
			before := f.held(t)
			untitled := f.upload("untitled.csv", "data")
			untitled.Title = ""
			foreign := f.upload("foreign.csv", "data")
			foreign.ControlIDs = []int64{f.ctl.ID, otherCtl.ID}
			again := f.upload("again.csv", "data")
			again.Supersedes = first.ID // already corrected above
			otherOrg := f.upload("other.csv", "data")
			otherOrg.Org, otherOrg.ControlIDs = other, nil // nothing else would refuse it
			cases := []struct {
				name  string
				bad   evidence.Upload
				want  string
				field string
			}{
				{"no title", untitled, "item 2 (untitled.csv): title:", "title"},
				{"empty content", f.upload("empty.csv", ""), "item 2 (empty.csv): file: is empty", "file"},
				{"too large", f.upload("big.bin", strings.Repeat("a", 1<<20+1)), "item 2 (big.bin): file: is larger than the limit of 1.0 MiB", "file"},
				{"unreadable", evidence.Upload{New: f.upload("broken.csv", "").New, Content: &failingReader{}}, "item 2 (broken.csv): storing the content:", ""},
				{"control of another organization", foreign, "item 2 (foreign.csv): controls: control", "controls"},
				{"correcting a corrected item", again, "item 2 (again.csv): supersedes:", "supersedes"},
				{"another organization", otherOrg, "item 2 (other.csv): org:", "org"},
			}
			for _, c := range cases {
				batch := []evidence.Upload{f.upload("a.csv", "alpha "+c.name), c.bad, f.upload("c.csv", "gamma "+c.name)}
				evs, err := f.svc.AddAll(ctx, batch)
				var ie *evidence.ItemError
				if !errors.As(err, &ie) || ie.Index != 1 || !strings.Contains(err.Error(), c.want) || attest.ErrorField(err) != c.field || evs != nil {
					t.Errorf("%s: %v (field %q), want item 2 refused with %q on %q", c.name, err, attest.ErrorField(err), c.want, c.field)
				}
				if c.name == "empty content" && !errors.Is(err, evidence.ErrEmpty) {
					t.Errorf("empty content: %v, want ErrEmpty", err)
				}
				if got := f.held(t); got != before {
					t.Fatalf("%s: held %+v after the refused batch, want %+v", c.name, got, before)
				}
				// A batch refused while its content was read leaves nothing
				// of it behind: the first item's blob was never named, and
				// its temporary file is gone.
				sum := sha256.Sum256([]byte("alpha " + c.name))
				if _, err := f.svc.Blobs.Stat(ctx, hex.EncodeToString(sum[:])); c.field == "file" && !errors.Is(err, blob.ErrNotFound) {
					t.Errorf("%s: the first item's blob: %v, want none stored", c.name, err)
				}
				if tmps, err := os.ReadDir(filepath.Join(f.dir, "tmp")); err != nil || len(tmps) != 0 {
					t.Errorf("%s: temporary files %v, %v; want none", c.name, tmps, err)
				}
			}
			if _, err := f.svc.AddAll(ctx, nil); attest.ErrorField(err) != "items" {
				t.Fatalf("an empty batch: %v", err)
			}
			tooMany := make([]evidence.Upload, evidence.MaxBatch+1)
			for i := range tooMany {
				tooMany[i] = f.upload(fmt.Sprintf("n%d.csv", i), "x")
			}
			if _, err := f.svc.AddAll(ctx, tooMany); attest.ErrorField(err) != "items" || !strings.Contains(err.Error(), "at most 1000") {
				t.Fatalf("a batch over the limit: %v", err)
			}
			if got := f.held(t); got != before {
				t.Fatalf("held %+v after refused batches, want %+v", got, before)
			}
			// Add is a batch of one: its errors name no item.
			if _, err := f.svc.Add(ctx, f.upload("empty.csv", "").New, strings.NewReader("")); err != evidence.ErrEmpty {
				t.Fatalf("Add of empty content: %v, want ErrEmpty itself", err)
			}
			if _, err := f.svc.Verify(ctx, f.org); err != nil {
				t.Fatal(err)
			}
			// The good items are added once the bad one is left out.
			if evs, err := f.svc.AddAll(ctx, []evidence.Upload{f.upload("a.csv", "alpha"), f.upload("c.csv", "gamma")}); err != nil || len(evs) != 2 {
				t.Fatalf("the good items: %v", err)
			}
			if got := f.held(t); got.rows != before.rows+2 || got.checkpoints != before.checkpoints+1 {
				t.Fatalf("held %+v after the good batch, before %+v", got, before)
			}
		})
	}
}
