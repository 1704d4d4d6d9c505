package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// goldenEntry is the test vector of the package documentation's format. Its time
// is in another zone and has nanoseconds, to pin UTC conversion and truncation.
func goldenEntry() Entry {
	return Entry{
		Org:        "acme",
		Seq:        7,
		Prev:       strings.Repeat("ab", 32),
		RecordType: "evidence",
		RecordID:   "42",
		RecordHash: strings.Repeat("cd", 32),
		At:         time.Date(2026, 3, 1, 14, 34, 56, 789012345, time.FixedZone("CEST", 2*3600)),
	}
}

// goldenHash was computed once, and independently with Python's hashlib over the
// same hand-written bytes. It must never change: every stored chain depends on it.
const goldenHash = "c0614bb7f5185e92ac86b9e52563706cff85ab5d3c96de460d9e9d2d3b1ac13b"

func TestCanonicalGolden(t *testing.T) {
	// Built by hand from the documented rules, not from the implementation.
	want := "attest-ledger-v1\n" +
		"org:4:acme\n" +
		"seq:1:7\n" +
		"prev:64:" + strings.Repeat("ab", 32) + "\n" +
		"record_type:8:evidence\n" +
		"record_id:2:42\n" +
		"record_hash:64:" + strings.Repeat("cd", 32) + "\n" +
		"at:27:2026-03-01T12:34:56.789012Z\n"
	e := goldenEntry()
	if got := string(Canonical(e)); got != want {
		t.Fatalf("Canonical:\n%q\nwant\n%q", got, want)
	}
	sum := sha256.Sum256([]byte(want))
	if hex.EncodeToString(sum[:]) != goldenHash {
		t.Fatalf("the hand-built bytes hash to %x, want the golden %s", sum, goldenHash)
	}
	if got := e.ComputeHash(); got != goldenHash {
		t.Fatalf("ComputeHash = %s, want %s", got, goldenHash)
	}
	e.Hash = "anything" // Hash is not part of what it hashes
	if got := e.ComputeHash(); got != goldenHash {
		t.Fatalf("ComputeHash depends on Hash: %s", got)
	}
}

func TestCanonicalIsUnambiguous(t *testing.T) {
	// Without length prefixes these two would share canonical bytes.
	a := Entry{Org: "acme", RecordType: "evidence\nrecord_id:1", RecordID: "2"}
	b := Entry{Org: "acme", RecordType: "evidence", RecordID: "1\nrecord_id:2"}
	if a.ComputeHash() == b.ComputeHash() {
		t.Fatal("entries that differ only in where a newline falls hash alike")
	}
	// Long fields spill past ComputeHash's stack buffer and must still agree with Canonical.
	long := Entry{Org: strings.Repeat("o", 1000), RecordID: strings.Repeat("é", 500)}
	sum := sha256.Sum256(Canonical(long))
	if long.ComputeHash() != hex.EncodeToString(sum[:]) {
		t.Fatal("ComputeHash and Canonical disagree on a long entry")
	}
}

func TestNext(t *testing.T) {
	at := time.Date(2026, 3, 1, 14, 34, 56, 789012345, time.FixedZone("CEST", 2*3600))
	first := Next(nil, "acme", "evidence", "1", strings.Repeat("cd", 32), at)
	if first.Seq != 1 || first.Prev != ZeroHash {
		t.Fatalf("first entry: seq %d prev %s", first.Seq, first.Prev)
	}
	if want := time.Date(2026, 3, 1, 12, 34, 56, 789012000, time.UTC); !first.At.Equal(want) || first.At.Location() != time.UTC {
		t.Fatalf("At = %v, want %v in UTC", first.At, want)
	}
	if first.Hash != first.ComputeHash() {
		t.Fatal("Next did not hash the entry it returned")
	}
	second := Next(&first, "acme", "evidence", "2", strings.Repeat("cd", 32), at)
	if second.Seq != 2 || second.Prev != first.Hash || second.Hash != second.ComputeHash() {
		t.Fatalf("second entry: %+v", second)
	}
}

func TestComputeHashAllocations(t *testing.T) {
	e := goldenEntry()
	// One allocation: the hex string. The canonical bytes stay on the stack.
	if n := testing.AllocsPerRun(100, func() { _ = e.ComputeHash() }); n > 1 {
		t.Errorf("ComputeHash allocates %v times per call, want at most 1", n)
	}
}

func TestEntryJSON(t *testing.T) {
	e := goldenEntry()
	e.Hash = e.ComputeHash()
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"org":"acme","seq":7,"prev":"` + e.Prev + `","record_type":"evidence","record_id":"42","record_hash":"` +
		e.RecordHash + `","at":"2026-03-01T12:34:56.789012Z","hash":"` + goldenHash + `"}`
	if string(data) != want {
		t.Fatalf("JSON:\n%s\nwant\n%s", data, want)
	}
	var back Entry
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.ComputeHash() != goldenHash || back.Hash != goldenHash {
		t.Fatalf("round trip changed the entry: %+v", back)
	}
	for _, bad := range []struct{ json, want string }{
		{`{"org":"acme","seq":1,"extra":true}`, `unknown field "extra"`},
		{`{"org":"acme","seq":1,"at":"yesterday"}`, `at "yesterday" is not an RFC 3339 time`},
		{`{"org":"acme","seq":"1"}`, "cannot unmarshal string"},
	} {
		err := json.Unmarshal([]byte(bad.json), &back)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Unmarshal(%s) = %v, want an error containing %q", bad.json, err, bad.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	cases := map[time.Time]string{
		time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC):                      "2026-03-01T12:00:00.000000Z",
		time.Date(2026, 3, 1, 12, 0, 0, 999999999, time.UTC):              "2026-03-01T12:00:00.999999Z", // truncated, not rounded
		time.Date(2026, 3, 1, 0, 30, 0, 1000, time.FixedZone("X", -3600)): "2026-03-01T01:30:00.000001Z",
		{}: "0001-01-01T00:00:00.000000Z",
	}
	for in, want := range cases {
		if got := FormatTime(in); got != want || len(got) != 27 {
			t.Errorf("FormatTime(%v) = %s, want %s", in, got, want)
		}
	}
}

// BenchmarkNext appends 100,000 entries per iteration: the ledger's side of the
// "100,000 appends in under 10 s" budget.
func BenchmarkNext(b *testing.B) {
	const n = 100_000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
	}
	recordHash := strings.Repeat("cd", 32)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		var prev Entry
		for i := range n {
			p := &prev
			if i == 0 {
				p = nil
			}
			prev = Next(p, "acme", RecordTypeEvidence, ids[i], recordHash, at)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
}
