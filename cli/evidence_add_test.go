package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestEvidenceAddChecksEveryFileFirst: a bad file among several is named
// before any is read, and adds none of them, so that a re-run cannot record
// the good ones twice in the ledger.
func TestEvidenceAddChecksEveryFileFirst(t *testing.T) {
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
			// Once the bad file is left out, the good ones are added once,
			// in one batch under one signed checkpoint.
			r := runCLI(t, vars, "", "evidence", "add", "--org", "acme", "--control", "AC-4", "--max-upload", "1KiB", ok, write("ok2.txt", 20))
			if r.code != 0 || !strings.Contains(r.stdout, "ok.txt (10 bytes") || !strings.Contains(r.stdout, "ok2.txt (20 bytes") {
				t.Fatalf("add ok.txt and ok2.txt: %+v", r)
			}
			if n := count(); n != 2 {
				t.Fatalf("%d evidence items stored, want 2", n)
			}
			if cps, _ := db.Checkpoints(context.Background(), org.ID); len(cps) != 1 {
				t.Fatalf("%d checkpoints for one run, want 1", len(cps))
			}
		})
	}
}

// TestAddFilesIsAllOrNothing: the files are added in one batch, so a file
// that fails while streaming, after every file passed the checks (it was
// removed, emptied or grew past the limit since), leaves none of them added:
// no row, ledger entry, checkpoint or activity. Without it, they are all
// added under one checkpoint.
func TestAddFilesIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		svc := evidencetest.NewService(t, db)
		org := storetest.MustOrg(t, db, "acme")
		ctl := storetest.MustControl(t, db, org, "AC-4", attest.StatusImplemented)
		n := evidence.New{Org: org, Actor: cliActor(), Kind: attest.KindFile, ControlIDs: []int64{ctl.ID}}
		dir := t.TempDir()
		held := func() [4]int {
			rows, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{IncludeReplaced: true})
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := db.LedgerEntries(ctx, org.ID)
			cps, _ := db.Checkpoints(ctx, org.ID)
			acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "evidence."})
			return [4]int{len(rows), len(entries), len(cps), len(acts)}
		}
		// checked writes a.txt, b.txt and c.txt, checks them as the
		// command does, and then lets change break b.txt.
		checked := func(change func(path string)) ([]string, []os.FileInfo) {
			var paths []string
			var infos []os.FileInfo
			for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte("content of "+name), 0o600); err != nil {
					t.Fatal(err)
				}
				info, err := checkEvidenceFile(p)
				if err != nil {
					t.Fatal(err)
				}
				paths, infos = append(paths, p), append(infos, info)
			}
			if change != nil {
				change(paths[1])
			}
			return paths, infos
		}
		for _, c := range []struct {
			name, want string
			change     func(path string)
		}{
			{"removed", "no such file", func(p string) { os.Remove(p) }},
			{"emptied", "file: is empty", func(p string) { os.WriteFile(p, nil, 0o600) }},
			{"grew past the limit", "file: is larger than the limit of 1.0 MiB", func(p string) {
				os.WriteFile(p, bytes.Repeat([]byte("x"), evidencetest.MaxSize+1), 0o600)
			}},
		} {
			paths, infos := checked(c.change)
			var out bytes.Buffer
			err := addFiles(&env{ctx: ctx, stdout: &out, stderr: io.Discard}, svc, n, paths, infos, "")
			if err == nil || !strings.HasPrefix(err.Error(), paths[1]+": ") || !strings.Contains(err.Error(), c.want) || !strings.HasSuffix(err.Error(), "; nothing was added") {
				t.Errorf("%s: %v, want %s named with %q and nothing added", c.name, err, paths[1], c.want)
			}
			if out.Len() != 0 {
				t.Errorf("%s: printed %q", c.name, out.String())
			}
			if got := held(); got != [4]int{} {
				t.Fatalf("%s: %v rows, entries, checkpoints and activity after the failure, want none", c.name, got)
			}
		}
		paths, infos := checked(nil)
		var out bytes.Buffer
		if err := addFiles(&env{ctx: ctx, stdout: &out, stderr: io.Discard}, svc, n, paths, infos, ""); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(out.String(), "added ev_"); got != 3 || !strings.Contains(out.String(), "c.txt (16 bytes") {
			t.Fatalf("printed %q, want the three files", out.String())
		}
		if got := held(); got != [4]int{3, 3, 1, 3} {
			t.Fatalf("%v rows, entries, checkpoints and activity, want 3 of each and one checkpoint", got)
		}
		if _, err := svc.Verify(ctx, org); err != nil {
			t.Fatal(err)
		}
	})
}
