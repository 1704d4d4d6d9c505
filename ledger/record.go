package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// HashRecord encodes v with encoding/json, rewrites the result in canonical JSON
// (see CanonicalJSON) and returns the hex SHA-256 of the canonical bytes together
// with the bytes themselves. The bytes are what a bundle carries, so a verifier
// only has to hash them, never re-create them.
func HashRecord(v any) (hash string, canonical []byte, err error) {
	if m, ok := v.(map[string]any); ok && m != nil {
		// Most records are maps of strings, integers and lists of strings:
		// written canonically at once, they skip a marshal and a re-parse
		// (most of hashing an evidence record). Anything else, or a string
		// that is not valid UTF-8 (encoding/json would replace its bytes),
		// takes the general path; TestCanonicalMapMatchesCanonicalJSON
		// holds the two to the same bytes.
		if b, ok := appendCanonicalMap(nil, m); ok {
			sum := sha256.Sum256(b)
			return hex.EncodeToString(sum[:]), b, nil
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return "", nil, fmt.Errorf("ledger: encoding record: %w", err)
	}
	canonical, err = CanonicalJSON(raw)
	if err != nil {
		return "", nil, fmt.Errorf("ledger: encoding record: %w", err)
	}
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:]), canonical, nil
}

// appendCanonicalMap writes m in canonical JSON if it holds only values
// appendCanonicalValue knows; ok is false otherwise.
func appendCanonicalMap(b []byte, m map[string]any) (_ []byte, ok bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !utf8.ValidString(k) {
			return nil, false
		}
		keys = append(keys, k)
	}
	slices.Sort(keys) // byte order, as CanonicalJSON sorts
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if b, ok = appendCanonicalValue(b, m[k]); !ok {
			return nil, false
		}
	}
	return append(b, '}'), true
}

// appendCanonicalValue writes the values records are made of as
// CanonicalJSON writes what encoding/json makes of them: nil, booleans,
// integers digit for digit, valid UTF-8 strings, lists of strings and maps
// of these. ok is false for anything else (floats, structs, times).
func appendCanonicalValue(b []byte, v any) (_ []byte, ok bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, v), true
	case string:
		if !utf8.ValidString(v) {
			return nil, false
		}
		return appendJSONString(b, v), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case int32:
		return strconv.AppendInt(b, int64(v), 10), true
	case []string:
		if v == nil {
			return append(b, "null"...), true // as encoding/json writes a nil slice
		}
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendCanonicalValue(b, s); !ok {
				return nil, false
			}
		}
		return append(b, ']'), true
	case map[string]any:
		if v == nil {
			return append(b, "null"...), true
		}
		return appendCanonicalMap(b, v)
	}
	return nil, false
}

// CanonicalJSON rewrites one JSON value in the ledger's canonical form: object keys
// sorted by their UTF-8 bytes, no whitespace, strings escaped as RFC 8785 (JCS)
// does, integers written exactly as given and other numbers as ECMAScript writes
// them. Duplicate object keys are refused, because which one counts would be up to
// the reader. The package documentation has the precise rules.
func CanonicalJSON(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	out, err := canonicalValue(nil, dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("canonical JSON: unexpected data after the value")
	}
	return out, nil
}

func canonicalValue(b []byte, dec *json.Decoder) ([]byte, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	switch t := tok.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, t), nil
	case json.Number:
		return appendNumber(b, t)
	case string:
		return appendJSONString(b, t), nil
	case json.Delim:
		if t == '[' {
			b = append(b, '[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b = append(b, ',')
				}
				if b, err = canonicalValue(b, dec); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil { // the closing ]
				return nil, fmt.Errorf("canonical JSON: %w", err)
			}
			return append(b, ']'), nil
		}
		// An object: collect members, then write them in key order.
		type member struct {
			key   string
			value []byte
		}
		var members []member
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("canonical JSON: %w", err)
			}
			key := kt.(string) // the decoder guarantees object keys are strings
			v, err := canonicalValue(nil, dec)
			if err != nil {
				return nil, err
			}
			members = append(members, member{key, v})
		}
		if _, err := dec.Token(); err != nil { // the closing }
			return nil, fmt.Errorf("canonical JSON: %w", err)
		}
		slices.SortFunc(members, func(x, y member) int { return strings.Compare(x.key, y.key) })
		b = append(b, '{')
		for i, m := range members {
			if i > 0 {
				if m.key == members[i-1].key {
					return nil, fmt.Errorf("canonical JSON: duplicate object key %q", m.key)
				}
				b = append(b, ',')
			}
			b = appendJSONString(b, m.key)
			b = append(b, ':')
			b = append(b, m.value...)
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("canonical JSON: unexpected token %v", tok)
}

// appendNumber writes integers digit for digit (so int64 IDs and sizes survive
// beyond 2^53, unlike in JCS) and everything else as ECMAScript's Number-to-String,
// which is how encoding/json writes a float64.
func appendNumber(b []byte, n json.Number) ([]byte, error) {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" {
			s = "0"
		}
		return append(b, s...), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: number %s does not fit a float64", s)
	}
	if f == 0 {
		return append(b, '0'), nil // -0 and 0.0 alike
	}
	out, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: number %s: %w", s, err)
	}
	return append(b, out...), nil
}

// appendJSONString escapes as RFC 8785 does, and as Python's json.dumps with
// ensure_ascii=False does: quote, backslash and control characters only.
// Everything else, <, > and & included, is written as its UTF-8 bytes. The input
// comes from the decoder, which has already made it valid UTF-8.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b = append(b, '\\', '"')
		case c == '\\':
			b = append(b, '\\', '\\')
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// HashBytes returns the hex SHA-256 of b: how a record's bytes are turned into
// the RecordHash an entry commits to.
func HashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// DecodeRecord decodes a record's canonical bytes into v as encoding/json does,
// refusing anything after the record.
func DecodeRecord(record []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(record))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the record")
	}
	return nil
}

// copyBufferSize is the read size for hashing files. With 1 MiB reads, hashing
// is bound by SHA-256 itself, not by per-call overhead.
const copyBufferSize = 1 << 20

var copyBuffers = sync.Pool{New: func() any { return new([copyBufferSize]byte) }}

// HashReader streams r through SHA-256 in 1 MiB reads and returns the hex digest
// and the number of bytes read. It never holds more than one buffer of r in
// memory, and buffers are reused across calls, so hashing many small files does
// not allocate a megabyte each.
func HashReader(r io.Reader) (hash string, n int64, err error) {
	buf := copyBuffers.Get().(*[copyBufferSize]byte)
	defer copyBuffers.Put(buf)
	h := sha256.New()
	// Hide any WriterTo (an *os.File has one) so the copy uses our large buffer.
	n, err = io.CopyBuffer(h, struct{ io.Reader }{r}, buf[:])
	return hex.EncodeToString(h.Sum(nil)), n, err
}
