package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/monitor/engine"
)

// runTestEval evaluates tests offline against a snapshot: no database, no
// network, so it runs in CI and an auditor can run it on an exported bundle's
// snapshot. Exit status 1 when any result is fail.
func runTestEval(e *env, args []string) error {
	f := newFlags("test eval", e)
	dir := f.fs.String("tests", "", "directory of test YAML files (default: the built-in tests)")
	resources := f.fs.String("resources", "", "JSON file: a collection {\"resources\": [...], \"failed\": {...}} or a list of resources")
	at := f.fs.String("now", "", "the time the snapshot was collected, RFC 3339 (default: now); tests with deadlines count from it")
	asJSON := f.fs.Bool("json", false, "print one JSON object per result")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *resources == "" {
		return usagef("--resources is required")
	}
	now := time.Now().UTC()
	if *at != "" {
		if now, err = time.Parse(time.RFC3339, *at); err != nil {
			return usagef("--now: want an RFC 3339 time such as 2026-12-01T12:00:00Z, got %q", *at)
		}
	}
	tests, err := loadTests(*dir)
	if err != nil {
		return err
	}
	c, err := readCollection(*resources)
	if err != nil {
		return err
	}
	results := engine.EvaluateCollection(tests, c, engine.Env{Now: now})
	counts := map[attest.ResultStatus]int{}
	enc := json.NewEncoder(e.stdout)
	for _, r := range results {
		counts[r.Status]++
		if *asJSON {
			if err := enc.Encode(resultLine{Test: r.Test, TestVersion: r.TestVersion, ResourceType: r.Resource.Type, Resource: r.Resource.Key,
				Status: r.Status, Message: r.Message, Observed: r.Observed, Expected: r.Expected}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%-14s %-45s %s\n", strings.ToUpper(string(r.Status)), r.Test, r.Message)
	}
	var parts []string
	for _, s := range attest.ResultStatuses {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	summary := fmt.Sprintf("%d tests, %d resources, %d results", len(tests), len(c.Resources), len(results))
	if len(parts) > 0 {
		summary += ": " + strings.Join(parts, ", ")
	}
	// The summary goes to standard error with --json, so standard output stays one object per line.
	if *asJSON {
		fmt.Fprintln(e.stderr, summary)
	} else {
		fmt.Fprintln(e.stdout, summary)
	}
	if n := counts[attest.ResultFail]; n > 0 {
		return fmt.Errorf("%d of %d results failed", n, len(results))
	}
	return nil
}

// runTestList prints the tests with their versions.
func runTestList(e *env, args []string) error {
	f := newFlags("test list", e)
	dir := f.fs.String("tests", "", "directory of test YAML files (default: the built-in tests)")
	asJSON := f.fs.Bool("json", false, "print one JSON object per test: the definition and its version")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	tests, err := loadTests(*dir)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	for _, t := range tests {
		if *asJSON {
			if err := enc.Encode(struct {
				engine.Definition
				Version string `json:"version"`
			}{t.Definition, t.Version}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%-45s %-8s %-20s %s\n", t.ID, t.Severity, t.ResourceType, t.Title)
	}
	if !*asJSON {
		fmt.Fprintf(e.stdout, "%d tests\n", len(tests))
	}
	return nil
}

// loadTests compiles the tests of dir, or the built-in ones when dir is "".
func loadTests(dir string) ([]*engine.Test, error) {
	var fsys fs.FS = catalog.TestFiles
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("--tests: %w", err)
		}
		if !st.IsDir() {
			return nil, usagef("--tests: %s is not a directory", dir)
		}
		fsys = os.DirFS(dir)
	}
	tests, err := engine.LoadFS(fsys, engine.Options{})
	if err != nil {
		return nil, err
	}
	if len(tests) == 0 {
		return nil, fmt.Errorf("--tests: no *.yaml test files in %s", dir)
	}
	return tests, nil
}

// readCollection reads a snapshot: either a collection object (the
// attest.Collection fields, matched case-insensitively: resources, failed,
// warnings) or a bare JSON list of resources.
func readCollection(path string) (attest.Collection, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return attest.Collection{}, fmt.Errorf("--resources: %w", err)
	}
	var c attest.Collection
	trimmed := bytes.TrimSpace(b)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		err = json.Unmarshal(trimmed, &c.Resources)
	case len(trimmed) > 0 && trimmed[0] == '{':
		err = json.Unmarshal(trimmed, &c)
	default:
		err = fmt.Errorf("want a JSON object or list")
	}
	if err != nil {
		return attest.Collection{}, fmt.Errorf("--resources %s: %w", path, err)
	}
	for i, r := range c.Resources {
		if r.Type == "" || r.Key == "" {
			return attest.Collection{}, fmt.Errorf("--resources %s: resource %d: type and key are required", path, i+1)
		}
	}
	return c, nil
}
