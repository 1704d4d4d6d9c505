package vendors

import (
	"bytes"
	"testing"

	"github.com/attest-hq/attest"
)

// FuzzReadImport feeds the vendor import's reader hostile files: a file it
// accepts yields vendors that validate, each with its line.
func FuzzReadImport(f *testing.F) {
	f.Add([]byte("name,criticality,owner,services,data_shared,review_months\nAWS,critical,ada@acme.test,Hosting,customer data;logs,12\n"))
	f.Add([]byte("name,criticality\nSlack,low\nSlack,low\n"))
	f.Add([]byte("name,criticality,contract_end\n=cmd,high,2026-02-30\n"))
	f.Add([]byte("criticality\nhigh\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var rep ImportReport
		rows, err := readImport(bytes.NewReader(data), &rep)
		if err != nil {
			if attest.ErrorMessage(err) == "" {
				t.Fatalf("an error without a message: %#v", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, rw := range rows {
			v := rw.vendor
			if err := attest.ValidateVendor(&v); err != nil || rw.line < 2 || rw.line > lines {
				t.Fatalf("accepted row at line %d does not validate: %+v: %v", rw.line, rw.vendor, err)
			}
		}
	})
}
