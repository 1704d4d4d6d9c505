package incident

import (
	"bytes"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile/csvfiletest"
)

var rowFault = regexp.MustCompile(`^file: line \d+: ([a-z_]+): `)

// FuzzImport reads hostile incident files through readCSV, Import short of
// the database. A refused file is an attest.Invalid on "file" naming only
// lines inside it, and a refused row (ErrRejected) names its line and one of
// the columns. A read file has incidents on rising lines that re-validate
// unchanged, none closed, each owned by a member or by no one.
func FuzzImport(f *testing.F) {
	csvfiletest.Add(f,
		"title,severity,detected_at\nPhishing email clicked,low,2026-03-01 14:30\n",
		"Title,Summary,Severity,Status,Occurred At,Detected At,Contained At,Resolved At,Systems,Data Categories,Personal Data,Owner,Notify Customers,Notify Customers Reason,Notify Customers On\n"+
			"Lost laptop,Encrypted disk,medium,resolved,2026-02-01,2026-02-02T09:00:00Z,2026-02-02 10:00,2026-02-03,laptop; mdm,contact,yes,owner@example.com,not_notify,Disk encrypted,\n",
		"title,severity,detected_at,status\nx,critical,2026-01-01,closed\n",
		"title,severity,detected_at\n", "title,severity,detected_at,owner\nx,high,yesterday,nobody@example.com\n",
	)
	byEmail := map[string]int64{"owner@example.com": 7}
	f.Fuzz(func(t *testing.T, data []byte) {
		var rows []attest.Incident
		var lines []int
		var err error
		csvfiletest.Bounded(t, data, func() { rows, lines, err = readCSV(bytes.NewReader(data), byEmail) })
		if err != nil {
			csvfiletest.FileError(t, data, err)
			if errors.Is(err, ErrRejected) {
				m := rowFault.FindStringSubmatch(attest.ErrorMessage(err))
				if m == nil || !slices.Contains(Columns, m[1]) {
					t.Fatalf("a refused row names no line and column: %v", err)
				}
			}
			return
		}
		if len(rows) == 0 || len(rows) != len(lines) {
			t.Fatalf("%d incidents on %d lines", len(rows), len(lines))
		}
		csvfiletest.Rising(t, data, lines)
		for k, in := range rows {
			again := in
			again.Systems, again.DataCategories = slices.Clone(in.Systems), slices.Clone(in.DataCategories)
			again.Notifications = slices.Clone(in.Notifications)
			if err := attest.ValidateIncident(&again); err != nil || !reflect.DeepEqual(again, in) {
				t.Fatalf("line %d: an incident read does not re-validate unchanged: %v", lines[k], err)
			}
			if in.Status == attest.IncidentClosed || in.OwnerID != 0 && in.OwnerID != 7 {
				t.Fatalf("line %d: status %q, owner %d", lines[k], in.Status, in.OwnerID)
			}
		}
	})
}
