package ledger

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// This file reads a bundle's own files as streams, so that memory follows what
// the bundle really holds and not what it claims: nothing is sized from a count
// the archive states, no file is held whole beside its decoded form, and every
// read stops at the file's limit.

// tooLarge is the error of a file that inflates beyond its limit.
type tooLarge struct {
	name  string
	limit int64
}

func (e *tooLarge) Error() string {
	return fmt.Sprintf("bundle: %s inflates to more than %s, the most a bundle's %s may hold", e.name, sizeText(e.limit), e.name)
}

// sizeText writes a limit as people set it: in MiB when it is a whole number of them.
// FormatSize writes a byte count for people: 1.5 MiB, 312 bytes.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitedReader fails with *tooLarge once more than limit bytes are read,
// rather than ending quietly as io.LimitReader does: a truncated file must not
// pass for a short one.
type limitedReader struct {
	r     io.Reader
	name  string
	n     int64
	limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n > l.limit {
		return 0, &tooLarge{l.name, l.limit}
	}
	if rest := l.limit - l.n + 1; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return n, &tooLarge{l.name, l.limit}
	}
	return n, err
}

// openMember opens f for reading at most limit inflated bytes.
func openMember(f *zip.File, name string, limit int64) (io.ReadCloser, io.Reader, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("bundle: opening %s: %w", name, err)
	}
	return rc, &limitedReader{r: rc, name: name, limit: limit}, nil
}

// memberError wraps err with the file's name, unless it already names it.
func memberError(name string, err error) error {
	if tl, ok := errors.AsType[*tooLarge](err); ok {
		return tl
	}
	return fmt.Errorf("bundle: %s: %w", name, err)
}

// valueWindow lets a json.Decoder read at most limit bytes past the start of
// the value it is decoding: the decoder buffers a whole value, and decoding
// copies it more than once, so one huge string must not cost its size several
// times over.
type valueWindow struct {
	r        io.Reader
	dec      *json.Decoder
	n, end   int64
	limit    int64
	exceeded bool
}

// next opens the window at the decoder's position, before a Token or Decode.
func (w *valueWindow) next() { w.end = w.dec.InputOffset() + w.limit + 1 }

func (w *valueWindow) Read(p []byte) (int, error) {
	if w.n >= w.end {
		w.exceeded = true
		return 0, fmt.Errorf("a value is longer than %s, the most one value may be", sizeText(w.limit))
	}
	if rest := w.end - w.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := w.r.Read(p)
	w.n += int64(n)
	return n, err
}

// newDecoder returns a strict decoder over r whose values are bounded by
// limits.value; call window.next before each Token or Decode.
func newDecoder(r io.Reader) (*json.Decoder, *valueWindow) {
	w := &valueWindow{r: r, limit: limits.value}
	dec := json.NewDecoder(w)
	dec.DisallowUnknownFields()
	w.dec = dec
	w.next()
	return dec, w
}

// readLedger reads ledger.jsonl one line at a time; a line may be at most
// limits.line bytes, and every line must end with a newline.
func readLedger(f *zip.File) ([]Entry, error) {
	rc, r, err := openMember(f, ledgerFile, limits.ledger)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := bufio.NewScanner(r)
	// The initial buffer must not exceed the limit: Scanner grows up to the
	// larger of the two. +1: room for the newline.
	sc.Buffer(make([]byte, 0, min(4096, limits.line+1)), limits.line+1)
	sc.Split(splitLines)
	var entries []Entry
	for sc.Scan() {
		if len(entries) == limits.entries {
			return nil, fmt.Errorf("bundle: ledger.jsonl has more than %d entries, the most a bundle may hold", limits.entries)
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("bundle: ledger.jsonl line %d: %w", len(entries)+1, err)
		}
		entries = append(entries, e)
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return nil, fmt.Errorf("bundle: ledger.jsonl line %d is longer than %d bytes, the most a ledger line may be", len(entries)+1, limits.line)
	case errors.Is(err, errNoNewline):
		return nil, errors.New("bundle: ledger.jsonl does not end with a newline (is it cut short?)")
	case err != nil:
		return nil, memberError(ledgerFile, err)
	}
	return entries, nil
}

var errNoNewline = errors.New("no newline at the end")

// splitLines is bufio.ScanLines without its leniency: a line ends at "\n" only
// (a "\r" stays, and fails as JSON), and a last line without one is an error.
func splitLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return 0, nil, errNoNewline
	}
	return 0, nil, nil
}

// readIndex decodes index.json one evidence item or record at a time.
// Unknown and repeated fields are refused, as decodeStrict refuses them.
func readIndex(f *zip.File) (indexJSON, error) {
	var idx indexJSON
	rc, r, err := openMember(f, indexFile, limits.index)
	if err != nil {
		return idx, err
	}
	defer rc.Close()
	dec, win := newDecoder(r)
	fail := func(err error) (indexJSON, error) { return indexJSON{}, memberError(indexFile, err) }
	if err := expectDelim(dec, '{'); err != nil {
		return fail(err)
	}
	seen := map[string]bool{}
	items, withheld := 0, 0
	for dec.More() {
		win.next()
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		win.next()
		if seen[key] {
			return fail(fmt.Errorf("field %q appears twice", key))
		}
		seen[key] = true
		switch key {
		case "format":
			err = dec.Decode(&idx.Format)
		case "org":
			err = dec.Decode(&idx.Org)
		case "generated_at":
			err = dec.Decode(&idx.GeneratedAt)
		case "public_key":
			err = dec.Decode(&idx.PublicKey)
		case "withheld":
			idx.Withheld, err = decodeArray[int64](dec, win, "withheld", &withheld, limits.entries, "withheld entries")
		case "evidence":
			idx.Evidence, err = decodeArray[BundleEvidence](dec, win, "evidence", &items, limits.items, "evidence items and records")
		case "records":
			idx.Records, err = decodeArray[BundleRecord](dec, win, "records", &items, limits.items, "evidence items and records")
			if err == nil && idx.Records == nil {
				return fail(errors.New(`"records" is null`))
			}
		default:
			err = fmt.Errorf("unknown field %q", key)
		}
		if err != nil {
			return fail(err)
		}
	}
	win.next()
	if err := expectDelim(dec, '}'); err != nil {
		return fail(err)
	}
	if err := expectEOF(dec); err != nil {
		return fail(err)
	}
	return idx, nil
}

// decodeArray decodes a JSON array (or null) element by element, counting
// elements in *count against max; what names them in the error.
func decodeArray[T any](dec *json.Decoder, win *valueWindow, field string, count *int, max int, what string) ([]T, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("%q is not an array", field)
	}
	out := []T{}
	for dec.More() {
		if *count == max {
			return nil, fmt.Errorf("more than %d %s, the most a bundle may hold", max, what)
		}
		*count++
		win.next()
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s item %d: %w", field, len(out)+1, err)
		}
		out = append(out, v)
	}
	return out, expectDelim(dec, ']')
}

// readArray decodes a file that holds one JSON array, element by element, with
// at most max elements.
func readArray[T any](f *zip.File, name string, limit int64, max int, what string) ([]T, error) {
	rc, r, err := openMember(f, name, limit)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec, win := newDecoder(r)
	n := 0
	out, err := decodeArray[T](dec, win, what, &n, max, what)
	if err == nil {
		err = expectEOF(dec)
	}
	if err != nil {
		return nil, memberError(name, err)
	}
	return out, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, tok)
	}
	return nil
}

func expectEOF(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return err
		}
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// checkDirectory bounds the zip's central directory before archive/zip reads
// it: zip.NewReader decodes every entry of the directory into memory before
// anything can be counted. The directory runs from the offset the end record
// states to the end of the archive; archives too malformed to say are left to
// zip.NewReader to refuse.
func checkDirectory(r io.ReaderAt, size int64) error {
	tail := min(size, 22+65535) // end record plus its longest comment
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return nil
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < 22 {
		return nil
	}
	offset := int64(binary.LittleEndian.Uint32(buf[i+16:]))
	if offset == 0xffffffff && i >= 20 && bytes.HasPrefix(buf[i-20:], []byte("PK\x06\x07")) {
		// zip64: the locator points at the zip64 end record, which holds the offset.
		var rec [56]byte
		at := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
		if at < 0 || at > size-56 {
			return nil
		}
		if _, err := r.ReadAt(rec[:], at); err != nil || !bytes.HasPrefix(rec[:], []byte("PK\x06\x06")) {
			return nil
		}
		offset = int64(binary.LittleEndian.Uint64(rec[48:]))
	}
	if offset >= 0 && offset <= size && size-offset > limits.directory {
		return fmt.Errorf("bundle: the archive's central directory is %d bytes, more than the %s a bundle's may be", size-offset, sizeText(limits.directory))
	}
	return nil
}
