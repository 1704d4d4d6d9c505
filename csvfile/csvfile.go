// Package csvfile reads the CSV files Attest imports (people, risks,
// vendors, incidents, deploy logs) the same way everywhere: a first line
// naming known columns, bounded size and rows, and errors that name the
// file's line and, for the header, the column. Such files are hostile input:
// nothing here can panic, and memory is bounded by the limits.
package csvfile

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/attest-hq/attest"
)

// Spec says what a file may hold.
type Spec struct {
	Columns  []string // every column a file may name, in the order a message lists them
	Extra    []string // columns accepted as well but not listed (derived columns an export writes)
	Required []string // columns every file must name
	MaxSize  int64    // bytes
	MaxRows  int      // rows after the header
}

// Reader reads a file's rows after its header.
type Reader struct {
	spec Spec
	lr   *io.LimitedReader
	cr   *csv.Reader
	col  map[string]int
	rec  []string
	line int
	rows int
}

// Column normalizes a header cell: case, surrounding space and a byte-order
// mark do not matter, and spaces or hyphens stand for underscores
// ("Start Date" is start_date).
func Column(h string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))))
}

// Open reads and checks the header: every column known, none twice, the
// required ones present. Errors are attest.Invalid on the field "file".
func Open(r io.Reader, s Spec) (*Reader, error) {
	lr := &io.LimitedReader{R: r, N: s.MaxSize + 1}
	cr := csv.NewReader(lr)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, attest.Invalid("file", "is empty: the first line must name the columns (%s, …)", strings.Join(s.Required, ", "))
	}
	if err != nil {
		return nil, attest.Invalid("file", "is not CSV: %v", err)
	}
	rd := &Reader{spec: s, lr: lr, cr: cr, col: map[string]int{}}
	for i, h := range header {
		name := Column(h)
		if !contains(s.Columns, name) && !contains(s.Extra, name) {
			return nil, attest.Invalid("file", "line 1: unknown column %q; the columns are %s", h, strings.Join(s.Columns, ", "))
		}
		if _, dup := rd.col[name]; dup {
			return nil, attest.Invalid("file", "line 1: column %q appears twice", h)
		}
		rd.col[name] = i
	}
	for _, c := range s.Required {
		if _, ok := rd.col[c]; !ok {
			return nil, attest.Invalid("file", "line 1: the column %q is required", c)
		}
	}
	return rd, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Next reads the next row; it returns false at the end of the file. A row
// that is not CSV, a file past MaxSize and a row past MaxRows are errors.
func (r *Reader) Next() (bool, error) {
	rec, err := r.cr.Read()
	if r.lr.N <= 0 {
		return false, attest.Invalid("file", "is larger than %d MiB", r.spec.MaxSize>>20)
	}
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return false, attest.Invalid("file", "line %d: %v", pe.Line, pe.Err)
		}
		return false, attest.Invalid("file", "%v", err)
	}
	if r.rows >= r.spec.MaxRows {
		return false, attest.Invalid("file", "has more than %d rows; split it", r.spec.MaxRows)
	}
	r.rec, r.rows = rec, r.rows+1
	r.line, _ = r.cr.FieldPos(0) // after a successful read, field 0 exists
	return true, nil
}

// Line is the file's line the current row starts on.
func (r *Reader) Line() int { return r.line }

// Rows is how many rows have been read.
func (r *Reader) Rows() int { return r.rows }

// Has reports whether the file names the column.
func (r *Reader) Has(c string) bool { _, ok := r.col[c]; return ok }

// Columns are the columns the file names, normalized.
func (r *Reader) Columns() []string {
	out := make([]string, 0, len(r.col))
	for c := range r.col {
		out = append(out, c)
	}
	return out
}

// Get is the current row's cell of a column, trimmed; "" when the file does
// not name the column.
func (r *Reader) Get(c string) string {
	if i, ok := r.col[c]; ok && i < len(r.rec) {
		return strings.TrimSpace(r.rec[i])
	}
	return ""
}
