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
	// One evidence entry per evidence row; the other entries are other
	// services' records (policy publication and acceptances), checked by
	// their own checks and by attest verify.
	evidenceEntries := 0
	for _, e := range entries {
		if e.RecordType == ledger.RecordTypeEvidence {
			evidenceEntries++
		}
	}
	if evidenceEntries != len(rows) {
		t.Errorf("%d evidence ledger entries for %d evidence rows", evidenceEntries, len(rows))
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
	var got struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if tk.err = c.post(ctx, c.token, "/tasks", "application/json", bytes.NewReader(body), &got); tk.err != nil {
		return
	}
	if got.ID == 0 || got.Title != tk.title {
		tk.err = fmt.Errorf("answer %+v", got)
		return
	}
	tk.id = got.ID
}

// post sends body to the organization's API path with token and decodes a
// 201 answer into into; any other answer is an error "status N: body".
func (c *apiClient) post(ctx context.Context, token, path, contentType string, body io.Reader, into any) error {
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/api/v1/orgs/"+c.org+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, into); err != nil {
		return fmt.Errorf("answer %s: %w", data, err)
	}
	return nil
}

// openOrg opens the store and reads the organization slug; the caller
// closes the store.
func openOrg(t *testing.T, ctx context.Context, opts store.Options, slug string) (*store.DB, attest.Organization) {
	t.Helper()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.OrgBySlug(ctx, slug)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db, org
}

// checkTasks requires every acknowledged task to be in the database as it
// was acknowledged, and nothing beyond what was sent.
func checkTasks(t *testing.T, ctx context.Context, opts store.Options, slug string, tasks []*taskWrite) {
	t.Helper()
	db, org := openOrg(t, ctx, opts, slug)
	defer db.Close()
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
