package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestEvidenceCommands walks the evidence life cycle through the CLI: add,
// verify, export, verify the bundle offline, and coverage.
func TestEvidenceCommands(t *testing.T) {
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

			// Only serve creates the key; other commands refuse to invent one.
			if r := runCLI(t, vars, "", "key", "show"); r.code != 1 || !strings.Contains(r.stderr, "no ledger signing key at") {
				t.Fatalf("key show before serve: %+v", r)
			}
			if _, created, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil || !created {
				t.Fatalf("creating the key as serve does: %v", err)
			}
			key := runCLI(t, vars, "", "key", "show")
			pub := regexp.MustCompile(`attest-ed25519:[A-Za-z0-9+/=]+`).FindString(key.stdout)
			if key.code != 0 || pub == "" {
				t.Fatalf("key show: %+v", key)
			}
			if again := runCLI(t, vars, "", "key", "show"); !strings.Contains(again.stdout, pub) || again.stderr != "" {
				t.Fatalf("the key changed or was recreated: %+v", again)
			}
			if info, err := os.Stat(filepath.Join(dir, "keys", "ledger-ed25519.key")); err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("key file: %v %v", info, err)
			}

			review := filepath.Join(dir, "q1-review.csv")
			os.WriteFile(review, []byte("user,decision\nada,keep\n"), 0o600)
			empty := filepath.Join(dir, "empty.txt")
			os.WriteFile(empty, nil, 0o600)
			r := runCLI(t, vars, "", "evidence", "add", "--org", "acme", "--control", "ac-4", "--period-start", "2026-01-01", "--period-end", "2026-03-31", review)
			if r.code != 0 || !regexp.MustCompile(`added ev_[0-9a-f]+: q1-review.csv \(23 bytes, sha256 [0-9a-f]{64}, ledger entry 1\)`).MatchString(r.stdout) {
				t.Fatalf("evidence add: %+v", r)
			}
			if r := runCLI(t, vars, "", "evidence", "add", "--org", "acme", "--control", "AC-4", empty); r.code != 1 || !strings.Contains(r.stderr, "file: is empty") {
				t.Fatalf("empty file: %+v", r)
			}
			for _, bad := range []struct {
				args []string
				want string
			}{
				{[]string{"evidence", "add", "--org", "acme", review}, "--control is required"},
				{[]string{"evidence", "add", "--org", "acme", "--control", "NOPE-1", review}, "--control NOPE-1: acme has no such control"},
				{[]string{"evidence", "add", "--org", "acme", "--control", "AC-4", "--period-start", "2026-01-01", review}, "--period-start and --period-end go together"},
				{[]string{"evidence", "add", "--org", "acme", "--control", "AC-4", dir}, "is not a regular file"},
				{[]string{"verify", "--pubkey", pub}, "--pubkey goes with a bundle"},
				{[]string{"verify", "x.zip"}, "--pubkey is required"},
				{[]string{"verify", "x.zip", "--pubkey", "nonsense"}, "--pubkey:"},
				{[]string{"coverage", "--org", "acme", "--from", "2026-06-30", "--to", "2026-01-01"}, "ends (2026-01-01) before it starts"},
				{[]string{"coverage", "--org", "acme", "--from", "2026-01-01", "--to", "2026-06-30", "--tz", "Mars/Olympus"}, "time zone"},
			} {
				if r := runCLI(t, vars, "", bad.args...); r.code == 0 || !strings.Contains(r.stderr, bad.want) {
					t.Errorf("%v: exit %d %q, want %q", bad.args, r.code, r.stderr, bad.want)
				}
			}

			if r := runCLI(t, vars, "", "verify"); r.code != 0 || !strings.Contains(r.stdout, "acme: ok: 1 ledger entries, 1 evidence items, 1 blobs") ||
				!strings.Contains(r.stdout, "matches the head saved in "+filepath.Join(dir, "heads")) {
				t.Fatalf("verify: %+v", r)
			}
			// The signed head is saved outside the database; one from the future
			// (as after a cut-back) fails verification and names what is missing.
			headFile := filepath.Join(dir, "heads", "acme.json")
			saved, err := os.ReadFile(headFile)
			if err != nil || !strings.Contains(string(saved), `"seq":1`) {
				t.Fatalf("saved head: %s %v", saved, err)
			}
			os.WriteFile(headFile, []byte(strings.Replace(string(saved), `"seq":1`, `"seq":3`, 1)), 0o600)
			if r := runCLI(t, vars, "", "verify"); r.code != 1 || !strings.Contains(r.stdout, "acme: FAILED: the head saved in") {
				t.Fatalf("verify with a forged head: %+v", r)
			}
			os.WriteFile(headFile, saved, 0o600)
			bundle := filepath.Join(dir, "acme.zip")
			if r := runCLI(t, vars, "", "evidence", "export", "--org", "acme", "--out", bundle); r.code != 0 || !strings.Contains(r.stdout, "attest verify "+bundle+" --pubkey "+pub) {
				t.Fatalf("export: %+v", r)
			}
			// The bundle verifies with nothing but the file and the key: no database, no data directory.
			if r := runCLI(t, map[string]string{}, "", "verify", bundle, "--pubkey", pub); r.code != 0 ||
				!strings.Contains(r.stdout, "ok: organization acme, 1 ledger entries, 1 evidence items") || !strings.Contains(r.stdout, "1 readable copies checked") {
				t.Fatalf("verify bundle: %+v", r)
			}
			// The file is in the bundle twice: under blobs/, then as controls/AC-4/q1-review.csv.
			orig, _ := os.ReadFile(bundle)
			for _, c := range []struct {
				name string
				at   func(string) int
				want string
			}{
				{"file", func(s string) int { return strings.Index(s, "user,decision") }, "does not verify: ledger entry 1 (evidence"},
				{"readable copy", func(s string) int { return strings.LastIndex(s, "user,decision") }, "controls/AC-4/q1-review.csv is not a true copy"},
			} {
				b := slices.Clone(orig)
				b[c.at(string(b))] ^= 1
				tampered := filepath.Join(dir, "tampered.zip")
				os.WriteFile(tampered, b, 0o600)
				if r := runCLI(t, map[string]string{}, "", "verify", tampered, "--pubkey", pub); r.code != 1 || !strings.Contains(r.stderr, c.want) {
					t.Fatalf("tampered %s: %+v, want %q", c.name, r, c.want)
				}
			}

			r = runCLI(t, vars, "", "coverage", "--org", "acme", "--from", "2026-01-01", "--to", "2026-06-30", "--json")
			var rep struct {
				Instances, Covered int
				Controls           []struct {
					Ref  string
					Gaps []string
				}
			}
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || rep.Instances != 2 || rep.Covered != 1 || rep.Controls[0].Gaps[0] != "2026-Q2" {
				t.Fatalf("coverage: %+v %+v", r, rep)
			}
			if r := runCLI(t, vars, "", "coverage", "--org", "acme", "--from", "2026-01-01", "--to", "2026-06-30"); r.code != 0 || !strings.Contains(r.stdout, "AC-4     quarterly  1/2 covered") {
				t.Fatalf("coverage text: %+v", r)
			}
		})
	}
}
