package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
)

func TestAuditSampleWritesAndVerifiesWorkpaper(t *testing.T) {
	dir := t.TempDir()
	pop := filepath.Join(dir, "pop.json")
	var items []string
	for i := range 30 {
		items = append(items, `{"id":"chg-`+string(rune('A'+i%26))+string(rune('a'+i/26))+`","occurred_at":"2026-0`+string(rune('1'+i%9))+`-01T00:00:00Z","summary":"change"}`)
	}
	if err := os.WriteFile(pop, []byte("["+strings.Join(items, ",")+"]"), 0o600); err != nil {
		t.Fatal(err)
	}
	paper := filepath.Join(dir, "wp.json")
	r := runCLI(t, nil, "", "audit", "sample", "--audit", "A-1", "--control", "CC8.1", "--population", pop, "--out", paper)
	if r.code != 0 || !strings.Contains(r.stdout, "sampled 8 of 30") {
		t.Fatalf("sample: %+v", r)
	}
	r = runCLI(t, nil, "", "audit", "sample", "--verify", paper)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "match: 8 of 30") {
		t.Fatalf("verify: %+v", r)
	}

	data, _ := os.ReadFile(paper)
	var w attest.Workpaper
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	w.Population[2].Summary = "rewritten"
	data, _ = json.Marshal(w)
	os.WriteFile(paper, data, 0o600)
	r = runCLI(t, nil, "", "audit", "sample", "--verify", paper)
	if r.code != 1 || !strings.Contains(r.stderr, "mismatch: population_hash") {
		t.Fatalf("tampered: %+v", r)
	}

	os.WriteFile(paper, []byte("{not json"), 0o600)
	r = runCLI(t, nil, "", "audit", "sample", "--verify", paper)
	if r.code != 1 || !strings.Contains(r.stderr, "workpaper: not a workpaper") {
		t.Fatalf("bad JSON: %+v", r)
	}
}
