package requestlist

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile/csvfiletest"
)

func TestParse(t *testing.T) {
	rows, err := Parse(strings.NewReader("\uFEFFRef,Title,Control,Owner,Due,Period\nPBC-1, Org chart ,AC-1, Mgr@Acme.test ,2026-07-15,2026-Q2\nPBC-2,Minutes,,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 3 {
		t.Fatalf("rows: %+v", rows)
	}
	r := rows[0]
	if r.Request.Ref != "PBC-1" || r.Request.Title != "Org chart" || r.Control != "AC-1" || r.Owner != "mgr@acme.test" || r.Request.Due != "2026-07-15" ||
		r.Request.Period != "2026-Q2" || r.Request.Source != attest.RequestImported || r.Request.Status != attest.RequestOpen {
		t.Fatalf("first row: %+v", r)
	}
	for _, c := range []struct{ file, want string }{
		{"", "is empty"},
		{"ref,title\n", "no rows"},
		{"title\nx\n", `column "ref" is required`},
		{"ref,title,colour\nA,x,red\n", `unknown column "colour"`},
		{"ref,title\nA,\n", "line 2: title: is required"},
		{"ref,title\n,x\n", "line 2: ref: is required"},
		{"ref,title\nA,x\na,y\n", `line 3: ref: "a" is also on line 2`},
		{"ref,title,due\nA,x,tomorrow\n", "line 2: due"},
		{"ref,title\nA,\"x\n", "line 2"},
	} {
		_, err := Parse(strings.NewReader(c.file))
		if attest.ErrorField(err) != "file" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q): %v, want an error on the file naming %q", c.file, err, c.want)
		}
	}
	var big strings.Builder
	big.WriteString("ref,title\n")
	for i := range MaxRows + 1 {
		fmt.Fprintf(&big, "R%d,x\n", i)
	}
	if _, err := Parse(strings.NewReader(big.String())); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("too many rows: %v", err)
	}
}

// FuzzParse reads hostile request lists. A refused file is an
// attest.Invalid on "file" naming only lines inside it; a read file has
// rows on rising lines, each with a ref and a title, trimmed, refs unique
// regardless of case, and each row as Normalize leaves it.
func FuzzParse(f *testing.F) {
	csvfiletest.Add(f,
		"ref,title\nPBC-1,Org chart\n",
		strings.Join(Columns, ",")+"\nPBC-1,Access list,All accounts,CSV export,AC-1,2026-Q1,2026-04-14,mgr@acme.test\n",
		"Ref,Title,Due\nA,x,2026-02-30\n", "ref,title\nA,x\na,y\n", "ref,title\n", "title\nx\n",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		var rows []Row
		var err error
		csvfiletest.Bounded(t, data, func() { rows, err = Parse(bytes.NewReader(data)) })
		if err != nil {
			csvfiletest.FileError(t, data, err)
			return
		}
		var at []int
		seen := map[string]bool{}
		for _, r := range rows {
			at = append(at, r.Line)
			q := r.Request
			if q.Ref == "" || q.Title == "" || q.Ref != strings.TrimSpace(q.Ref) || q.Title != strings.TrimSpace(q.Title) {
				t.Fatalf("line %d: ref %q, title %q", r.Line, q.Ref, q.Title)
			}
			if seen[strings.ToLower(q.Ref)] {
				t.Fatalf("line %d: ref %q twice", r.Line, q.Ref)
			}
			seen[strings.ToLower(q.Ref)] = true
			again := q
			if err := again.Normalize(); err != nil || again != q {
				t.Fatalf("line %d: a row Normalize changes or refuses: %+v, %v", r.Line, q, err)
			}
		}
		csvfiletest.Rising(t, data, at)
	})
}
