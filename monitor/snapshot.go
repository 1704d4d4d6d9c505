package monitor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/attest-hq/attest"
)

// SnapshotFormat names the layout of a snapshot file.
const SnapshotFormat = "attest-snapshot-v1"

// MaxSnapshot bounds a snapshot file read back for replay or verification:
// snapshots are written by Attest, but a bundle's may be hostile.
const MaxSnapshot = 512 << 20

// Snapshot is what one collection saw: the file a snapshot record commits to.
// It holds no time, so an unchanged organization yields the same bytes, and
// content addressing stores them once.
type Snapshot struct {
	Format    string            `json:"format"`
	Connector string            `json:"connector"`
	Resources []attest.Resource `json:"resources"`
	Failed    map[string]string `json:"failed"`
}

// Encode returns the snapshot's bytes, the same for the same resources (sorted by type and
// key), and their hex SHA-256.
func (s Snapshot) Encode() ([]byte, string, error) {
	return s.normalized().encode()
}

// Stored returns the snapshot's bytes and their hex SHA-256, as Encode, and
// the snapshot as ReadSnapshot reads those bytes back: what tests judge, so
// that a replay from the file sees exactly what the original evaluation
// saw.
func (s Snapshot) Stored() ([]byte, string, Snapshot, error) {
	n := s.normalized()
	data, sha, err := n.encode()
	if err != nil {
		return nil, "", Snapshot{}, err
	}
	if read, ok := asRead(n); ok && len(data) <= MaxSnapshot {
		return data, sha, read, nil
	}
	read, err := ReadSnapshot(bytes.NewReader(data), sha)
	return data, sha, read, err
}

// normalized is s as its file holds it: the format named, the resources
// sorted by type and key (a copy), no nil Data or Failed.
func (s Snapshot) normalized() Snapshot {
	s.Format = SnapshotFormat
	rs := make([]attest.Resource, len(s.Resources))
	copy(rs, s.Resources)
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Type != rs[j].Type {
			return rs[i].Type < rs[j].Type
		}
		return rs[i].Key < rs[j].Key
	})
	for i := range rs {
		if rs[i].Data == nil {
			rs[i].Data = map[string]any{}
		}
	}
	s.Resources = rs
	if s.Failed == nil {
		s.Failed = map[string]string{}
	}
	return s
}

// encode writes a normalized snapshot. encoding/json is deterministic (map
// keys sorted, struct fields in order), which is all content addressing
// needs; re-encoding the file as canonical JSON, as small ledger records
// are, tripled the cost of snapshotting a large organization. HTML escaping
// is off so that the file reads as the provider sent it.
// appendSnapshotJSON writes the same bytes directly when it knows every
// value.
func (s Snapshot) encode() ([]byte, string, error) {
	// About what a resource takes, so that the buffer seldom grows (each
	// growth copies all of it).
	data, ok := appendSnapshotJSON(make([]byte, 0, 512+384*len(s.Resources)), s)
	if !ok {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			return nil, "", fmt.Errorf("snapshot: %w", err)
		}
		data = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	sum := sha256.Sum256(data)
	return data, hex.EncodeToString(sum[:]), nil
}

// ReadSnapshot reads a snapshot file, checking that it hashes to want and is
// in a known format.
func ReadSnapshot(r io.Reader, want string) (Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSnapshot+1))
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %s: %w", want, err)
	}
	if len(data) > MaxSnapshot {
		return Snapshot{}, fmt.Errorf("snapshot %s is larger than %d MiB", want, MaxSnapshot>>20)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != want {
		return Snapshot{}, fmt.Errorf("snapshot %s was changed: its bytes hash to %s", want, got)
	}
	var s Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %s: %w", want, err)
	}
	if s.Format != SnapshotFormat {
		return Snapshot{}, fmt.Errorf("snapshot %s has format %q; this version reads %q", want, s.Format, SnapshotFormat)
	}
	for i := range s.Resources {
		s.Resources[i].Data = plainNumbers(s.Resources[i].Data).(map[string]any)
	}
	return s, nil
}

// plainNumbers turns json.Number into int64 where the number is an integer
// and float64 otherwise, as the connector produced them, so a replayed test
// sees the same values the original evaluation saw.
func plainNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t == nil {
			return map[string]any{}
		}
		for k, x := range t {
			t[k] = plainNumbers(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = plainNumbers(x)
		}
		return t
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

// Find returns the resource of the snapshot with the given type and key.
func (s Snapshot) Find(ref attest.ResourceRef) (attest.Resource, bool) {
	i := sort.Search(len(s.Resources), func(i int) bool {
		r := s.Resources[i]
		return r.Type > ref.Type || (r.Type == ref.Type && r.Key >= ref.Key)
	})
	if i < len(s.Resources) && s.Resources[i].Type == ref.Type && s.Resources[i].Key == ref.Key {
		return s.Resources[i], true
	}
	return attest.Resource{}, false
}

// Collection returns the snapshot as the collection tests evaluate.
func (s Snapshot) Collection() attest.Collection {
	return attest.Collection{Resources: s.Resources, Failed: s.Failed}
}
