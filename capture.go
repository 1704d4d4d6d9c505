package attest

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Configuration capture: the population of the audit window's last
// configuration state. Where an event population is taken once the window
// has closed, a capture is taken within it (CheckCaptureWindow): it reads
// what monitoring holds now, the current verdict of every test on every
// resource of the latest collection of each connection, each with the
// snapshot it was judged on, so that the auditor sees the settings as they
// stood at the window's end and can replay any verdict from its snapshot.

// CaptureConnection is what a capture reads of one connection: its newest
// collection of any kind, its newest complete one, its current results
// (each failing one with the exception that exempts it, if active), the
// collections those results were judged on, and its tests.
type CaptureConnection struct {
	Connection Connection
	// Latest is the newest collection, failed or partial included; zero
	// for none. Complete is the newest complete one (not partial, not
	// failed, with its snapshot); zero for none.
	Latest, Complete CollectionRun
	Results          []TestResult
	// Collections are the collections the results name, by uid.
	Collections map[string]CollectionRun
	// Tests are the title and control references of each test, by ID.
	Tests map[string]CaptureTest
}

// CaptureTest is what a capture records of a test.
type CaptureTest struct {
	Title    string
	Controls []string
}

// PopulationCapture is what a configuration capture's row records: one
// test's current verdict on one resource, the collection (and snapshot) it
// was judged on, and the controls the test maps to.
type PopulationCapture struct {
	Connection string `json:"connection"`
	Connector  string `json:"connector"`
	// IntervalMinutes is the connection's schedule: its collection is
	// stale once older than twice it.
	IntervalMinutes int      `json:"interval_minutes"`
	Test            string   `json:"test"`
	TestTitle       string   `json:"test_title"`
	TestVersion     string   `json:"test_version"`
	Controls        []string `json:"controls"`
	ResourceType    string   `json:"resource_type"`
	ResourceKey     string   `json:"resource_key"`
	Status          string   `json:"status"` // pass, fail, error or unverifiable
	Message         string   `json:"message"`
	// Since is when this status began.
	Since time.Time `json:"since"`
	// The collection judged on: its uid, snapshot and start (a verdict is
	// re-derived at the collection's start).
	Collection     string    `json:"collection"`
	SnapshotSHA256 string    `json:"snapshot_sha256"`
	CollectedAt    time.Time `json:"collected_at"`
	// The approved exception that exempted a failing result when captured.
	Exception        string    `json:"exception,omitempty"`
	ExceptionExpires time.Time `json:"exception_expires,omitzero"`
}

// CaptureStaleAfter is how old a connection's collection may be before it
// is stale: twice its schedule, so one missed run is noticed but a run
// that is merely due is not.
func CaptureStaleAfter(intervalMinutes int) time.Duration {
	if intervalMinutes <= 0 {
		intervalMinutes = 60 // a connection's default schedule
	}
	return 2 * time.Duration(intervalMinutes) * time.Minute
}

// CaptureRows makes the rows of one connection: item
// "CONNECTION:TEST:TYPE/KEY" per current result, occurring when the
// collection it was judged on started. A result that does not apply to its
// resource tests nothing of it and is left out, as is one whose collection
// is not known or kept no snapshot (it then has none to show, and the
// ledger's record of a capture row requires one).
func CaptureRows(c CaptureConnection) []PopulationRow {
	var rows []PopulationRow
	for _, r := range c.Results {
		if r.Status == ResultNotApplicable {
			continue
		}
		col, ok := c.Collections[r.Collection]
		if !ok || len(col.SnapshotSHA256) != 64 {
			continue
		}
		t := c.Tests[r.Test]
		pc := PopulationCapture{Connection: c.Connection.Name, Connector: c.Connection.Type, IntervalMinutes: c.Connection.IntervalMinutes,
			Test: r.Test, TestTitle: cmp.Or(t.Title, r.Test), TestVersion: r.TestVersion, Controls: slices.Clone(t.Controls),
			ResourceType: r.Resource.Type, ResourceKey: r.Resource.Key, Status: string(r.Status), Message: oneLine(r.Message),
			Since: r.Since.UTC(), Collection: col.UID, SnapshotSHA256: col.SnapshotSHA256, CollectedAt: col.StartedAt.UTC()}
		if pc.Controls == nil {
			pc.Controls = []string{}
		}
		slices.Sort(pc.Controls)
		if r.Excepted() {
			pc.Exception, pc.ExceptionExpires = r.Exception.UID, r.Exception.ExpiresAt.UTC()
		}
		rows = append(rows, PopulationRow{ID: oneLine(fmt.Sprintf("%s:%s:%s/%s", pc.Connection, pc.Test, pc.ResourceType, pc.ResourceKey)),
			OccurredAt: pc.CollectedAt, Summary: oneLine(fmt.Sprintf("%s on %s: %s", pc.TestTitle, pc.ResourceKey, pc.Status)), Capture: &pc})
	}
	return rows
}

// ReconcileCapture sets a capture's rows beside the collections they came
// from, at the moment at it read them. snapshots maps a collection's uid to
// the sha256 its snapshot record in the ledger names. Findings: a row whose
// collection the ledger holds no snapshot record of, or one of another
// snapshot; a row judged on a collection older than its connection's latest
// complete one; a connection never collected whole, whose latest
// collection failed, or whose latest complete collection is stale.
func ReconcileCapture(conns []CaptureConnection, rows []PopulationRow, snapshots map[string]string, at time.Time) Reconciliation {
	rec := Reconciliation{Against: "the collections' snapshot records in the ledger", Reconciled: true, Findings: []PopulationFinding{}}
	complete := map[string]CollectionRun{}
	for _, c := range conns {
		item := "connection " + c.Connection.Name
		if c.Complete.UID == "" {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: item, Why: "no complete collection yet: its configuration is not captured"})
			continue
		}
		complete[c.Connection.Name] = c.Complete
		if c.Latest.Error != "" && c.Latest.StartedAt.After(c.Complete.StartedAt) {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: item, Why: fmt.Sprintf("failed collection: its latest collection %s, started %s, failed (%s); its results are that collection's errors",
				c.Latest.UID, c.Latest.StartedAt.UTC().Format(time.RFC3339), oneLine(c.Latest.Error))})
		}
		if age := at.Sub(c.Complete.StartedAt); age > CaptureStaleAfter(c.Connection.IntervalMinutes) {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: item, Why: fmt.Sprintf("stale: its latest complete collection %s started %s, %s before the capture, more than twice its schedule of %d minute(s)",
				c.Complete.UID, c.Complete.StartedAt.UTC().Format(time.RFC3339), age.Round(time.Minute), cmp.Or(c.Connection.IntervalMinutes, 60))})
		}
	}
	for _, r := range rows {
		if r.Capture == nil {
			continue
		}
		pc := r.Capture
		switch sha, ok := snapshots[pc.Collection]; {
		case !ok:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "the ledger holds no snapshot record of its collection " + pc.Collection})
		case sha != pc.SnapshotSHA256:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "the ledger's snapshot record of its collection " + pc.Collection + " names the snapshot " + sha + ", not " + pc.SnapshotSHA256})
		}
		if latest, ok := complete[pc.Connection]; ok && pc.Collection != latest.UID && pc.CollectedAt.Before(latest.StartedAt) {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "judged on the collection " + pc.Collection + " of " + pc.CollectedAt.Format(time.RFC3339) +
				", not the latest collection " + latest.UID + " of " + latest.StartedAt.UTC().Format(time.RFC3339)})
		}
	}
	rec.Note = fmt.Sprintf("%d connection(s) read, %d finding(s)", len(conns), len(rec.Findings))
	return rec
}

// checkCapture: passing; a failure under an approved exception active when
// captured, or within its fix deadline, is not a deviation; a verdict the
// source could not give (unverifiable, error) or one of a stale collection
// is not testable, never a deviation.
func checkCapture(c PopulationCapture, p PopulationParams) (string, string) {
	if age := p.CapturedAt.Sub(c.CollectedAt); !p.CapturedAt.IsZero() && age > CaptureStaleAfter(c.IntervalMinutes) {
		return ItemNotTestable, fmt.Sprintf("%s when captured, but judged on a stale collection of %s (%s old, its schedule %d minute(s)): it does not show the window's end",
			c.Status, c.CollectedAt.Format(time.RFC3339), age.Round(time.Minute), cmp.Or(c.IntervalMinutes, 60))
	}
	since := Today(c.Since)
	switch ResultStatus(c.Status) {
	case ResultPass:
		return ItemPass, "passing since " + since + " (collection " + c.Collection + ")"
	case ResultUnverifiable:
		return ItemNotTestable, "unverifiable: the source does not expose the setting: " + c.Message
	case ResultError:
		return ItemNotTestable, "not collected or not evaluated: " + c.Message
	case ResultFail:
	default:
		return ItemNotTestable, fmt.Sprintf("the verdict %q is not one the check knows", c.Status)
	}
	due := addDays(since, p.RemediationDays)
	switch {
	case c.Exception != "" && c.ExceptionExpires.After(p.CapturedAt):
		return ItemNotTestable, "failing since " + since + ", under the approved exception " + c.Exception + " until " + Today(c.ExceptionExpires) + ": " + c.Message
	case Today(p.CapturedAt) <= due:
		return ItemNotTestable, "failing since " + since + ", within its fix deadline " + due + " when captured: " + c.Message
	default:
		return ItemDeviation, "failing since " + since + ", not fixed by its deadline " + due + ": " + c.Message
	}
}

// ControlPopulation is the part of a population that speaks for the
// control ref of the criteria: an event population whole, when its kind's
// criteria meet the control's; a capture, the rows of the tests mapped to
// the control, with their results, so that a control's result counts only
// its own settings. ok is false when nothing of it speaks for the control.
func ControlPopulation(p PopulationRetrieval, ref string, criteria []string) (PopulationRetrieval, bool) {
	if p.Kind != PopulationConfiguration {
		for _, crit := range PopulationCriteria[p.Kind] {
			if slices.Contains(criteria, crit) {
				return p, true
			}
		}
		return p, false
	}
	out := p
	out.Rows, out.Results = []PopulationRow{}, []ItemResult{}
	for i, r := range p.Rows {
		if r.Capture != nil && slices.Contains(r.Capture.Controls, ref) && i < len(p.Results) {
			out.Rows, out.Results = append(out.Rows, r), append(out.Results, p.Results[i])
		}
	}
	out.Count = len(out.Rows)
	out.Tally = TallyOf(out.Results, out.Reconciliation)
	return out, out.Count > 0
}
