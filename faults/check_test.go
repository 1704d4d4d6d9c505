package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

var verifyOK = regexp.MustCompile(`(?m)^(\S+): ok: (\d+) ledger entries`)

// checkVerified requires `attest verify` to have reported slug as ok.
func checkVerified(t *testing.T, out, slug string) {
	t.Helper()
	for _, m := range verifyOK.FindAllStringSubmatch(out, -1) {
		if m[1] == slug {
			return
		}
	}
	t.Errorf("attest verify printed %q, want %q", out, slug+": ok: …")
}

// checkAcknowledged holds the install to its promise, through the store: the
// ledger is one chain numbered 1…n without a gap or a repeat, one entry per
// evidence row; every row's blob re-hashes to it; and every acknowledged
// upload is there as it was acknowledged (uid, hash, ledger entry).
func checkAcknowledged(t *testing.T, ctx context.Context, opts store.Options, blobURL, slug string, uploads []*upload) {
	t.Helper()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs, err := blob.Open(ctx, blobURL, opts.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	org, err := db.OrgBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := db.LedgerEntries(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Fatalf("ledger entry %d has seq %d: the chain has a gap or a repeat", i+1, e.Seq)
		}
		if i > 0 && e.Prev != entries[i-1].Hash {
			t.Fatalf("ledger entry %d does not link to entry %d: the chain forked", e.Seq, e.Seq-1)
		}
	}
	if len(entries) != len(rows) {
		t.Errorf("%d ledger entries for %d evidence rows", len(entries), len(rows))
	}
	byTitle := map[string]attest.Evidence{}
	for _, ev := range rows {
		byTitle[ev.Title] = ev
		rc, _, err := blobs.Open(ctx, ev.SHA256)
		if err != nil {
			t.Errorf("evidence %s (%s): a row without its blob: %v", ev.UID, ev.Title, err)
			continue
		}
		sha, n, err := ledger.HashReader(rc)
		rc.Close()
		if err != nil || sha != ev.SHA256 || n != ev.Size {
			t.Errorf("evidence %s (%s): blob holds sha256 %s (%d bytes, %v), the row says %s (%d bytes)", ev.UID, ev.Title, sha, n, err, ev.SHA256, ev.Size)
		}
	}
	acked := 0
	for _, u := range uploads {
		if u.ack == nil {
			continue
		}
		acked++
		ev, ok := byTitle[u.title]
		if !ok || ev.UID != u.ack.UID || ev.SHA256 != u.ack.SHA256 || ev.LedgerSeq != u.ack.LedgerSeq {
			t.Errorf("%s was acknowledged as %+v, but the database holds %+v (stored: %v)", u.title, *u.ack, ev, ok)
		}
	}
	t.Logf("%s: %d evidence rows, %d ledger entries, %d acknowledged uploads checked", slug, len(rows), len(entries), acked)
}

// taskWrite is one task created through the API.
type taskWrite struct {
	title string
	id    int64 // from the 201 answer; 0 when there was none
	err   error
}

// createTask creates a task titled tk.title and records its ID or error.
func (c *apiClient) createTask(ctx context.Context, tk *taskWrite) {
	body, _ := json.Marshal(map[string]string{"title": tk.title})
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/api/v1/orgs/"+c.org+"/tasks", bytes.NewReader(body))
	if err != nil {
		tk.err = err
		return
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		tk.err = err
		return
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tk.err = err
		return
	}
	if resp.StatusCode != http.StatusCreated {
		tk.err = fmt.Errorf("status %d: %s", resp.StatusCode, data)
		return
	}
	var got struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(data, &got); err != nil || got.ID == 0 || got.Title != tk.title {
		tk.err = fmt.Errorf("answer %s: %v", data, err)
		return
	}
	tk.id = got.ID
}

// checkTasks requires every acknowledged task to be in the database as it
// was acknowledged, and nothing beyond what was sent.
func checkTasks(t *testing.T, ctx context.Context, opts store.Options, slug string, tasks []*taskWrite) {
	t.Helper()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org, err := db.OrgBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	acked := 0
	for _, tk := range tasks {
		if tk.id == 0 {
			continue
		}
		acked++
		got, err := db.Task(ctx, org.ID, tk.id)
		if err != nil || got.Title != tk.title {
			t.Errorf("acknowledged task %d (%s): %+v, %v", tk.id, tk.title, got, err)
		}
	}
	all, err := db.Tasks(ctx, org.ID, store.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < acked || len(all) > len(tasks) {
		t.Errorf("%d tasks in the database for %d acknowledged of %d sent", len(all), acked, len(tasks))
	}
	t.Logf("%s: %d acknowledged tasks checked", slug, acked)
}
