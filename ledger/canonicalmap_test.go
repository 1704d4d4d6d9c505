package ledger

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// The direct path of HashRecord writes exactly what the general one
// (encoding/json, then CanonicalJSON) writes, for random records of the
// shapes it takes, strings full of what escaping treats specially; and
// records it does not take (floats, invalid UTF-8, other types) still hash
// as the general path does.
func TestCanonicalMapMatchesCanonicalJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := []string{"a", "Z", "é", "日本", "🙂", `"`, `\`, "/", "<", ">", "&", "\u2028", "\u2029", "\ufffd", "\x7f",
		"\x00", "\x01", "\x08", "\x09", "\x0a", "\x0c", "\x0d", "\x1f", " ", "{", "}", ":", ","}
	str := func() string {
		var b []byte
		for range rng.IntN(8) {
			b = append(b, pool[rng.IntN(len(pool))]...)
		}
		return string(b)
	}
	var value func(depth int) any
	value = func(depth int) any {
		switch rng.IntN(9) {
		case 0:
			return nil
		case 1:
			return rng.IntN(2) == 0
		case 2:
			return rng.Int64() - math.MaxInt64/2
		case 3:
			return rng.IntN(1000) - 500
		case 4:
			return int32(rng.Int32())
		case 5:
			if rng.IntN(4) == 0 {
				return []string(nil)
			}
			l := make([]string, rng.IntN(4))
			for i := range l {
				l[i] = str()
			}
			return l
		case 6:
			if depth < 2 {
				m := map[string]any{}
				for range rng.IntN(4) {
					m[str()] = value(depth + 1)
				}
				return m
			}
			return str()
		default:
			return str()
		}
	}
	general := func(v any) []byte {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out, err := CanonicalJSON(raw)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	direct := 0
	for i := range 5000 {
		rec := map[string]any{}
		for range 1 + rng.IntN(12) {
			rec[str()] = value(0)
		}
		switch i % 50 { // now and then, what the direct path must leave alone
		case 1:
			rec["float"] = 1.5
		case 2:
			rec["bad"] = "a\xffb"
		case 3:
			rec["a\xfe"] = "key"
		case 4:
			rec["list"] = []any{"x", 1}
		}
		want := general(rec)
		hash, got, err := HashRecord(rec)
		if err != nil || !bytes.Equal(got, want) || hash != HashBytes(want) {
			t.Fatalf("record %d:\n got %q (%v)\nwant %q", i, got, err, want)
		}
		if _, ok := appendCanonicalMap(nil, rec); ok {
			direct++
		} else if i%50 < 1 || i%50 > 4 {
			t.Fatalf("record %d took the general path: %q", i, want)
		}
	}
	if direct < 4000 {
		t.Fatalf("only %d of 5000 records took the direct path", direct)
	}
	// A nil map is JSON null, as encoding/json writes it.
	if _, got, err := HashRecord(map[string]any(nil)); err != nil || string(got) != "null" {
		t.Fatalf("a nil record: %q %v", got, err)
	}
}

// An evidence record (evidence.Record's shape), hashed by the direct path
// and by the general one.
func BenchmarkHashRecord(b *testing.B) {
	rec := map[string]any{"type": "evidence", "org": "acme", "uid": "ev_01jd3k2m4n5p6q7r8s9t", "kind": "file",
		"title": "AC-2 evidence, March 2026", "source": "demo", "url": "", "filename": "ac-2-2026-03-01.csv",
		"media_type": "text/csv; charset=utf-8", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"size": int64(62), "collected_at": "2026-03-01T00:00:00.000000Z", "notes": "", "supersedes": "", "controls": []string{"AC-2"},
		"version": 2, "added_by": "manager@demo.attest.test", "added_by_id": int64(3), "stored_at": "2026-12-06T12:00:00.000000Z"}
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := HashRecord(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		for b.Loop() {
			raw, _ := json.Marshal(rec)
			out, err := CanonicalJSON(raw)
			if err != nil {
				b.Fatal(err)
			}
			HashBytes(out)
		}
	})
}
