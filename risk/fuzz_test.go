package risk

import (
	"bytes"
	"testing"

	"github.com/attest-hq/attest"
)

// FuzzReadCSV feeds the risk import's reader hostile files: a file it
// accepts has at least one row, each with its line and only the known
// columns.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("title,likelihood,impact,treatment,owner\nStolen laptop,3,4,mitigate,ada@acme.test\n"))
	f.Add([]byte("title,likelihood,impact\n\"Line\nbreak\",9,0\n"))
	f.Add([]byte("title\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := readCSV(bytes.NewReader(data))
		if err != nil {
			if attest.ErrorMessage(err) == "" {
				t.Fatalf("an error without a message: %#v", err)
			}
			return
		}
		if len(lines) == 0 {
			t.Fatal("a file accepted with no rows")
		}
		known := map[string]bool{}
		for _, c := range Columns {
			known[c] = true
		}
		for _, ln := range lines {
			if ln.line < 2 {
				t.Fatalf("a row at line %d", ln.line)
			}
			for c := range ln.values {
				if !known[c] {
					t.Fatalf("an unknown column %q passed through", c)
				}
			}
		}
	})
}
