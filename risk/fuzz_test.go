package risk

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile/csvfiletest"
)

// FuzzImport reads hostile risk registers through readCSV and parseRow,
// Import short of the database. A refused file is an attest.Invalid on
// "file" naming only lines inside it. A read file has rows on rising lines;
// a row parseRow refuses is refused on one of its columns; a row it reads
// has the owner and approver the members' emails name, residual scores that
// fall back to the inherent ones when empty, trimmed control refs, and
// attest.ValidateRisk (which the import applies) either refuses it on a
// column or accepts it.
func FuzzImport(f *testing.F) {
	csvfiletest.Add(f,
		"title,owner,likelihood,impact,treatment,review_date\nLaptop theft,owner@example.com,3,4,mitigate,2026-06-30\n",
		strings.Join(Columns, ",")+"\nR-1,Vendor outage,One provider hosts everything,operations,owner@example.com,2,5,1,5,accept,Reviewed yearly,CC9.1; CC7.2,2026-12-31,open,approver@example.com,2027-01-31\n",
		"Title,Owner,Likelihood,Impact,Treatment,Review Date\nx,nobody@example.com,high,4,avoid,2026-01-01\n",
		"title,owner,likelihood,impact,treatment,review_date\n", "title\nx\n",
	)
	byEmail := map[string]int64{"owner@example.com": 1, "approver@example.com": 2}
	f.Fuzz(func(t *testing.T, data []byte) {
		var lines []csvLine
		var err error
		csvfiletest.Bounded(t, data, func() { lines, err = readCSV(bytes.NewReader(data)) })
		if err != nil {
			csvfiletest.FileError(t, data, err)
			return
		}
		var at []int
		for _, ln := range lines {
			at = append(at, ln.line)
			r, ref, err := parseRow(ln, byEmail)
			if err != nil {
				if !slices.Contains(Columns, attest.ErrorField(err)) {
					t.Fatalf("line %d: refused on %q, not a column: %v", ln.line, attest.ErrorField(err), err)
				}
				continue
			}
			if ref != strings.TrimSpace(ln.values["ref"]) || r.OwnerID != byEmail[attest.NormalizeEmail(ln.values["owner"])] ||
				r.ApproverID != byEmail[attest.NormalizeEmail(ln.values["approver"])] {
				t.Fatalf("line %d: ref %q, owner %d, approver %d from %v", ln.line, ref, r.OwnerID, r.ApproverID, ln.values)
			}
			if ln.values["residual_likelihood"] == "" && r.ResidualLikelihood != r.Likelihood ||
				ln.values["residual_impact"] == "" && r.ResidualImpact != r.Impact {
				t.Fatalf("line %d: residual scores do not fall back to the inherent ones: %+v", ln.line, r)
			}
			if r.Likelihood != atoi(ln.values["likelihood"]) || r.Impact != atoi(ln.values["impact"]) {
				t.Fatalf("line %d: scores %d, %d from %v", ln.line, r.Likelihood, r.Impact, ln.values)
			}
			for _, c := range r.Controls {
				if c == "" || c != strings.TrimSpace(c) || strings.Contains(c, ";") {
					t.Fatalf("line %d: control %q", ln.line, c)
				}
			}
			if err := attest.ValidateRisk(r, attest.RiskScale{}); err != nil && !slices.Contains(Columns, attest.ErrorField(err)) {
				t.Fatalf("line %d: invalid on %q, not a column: %v", ln.line, attest.ErrorField(err), err)
			}
		}
		csvfiletest.Rising(t, data, at)
	})
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}
