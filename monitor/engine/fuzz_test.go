package engine_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor/engine"
)

// message is an attest error's own message, without the field.
func message(err error) string {
	var e *attest.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

var yamlLine = regexp.MustCompile(`\bline (\d+)\b`)

// compileFields are the fields Compile names in its errors.
var compileFields = []string{"id", "title", "resource_type", "severity", "pass", "applies", "reads", "field", "expected", "remediation", "params"}

// FuzzParseCompile reads hostile test files as LoadFS does for the shipped
// tests and `attest test add`: Parse fails with attest.Invalid on "tests",
// naming the file and only lines inside it; Compile fails with attest.Invalid
// naming the test ("test <id>", or "(no id)") and one of the definition's
// fields; a test that compiles has a stable version, and judges an empty
// resource and a resource whose fields are hidden without panicking, with a
// known status (unverifiable when a field it reads is hidden).
func FuzzParseCompile(f *testing.F) {
	shipped, err := filepath.Glob("../../catalog/tests/*.yaml")
	if err != nil || len(shipped) == 0 {
		f.Fatalf("no shipped tests to seed from: %v", err)
	}
	for _, name := range shipped {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	good := `tests:
  - id: x.flag_on
    title: Flag is on
    resource_type: x.thing
    reads: [flag]
    applies: has(resource.flag)
    pass: resource.flag == params.want && size(resource.flag_list) < 3
    field: flag
    expected: "true"
    severity: low
    remediation: Turn it on.
    controls: [DEV-2]
    params: {want: true, max: 2.0}
`
	for _, s := range []string{good, strings.Replace(good, "severity: low", "severty: low", 1),
		strings.Replace(good, "severity: low", "severity: dire", 1), "checks: []", "tests: []", "tests:\n  - {}\n", ""} {
		f.Add([]byte(s))
	}
	statuses := []attest.ResultStatus{attest.ResultPass, attest.ResultFail, attest.ResultNotApplicable, attest.ResultError, attest.ResultUnverifiable}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		defs, err := engine.Parse(data, "fuzz.yaml")
		if err != nil {
			msg := message(err)
			if attest.ErrorCode(err) != attest.EINVALID || attest.ErrorField(err) != "tests" || !strings.HasPrefix(msg, "fuzz.yaml") {
				t.Fatalf("parse error not invalid on tests naming the file: %v", err)
			}
			for _, m := range yamlLine.FindAllStringSubmatch(msg, -1) {
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > lines {
					t.Fatalf("parse error names line %d of a %d-line file: %v", n, lines, err)
				}
			}
			return
		}
		if len(defs) == 0 {
			t.Fatal("parsed no definitions without an error")
		}
		for _, d := range defs {
			tt, err := engine.Compile(d, engine.Options{})
			if err != nil {
				name := d.ID
				if name == "" {
					name = "(no id)"
				}
				if attest.ErrorCode(err) != attest.EINVALID || !slices.Contains(compileFields, attest.ErrorField(err)) ||
					!strings.HasPrefix(message(err), "test "+name+": ") {
					t.Fatalf("compile error not invalid on a field naming test %q: %v", name, err)
				}
				continue
			}
			again, err := engine.Compile(d, engine.Options{})
			if err != nil || again.Version != tt.Version || !strings.HasPrefix(tt.Version, "sha256:") {
				t.Fatalf("compiling %s twice: %q then %q, %v", d.ID, tt.Version, again.Version, err)
			}
			v := tt.Evaluate(attest.Resource{Type: tt.ResourceType, Key: "k"}, engine.Env{Now: now})
			if !slices.Contains(statuses, v.Status) {
				t.Fatalf("%s on an empty resource: status %q", d.ID, v.Status)
			}
			hidden := attest.Resource{Type: tt.ResourceType, Key: "k", Data: map[string]any{}, Unavailable: map[string]string{}}
			for _, r := range tt.Reads {
				hidden.Unavailable[r] = "hidden by the fuzz test"
			}
			if v := tt.Evaluate(hidden, engine.Env{Now: now, Params: map[string]any{"want": 1}}); !slices.Contains(statuses, v.Status) {
				t.Fatalf("%s on a hidden resource: status %q", d.ID, v.Status)
			}
		}
	})
}
