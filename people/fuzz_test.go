package people

import (
	"bytes"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile/csvfiletest"
)

// FuzzImport reads hostile people files through readCSV, the whole of
// Import short of the database. A refused file is an attest.Invalid on
// "file" naming only lines inside it. Otherwise every row is counted once,
// as a row kept or a row rejected with a field, a reason and its line; a
// kept row re-validates unchanged (ValidatePerson normalized it already),
// its manager is a normalized email, and the emails index points at the
// first line with each address. Memory grows with the input alone.
func FuzzImport(f *testing.F) {
	csvfiletest.Add(f,
		"name,email,start_date\nAda Lovelace,ada@example.com,2025-01-06\n",
		"Name,Email,Title,Department,Manager,Employment Type,Start Date,End Date,External ID\n"+
			"Grace Hopper,GRACE@example.com,CTO,Engineering,,employee,2024-02-01,,E-1\n"+
			"Alan Turing,alan@example.com,Engineer,Engineering,grace@example.com,contractor,2024-03-01,2025-03-01,E-2\n",
		"name,email,start_date\n,bad,2025-13-40\nx,x@example.com,2025-01-01\n",
		"name,email,start_date\n", "name,email\na,b\n", "name,email,start_date,manager\na,a@x.io,2025-01-01,a@x.io\n",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		var rep ImportReport
		var rows []row
		var emails map[string]int
		var err error
		csvfiletest.Bounded(t, data, func() { rows, emails, err = readCSV(bytes.NewReader(data), &rep) })
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
			p := rw.person
			if err := attest.ValidatePerson(&p); err != nil || p != rw.person {
				t.Fatalf("line %d: a kept row does not re-validate unchanged: %+v → %+v, %v", rw.line, rw.person, p, err)
			}
			if rw.manager != attest.NormalizeEmail(rw.manager) || !rw.has["name"] || !rw.has["email"] || !rw.has["start_date"] {
				t.Fatalf("line %d: manager %q, columns %v", rw.line, rw.manager, rw.has)
			}
			if first := emails[rw.person.Email]; first < 2 || first > rw.line {
				t.Fatalf("line %d: email %q indexed on line %d", rw.line, rw.person.Email, first)
			}
		}
		csvfiletest.Rising(t, data, lines)
		for _, rj := range rep.Rejected {
			if rj.Field == "" || rj.Reason == "" || strings.HasPrefix(rj.Reason, rj.Field+":") {
				t.Fatalf("rejected row without a field and a reason of its own: %+v", rj)
			}
			csvfiletest.Rising(t, data, []int{rj.Line})
		}
	})
}

// FuzzBackgroundImport reads hostile background check files through
// readBackground, ImportBackgroundChecks short of the database: a refused
// file is an attest.Invalid on "file" naming only lines inside it; a read
// one has rows on rising lines with normalized emails and the cells as
// given, trimmed, and ValidateBackgroundCheck, which the import applies to
// each, either refuses a row on one of its fields or accepts it unchanged
// when run again.
func FuzzBackgroundImport(f *testing.F) {
	csvfiletest.Add(f,
		"email,provider,status,checked_on,exempt_reason\nada@example.com,Sterling,clear,2025-01-10,\nbob@example.com,,exempt,,Contractor under the client's vetting\n",
		"Email,Status,Provider\nGRACE@example.com,pending,Checkr\n",
		"email,status\n", "email\nx\n", "email,status\n\"a,b\",clear\n",
	)
	columns := map[string]bool{"provider": true, "status": true, "checked_on": true, "exempt_reason": true}
	f.Fuzz(func(t *testing.T, data []byte) {
		var lines []backgroundLine
		var err error
		csvfiletest.Bounded(t, data, func() { lines, err = readBackground(bytes.NewReader(data)) })
		if err != nil {
			csvfiletest.FileError(t, data, err)
			return
		}
		var at []int
		for _, l := range lines {
			at = append(at, l.n)
			if l.email != attest.NormalizeEmail(l.email) {
				t.Fatalf("line %d: email %q not normalized", l.n, l.email)
			}
			c := l.check
			if err := attest.ValidateBackgroundCheck(&c, "2026-12-31"); err != nil {
				if !columns[attest.ErrorField(err)] {
					t.Fatalf("line %d: refused on %q, not a column: %v", l.n, attest.ErrorField(err), err)
				}
				continue
			}
			again := c
			if err := attest.ValidateBackgroundCheck(&again, "2026-12-31"); err != nil || again != c {
				t.Fatalf("line %d: a valid check does not re-validate unchanged: %+v → %+v, %v", l.n, c, again, err)
			}
		}
		csvfiletest.Rising(t, data, at)
	})
}
