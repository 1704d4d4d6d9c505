package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

// TestJanitorCollectsUnreferencedBlobs: a running server removes a blob that
// no evidence refers to once it is past the grace period, and keeps the rest,
// not at its start but Config.FirstBlobCollection later; and it records
// readiness on the day an audit reports on, from its start.
func TestJanitorCollectsUnreferencedBlobs(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			a, err := New(ctx, Config{Addr: "127.0.0.1:0", DatabaseURL: jobstest.URL(t, d), DataDir: dir,
				FirstBlobCollection: 2 * time.Second, PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			org := storetest.MustOrg(t, a.DB, "acme")
			live, err := a.Services.Evidence.Add(ctx, evidence.New{Org: org, Actor: attest.Actor{Label: "cli:test", Via: attest.ViaCLI},
				Kind: attest.KindFile, Title: "live", Filename: "live.txt"}, strings.NewReader("referenced"))
			if err != nil {
				t.Fatal(err)
			}
			path := func(sha string) string { return filepath.Join(dir, "blobs", "sha256", sha[:2], sha[2:4], sha) }
			put := func(content string, age time.Duration) string {
				sha, _, err := a.Blobs.Put(ctx, strings.NewReader(content), "", 0)
				if err != nil {
					t.Fatal(err)
				}
				when := time.Now().Add(-age)
				if err := os.Chtimes(path(sha), when, when); err != nil {
					t.Fatal(err)
				}
				return sha
			}
			// A Type 1 audit of today: its readiness is recorded.
			today := time.Now().UTC().Format(attest.DateLayout)
			if err := a.DB.CreateAudit(ctx, &attest.Audit{OrgID: org.ID, Name: "Type 1", Framework: "soc2", Type: attest.AuditType1,
				AsOf: today, Firm: "Firm", Status: attest.AuditFieldwork}); err != nil {
				t.Fatal(err)
			}
			recorded := func() bool { _, _, err := a.DB.ReadinessRecord(ctx, org.ID, "soc2", today); return err == nil }
			old, young := put("failed two days ago", 48*time.Hour), put("in flight", 0)
			os.Chtimes(path(live.SHA256), time.Now().Add(-72*time.Hour), time.Now().Add(-72*time.Hour))

			done := make(chan error, 1)
			go func() { done <- a.Run(ctx) }()
			exists := func(sha string) bool { _, err := os.Stat(path(sha)); return err == nil }
			started := time.Now()
			for deadline := started.Add(10 * time.Second); !recorded() && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			// Seen well before the first collection is due (a slow machine
			// may see it later, and then learns nothing here).
			if time.Since(started) < 1500*time.Millisecond && !exists(old) {
				t.Error("the janitor collected blobs at the start")
			}
			for deadline := started.Add(10 * time.Second); exists(old) && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			wasRecorded := recorded() // before Run closes the database
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
			if exists(old) {
				t.Error("the janitor left an old unreferenced blob")
			}
			if !wasRecorded {
				t.Error("the janitor recorded no readiness for the day a Type 1 audit reports on")
			}
			if !exists(young) || !exists(live.SHA256) {
				t.Errorf("the janitor removed a young (%v) or referenced (%v) blob", !exists(young), !exists(live.SHA256))
			}
		})
	}
}
