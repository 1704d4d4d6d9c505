package monitor

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/attest-hq/attest"
)

// A large account's snapshot holds a hundred thousand resources, and
// encoding/json spends most of a collection's own time on it: reflection on
// every map, then a decode of the whole file so that tests judge the
// snapshot as stored. The functions here do both directly for the values
// connectors produce (nil, booleans, integers, strings, lists and maps of
// them) and report ok=false for anything else, which then takes
// encoding/json's path. TestSnapshotFastPathMatchesEncodingJSON holds them to
// encoding/json's bytes and to ReadSnapshot's values.

// maxFastDepth is how deep a value may nest for the direct path; anything
// deeper (or a map that holds itself) takes encoding/json's, which reports
// a cycle as an error where recursion here would exhaust the stack.
const maxFastDepth = 1000

// appendSnapshotJSON writes s (normalized: Format set, resources sorted,
// Data and Failed not nil) as encoding/json writes it with HTML escaping
// off.
func appendSnapshotJSON(b []byte, s Snapshot) (_ []byte, ok bool) {
	b = append(b, `{"format":`...)
	b = appendJSONString(b, s.Format)
	b = append(b, `,"connector":`...)
	b = appendJSONString(b, s.Connector)
	b = append(b, `,"resources":`...)
	if s.Resources == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range s.Resources {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = appendJSONString(b, r.Type)
			b = append(b, `,"key":`...)
			b = appendJSONString(b, r.Key)
			b = append(b, `,"data":`...)
			if b, ok = appendJSONValue(b, r.Data, 0); !ok {
				return nil, false
			}
			if len(r.Unavailable) > 0 { // omitempty
				b = append(b, `,"unavailable":`...)
				b = appendStringMap(b, r.Unavailable)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"failed":`...)
	b = appendStringMap(b, s.Failed)
	return append(b, '}'), true
}

func appendJSONValue(b []byte, v any, depth int) (_ []byte, ok bool) {
	if depth > maxFastDepth {
		return nil, false
	}
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, v), true
	case string:
		return appendJSONString(b, v), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int32:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case []string:
		return appendJSONList(b, v, depth)
	case []any:
		return appendJSONList(b, v, depth)
	case []map[string]any:
		return appendJSONList(b, v, depth)
	case map[string]string:
		return appendJSONObject(b, v, depth)
	case map[string]any:
		return appendJSONObject(b, v, depth)
	}
	return nil, false
}

func appendJSONList[T any](b []byte, l []T, depth int) (_ []byte, ok bool) {
	if l == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, x := range l {
		if i > 0 {
			b = append(b, ',')
		}
		if b, ok = appendJSONValue(b, x, depth+1); !ok {
			return nil, false
		}
	}
	return append(b, ']'), true
}

// appendJSONObject writes a map as encoding/json does: keys in byte order.
func appendJSONObject[V any](b []byte, m map[string]V, depth int) (_ []byte, ok bool) {
	if m == nil {
		return append(b, "null"...), true
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if b, ok = appendJSONValue(b, m[k], depth+1); !ok {
			return nil, false
		}
	}
	return append(b, '}'), true
}

// appendStringMap writes a map of strings, which always encodes.
func appendStringMap(b []byte, m map[string]string) []byte {
	b, _ = appendJSONObject(b, m, 0)
	return b
}

// sortedKeys orders a map's keys as encoding/json does: by their bytes.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendJSONString writes a string with nothing to escape at once, and
// leaves any other (quotes, control characters, anything beyond ASCII) to
// encoding/json, whose rules (U+2028, invalid UTF-8) it then keeps.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// asRead returns s (normalized) as ReadSnapshot reads its bytes back: every
// integer an int64, lists []any and objects map[string]any, a nil list or
// object inside data nil, an empty Unavailable absent. ok is false where
// the bytes could read back differently (a string that is not valid UTF-8)
// or for a value it does not know.
func asRead(s Snapshot) (_ Snapshot, ok bool) {
	out := Snapshot{Format: s.Format, Connector: s.Connector, Failed: map[string]string{}}
	if !validStrings(s.Format, s.Connector) {
		return Snapshot{}, false
	}
	for k, v := range s.Failed {
		if !validStrings(k, v) {
			return Snapshot{}, false
		}
		out.Failed[k] = v
	}
	if s.Resources != nil {
		out.Resources = make([]attest.Resource, len(s.Resources))
	}
	for i, r := range s.Resources {
		if !validStrings(r.Type, r.Key) {
			return Snapshot{}, false
		}
		data, ok := readValue(r.Data, 0)
		if !ok {
			return Snapshot{}, false
		}
		m, _ := data.(map[string]any)
		if m == nil {
			m = map[string]any{} // normalized never leaves Data nil; as if it had
		}
		res := attest.Resource{Type: r.Type, Key: r.Key, Data: m}
		if len(r.Unavailable) > 0 {
			res.Unavailable = make(map[string]string, len(r.Unavailable))
			for k, v := range r.Unavailable {
				if !validStrings(k, v) {
					return Snapshot{}, false
				}
				res.Unavailable[k] = v
			}
		}
		out.Resources[i] = res
	}
	return out, true
}

func validStrings(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// readValue is v as decoding its JSON (with plainNumbers) yields it.
func readValue(v any, depth int) (_ any, ok bool) {
	if depth > maxFastDepth {
		return nil, false
	}
	switch v := v.(type) {
	case nil:
		return nil, true
	case bool:
		return v, true
	case string:
		return v, utf8.ValidString(v)
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case []string:
		return readList(v, depth)
	case []any:
		return readList(v, depth)
	case []map[string]any:
		return readList(v, depth)
	case map[string]string:
		if v == nil {
			return nil, true
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			if !validStrings(k, x) {
				return nil, false
			}
			out[k] = x
		}
		return out, true
	case map[string]any:
		if v == nil {
			return nil, true
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			if !utf8.ValidString(k) {
				return nil, false
			}
			if out[k], ok = readValue(x, depth+1); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

func readList[T any](l []T, depth int) (_ any, ok bool) {
	if l == nil {
		return nil, true
	}
	out := make([]any, len(l))
	for i, x := range l {
		if out[i], ok = readValue(x, depth+1); !ok {
			return nil, false
		}
	}
	return out, true
}
