package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestEvidenceAddChecksEveryFileFirst: a bad file among several adds none of
// them, so that a re-run cannot record the good ones twice in the ledger.
func TestEvidenceAddChecksEveryFileFirst(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": storetest.URL(t, d), "ATTEST_DATA_DIR": dir}
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
			write := func(name string, n int) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			ok, big, empty := write("ok.txt", 10), write("too-big.bin", 2048), write("empty.txt", 0)
			count := func() int {
				list, err := db.EvidenceList(context.Background(), org.ID, store.EvidenceFilter{IncludeReplaced: true})
				if err != nil {
					t.Fatal(err)
				}
				return len(list)
			}
			for _, bad := range []struct {
				files []string
				want  string
			}{
				{[]string{ok, big}, "too-big.bin: file: is larger than the limit of 1.0 KiB"},
				{[]string{ok, empty}, "empty.txt: file: is empty"},
				{[]string{ok, filepath.Join(dir, "missing.txt")}, "missing.txt"},
				{[]string{ok, dir}, "is not a regular file"},
				{[]string{ok, write("bad\u202egnp.exe", 5)}, "contains a control or invisible character"},
			} {
				args := append([]string{"evidence", "add", "--org", "acme", "--control", "AC-4", "--max-upload", "1KiB"}, bad.files...)
				r := runCLI(t, vars, "", args...)
				if r.code != 1 || !strings.Contains(r.stderr, bad.want) || !strings.Contains(r.stderr, "nothing was added") || r.stdout != "" {
					t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 naming %q and nothing added", bad.files, r.code, r.stdout, r.stderr, bad.want)
				}
				if n := count(); n != 0 {
					t.Fatalf("%v: %d evidence items stored, want none", bad.files, n)
				}
			}
			// Once the bad file is left out, the good one is added once.
			r := runCLI(t, vars, "", "evidence", "add", "--org", "acme", "--control", "AC-4", "--max-upload", "1KiB", ok)
			if r.code != 0 || !strings.Contains(r.stdout, "ok.txt (10 bytes") {
				t.Fatalf("add ok.txt: %+v", r)
			}
			if n := count(); n != 1 {
				t.Fatalf("%d evidence items stored, want 1", n)
			}
		})
	}
}

// TestAddFilesNamesWhatAFailureLeftAdded: a file that fails while streaming,
// after others were added, is reported with exactly the files added before it
// (names, evidence IDs, ledger entries) and those not added.
func TestAddFilesNamesWhatAFailureLeftAdded(t *testing.T) {
	var out bytes.Buffer
	e := &env{stdout: &out}
	seq := int64(6)
	err := addFiles(e, []string{"a.txt", "b.txt", "grew.bin", "d.txt"}, func(path string) (attest.Evidence, error) {
		if path == "grew.bin" {
			return attest.Evidence{}, errors.New("file: is larger than the limit of 1.0 KiB")
		}
		seq++
		return attest.Evidence{UID: "ev_" + path[:1], LedgerSeq: seq, Size: 3, SHA256: strings.Repeat("a", 64)}, nil
	})
	want := "grew.bin: file: is larger than the limit of 1.0 KiB; added before it, and kept in the ledger (do not add them again): " +
		"a.txt (ev_a, ledger entry 7), b.txt (ev_b, ledger entry 8); not added: grew.bin, d.txt"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant   %s", err, want)
	}
	if n := strings.Count(out.String(), "added ev_"); n != 2 {
		t.Fatalf("printed %d added lines, want 2: %s", n, out.String())
	}
	err = addFiles(e, []string{"grew.bin", "d.txt"}, func(string) (attest.Evidence, error) { return attest.Evidence{}, errors.New("disk full") })
	if err == nil || err.Error() != "grew.bin: disk full; nothing was added" {
		t.Fatalf("first file failing: %v", err)
	}
}
