// Package csvfiletest holds the checks every CSV import's fuzz target makes,
// so that each states only what its own rows must satisfy.
package csvfiletest

import (
	"bytes"
	"regexp"
	"runtime"
	"strconv"
	"testing"

	"github.com/attest-hq/attest"
)

var lineInMessage = regexp.MustCompile(`line (\d+)`)

// Lines is how many lines data has (a last line without a newline counts).
func Lines(data []byte) int { return bytes.Count(data, []byte("\n")) + 1 }

// FileError fails t unless err is an attest.Invalid on "file" whose every
// "line N" lies inside data: a refused file always says where.
func FileError(t testing.TB, data []byte, err error) {
	t.Helper()
	if attest.ErrorField(err) != "file" || attest.ErrorMessage(err) == "" {
		t.Fatalf("error not an explained attest.Invalid on the field file: %v", err)
	}
	Within(t, data, attest.ErrorMessage(err))
}

// Within fails t if msg names a line outside data.
func Within(t testing.TB, data []byte, msg string) {
	t.Helper()
	for _, m := range lineInMessage.FindAllStringSubmatch(msg, -1) {
		if n, _ := strconv.Atoi(m[1]); n < 1 || n > Lines(data) {
			t.Fatalf("names line %d of a %d-line input: %s", n, Lines(data), msg)
		}
	}
}

// Rising fails t unless lines rise and lie after the header, inside data.
func Rising(t testing.TB, data []byte, lines []int) {
	t.Helper()
	last := 1
	for _, l := range lines {
		if l <= last || l > Lines(data) {
			t.Fatalf("row on line %d after line %d of a %d-line input", l, last, Lines(data))
		}
		last = l
	}
}

// PerByte bounds what reading one input byte may allocate: a CSV row's
// fields, its map of columns and its record. Memory grows with the input,
// which the import's Spec.MaxSize bounds, never with what the input says.
const PerByte = 4 << 10

// Bounded runs read and fails t if it allocated more than 1 MiB plus
// PerByte for each byte of data.
func Bounded(t testing.TB, data []byte, read func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	read()
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20+PerByte*uint64(len(data)) {
		t.Fatalf("reading %d bytes allocated %d bytes", len(data), n)
	}
}

// Add adds each file as a seed of f.
func Add(f *testing.F, files ...string) {
	for _, s := range files {
		f.Add([]byte(s))
	}
}
