package auditpkg_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/ledger"
)

// resumable is a package of n evidence files, and which files Write opened.
type resumable struct {
	pkg    auditpkg.Package
	files  map[string][]byte // by SHA-256
	order  []string          // hashes in the package's order
	opened []string
}

func newResumable(t *testing.T, n int) *resumable {
	t.Helper()
	r := &resumable{files: map[string][]byte{}}
	r.pkg = auditpkg.Package{Input: auditpkg.Input{Type: auditpkg.Type1, AsOf: "2026-01-01"}, Org: "acme", Generated: time.Unix(0, 0),
		Ledger: func(w io.Writer) error { _, err := io.WriteString(w, "segment"); return err }}
	for i := range n {
		body := make([]byte, 20_000+i*7_000)
		rand.Read(body)
		sha, _, _ := ledger.HashReader(bytes.NewReader(body))
		r.files[sha] = body
		r.pkg.Evidence = append(r.pkg.Evidence, auditpkg.Evidence{ID: "ev_" + sha[:8], SHA256: sha, Size: int64(len(body))})
	}
	r.order = slices.Sorted(maps.Keys(r.files))
	r.pkg.Open = func(sha string) (io.ReadCloser, error) {
		r.opened = append(r.opened, sha)
		return io.NopCloser(bytes.NewReader(r.files[sha])), nil
	}
	return r
}

// write writes the package, resuming from earlier when it is not nil.
func (r *resumable) write(t *testing.T, earlier []byte) ([]byte, auditpkg.Summary) {
	t.Helper()
	r.opened = nil
	r.pkg.Resume = nil
	if earlier != nil {
		r.pkg.Resume = &auditpkg.Resume{From: bytes.NewReader(earlier), Size: int64(len(earlier))}
	}
	var buf bytes.Buffer
	sum, err := auditpkg.Write(&buf, r.pkg)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sum
}

// cut is the package cut short halfway through its i-th evidence file,
// as an export killed there leaves it.
func (r *resumable) cut(t *testing.T, pkg []byte, i int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == auditpkg.BlobPath(r.order[i]) {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			return slices.Clone(pkg[:off+int64(f.UncompressedSize64)/2])
		}
	}
	t.Fatalf("no file %d in the package", i)
	return nil
}

// contents reads every file of a finished package through archive/zip,
// which checks each CRC.
func contents(t *testing.T, pkg []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// An export cut short resumes: the evidence files the earlier file holds
// whole are copied from it, the rest fetched, and the package is the same.
func TestResumeCopiesWholeFiles(t *testing.T) {
	r := newResumable(t, 8)
	full, sum := r.write(t, nil)
	if sum.Files != 8 || sum.Reused != 0 || len(r.opened) != 8 {
		t.Fatalf("fresh: %+v, opened %d", sum, len(r.opened))
	}
	want := contents(t, full)

	resumed, sum := r.write(t, r.cut(t, full, 4))
	if sum.Reused != 4 || sum.Files != 8 || !slices.Equal(r.opened, r.order[4:]) {
		t.Fatalf("resumed from a cut in file 5: %+v, opened %d files", sum, len(r.opened))
	}
	if got := contents(t, resumed); !maps.Equal(got, want) {
		t.Fatal("the resumed package differs from the fresh one")
	}
	// A resumed package cut short resumes too: its copied files carry their
	// sizes in their headers, the ones fetched a data descriptor.
	again, sum := r.write(t, r.cut(t, resumed, 6))
	if sum.Reused != 6 || !slices.Equal(r.opened, r.order[6:]) || !maps.Equal(contents(t, again), want) {
		t.Fatalf("resumed twice: %+v, opened %d files", sum, len(r.opened))
	}
	// A complete earlier package: every file is copied, nothing fetched.
	if _, sum := r.write(t, full); sum.Reused != 8 || len(r.opened) != 0 {
		t.Fatalf("resumed from a whole package: %+v, opened %d", sum, len(r.opened))
	}
}

// Nothing in the earlier file is trusted: a file that does not hash to its
// name is fetched again, and the walk goes on past it; another package's
// files, or garbage, keep nothing.
func TestResumeTrustsNothing(t *testing.T) {
	r := newResumable(t, 6)
	full, _ := r.write(t, nil)
	want := contents(t, full)
	cut := r.cut(t, full, 5)
	zr, _ := zip.NewReader(bytes.NewReader(full), int64(len(full)))
	for _, f := range zr.File {
		if f.Name == auditpkg.BlobPath(r.order[1]) {
			off, _ := f.DataOffset()
			cut[off+100] ^= 0xff
		}
	}
	got, sum := r.write(t, cut)
	if sum.Reused != 4 || !slices.Equal(r.opened, []string{r.order[1], r.order[5]}) || !maps.Equal(contents(t, got), want) {
		t.Fatalf("a changed file in the earlier package: %+v, opened %v", sum, r.opened)
	}

	// The package of another export: none of its files is this one's.
	other := newResumable(t, 6)
	if _, sum := other.write(t, cut); sum.Reused != 0 || len(other.opened) != 6 {
		t.Fatalf("files of another package were reused: %+v", sum)
	}
	noise := make([]byte, 1<<16)
	rand.Read(noise)
	for _, earlier := range [][]byte{noise, []byte("PK\x03\x04"), {}} {
		if got, sum := r.write(t, earlier); sum.Reused != 0 || len(r.opened) != 6 || !maps.Equal(contents(t, got), want) {
			t.Fatalf("resumed from %d bytes of noise: %+v", len(earlier), sum)
		}
	}
	if !strings.Contains(string(full[:200]), auditpkg.ReadmeFile) {
		t.Fatal("the package no longer starts with its README")
	}
}
