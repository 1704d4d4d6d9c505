package monitor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

// TestSnapshotFastPathMatchesEncodingJSON: the direct encoding writes the
// bytes encoding/json writes, and asRead gives what ReadSnapshot reads from
// them, on random snapshots of every value kind connectors produce (strings
// with quotes, control characters, U+2028, HTML characters, other scripts
// and invalid UTF-8; nil and empty lists and maps at every depth); a value
// it does not know (a float, a time, a struct) takes encoding/json's path
// and still agrees.
func TestSnapshotFastPathMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	strs := []string{"", "plain", `quo"te`, `back\slash`, "tab\tnew\nline\r", "\b\f\x01\x1f", "<a href=x>&amp;</a>",
		"line\u2028sep\u2029", "héllo wörld", "日本語", "emoji 🙂", "\x7f", "bad\xffutf8", "\xc3"}
	str := func() string { return strs[rng.IntN(len(strs))] }
	var value func(depth int, known bool) any
	value = func(depth int, known bool) any {
		n := 12
		if depth > 2 {
			n = 6 // scalars only
		}
		if !known && rng.IntN(8) == 0 {
			return []any{1.5, time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), struct{ A int }{7}, float64(3), uint8(4)}[rng.IntN(5)]
		}
		switch rng.IntN(n) {
		case 0:
			return nil
		case 1:
			return rng.IntN(2) == 0
		case 2, 3:
			return str()
		case 4:
			return []any{0, -1, 1 << 40, 9223372036854775807}[rng.IntN(4)]
		case 5:
			return []any{int32(-7), int64(-9223372036854775808)}[rng.IntN(2)]
		case 6:
			if rng.IntN(4) == 0 {
				return []string(nil)
			}
			l := make([]string, rng.IntN(3))
			for i := range l {
				l[i] = str()
			}
			return l
		case 7:
			if rng.IntN(4) == 0 {
				return []any(nil)
			}
			l := make([]any, rng.IntN(3))
			for i := range l {
				l[i] = value(depth+1, known)
			}
			return l
		case 8:
			if rng.IntN(4) == 0 {
				return map[string]string(nil)
			}
			m := map[string]string{}
			for range rng.IntN(3) {
				m[str()] = str()
			}
			return m
		case 9:
			if rng.IntN(4) == 0 {
				return []map[string]any(nil)
			}
			l := make([]map[string]any, rng.IntN(3))
			for i := range l {
				l[i], _ = value(depth+1, known).(map[string]any)
			}
			return l
		default:
			if rng.IntN(6) == 0 {
				return map[string]any(nil)
			}
			m := map[string]any{}
			for range rng.IntN(4) {
				m[str()] = value(depth+1, known)
			}
			return m
		}
	}
	fast, slow := 0, 0
	for i := range 3000 {
		known := i%3 != 0
		s := Snapshot{Connector: "c" + str(), Failed: map[string]string{}}
		if rng.IntN(3) == 0 {
			s.Failed = nil
		} else {
			for range rng.IntN(2) {
				s.Failed[str()] = str()
			}
		}
		for range rng.IntN(5) {
			r := attest.Resource{Type: []string{"t.a", "t.b", str()}[rng.IntN(3)], Key: str()}
			if rng.IntN(5) != 0 {
				r.Data = map[string]any{}
				for range rng.IntN(5) {
					r.Data[str()] = value(0, known)
				}
			}
			switch rng.IntN(3) {
			case 0:
				r.Unavailable = map[string]string{}
			case 1:
				r.Unavailable = map[string]string{str(): str()}
			}
			s.Resources = append(s.Resources, r)
		}
		n := s.normalized()
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(n); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		got, sha, read, err := s.Stored()
		if err != nil {
			t.Fatalf("snapshot %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("snapshot %d: bytes differ\n got %s\nwant %s", i, got, want)
		}
		wantRead, err := ReadSnapshot(bytes.NewReader(want), sha)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(read, wantRead) {
			t.Fatalf("snapshot %d: read back differently\n got %#v\nwant %#v", i, read, wantRead)
		}
		_, okEnc := appendSnapshotJSON(nil, n)
		_, okRead := asRead(n)
		if okEnc && okRead {
			fast++
		} else {
			slow++
		}
		if known && !okEnc {
			t.Fatalf("snapshot %d: only known values, but the direct encoding gave up: %s", i, want)
		}
	}
	// Both paths must have been exercised for the comparison to mean
	// anything.
	if fast < 500 || slow < 500 {
		t.Errorf("%d snapshots took the direct path and %d encoding/json's", fast, slow)
	}
}

// BenchmarkSnapshotStored: a large account's snapshot, directly and through
// encoding/json (encode, then read back), as the monitor used to.
func BenchmarkSnapshotStored(b *testing.B) {
	s := Snapshot{Connector: "aws"}
	for i := range 20000 {
		s.Resources = append(s.Resources, attest.Resource{Type: "aws.ec2_security_group", Key: fmt.Sprintf("sg-%016x", i), Data: map[string]any{
			"id": fmt.Sprintf("sg-%016x", i), "name": fmt.Sprint("group-", i), "vpc_id": "vpc-0f1e2d3c", "region": "us-east-1",
			"open_to_world": []any{map[string]any{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": []string{"0.0.0.0/0"}}},
			"default":       false, "tags": map[string]string{"team": "platform"}}})
	}
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := s.Stored(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(s.normalized()); err != nil {
				b.Fatal(err)
			}
			data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			if _, err := ReadSnapshot(bytes.NewReader(data), shaOf(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func shaOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TestSnapshotFastPathLeavesDeepValues: a value nested deeper than the
// direct path goes is still written and read as encoding/json does it, and
// a map that holds itself is an error, not a crash.
func TestSnapshotFastPathLeavesDeepValues(t *testing.T) {
	deep := map[string]any{"leaf": 1}
	for range maxFastDepth + 50 {
		deep = map[string]any{"in": []any{deep}}
	}
	s := Snapshot{Connector: "c", Resources: []attest.Resource{{Type: "t", Key: "k", Data: deep}}}
	if _, ok := appendSnapshotJSON(nil, s.normalized()); ok {
		t.Fatal("the direct path wrote a value nested past its depth")
	}
	data, sha, read, err := s.Stored()
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadSnapshot(bytes.NewReader(data), sha)
	if err != nil || !reflect.DeepEqual(read, want) {
		t.Fatalf("a deep value read back differently (%v)", err)
	}
	loop := map[string]any{}
	loop["self"] = loop
	if _, _, _, err := (Snapshot{Resources: []attest.Resource{{Type: "t", Key: "k", Data: loop}}}).Stored(); err == nil {
		t.Fatal("a map that holds itself was stored")
	}
}
