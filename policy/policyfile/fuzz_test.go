package policyfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/policyfile"
)

var fileLine = regexp.MustCompile(`^backup\.md(?: line (\d+))?: `)

// FuzzParse reads hostile policy files as `attest policy import` does: every
// failure is EINVALID naming the file and, when it names a line, a line of
// the file; a file that parses has the key of its name, a body within the
// limit that starts on BodyLine, and is a fixed point of export: Encode of
// it parses again to the same fields and encodes to the same bytes.
func FuzzParse(f *testing.F) {
	good := "---\nkey: backup\ntitle: Backup\nowner: max@acme.test\n---\n\n# Backup\n"
	seeds := []string{good,
		"---\r\nkey: backup\r\ntitle: Backup\r\naudience:\r\n  departments: [Engineering]\r\n  employment_types: []\r\nreview_months: 6\r\ncontrols: [AC-1]\r\ncriteria: [CC6.1]\r\nmaterial: true\r\nchange_note: \" new \"\r\n---\r\nText",
		strings.Replace(good, "owner:", "ownr:", 1), strings.Replace(good, "title: Backup", "title: [Backup", 1),
		strings.Replace(good, "owner: max@acme.test", "review_months: often", 1), "---\nkey: backup\n# Backup\n", "# Backup\n",
		"---\nkey: backup\ntitle: Backup\n---\n\n\n", "---\n---\nx", ""}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Realistic bodies: two shipped policy templates under exported front
	// matter, and one template as it is (its own fields, refused).
	templates, err := filepath.Glob("../../catalog/policies/*.md")
	if err != nil || len(templates) < 2 {
		f.Fatalf("no policy templates to seed from: %v", err)
	}
	for i, name := range templates[:2] {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if i == 1 {
			f.Add(data)
		}
		end, _ := policyfile.Split(policyfile.Lines(data))
		body := strings.Join(policyfile.Lines(data)[end+1:], "\n")
		f.Add([]byte("---\nkey: backup\ntitle: T\naudience:\n  everyone: true\n---\n" + body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := len(policyfile.Lines(data))
		p, err := policyfile.Parse("backup.md", data)
		if err != nil {
			var e *attest.Error
			if !errors.As(err, &e) || e.Code != attest.EINVALID {
				t.Fatalf("not an invalid-input error: %v", err)
			}
			m := fileLine.FindStringSubmatch(e.Message)
			if m == nil {
				t.Fatalf("error does not start with the file name: %q", e.Message)
			}
			if m[1] != "" {
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > lines {
					t.Fatalf("error names line %d of a %d-line file: %q", n, lines, e.Message)
				}
			}
			return
		}
		if p.Key != "backup" || strings.TrimSpace(p.Body) == "" || len(p.Body) > attest.MaxPolicyBody {
			t.Fatalf("parsed key %q, body of %d bytes", p.Key, len(p.Body))
		}
		if p.BodyLine < 3 || p.BodyLine > lines || !strings.HasPrefix(p.Body, policyfile.Lines(data)[p.BodyLine-1]) {
			t.Fatalf("body line %d of %d does not start the body %q", p.BodyLine, lines, p.Body)
		}
		out, err := policyfile.Encode(p)
		if err != nil {
			t.Fatalf("encoding a parsed file: %v", err)
		}
		again, err := policyfile.Parse("backup.md", out)
		if err != nil {
			t.Fatalf("an exported file does not import: %v\n%s", err, out)
		}
		out2, err := policyfile.Encode(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("export is not a fixed point (%v):\n%s\nthen\n%s", err, out, out2)
		}
		if again.Title != p.Title || again.Owner != p.Owner || again.ReviewMonths != p.ReviewMonths || again.Material != p.Material ||
			again.ChangeNote != p.ChangeNote || again.Audience.Everyone != p.Audience.Everyone ||
			strings.TrimRight(again.Body, "\n") != strings.TrimRight(p.Body, "\n") {
			t.Fatalf("fields changed on export and import:\n%+v\n%+v", p, again)
		}
	})
}
