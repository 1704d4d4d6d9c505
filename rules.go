package attest

import "time"

// Domain rules that more than one door (UI, API, CLI, jobs) applies, defined
// once here. Rules about who acts live in principal.go.

// DateLayout is how due dates and other calendar days are written.
const DateLayout = "2006-01-02"

// Today is the calendar day at now, in UTC, as due dates are written. Every
// "today" that decides whether work is overdue comes from here, so the UI, the
// API, list filters and jobs agree at day boundaries.
func Today(now time.Time) string { return now.UTC().Format(DateLayout) }

// OverdueOn reports whether the task is overdue on the given day (YYYY-MM-DD,
// from Today): still open and due before that day. A task due today is not yet
// overdue. store.TaskFilter.OverdueOn is the same rule in SQL.
func (t Task) OverdueOn(today string) bool {
	return !t.Closed() && t.DueOn != "" && t.DueOn < today
}

// EvidenceNeedsControl is the rule that evidence a person adds (UI, API, CLI)
// supports at least one control. Evidence is never edited, only superseded, so
// an item that supports nothing would stay in the ledger as a permanent
// mistake. The error names the form and API field.
func EvidenceNeedsControl(controlIDs []int64) error {
	if len(controlIDs) == 0 {
		return Invalid("controls", "are required: choose at least one control this evidence supports")
	}
	return nil
}

// SafeCSV defuses spreadsheet formula injection: a cell a user could
// influence must not start with a character that spreadsheets evaluate, so
// such a cell is prefixed with an apostrophe. Every CSV export uses it.
func SafeCSV(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
