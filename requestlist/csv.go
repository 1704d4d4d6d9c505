// Package requestlist reads an audit firm's own request list from CSV, the
// import behind "attest audit requests import" and the request list's upload
// form. The file is hostile input: bounded in size and rows, every error
// naming its line and column, nothing kept from a file that fails (the
// service imports all rows or none).
package requestlist

import (
	"io"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
)

// Columns are the columns a request list may name. ref and title are
// required: an auditor's list numbers its requests, and those numbers are
// how both sides speak of them.
var Columns = []string{"ref", "title", "details", "expected", "control", "period", "due", "owner"}

// MaxSize and MaxRows bound a file: a year's request list runs to a few
// hundred rows.
const (
	MaxSize = 4 << 20
	MaxRows = 5000
)

// Row is one request of the file, before the service resolves its control
// ref and owner email against the organization.
type Row struct {
	Line    int
	Request attest.AuditRequest // Ref, Title, Details, Expected, Period, Due
	Control string              // a control's ref, or ""
	Owner   string              // a member's email, or ""
}

// Parse reads a request list. Each row is checked on its own
// (attest.AuditRequest.Normalize) and refs must be unique in the file;
// errors are attest.Invalid on "file" naming the line and the column.
func Parse(r io.Reader) ([]Row, error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: Columns, Required: []string{"ref", "title"}, MaxSize: MaxSize, MaxRows: MaxRows})
	if err != nil {
		return nil, err
	}
	var out []Row
	seen := map[string]int{}
	for {
		ok, err := f.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		row := Row{Line: f.Line(), Control: f.Get("control"), Owner: attest.NormalizeEmail(f.Get("owner"))}
		row.Request = attest.AuditRequest{Ref: f.Get("ref"), Title: f.Get("title"), Details: f.Get("details"), Expected: f.Get("expected"),
			Period: f.Get("period"), Due: f.Get("due"), Source: attest.RequestImported}
		if err := row.Request.Normalize(); err != nil {
			return nil, attest.Invalid("file", "line %d: %v", row.Line, err) // "field: message"
		}
		if row.Request.Ref == "" {
			return nil, attest.Invalid("file", "line %d: ref: is required", row.Line)
		}
		if first, dup := seen[strings.ToLower(row.Request.Ref)]; dup {
			return nil, attest.Invalid("file", "line %d: ref: %q is also on line %d", row.Line, row.Request.Ref, first)
		}
		seen[strings.ToLower(row.Request.Ref)] = row.Line
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil, attest.Invalid("file", "has no rows after the header")
	}
	return out, nil
}
