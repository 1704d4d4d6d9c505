package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// attest audit export writes a package that attest verify checks offline,
// and a changed evidence file fails it.
func TestAuditExport(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
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
			exportResumes(t, run, dir, from, to, pub)
		})
	}
}

// An export cut short resumes from what it left: the evidence files it holds
// whole are copied, not fetched again, and the package verifies. It is run
// on three files, the package cut halfway through the last (in hash order),
// as a killed export leaves it. --audit exports an audit record's package,
// its testing included.
func exportResumes(t *testing.T, run func(args ...string) result, dir, from, to, pub string) {
	t.Helper()
	for i, body := range []string{"user,decision\nbob,revoke\n", "user,decision\ncy,keep\n"} {
		file := filepath.Join(dir, fmt.Sprintf("more-%d.csv", i))
		os.WriteFile(file, []byte(body), 0o600)
		if r := run("evidence", "add", "--org", "acme", "--control", "AC-4", file); r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	out := filepath.Join(dir, "resumed.zip")
	if r := run("audit", "export", "--org", "acme", "--from", from, "--to", to, "--out", out); r.code != 0 || !strings.Contains(r.stdout, "3 files") {
		t.Fatalf("export: %+v", r)
	}
	full, _ := os.ReadFile(out)
	zr, err := zip.NewReader(bytes.NewReader(full), int64(len(full)))
	if err != nil {
		t.Fatal(err)
	}
	var last *zip.File
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "blobs/") && (last == nil || f.Name > last.Name) {
			last = f
		}
	}
	off, _ := last.DataOffset()
	leave := func() {
		t.Helper()
		os.Remove(out)
		if err := os.WriteFile(out+".partial", full[:off+int64(last.UncompressedSize64)/2], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	leave()
	r := run("audit", "export", "--org", "acme", "--from", from, "--to", to, "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "3 files") || !strings.Contains(r.stdout, "2 of them") || !strings.Contains(r.stdout, "copied from the interrupted run") ||
		!strings.Contains(r.stderr, "resuming from "+out+".resume") {
		t.Fatalf("resumed export: %+v", r)
	}
	for _, left := range []string{out + ".partial", out + ".resume"} {
		if _, err := os.Stat(left); err == nil {
			t.Errorf("%s is left behind", left)
		}
	}
	if r := runCLI(t, map[string]string{}, "", "verify", out, "--pubkey", pub); r.code != 0 || !strings.Contains(r.stdout, "3 evidence items") {
		t.Fatalf("verify the resumed package: %+v", r)
	}
	leave()
	if r := run("audit", "export", "--org", "acme", "--from", from, "--to", to, "--out", out, "--no-resume"); r.code != 0 || strings.Contains(r.stdout, "copied") || strings.Contains(r.stderr, "resuming") {
		t.Fatalf("--no-resume: %+v", r)
	}
	if _, err := os.Stat(out + ".resume"); err == nil {
		t.Error("--no-resume left the earlier run's file")
	}

	// An audit record's package carries its testing.
	if r := run("audit", "create", "--org", "acme", "--name", "Q", "--from", from, "--to", to); r.code != 0 {
		t.Fatalf("audit create: %+v", r)
	}
	if r := run("audit", "export", "--org", "acme", "--audit", "1", "--out", out); r.code != 0 {
		t.Fatalf("export --audit: %+v", r)
	}
	zc, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zc.Close()
	if !slices.ContainsFunc(zc.File, func(f *zip.File) bool { return f.Name == "testing.json" }) {
		t.Error("the package of an audit record has no testing.json")
	}
	if r := runCLI(t, map[string]string{}, "", "verify", out, "--pubkey", pub); r.code != 0 {
		t.Fatalf("verify the audit's package: %+v", r)
	}
}
