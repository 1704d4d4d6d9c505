package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestCanonicalJSON(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{" { \"z\" : [ 1 , {\"y\":null,\"x\":true} ] , \"a\" : false } ", `{"a":false,"z":[1,{"x":true,"y":null}]}`},
		{`{"é":1,"z":2,"Z":3,"a":4}`, `{"Z":3,"a":4,"z":2,"é":1}`}, // UTF-8 byte order
		{`[]`, `[]`},
		{`{}`, `{}`},
		{`"plain"`, `"plain"`},
		// Only what JSON requires is escaped; HTML characters, DEL and U+2028 are not.
		{`"\"\\\/\b\f\n\r\t\u0001\u001f<>&\u007f\u2028\u00e9\ud83d\ude00"`, "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f<>&\x7f\u2028é😀\""},
		// Integers are kept digit for digit; other numbers are written the ECMAScript way.
		{`[9223372036854775807, -12, 0, -0, 123456789012345678901234567890]`, `[9223372036854775807,-12,0,0,123456789012345678901234567890]`},
		{`[1.0, 1.5, -0.0, 1e21, 1E-7, 0.000001, 2.5e3]`, `[1,1.5,0,1e+21,1e-7,0.000001,2500]`},
	}
	for _, c := range cases {
		got, err := CanonicalJSON([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("CanonicalJSON(%s) = %s, %v\nwant %s", c.in, got, err, c.want)
		}
		// Canonical form is a fixed point.
		if again, err := CanonicalJSON(got); err != nil || string(again) != string(got) {
			t.Errorf("CanonicalJSON is not stable on %s: %s", got, again)
		}
	}
	for _, bad := range []struct{ in, want string }{
		{`{"a":1,"a":2}`, `duplicate object key "a"`},
		{`{"a":1} {"b":2}`, "unexpected data after the value"},
		{`{"a":1}}`, "unexpected data after the value"},
		{`{"a":`, "canonical JSON"},
		{`[1e400]`, "does not fit a float64"},
		{``, "canonical JSON"},
	} {
		_, err := CanonicalJSON([]byte(bad.in))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("CanonicalJSON(%s) = %v, want an error containing %q", bad.in, err, bad.want)
		}
	}
}

func TestHashRecord(t *testing.T) {
	type ab struct {
		B string `json:"b"`
		A int64  `json:"a"`
	}
	h1, c1, err := HashRecord(ab{B: "x<y>", A: 1 << 60})
	if err != nil {
		t.Fatal(err)
	}
	h2, c2, err := HashRecord(map[string]any{"a": int64(1 << 60), "b": "x<y>"})
	if err != nil {
		t.Fatal(err)
	}
	if string(c1) != `{"a":1152921504606846976,"b":"x<y>"}` || string(c1) != string(c2) || h1 != h2 {
		t.Fatalf("field order changed the record: %s (%s) vs %s (%s)", c1, h1, c2, h2)
	}
	sum := sha256.Sum256(c1)
	if h1 != hex.EncodeToString(sum[:]) {
		t.Fatal("HashRecord's hash is not the SHA-256 of its bytes")
	}
	// Invalid UTF-8 becomes U+FFFD, as encoding/json does; it must not break the record.
	if _, c, err := HashRecord("a\xffb"); err != nil || string(c) != "\"a\uFFFDb\"" {
		t.Errorf("HashRecord(invalid UTF-8) = %q, %v", c, err)
	}
	if _, _, err := HashRecord(make(chan int)); err == nil || !strings.Contains(err.Error(), "encoding record") {
		t.Errorf("HashRecord(chan) = %v, want an encoding error", err)
	}
}

func TestHashRecordGolden(t *testing.T) {
	// The hash was computed once, and independently with Python's
	// json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).
	const wantHash = "7c6fd33f4bde3c11db0240139f1be87043bfcc51008969429fe03c4bb47901ae"
	record := map[string]any{
		"id": "42", "title": `Access review <Q1> & "more"`, "kind": "file", "media_type": "application/pdf",
		"filename": "review.pdf", "sha256": strings.Repeat("ef", 32), "size": 1234,
		"collected_at": "2026-03-01T12:00:00.000000Z", "period_start": "2026-01-01T00:00:00.000000Z", "period_end": nil,
		"controls": []string{"IAM-1", "IAM-2"}, "source": "upload", "added_by": "ada@example.com",
		"notes": "line1\nline2\u2028é", "supersedes": "",
	}
	want := `{"added_by":"ada@example.com","collected_at":"2026-03-01T12:00:00.000000Z","controls":["IAM-1","IAM-2"],` +
		`"filename":"review.pdf","id":"42","kind":"file","media_type":"application/pdf","notes":"line1\nline2` + "\u2028" + `é",` +
		`"period_end":null,"period_start":"2026-01-01T00:00:00.000000Z","sha256":"` + strings.Repeat("ef", 32) + `","size":1234,` +
		`"source":"upload","supersedes":"","title":"Access review <Q1> & \"more\""}`
	hash, canonical, err := HashRecord(record)
	if err != nil {
		t.Fatal(err)
	}
	if string(canonical) != want {
		t.Fatalf("record:\n%s\nwant\n%s", canonical, want)
	}
	if hash != wantHash || HashBytes(canonical) != wantHash {
		t.Fatalf("record hash = %s, want %s", hash, wantHash)
	}
}

func TestHashReader(t *testing.T) {
	data := fileContent(7, 3<<20+5) // more than one buffer, not a multiple of it
	hash, n, err := HashReader(bytes.NewReader(data))
	if err != nil || n != int64(len(data)) || hash != HashBytes(data) {
		t.Fatalf("HashReader = %s, %d, %v; want %s, %d", hash, n, err, HashBytes(data), len(data))
	}
	boom := errors.New("disk on fire")
	if _, _, err := HashReader(io.MultiReader(bytes.NewReader(data[:10]), iotest.ErrReader(boom))); !errors.Is(err, boom) {
		t.Fatalf("HashReader hid a read error: %v", err)
	}
}

func TestDecodeRecord(t *testing.T) {
	var rec map[string]any
	if err := DecodeRecord([]byte(`{"size":12,"sha256":"ab"}`), &rec); err != nil || rec["size"] != float64(12) {
		t.Fatalf("DecodeRecord = %v, %v", rec, err)
	}
	if err := DecodeRecord([]byte(`{"a":1} x`), &rec); err == nil {
		t.Fatal("DecodeRecord accepted data after the record")
	}
}
