package vendors

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile/csvfiletest"
)

// FuzzImport reads hostile vendor registers through readImport, Import
// short of the database. A refused file is an attest.Invalid on "file"
// naming only lines inside it. Otherwise every row is counted once, kept or
// rejected on one of the columns with a reason; a kept row re-validates
// unchanged, names the required columns, and each of its cells exports
// (defused against spreadsheet formulas) and imports back unchanged.
func FuzzImport(f *testing.F) {
	csvfiletest.Add(f,
		"name,criticality\nAcme Hosting,high\n",
		strings.Join(append(Columns, derivedColumns...), ",")+"\n"+
			"Mailer Inc,medium,contact;customer-data,Email delivery,EU,2025-01-01,2027-01-01,owner@example.com,12,active,'=notes,2026-01-01,2025-01-01,acceptable\n",
		"Name,Criticality,Review Months\nx,low,twelve\n", "name,criticality\n", "name\nx\n",
		"name,criticality,data_shared\n\"a,b\",critical,pii|source-code\n",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		var rep ImportReport
		var rows []importRow
		var err error
		csvfiletest.Bounded(t, data, func() { rows, err = readImport(bytes.NewReader(data), &rep) })
		if err != nil {
			csvfiletest.FileError(t, data, err)
			return
		}
		if rep.Rows == 0 || rep.Rows != len(rows)+len(rep.Rejected) {
			t.Fatalf("%d rows counted, %d kept and %d rejected", rep.Rows, len(rows), len(rep.Rejected))
		}
		var lines []int
		for _, rw := range rows {
			lines = append(lines, rw.line)
			v := rw.vendor
			v.DataShared = slices.Clone(v.DataShared)
			if err := attest.ValidateVendor(&v); err != nil || !reflect.DeepEqual(v, rw.vendor) {
				t.Fatalf("line %d: a kept row does not re-validate unchanged: %+v → %+v, %v", rw.line, rw.vendor, v, err)
			}
			if !rw.has["name"] || !rw.has["criticality"] {
				t.Fatalf("line %d: columns %v", rw.line, rw.has)
			}
			for _, s := range []string{v.Name, v.Website, v.Services, v.Location, v.Notes, rw.owner} {
				if unsafe(safe(s)) != s {
					t.Fatalf("line %d: %q exports as %q and imports back as %q", rw.line, s, safe(s), unsafe(safe(s)))
				}
			}
		}
		csvfiletest.Rising(t, data, lines)
		for _, rj := range rep.Rejected {
			if !slices.Contains(Columns, rj.Field) || rj.Reason == "" {
				t.Fatalf("rejected row without a column and a reason: %+v", rj)
			}
			csvfiletest.Rising(t, data, []int{rj.Line})
		}
	})
}

// TestDefusedCellsImportBack: what a member typed, formula-like or already
// quoted, exports and imports back as typed.
func TestDefusedCellsImportBack(t *testing.T) {
	for _, s := range []string{"=SUM(A1)", "'=SUM(A1)", "''+1", "-", "'", "O'Brien", "@home", "plain"} {
		if got := unsafe(safe(s)); got != s || quoted(safe(s)) && safe(s)[0] != '\'' {
			t.Errorf("%q exports as %q and imports back as %q", s, safe(s), got)
		}
	}
}
