package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestBackupRestoreRoundTrip: an SQLite install with evidence and ledger
// entries, backed up and restored into a new data directory, verifies with the
// same ledger heads and identical blobs; the archive is private to its owner.
func TestBackupRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATA_DIR": dir}
	if r := runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	org, _ := db.OrgBySlug(context.Background(), "acme")
	storetest.MustControl(t, db, org, "AC-4", attest.StatusImplemented)
	db.Close()
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
		t.Fatal(err)
	}
	ev := filepath.Join(t.TempDir(), "scan.txt")
	os.WriteFile(ev, []byte("vulnerability scan: clean"), 0o600)
	if r := runCLI(t, vars, "", "evidence", "add", "--org", "acme", "--control", "AC-4", ev); r.code != 0 {
		t.Fatalf("evidence add: %+v", r)
	}
	before := runCLI(t, vars, "", "verify")
	if before.code != 0 {
		t.Fatalf("verify before: %+v", before)
	}
	out := filepath.Join(t.TempDir(), "attest.tar.gz")
	if r := runCLI(t, vars, "", "backup", "--out", out); r.code != 0 || !strings.Contains(r.stdout, "store it like a key") {
		t.Fatalf("backup: %+v", r)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("archive mode: %v %v", fi, err)
	}
	fresh := filepath.Join(t.TempDir(), "restored")
	rvars := map[string]string{"ATTEST_DATA_DIR": fresh}
	if r := runCLI(t, rvars, "", "restore", "--from", out); r.code != 0 {
		t.Fatalf("restore: %+v", r)
	}
	after := runCLI(t, rvars, "", "verify")
	if after.code != 0 || after.stdout != strings.ReplaceAll(before.stdout, dir, fresh) || !strings.Contains(after.stdout, "acme: ok: ") {
		t.Fatalf("verify after restore differs:\nbefore %q\nafter  %+v", before.stdout, after)
	}
	for _, rel := range []string{"keys/ledger-ed25519.key", "keys/secrets-aes256.key"} {
		a, _ := os.ReadFile(filepath.Join(dir, rel))
		b, err := os.ReadFile(filepath.Join(fresh, rel))
		if _, statErr := os.Stat(filepath.Join(dir, rel)); statErr == nil && (err != nil || !bytes.Equal(a, b)) {
			t.Errorf("%s not restored identically: %v", rel, err)
		}
	}
	for _, tree := range []string{"blobs", "heads"} {
		if n := sameTree(t, dir, fresh, tree); n == 0 {
			t.Fatalf("the install had nothing in %s to compare", tree)
		}
	}
	// A second restore into the now non-empty directory is refused.
	if r := runCLI(t, rvars, "", "restore", "--from", out); r.code == 0 || !strings.Contains(r.stderr, "is not empty") {
		t.Fatalf("restore into a non-empty directory: %+v", r)
	}
}

// sameTree reports files under tree in dir that differ in fresh, and counts them.
func sameTree(t *testing.T, dir, fresh, tree string) int {
	n := 0
	filepath.Walk(filepath.Join(dir, tree), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		a, _ := os.ReadFile(p)
		b, rerr := os.ReadFile(filepath.Join(fresh, rel))
		if rerr != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs after restore: %v", rel, rerr)
		}
		n++
		return nil
	})
	return n
}

// TestBackupPostgresGuidance: attest backup covers SQLite only and says what
// to do for PostgreSQL instead of writing a partial archive.
func TestBackupPostgresGuidance(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	vars := map[string]string{"ATTEST_DATABASE_URL": "postgres://db.example/attest", "ATTEST_DATA_DIR": t.TempDir()}
	r := runCLI(t, vars, "", "backup", "--out", out)
	if r.code == 0 || !strings.Contains(r.stderr, "pg_dump") || !strings.Contains(r.stderr, "bucket") {
		t.Fatalf("backup on PostgreSQL: %+v", r)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("backup on PostgreSQL wrote an archive")
	}
	if r := runCLI(t, vars, "", "restore", "--from", out); r.code == 0 || !strings.Contains(r.stderr, "pg_restore") {
		t.Fatalf("restore on PostgreSQL: %+v", r)
	}
}

type entry struct {
	name, link string
	typ        byte
	body       string
	size       int64 // header size when not len(body)
}

// hostileArchive writes a tar.gz whose manifest lists listed (name → body).
func hostileArchive(t *testing.T, listed map[string]string, entries []entry) string {
	t.Helper()
	m := backupManifest{Format: 1, Files: map[string]string{}}
	for n, b := range listed {
		sum := sha256.Sum256([]byte(b))
		m.Files[n] = hex.EncodeToString(sum[:])
	}
	mb, _ := json.Marshal(m)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: backupManifestName, Mode: 0o600, Size: int64(len(mb)), Typeflag: tar.TypeReg})
	tw.Write(mb)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Linkname: e.link, Mode: 0o600, Typeflag: typ, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		if e.size != 0 {
			h.Size = e.size
		}
		tw.WriteHeader(h)
		if typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Flush()
	gz.Close()
	p := filepath.Join(t.TempDir(), "hostile.tar.gz")
	os.WriteFile(p, buf.Bytes(), 0o600)
	return p
}

// TestRestoreRefusesHostileArchives: each malformed archive is refused with
// an error naming the entry, and the target directory is left absent.
func TestRestoreRefusesHostileArchives(t *testing.T) {
	db := map[string]string{"attest.db": "db"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{"attest.db": "db"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name    string
		listed  map[string]string
		entries []entry
		want    string
	}{
		{"traversal", with(map[string]string{"../evil": "x"}), []entry{{name: "attest.db", body: "db"}, {name: "../evil", body: "x"}}, `entry "../evil": path leaves`},
		{"absolute", with(map[string]string{"/etc/evil": "x"}), []entry{{name: "attest.db", body: "db"}, {name: "/etc/evil", body: "x"}}, `entry "/etc/evil": path leaves`},
		{"symlink", with(map[string]string{"blobs/l": ""}), []entry{{name: "attest.db", body: "db"}, {name: "blobs/l", link: "/etc/passwd", typ: tar.TypeSymlink}}, `entry "blobs/l": not a regular file`},
		{"not listed", db, []entry{{name: "attest.db", body: "db"}, {name: "blobs/extra", body: "x"}}, `entry "blobs/extra": not in the manifest`},
		{"hash mismatch", db, []entry{{name: "attest.db", body: "tampered"}}, `entry "attest.db": SHA-256`},
		{"oversized", db, []entry{{name: "attest.db", body: "db", size: maxBackupEntry + 1}}, `entry "attest.db": size`},
		{"missing", with(map[string]string{"blobs/a": "a"}), []entry{{name: "attest.db", body: "db"}}, `entry "blobs/a": listed in the manifest but missing`},
		{"duplicate", db, []entry{{name: "attest.db", body: "db"}, {name: "attest.db", body: "db"}}, `entry "attest.db": appears twice`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			archive := hostileArchive(t, c.listed, c.entries)
			target := filepath.Join(t.TempDir(), "data")
			r := runCLI(t, map[string]string{"ATTEST_DATA_DIR": target}, "", "restore", "--from", archive)
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("want %q, got %+v", c.want, r)
			}
			if _, err := os.Stat(target); err == nil {
				t.Fatal("a refused restore left the target directory behind")
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".attest-restore-*"))
			if len(left) > 0 {
				t.Fatalf("temporary directories left: %v", left)
			}
		})
	}
}
