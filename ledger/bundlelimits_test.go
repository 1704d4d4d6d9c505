package ledger

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// These tests reproduce, at a small scale, bundles that once exhausted memory
// or time, and prove each limit is enforced by lowering it. bench/bundle runs
// the same shapes at full size and measures time and memory.

// withLimits lowers VerifyBundle's limits for one test.
func withLimits(t *testing.T, set func(*bundleLimits)) {
	saved := limits
	set(&limits)
	t.Cleanup(func() { limits = saved })
}

// bundleWith returns the fixture's bundle with one file's content replaced.
func bundleWith(t *testing.T, f *fixture, name string, data []byte) []byte {
	t.Helper()
	files := unzip(t, f.write(t, f.bundle))
	find(files, name).data = data
	return rezip(t, files)
}

func wantRefused(t *testing.T, what string, data []byte, f *fixture, wants ...string) {
	t.Helper()
	_, err := verifyBytes(data, f.pub)
	if err == nil {
		t.Fatalf("%s: verified, want an error containing %q", what, wants)
	}
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", what, err, want)
		}
	}
}

func TestNewlineBombIsRefusedAtTheFirstLine(t *testing.T) {
	// Once, the entries were pre-sized from the newline count: 255 MiB of
	// newlines asked for billions of entries. Now the first empty line fails.
	f := newFixture(t)
	wantRefused(t, "newlines", bundleWith(t, f, ledgerFile, bytes.Repeat([]byte("\n"), 4<<20)), f, "ledger.jsonl line 1:")
}

func TestEachFileIsBounded(t *testing.T) {
	f := newFixture(t)
	good := f.write(t, f.bundle)
	files := unzip(t, good)
	for _, c := range []struct {
		name string
		set  func(*bundleLimits, int64)
	}{
		{indexFile, func(l *bundleLimits, n int64) { l.index = n }},
		{ledgerFile, func(l *bundleLimits, n int64) { l.ledger = n }},
		{checkpointsFile, func(l *bundleLimits, n int64) { l.checkpoints = n }},
	} {
		t.Run(c.name, func(t *testing.T) {
			size := int64(len(find(files, c.name).data))
			withLimits(t, func(l *bundleLimits) { c.set(l, size) })
			if _, err := verifyBytes(good, f.pub); err != nil {
				t.Fatalf("at the limit: %v", err)
			}
			withLimits(t, func(l *bundleLimits) { c.set(l, size-1) })
			wantRefused(t, "one byte over", good, f, fmt.Sprintf("%s inflates to more than %d bytes", c.name, size-1))
		})
	}
	t.Run(readmeFile, func(t *testing.T) {
		withLimits(t, func(l *bundleLimits) { l.readme = 10 })
		wantRefused(t, "long readme", good, f, "README.txt is", "more than the 10 bytes")
	})
}

func TestInflatedMembersStopAtTheLimit(t *testing.T) {
	// A deflated member of zeros inflates a thousandfold; reading stops at the
	// limit, whatever follows.
	f := newFixture(t)
	withLimits(t, func(l *bundleLimits) { l.index, l.ledger, l.checkpoints, l.line = 1<<20, 1<<20, 1<<20, 16<<20 })
	zeros := bytes.Repeat([]byte("a"), 8<<20)
	for _, name := range []string{indexFile, ledgerFile, checkpointsFile} {
		var data []byte
		switch name {
		case indexFile: // a valid start, then a string that never ends
			data = append([]byte(`{"format":"attest-bundle-v2","org":"`), zeros...)
		case checkpointsFile:
			data = append([]byte(`[`), bytes.Repeat([]byte(" "), 8<<20)...)
		default:
			data = zeros
		}
		wantRefused(t, name, bundleWith(t, f, name, data), f, name+" inflates to more than 1 MiB")
	}
}

func TestLedgerLineIsBounded(t *testing.T) {
	f := newFixture(t)
	withLimits(t, func(l *bundleLimits) { l.line = 1000 })
	long := `{"org":"` + strings.Repeat("a", 2000) + "\"}\n"
	wantRefused(t, "long line", bundleWith(t, f, ledgerFile, []byte(long)), f, "ledger.jsonl line 1 is longer than 1000 bytes")
}

func TestCountsAreBounded(t *testing.T) {
	f := newFixture(t)
	good := f.write(t, f.bundle)
	cases := []struct {
		what string
		set  func(*bundleLimits)
		want string
	}{
		{"entries", func(l *bundleLimits) { l.entries = 4 }, "ledger.jsonl has more than 4 entries"},
		{"items", func(l *bundleLimits) { l.items = 4 }, "index.json: more than 4 evidence items and records"},
		{"checkpoints", func(l *bundleLimits) { l.checkpts = 1 }, "checkpoints.json: more than 1 checkpoints"},
		{"members", func(l *bundleLimits) { l.members = 18 }, "the archive holds 19 files, more than the 18"},
		{"directory", func(l *bundleLimits) { l.directory = 100 }, "central directory is"},
	}
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			withLimits(t, func(l *bundleLimits) {})
			if _, err := verifyBytes(good, f.pub); err != nil {
				t.Fatalf("before lowering the limit: %v", err)
			}
			withLimits(t, c.set)
			wantRefused(t, c.what, good, f, c.want)
		})
	}
}

func TestDuplicateItemsAreRefusedInLinearTime(t *testing.T) {
	// Items that share an ID were once compared with each other, pair by pair:
	// 80,000 of them took a minute. This test does not time anything; it proves
	// the refusal names the duplicate. bench/bundle measures the time.
	f := newFixture(t)
	files := unzip(t, f.write(t, f.bundle))
	ev, _ := marshal(f.bundle.Evidence[0])
	items := bytes.Repeat(append(ev, ','), 20_000)
	idx := string(find(files, indexFile).data)
	start := strings.Index(idx, `"evidence":[`) + len(`"evidence":[`)
	find(files, indexFile).data = []byte(idx[:start] + "\n" + string(items) + idx[start+1:])
	wantRefused(t, "duplicates", rezip(t, files), f, "lists evidence 101 with record hash "+f.bundle.Evidence[0].RecordHash+" twice")

	// Versions of one item (same ID, other record hashes) are legitimate in
	// index.json, but each must be recorded by an entry. Thousands of them were
	// the quadratic case: each was compared with every other.
	b := f.bundle
	b.Evidence = slices.Clone(b.Evidence)
	for i := range 5_000 {
		b.Evidence = append(b.Evidence, withRecord(t, withNotes(f.bundle.Evidence[0], fmt.Sprint("unrecorded version ", i))))
	}
	first := b.Evidence[len(f.bundle.Evidence)]
	wantRefused(t, "unrecorded versions", f.write(t, b), f, "evidence 101 (record hash "+first.RecordHash+") is in index.json, but no ledger entry records it")
}

func withNotes(ev BundleEvidence, notes string) BundleEvidence {
	ev.Notes = notes
	return ev
}

func TestDuplicateOrUnexpectedMembersAreRefused(t *testing.T) {
	f := newFixture(t)
	files := unzip(t, f.write(t, f.bundle))
	dup := rezip(t, append(files, *find(files, ledgerFile)))
	wantRefused(t, "twice", dup, f, `the archive holds "ledger.jsonl" more than once`)
	extra := rezip(t, append(files, zfile{name: "notes.txt", data: []byte("x"), mode: 0o644}))
	wantRefused(t, "extra", extra, f, `unexpected file "notes.txt"`)
}

func TestIndexFieldsAreStrict(t *testing.T) {
	f := newFixture(t)
	idx := string(unzipFile(t, f, indexFile))
	for what, c := range map[string]struct{ data, want string }{
		"unknown field":  {strings.Replace(idx, `"org":`, `"extra":1,"org":`, 1), `index.json: unknown field "extra"`},
		"repeated field": {strings.Replace(idx, `"org":`, `"org":"other","org":`, 1), `index.json: field "org" appears twice`},
		"trailing data":  {idx + "{}", "index.json: unexpected data after the JSON value"},
		"not an array":   {strings.Replace(idx, `"evidence":[`, `"evidence":{"a":[`, 1), `index.json: "evidence" is not an array`},
		"deep nesting":   {strings.Replace(idx, `"org":`, `"org":`+strings.Repeat("[", 100_000), 1), "index.json:"},
		"null records":   {strings.Replace(idx, `"records":[`, `"records":null,"x":[`, 1), `"records" is null`},
	} {
		wantRefused(t, what, bundleWith(t, f, indexFile, []byte(c.data)), f, c.want)
	}
}

func unzipFile(t *testing.T, f *fixture, name string) []byte {
	return find(unzip(t, f.write(t, f.bundle)), name).data
}

func TestEachValueIsBounded(t *testing.T) {
	// The decoder buffers a whole value and decoding copies it: one huge string
	// within the file's limit must still not be held several times over.
	f := newFixture(t)
	idx := string(unzipFile(t, f, indexFile))
	withLimits(t, func(l *bundleLimits) { l.value = 4096 })
	if _, err := verifyBytes(f.write(t, f.bundle), f.pub); err != nil {
		t.Fatalf("values under the limit: %v", err)
	}
	huge := strings.Replace(idx, `"notes":""`, `"notes":"`+strings.Repeat("n", 1<<20)+`"`, 1)
	wantRefused(t, "huge notes", bundleWith(t, f, indexFile, []byte(huge)), f, "index.json: evidence item 1:", "longer than 4096 bytes")
	org := strings.Replace(idx, `"org":"acme"`, `"org":"`+strings.Repeat("a", 1<<20)+`"`, 1)
	wantRefused(t, "huge org", bundleWith(t, f, indexFile, []byte(org)), f, "index.json:", "longer than 4096 bytes")
}
