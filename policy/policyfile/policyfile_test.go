package policyfile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/policyfile"
)

func sample() policyfile.File {
	return policyfile.File{Name: "access-control.md", Key: "access-control", Title: "Access Control Policy", Owner: "max@acme.test",
		Audience: attest.Audience{Departments: []string{"Engineering"}, EmploymentTypes: []string{"contractor"}}, ReviewMonths: 6,
		Controls: []string{"AC-1", "AC-2"}, Criteria: []string{"CC6.1"}, Version: "1.1",
		Body: "# Access Control Policy\n\n{{company_name}} grants access by role.\n"}
}

func TestRoundTrip(t *testing.T) {
	data, err := policyfile.Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "---\n# Exported from version 1.1.") || !strings.Contains(string(data), "controls: [AC-1, AC-2]") {
		t.Errorf("encoded:\n%s", data)
	}
	again, _ := policyfile.Encode(sample())
	if string(again) != string(data) {
		t.Error("the same policy encoded twice differs")
	}
	f, err := policyfile.Parse("access-control.md", data)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	want.Version, f.BodyLine = "", 0
	if !reflect.DeepEqual(f, want) {
		t.Errorf("parsed:\n%+v\nwant\n%+v", f, want)
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	good := "---\nkey: backup\ntitle: Backup\nowner: max@acme.test\n---\n\n# Backup\n"
	for name, tc := range map[string]struct{ file, src, want string }{
		"no front matter":  {"backup.md", "# Backup\n", "backup.md line 1: a policy file starts with a line of three dashes"},
		"never closed":     {"backup.md", "---\nkey: backup\n# Backup\n", "backup.md line 1: the front matter opened here is never closed"},
		"unknown field":    {"backup.md", strings.Replace(good, "owner:", "ownr:", 1), `backup.md line 4: front matter: field ownr not found`},
		"unknown audience": {"backup.md", strings.Replace(good, "owner: max@acme.test", "audience:\n  everybody: true", 1), `backup.md line 5: front matter: field everybody not found`},
		"broken yaml":      {"backup.md", strings.Replace(good, "title: Backup", "title: [Backup", 1), "backup.md line 3: front matter: did not find expected ',' or ']'"},
		"wrong type":       {"backup.md", strings.Replace(good, "owner: max@acme.test", "review_months: often", 1), "backup.md line 4: front matter: "},
		// yaml ends a line at a lone carriage return (and U+2028), Lines
		// does not: the line named is the file's, not yaml's.
		"lone carriage return": {"backup.md", strings.Replace(good, "title: Backup\nowner: max@acme.test", "title: Backup\rowner: x\nreview_months: often\nx: 1", 1), "backup.md line 4: front matter: cannot unmarshal"},
		"line separator":       {"backup.md", strings.Replace(good, "title: Backup\n", "title: Backup\u2028a: 1\n", 1), "backup.md line 3: front matter: field a not found"},
		// The file's own text saying "line 9" is left as written, and
		// yaml's numbers in a duplicate key's message are the file's.
		"text naming a line":  {"backup.md", strings.Replace(good, "owner: max@acme.test", "review_months: line 9", 1), "backup.md line 4: front matter: cannot unmarshal !!str `line 9` into int"},
		"duplicate key":       {"backup.md", strings.Replace(good, "owner: max@acme.test", "title: Again", 1), `backup.md line 4: front matter: mapping key "title" already defined at line 3`},
		"parser error first":  {"backup.md", "---\nkey: [backup\n---\nx\n", "backup.md line 2: front matter: did not find expected ',' or ']'"},
		"crlf after a return": {"backup.md", strings.Replace(good, "title: Backup\n", "title: Backup\r\r\nreview_months: often\n", 1), "backup.md line 4: front matter: cannot unmarshal"},
		"key and name":        {"restore.md", good, `restore.md line 2: key "backup" must match the file name (restore.md)`},
		"no text":             {"backup.md", "---\nkey: backup\ntitle: Backup\n---\n\n\n", "backup.md line 4: the policy has no text"},
		"not utf-8":           {"backup.md", "---\nkey: backup\ntitle: B\xff\n---\nx\n", "backup.md: is not UTF-8 text"},
		"text too long":       {"backup.md", "---\nkey: backup\ntitle: B\n---\n\n" + strings.Repeat("x", attest.MaxPolicyBody+1), "backup.md line 6: the policy text is"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := policyfile.Parse(tc.file, []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || attest.ErrorCode(err) != attest.EINVALID {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
	f, err := policyfile.Parse("backup.md", []byte(good))
	if err != nil || !f.Audience.Everyone || f.BodyLine != 7 || f.Body != "# Backup\n" {
		t.Errorf("a file without an audience is for everyone, its body from line 7: %+v %v", f, err)
	}
}

// ReadDir names every broken file in one go, skips what is not a policy
// file, and refuses a file over the limit without reading it all.
func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("backup.md", "---\nkey: backup\ntitle: Backup\n---\n# Backup\n")
	write("a.md", "no front matter\n")
	write("b.md", "---\nkey: c\ntitle: B\n---\ntext\n")
	write("README.md", "# About these files\n")
	write("notes.txt", "ignored")
	write("huge.md", "---\nkey: huge\ntitle: Huge\n---\n"+strings.Repeat("x", policyfile.MaxFileSize))
	_, err := policyfile.ReadDir(dir)
	if err == nil {
		t.Fatal("broken files were read")
	}
	for _, want := range []string{"a.md line 1", `b.md line 2: key "c"`, "huge.md: is larger than"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
	for _, n := range []string{"a.md", "b.md", "huge.md"} {
		os.Remove(filepath.Join(dir, n))
	}
	files, err := policyfile.ReadDir(dir)
	if err != nil || len(files) != 1 || files[0].Key != "backup" {
		t.Fatalf("%+v %v", files, err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := policyfile.WriteDir(out, []policyfile.File{sample()}); err != nil {
		t.Fatal(err)
	}
	back, err := policyfile.ReadDir(out)
	if err != nil || len(back) != 1 || back[0].Title != "Access Control Policy" {
		t.Fatalf("written and read back: %+v %v", back, err)
	}
}

// A directory with more files than an import reads is refused whole, before
// any file is parsed.
func TestReadDirRefusesTooManyFiles(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i <= policyfile.MaxFiles; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%03d.md", i)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, err := policyfile.ReadDir(dir)
	if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), fmt.Sprintf("at most %d", policyfile.MaxFiles)) {
		t.Fatalf("%d files: %v", policyfile.MaxFiles+1, err)
	}
}

// A symbolic link never takes a read or a write outside the directory:
// ReadDir skips a linked file, and WriteDir replaces a link rather than
// writing through it.
func TestSymlinksStayInDir(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.md")
	secret := "---\nkey: secret\ntitle: Secret\n---\nnot a policy\n"
	if err := os.WriteFile(outside, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "access-control.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if files, err := policyfile.ReadDir(dir); err != nil || len(files) != 0 {
		t.Errorf("a linked file was read: %+v %v", files, err)
	}
	if err := policyfile.WriteDir(dir, []policyfile.File{sample()}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(outside); string(data) != secret {
		t.Errorf("the export wrote through a link:\n%s", data)
	}
	fi, err := os.Lstat(filepath.Join(dir, "access-control.md"))
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 {
		t.Errorf("the exported file: %v %v", fi, err)
	}
}
