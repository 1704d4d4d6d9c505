// Package policyfile reads and writes policies as code: one Markdown file per
// policy, named after its key, with the policy's own fields as YAML front
// matter and its text (placeholders and all) as the body, so a company can
// keep its policies in git and review changes as pull requests. Reading is
// strict and names the file and line of every problem.
package policyfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/attest-hq/attest"
	"go.yaml.in/yaml/v3"
)

// Limits on what a directory of policies may hold: the files are hostile
// input like any import.
const (
	MaxFiles    = 500
	MaxFileSize = attest.MaxPolicyBody + 64<<10
)

// File is one policy as a file.
type File struct {
	Name string `yaml:"-"` // the file name, KEY.md

	Key          string          `yaml:"key"`
	Title        string          `yaml:"title"`
	Owner        string          `yaml:"owner,omitempty"` // a member's email
	Audience     attest.Audience `yaml:"audience"`
	ReviewMonths int             `yaml:"review_months,omitempty"`
	Controls     []string        `yaml:"controls,omitempty"`
	Criteria     []string        `yaml:"criteria,omitempty"`
	// Material and ChangeNote describe a changed text on import: whether
	// people must accept it again, and what changed. Export leaves them out.
	Material   bool   `yaml:"material,omitempty"`
	ChangeNote string `yaml:"change_note,omitempty"`

	// Version says which version the body was exported from (a comment in
	// the file; import ignores it).
	Version string `yaml:"-"`
	Body    string `yaml:"-"`
	// BodyLine is the file line on which the body starts, for errors about
	// the text.
	BodyLine int `yaml:"-"`
}

// fields is the front matter as written, with the audience's own keys.
type fields struct {
	Key          string   `yaml:"key"`
	Title        string   `yaml:"title"`
	Owner        string   `yaml:"owner,omitempty"`
	Audience     audience `yaml:"audience"`
	ReviewMonths int      `yaml:"review_months,omitempty"`
	Controls     []string `yaml:"controls,omitempty,flow"`
	Criteria     []string `yaml:"criteria,omitempty,flow"`
	Material     bool     `yaml:"material,omitempty"`
	ChangeNote   string   `yaml:"change_note,omitempty"`
}

type audience struct {
	Everyone        bool     `yaml:"everyone,omitempty"`
	Departments     []string `yaml:"departments,omitempty,flow"`
	EmploymentTypes []string `yaml:"employment_types,omitempty,flow"`
}

// Encode writes f as a file: front matter, a blank line, the body. The same
// policy always gives the same bytes, so a re-export shows no diff.
func Encode(f File) ([]byte, error) {
	fm := fields{Key: f.Key, Title: f.Title, Owner: f.Owner, ReviewMonths: f.ReviewMonths, Controls: f.Controls, Criteria: f.Criteria,
		Audience: audience{f.Audience.Everyone, f.Audience.Departments, f.Audience.EmploymentTypes}, Material: f.Material, ChangeNote: f.ChangeNote}
	var y bytes.Buffer
	enc := yaml.NewEncoder(&y)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	if f.Version != "" {
		fmt.Fprintf(&b, "# Exported from version %s. Change the text and import it: a changed text becomes a new draft\n", f.Version)
		b.WriteString("# to approve in Attest; set material: true when people must accept it again.\n")
	}
	b.Write(y.Bytes())
	b.WriteString("---\n\n")
	b.WriteString(strings.TrimLeft(f.Body, "\n"))
	if !strings.HasSuffix(f.Body, "\n") {
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

var (
	// yaml's own line numbers: one leading its message or each of its
	// unmarshal errors, and one ending a duplicate key's. Only these are
	// rewritten: the rest of a message quotes the file's text, which may
	// say "line 9" itself.
	yamlLine      = regexp.MustCompile(`^line (\d+): `)
	yamlDefinedAt = regexp.MustCompile(`already defined at line (\d+)$`)
	// Go type names mean nothing to the file's author; "into int" or
	// "into string" say what was wanted and stay.
	yamlType = regexp.MustCompile(` (?:in type|into) (?:\[\]|\*)*[a-z]\w*\.[\w.]+`)
)

// Parse reads one file. Every error names the file and, where there is one,
// the line (counted in the file, from 1).
func Parse(name string, data []byte) (File, error) {
	fail := func(line int, format string, args ...any) (File, error) {
		msg := fmt.Sprintf(format, args...)
		if line > 0 {
			return File{}, attest.Errorf(attest.EINVALID, "%s line %d: %s", name, line, msg)
		}
		return File{}, attest.Errorf(attest.EINVALID, "%s: %s", name, msg)
	}
	if len(data) > MaxFileSize {
		return fail(0, "is larger than %d KiB", MaxFileSize>>10)
	}
	if !utf8.Valid(data) {
		return fail(0, "is not UTF-8 text")
	}
	lines := Lines(data)
	end, opened := Split(lines)
	if !opened {
		return fail(1, "a policy file starts with a line of three dashes (---) opening its front matter")
	}
	if end < 0 {
		return fail(1, "the front matter opened here is never closed by a line of three dashes (---)")
	}
	var fm fields
	dec := yaml.NewDecoder(strings.NewReader(strings.Join(lines[1:end], "\n")))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil && err != io.EOF { // io.EOF: empty front matter, checked below
		line, msg := FrontMatterError(err, lines, end)
		return fail(line, "front matter: %s", msg)
	}
	f := File{Name: name, Key: strings.TrimSpace(fm.Key), Title: strings.TrimSpace(fm.Title), Owner: strings.TrimSpace(fm.Owner),
		Audience:     attest.Audience{Everyone: fm.Audience.Everyone, Departments: fm.Audience.Departments, EmploymentTypes: fm.Audience.EmploymentTypes},
		ReviewMonths: fm.ReviewMonths, Controls: fm.Controls, Criteria: fm.Criteria, Material: fm.Material, ChangeNote: strings.TrimSpace(fm.ChangeNote)}
	f.BodyLine = end + 2
	rest := lines[end+1:]
	for len(rest) > 0 && strings.TrimSpace(rest[0]) == "" {
		rest, f.BodyLine = rest[1:], f.BodyLine+1
	}
	f.Body = strings.Join(rest, "\n")
	if want := strings.TrimSuffix(filepath.Base(name), ".md"); f.Key != want {
		return fail(lineOf(lines[1:end], "key:")+1, "key %q must match the file name (%s.md)", f.Key, want)
	}
	if !f.Audience.Everyone && len(f.Audience.Departments) == 0 && len(f.Audience.EmploymentTypes) == 0 {
		f.Audience.Everyone = true // no audience: everyone, as a new policy
	}
	if strings.TrimSpace(f.Body) == "" {
		return fail(end+1, "the policy has no text after the front matter closed here")
	}
	// Checked here too, not only when stored, so ReadDir names every
	// oversize file in the same run as the other broken ones.
	if len(f.Body) > attest.MaxPolicyBody {
		return fail(f.BodyLine, "the policy text is %d KiB; at most %d KiB", len(f.Body)>>10, attest.MaxPolicyBody>>10)
	}
	return f, nil
}

// FrontMatterError turns an error from decoding a file's front matter,
// lines[1:end] joined by newlines, into the file line it is about and a
// message whose line numbers are the file's (as Lines counts them). yaml
// counts from the front matter's first line, the file's second, from 0 in
// its parser's errors and from 1 in the others, and ends a line at a lone
// carriage return and at U+0085, U+2028 and U+2029 too, where Lines does
// not: each of yaml's lines is mapped to the file line it starts on. A line
// past the front matter (yaml naming the end of its input) is named as the
// front matter's last, the nearest line the file has.
func FrontMatterError(err error, lines []string, end int) (line int, msg string) {
	starts := yamlLineStarts(strings.Join(lines[1:end], "\n"))
	fileLine := func(n int) int {
		if n >= 1 && n <= len(starts) {
			return starts[n-1]
		}
		return max(end, 2)
	}
	line = 2
	var te *yaml.TypeError
	if errors.As(err, &te) {
		parts := make([]string, 0, len(te.Errors))
		for i, e := range te.Errors {
			if m := yamlDefinedAt.FindStringSubmatch(e); m != nil {
				n, _ := strconv.Atoi(m[1])
				e = e[:len(e)-len(m[0])] + "already defined at line " + strconv.Itoa(fileLine(n))
			}
			if m := yamlLine.FindStringSubmatch(e); m != nil {
				n, _ := strconv.Atoi(m[1])
				if e = e[len(m[0]):]; i == 0 {
					line = fileLine(n)
				} else {
					e = "line " + strconv.Itoa(fileLine(n)) + ": " + e
				}
			}
			parts = append(parts, e)
		}
		return line, yamlType.ReplaceAllString(strings.Join(parts, "; "), "")
	}
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		if slices.Contains(yamlParserProblems, msg) {
			n++
		}
		line = fileLine(n)
	}
	return line, yamlType.ReplaceAllString(msg, "")
}

// yamlParserProblems are the problems yaml's parser (parserc.go) reports,
// whose line it counts from 0; its scanner's and its decoder's count from 1.
// A parser problem on the first line carries no line at all, and is named
// as the front matter's first.
var yamlParserProblems = []string{"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected '-' indicator", "did not find expected <document start>", "did not find expected <stream-start>",
	"did not find expected key", "did not find expected node content", "found duplicate %TAG directive",
	"found duplicate %YAML directive", "found incompatible YAML document", "found undefined tag handle"}

// yamlLineStarts gives, for each line yaml counts in text (the front
// matter), the file line it starts on; text's first line is the file's
// second.
func yamlLineStarts(text string) []int {
	starts, file := []int{2}, 2
	prev := rune(0)
	for _, r := range text {
		switch r {
		case '\n':
			file++
			if prev == '\r' { // CRLF is one break to yaml, already counted
				starts[len(starts)-1] = file
			} else {
				starts = append(starts, file)
			}
		case '\r', '\u0085', '\u2028', '\u2029':
			starts = append(starts, file)
		}
		prev = r
	}
	return starts
}

// lineOf finds the front matter line starting with prefix (1-based within
// the front matter), or 0.
func lineOf(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return i + 1
		}
	}
	return 0
}

// Lines splits a file into lines, whatever its line endings.
func Lines(data []byte) []string {
	// A carriage return ending the file ends its last line, as CRLF does
	// elsewhere: kept, it would become CRLF on export and vanish on import.
	s := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r")
	return strings.Split(s, "\n")
}

// Split finds a file's front matter: lines[1:end], between the line of three
// dashes that opens the file and the next one. opened is false when the
// first line does not open it; end is -1 when it is never closed. Policy
// files and the shipped templates share the format.
func Split(lines []string) (end int, opened bool) {
	if len(lines) == 0 || lines[0] != "---" {
		return -1, false
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] == "---" {
			return i, true
		}
	}
	return -1, true
}

// ReadDir reads every KEY.md of dir (not its subdirectories). It reads them
// all before failing, so one run names every broken file.
func ReadDir(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading policy files: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".md") && !strings.EqualFold(e.Name(), "README.md") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) > MaxFiles {
		return nil, attest.Errorf(attest.EINVALID, "%s holds %d policy files; at most %d are read", dir, len(names), MaxFiles)
	}
	var files []File
	var errs []error
	for _, n := range names {
		data, err := readLimited(filepath.Join(dir, n))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", n, err))
			continue
		}
		f, err := Parse(n, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, f)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return files, nil
}

// readLimited reads at most MaxFileSize bytes, plus one to tell an oversize
// file from one exactly at the limit, so a huge file is never read whole.
func readLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, attest.Errorf(attest.EINVALID, "is larger than %d KiB", MaxFileSize>>10)
	}
	return data, nil
}

// WriteDir writes files into dir (made if missing), each through a temporary
// file renamed into place, so an interrupted export leaves whole files.
func WriteDir(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing policy files: %w", err)
	}
	for _, f := range files {
		data, err := Encode(f)
		if err != nil {
			return err
		}
		name := f.Key + ".md"
		tmp, err := os.CreateTemp(dir, ".policy-*")
		if err != nil {
			return err
		}
		_, err = tmp.Write(data)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp.Name(), 0o644)
		}
		if err == nil {
			err = os.Rename(tmp.Name(), filepath.Join(dir, name))
		}
		if err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
