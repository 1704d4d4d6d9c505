package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// attest audit export writes a package that attest verify checks offline,
// and a changed evidence file fails it.
func TestAuditExport(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": storetest.URL(t, d), "ATTEST_DATA_DIR": dir}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
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
			pub := regexp.MustCompile(`attest-ed25519:[A-Za-z0-9+/=]+`).FindString(run("key", "show").stdout)
			file := filepath.Join(dir, "review.csv")
			os.WriteFile(file, []byte("user,decision\nada,keep\n"), 0o600)
			if r := run("evidence", "add", "--org", "acme", "--control", "AC-4", file); r.code != 0 {
				t.Fatal(r.stderr)
			}
			today := time.Now().UTC()
			from, to := today.AddDate(0, -3, 0).Format(attest.DateLayout), today.Format(attest.DateLayout)
			out := filepath.Join(dir, "audit.zip")
			r := run("audit", "export", "--org", "acme", "--from", from, "--to", to, "--out", out)
			if r.code != 0 || !strings.Contains(r.stdout, "1 evidence items, 1 files") || !strings.Contains(r.stdout, "attest verify "+out+" --pubkey "+pub) {
				t.Fatalf("audit export: %+v", r)
			}
			if r := runCLI(t, map[string]string{}, "", "verify", out, "--pubkey", pub); r.code != 0 ||
				!strings.Contains(r.stdout, "ok: audit package soc2-type2-"+from+"-"+to+" of organization acme: 1 evidence items") {
				t.Fatalf("verify package: %+v", r)
			}
			if r := run("audit", "export", "--org", "acme", "--as-of", to, "--label", "aud_7", "--out", out); r.code != 0 || !strings.Contains(r.stdout, "audit aud_7, 1 evidence items") {
				t.Fatalf("Type 1 export: %+v", r)
			}
			data, _ := os.ReadFile(out)
			i := bytes.Index(data, []byte("ada,keep"))
			data[i] ^= 1
			os.WriteFile(out, data, 0o600)
			if r := runCLI(t, map[string]string{}, "", "verify", out, "--pubkey", pub); r.code != 1 || !strings.Contains(r.stderr, "does not match its record") {
				t.Fatalf("verify a changed package: %+v", r)
			}
			for _, bad := range []struct {
				args []string
				want string
			}{
				{[]string{"audit", "export", "--org", "acme", "--from", from, "--to", to}, "--out is required"},
				{[]string{"audit", "export", "--org", "acme", "--out", out}, "--as-of DAY (Type 1) or --from DAY --to DAY (Type 2) is required"},
				{[]string{"audit", "export", "--org", "acme", "--as-of", to, "--from", from, "--to", to, "--out", out}, "not both"},
				{[]string{"audit", "export", "--org", "acme", "--from", to, "--to", to, "--out", out}, "three to twelve months"},
			} {
				if r := run(bad.args...); r.code == 0 || !strings.Contains(r.stderr, bad.want) {
					t.Errorf("%v: exit %d %q, want %q", bad.args, r.code, r.stderr, bad.want)
				}
			}
		})
	}
}
