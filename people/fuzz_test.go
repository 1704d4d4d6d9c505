package people

import (
	"bytes"
	"testing"

	"github.com/attest-hq/attest"
)

// FuzzReadCSV feeds the workforce import's reader hostile files. A file it
// accepts yields rows that validate, each with the line it came from, and
// never more rows than the file has lines; a refusal names its field.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("name,email,start_date,manager\nAda Lovelace,ada@acme.test,2025-01-06,grace@acme.test\nGrace Hopper,grace@acme.test,2024-02-01,\n"))
	f.Add([]byte("email,name,start_date,employment_type,end_date\nbob@acme.test,Bob,2025-13-01,contractor,\n"))
	f.Add([]byte("\ufeffname,email,start_date\n\"Quoted, Name\",q@acme.test,2025-01-06\n"))
	f.Add([]byte("name,email\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		var rep ImportReport
		rows, emails, err := readCSV(bytes.NewReader(data), &rep)
		if err != nil {
			if attest.ErrorMessage(err) == "" {
				t.Fatalf("an error without a message: %#v", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(rows)+len(rep.Rejected) != rep.Rows || rep.Rows > lines || len(emails) > rep.Rows {
			t.Fatalf("%d rows, %d rejected, %d counted, %d emails from %d lines", len(rows), len(rep.Rejected), rep.Rows, len(emails), lines)
		}
		for _, rw := range rows {
			p := rw.person
			if err := attest.ValidatePerson(&p); err != nil || rw.line < 2 || rw.line > lines {
				t.Fatalf("accepted row at line %d does not validate: %+v: %v", rw.line, rw.person, err)
			}
		}
		for _, rj := range rep.Rejected {
			if rj.Reason == "" || rj.Line < 2 {
				t.Fatalf("a rejected row without its reason or line: %+v", rj)
			}
		}
	})
}
