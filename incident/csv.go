package incident

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
	"github.com/attest-hq/attest/store"
)

// Limits on an import: a CSV file is hostile input until read.
const (
	MaxImportSize = 5 << 20 // bytes
	MaxImportRows = 5_000
)

// Columns are the CSV columns of the register, in export order. Lists
// (systems, data_categories) are separated by semicolons; times are
// 2026-03-01T14:30:00Z, 2026-03-01 14:30 (UTC) or a date; owner is a member's
// email; notify_* is notify, not_notify or empty.
var Columns = []string{"id", "title", "summary", "severity", "status", "occurred_at", "detected_at", "contained_at", "resolved_at",
	"systems", "data_categories", "personal_data", "root_cause", "lessons", "owner",
	"notify_customers", "notify_customers_reason", "notify_customers_on",
	"notify_regulators", "notify_regulators_reason", "notify_regulators_on",
	"notify_others", "notify_others_reason", "notify_others_on", "post_mortem"}

var requiredColumns = []string{"title", "severity", "detected_at"}

// ParseTime reads a time as forms and files give it: RFC 3339, or
// "2006-01-02 15:04", "2006-01-02T15:04" (a form's datetime-local) or a date,
// in UTC. "" is the zero time.
func ParseTime(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, attest.Invalid(field, "must be a time such as 2026-03-01 14:30 or 2026-03-01T14:30:00Z (got %q)", s)
}

// ParseBool reads yes/no, true/false, 1/0 ("" is false).
func ParseBool(field, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "no", "false", "0", "n":
		return false, nil
	case "yes", "true", "1", "y":
		return true, nil
	}
	return false, attest.Invalid(field, "must be yes or no (got %q)", s)
}

// SplitList splits a semicolon- or newline-separated list.
func SplitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' })
}

// ImportReport says what an import stored.
type ImportReport struct {
	Rows    int   `json:"rows"`
	Created []int `json:"created"` // the new incidents' IDs
}

// ErrRejected is wrapped by the error of a refused import; nothing was stored.
var ErrRejected = errors.New("the file was rejected")

func rowErr(line int, err error) error {
	field := attest.ErrorField(err)
	msg := strings.TrimPrefix(attest.ErrorMessage(err), field+": ")
	return fmt.Errorf("%w: %w", &attest.Error{Code: attest.EINVALID, Field: "file",
		Message: fmt.Sprintf("line %d: %s: %s; nothing was imported", line, field, msg)}, ErrRejected)
}

// Import adds the incidents of a CSV file, all or nothing: the first bad row
// (an unknown column, a bad value, a timeline out of order) is an error
// naming its line and field, and nothing is stored.
func (s *Service) Import(ctx context.Context, p attest.Principal, r io.Reader) (ImportReport, error) {
	var rep ImportReport
	if err := p.Require(attest.ActEdit); err != nil {
		return rep, err
	}
	members, err := s.DB.Members(ctx, p.OrgID)
	if err != nil {
		return rep, err
	}
	byEmail := map[string]int64{}
	for _, m := range members {
		byEmail[attest.NormalizeEmail(m.User.Email)] = m.User.ID
	}
	rows, lines, err := readCSV(r, byEmail)
	if err != nil {
		return rep, err
	}
	rep.Rows = len(rows)
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		for k := range rows {
			in := rows[k]
			in.OrgID = p.OrgID
			if err := tx.CreateIncident(ctx, &in, p.UserID); err != nil {
				return rowErr(lines[k], err)
			}
			rep.Created = append(rep.Created, int(in.ID))
			if err := tx.Log(ctx, p.Record("incident.created", "incident", idString(in.ID),
				fmt.Sprintf("Imported incident “%s” (%s, %s) from line %d of a CSV file", in.Title, attest.SeverityLabel(in.Severity), in.Status, lines[k]))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// readCSV reads and checks every row of an incident file, the pure step of
// Import: byEmail maps members' emails to their IDs. It returns the
// incidents and their lines, or the first bad row's error.
func readCSV(r io.Reader, byEmail map[string]int64) ([]attest.Incident, []int, error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: Columns, Required: requiredColumns, MaxSize: MaxImportSize, MaxRows: MaxImportRows})
	if err != nil {
		return nil, nil, err
	}
	var rows []attest.Incident
	var lines []int
	for {
		ok, err := f.Next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		line, get := f.Line(), f.Get
		in, err := fromRow(get, byEmail)
		if err == nil {
			err = attest.ValidateIncident(&in)
		}
		if err == nil && in.Status == attest.IncidentClosed {
			err = attest.Invalid("status", "an imported incident cannot be closed: its post-mortem is signed off in Attest")
		}
		if err != nil {
			return nil, nil, rowErr(line, err)
		}
		rows, lines = append(rows, in), append(lines, line)
	}
	if len(rows) == 0 {
		return nil, nil, attest.Invalid("file", "has a header but no incidents")
	}
	return rows, lines, nil
}

func fromRow(get func(string) string, byEmail map[string]int64) (attest.Incident, error) {
	in := attest.Incident{Title: get("title"), Summary: get("summary"), Severity: strings.ToLower(get("severity")),
		Status: strings.ToLower(get("status")), Systems: SplitList(get("systems")), DataCategories: SplitList(get("data_categories")),
		RootCause: get("root_cause"), Lessons: get("lessons"), PostMortem: get("post_mortem")}
	var err error
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"occurred_at", &in.OccurredAt}, {"detected_at", &in.DetectedAt}, {"contained_at", &in.ContainedAt}, {"resolved_at", &in.ResolvedAt}} {
		if *f.dst, err = ParseTime(f.name, get(f.name)); err != nil {
			return in, err
		}
	}
	if in.PersonalData, err = ParseBool("personal_data", get("personal_data")); err != nil {
		return in, err
	}
	if owner := attest.NormalizeEmail(get("owner")); owner != "" {
		if in.OwnerID = byEmail[owner]; in.OwnerID == 0 {
			return in, attest.Invalid("owner", "%q is not a member of this organization", owner)
		}
	}
	for _, aud := range attest.NotificationAudiences() {
		n := attest.Notification{Audience: aud, Decision: strings.ToLower(get("notify_" + aud)), Reason: get("notify_" + aud + "_reason"),
			NotifiedOn: get("notify_" + aud + "_on")}
		if n.Decision != "" || n.Reason != "" || n.NotifiedOn != "" {
			in.Notifications = append(in.Notifications, n)
		}
	}
	return in, nil
}

// Export writes incidents as CSV in Columns order; a cell a spreadsheet would
// run as a formula is defused.
func Export(w io.Writer, list []attest.Incident, emails map[int64]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, in := range list {
		cells := []string{idString(in.ID), in.Title, in.Summary, in.Severity, in.Status, exportTime(in.OccurredAt), exportTime(in.DetectedAt),
			exportTime(in.ContainedAt), exportTime(in.ResolvedAt), strings.Join(in.Systems, "; "), strings.Join(in.DataCategories, "; "),
			strconv.FormatBool(in.PersonalData), in.RootCause, in.Lessons, emails[in.OwnerID]}
		for _, aud := range attest.NotificationAudiences() {
			n := in.Notification(aud)
			cells = append(cells, n.Decision, n.Reason, n.NotifiedOn)
		}
		cells = append(cells, in.PostMortem)
		for i := range cells {
			cells[i] = attest.SafeCSV(cells[i])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ExportCSV writes the incidents f selects as CSV.
func (s *Service) ExportCSV(ctx context.Context, p attest.Principal, f store.IncidentFilter, w io.Writer) error {
	list, err := s.List(ctx, p, f)
	if err != nil {
		return err
	}
	members, err := s.DB.Members(ctx, p.OrgID)
	if err != nil {
		return err
	}
	emails := map[int64]string{}
	for _, m := range members {
		emails[m.User.ID] = m.User.Email
	}
	return Export(w, list, emails)
}
