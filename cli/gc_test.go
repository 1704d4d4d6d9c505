package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestGC: attest gc removes blobs no evidence refers to once they are older
// than the grace period, keeps the rest, and with --dry-run removes nothing.
func TestGC(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			if r := runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			db, err := store.Open(context.Background(), store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			org, _ := db.OrgBySlug(context.Background(), "acme")
			storetest.MustControl(t, db, org, "AC-4", attest.StatusImplemented)
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
				t.Fatal(err)
			}
			// A fresh store has nothing to collect.
			if r := runCLI(t, vars, "", "gc"); r.code != 0 || !strings.Contains(r.stdout, "removed 0 unreferenced blobs (0 bytes) of 0") {
				t.Fatalf("gc on an empty store: %+v", r)
			}
			live := filepath.Join(dir, "live.txt")
			os.WriteFile(live, []byte("kept: evidence refers to it"), 0o600)
			if r := runCLI(t, vars, "", "evidence", "add", "--org", "acme", "--control", "AC-4", live); r.code != 0 {
				t.Fatalf("evidence add: %+v", r)
			}
			// Two blobs no evidence refers to, as failed uploads leave them:
			// one from two days ago, one from now.
			blobPath := func(content string) string {
				sum := sha256.Sum256([]byte(content))
				sha := hex.EncodeToString(sum[:])
				p := filepath.Join(dir, "blobs", "sha256", sha[:2], sha[2:4], sha)
				os.MkdirAll(filepath.Dir(p), 0o700)
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			old, young := blobPath("an upload that failed two days ago"), blobPath("an upload in flight")
			twoDays := time.Now().Add(-48 * time.Hour)
			os.Chtimes(old, twoDays, twoDays)
			sum := sha256.Sum256([]byte("kept: evidence refers to it"))
			liveSHA := hex.EncodeToString(sum[:])
			liveBlob := filepath.Join(dir, "blobs", "sha256", liveSHA[:2], liveSHA[2:4], liveSHA)
			os.Chtimes(liveBlob, twoDays, twoDays)

			exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
			r := runCLI(t, vars, "", "gc", "--dry-run")
			if r.code != 0 || !strings.Contains(r.stdout, "would remove 1 unreferenced blobs (34 bytes) of 3") || !strings.Contains(r.stdout, "1 referenced; 1 unreferenced but newer than 24h0m0s, kept") {
				t.Fatalf("gc --dry-run: %+v", r)
			}
			if !exists(old) {
				t.Fatal("gc --dry-run removed a blob")
			}
			if r := runCLI(t, vars, "", "gc", "--older-than", "1h"); r.code != 2 || !strings.Contains(r.stderr, "must be at least 24h") {
				t.Fatalf("gc --older-than 1h: %+v", r)
			}
			if r := runCLI(t, vars, "", "gc", "--older-than", "72h"); r.code != 0 || !strings.Contains(r.stdout, "removed 0 unreferenced blobs") || !exists(old) {
				t.Fatalf("gc --older-than 72h: %+v", r)
			}
			if r := runCLI(t, vars, "", "gc"); r.code != 0 || !strings.Contains(r.stdout, "removed 1 unreferenced blobs (34 bytes) of 3") {
				t.Fatalf("gc: %+v", r)
			}
			if exists(old) || !exists(young) || !exists(liveBlob) {
				t.Fatalf("after gc: old %v (want gone), young %v, live %v (want kept)", exists(old), exists(young), exists(liveBlob))
			}
			if r := runCLI(t, vars, "", "verify"); r.code != 0 {
				t.Fatalf("verify after gc: %+v", r)
			}
		})
	}
}
