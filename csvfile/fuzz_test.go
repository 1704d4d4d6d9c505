package csvfile_test

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
)

var lineInMessage = regexp.MustCompile(`^line (\d+):`)

// FuzzOpen reads hostile files with a small spec: every failure is an
// attest.Invalid on "file" whose line, when named, lies inside the input;
// a file read to its end is within MaxSize and MaxRows, and its rows' lines
// rise and lie inside the input.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{
		"\uFEFFName ,Start Date,id\nAda, 2025-01-06 ,1\n\n\"Grace\nHopper\",2024-02-01,2\n",
		"name,title\na\n", "name\n\"open\n", "name\na\n\"b\"x\n", "name,Name\n", "",
		"name\na\nb\nc\nd\n", "name,start_date\r\n\"a,b\",\"c\"\"d\"\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		check := func(err error) {
			if attest.ErrorField(err) != "file" {
				t.Fatalf("error not on the field file: %v", err)
			}
			if m := lineInMessage.FindStringSubmatch(attest.ErrorMessage(err)); m != nil {
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > lines {
					t.Fatalf("error names line %d of a %d-line input: %v", n, lines, err)
				}
			}
		}
		r, err := csvfile.Open(bytes.NewReader(data), spec)
		if err != nil {
			check(err)
			return
		}
		if !r.Has("name") {
			t.Fatal("opened without the required column")
		}
		last := 1
		for {
			ok, err := r.Next()
			if err != nil {
				check(err)
				return
			}
			if !ok {
				break
			}
			if r.Line() <= last || r.Line() > lines {
				t.Fatalf("row on line %d after line %d of %d", r.Line(), last, lines)
			}
			last = r.Line()
		}
		if int64(len(data)) > spec.MaxSize {
			t.Fatalf("read %d bytes to the end past the %d-byte limit", len(data), spec.MaxSize)
		}
		if r.Rows() > spec.MaxRows {
			t.Fatalf("read %d rows past the limit %d", r.Rows(), spec.MaxRows)
		}
	})
}
