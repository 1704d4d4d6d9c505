package attest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Audit populations, census first. For an event-driven control the
// population of a window (the joiners, the leavers, the merged changes) is a
// recorded retrieval: what was asked of which source, when, and the unedited
// answer with its hash (PopulationHash over its items), banked in the ledger.
// Where a second source exists the answer is reconciled against it, and by
// default every item is tested with a deterministic check. The rules here are
// pure: the service (package population) gathers the rows and records the
// retrieval; anyone holding the record can re-derive its hash and its results.

// Population kinds.
const (
	PopulationJoiners       = "joiners"
	PopulationLeavers       = "leavers"
	PopulationChanges       = "changes"
	PopulationIncidents     = "incidents"
	PopulationReviews       = "access_reviews"
	PopulationVendors       = "vendor_reviews"
	PopulationVulns         = "vulnerabilities"
	PopulationConfiguration = "configuration"
)

// PopulationKind describes one kind of population: where its rows come from
// and what they are reconciled and tested against.
type PopulationKind struct {
	Key    string `json:"key"`
	Title  string `json:"title"`
	Source string `json:"source"`
	// Against is the second source the rows are reconciled with.
	Against string `json:"against"`
	// Check is the deterministic test applied to every item.
	Check string `json:"check"`
	// Event is true for a population of events in the window, taken once
	// the window has closed; false for a configuration captured within it.
	Event bool `json:"event"`
}

// PopulationKinds are the kinds Attest can retrieve, in the order shown.
var PopulationKinds = []PopulationKind{
	{Key: PopulationJoiners, Title: "Joiners", Source: "people register (HR records)", Against: "identity-provider accounts",
		Check: "security awareness training completed by its deadline", Event: true},
	{Key: PopulationLeavers, Title: "Leavers", Source: "people register (HR records)", Against: "identity-provider accounts",
		Check: "every account disabled within the leaver deadline", Event: true},
	{Key: PopulationChanges, Title: "Merged changes", Source: "merged pull requests of the collected GitHub repositories", Against: "deploy history",
		Check: "approved by someone other than its author before it merged", Event: true},
	{Key: PopulationIncidents, Title: "Incidents", Source: "incident register", Against: "post-mortem sign-off records in the ledger",
		Check: "resolved with a root cause, its post-mortem signed off within the review deadline of its resolution", Event: true},
	{Key: PopulationReviews, Title: "Access reviews", Source: "access review campaigns", Against: "frozen account lists and completion records in the ledger",
		Check: "completed by its due day with every account decided", Event: true},
	{Key: PopulationVendors, Title: "Vendor reviews", Source: "vendor register", Against: "vendor review records in the ledger",
		Check: "reviewed by the day it fell due, a qualified, adverse or disclaimed opinion answered with a response", Event: true},
	{Key: PopulationVulns, Title: "Vulnerabilities", Source: "Dependabot alerts of the collected GitHub repositories", Against: "no second source",
		Check: "fixed, or dismissed as inaccurate or not used, within the fix deadline of its severity", Event: true},
	{Key: PopulationConfiguration, Title: "Configuration at the window's end", Source: "current test results on the latest collection of each connection",
		Against: "the collections' snapshot records in the ledger",
		Check:   "passing; failing past its fix deadline is a deviation, while failing under an approved exception or within the deadline, unverifiable and stale verdicts are not testable; a stale or failed collection is a finding"},
}

// PopulationKindOf returns the kind named key.
func PopulationKindOf(key string) (PopulationKind, error) {
	for _, k := range PopulationKinds {
		if k.Key == key {
			return k, nil
		}
	}
	keys := make([]string, len(PopulationKinds))
	for i, k := range PopulationKinds {
		keys[i] = k.Key
	}
	return PopulationKind{}, Invalid("kind", "must be one of %s (got %q)", strings.Join(keys, ", "), key)
}

// WindowOpens is the first day an event population of a window ending on to
// can be taken: the day after, once every event of the window has happened.
func WindowOpens(to string) string { return addDays(to, 1) }

// CheckEventWindow refuses an event population of [from, to] on today (all
// YYYY-MM-DD) before the window has closed, naming the day it can be taken:
// a population taken early would miss the window's last events.
func CheckEventWindow(from, to, today string) error {
	if err := ValidateWindow(from, to); err != nil {
		return err
	}
	if today <= to {
		return Errorf(ECONFLICT, "the window %s to %s has not closed yet: its population can be taken from %s", from, to, WindowOpens(to))
	}
	return nil
}

// CheckCaptureWindow refuses a configuration capture of [from, to] on today
// once the window has closed: a setting read later says how things are now,
// not how they were in the window; and before it opens, when what is read
// is how things stand ahead of it (a Type 1's window is its one day).
func CheckCaptureWindow(from, to, today string) error {
	if err := ValidateWindow(from, to); err != nil {
		return err
	}
	if today < from {
		return Errorf(ECONFLICT, "the window %s to %s has not opened yet: a configuration capture can be taken from %s", from, to, from)
	}
	if today > to {
		return Errorf(ECONFLICT, "the window %s to %s closed on %s: a configuration capture can only be taken within it", from, to, to)
	}
	return nil
}

// CheckPopulationWindow applies the window rule of kind's population.
func CheckPopulationWindow(kind PopulationKind, from, to, today string) error {
	if kind.Event {
		return CheckEventWindow(from, to, today)
	}
	return CheckCaptureWindow(from, to, today)
}

// PopulationAccount is an account of a person as the retrieval saw it.
type PopulationAccount struct {
	System           string `json:"system"`
	Login            string `json:"login"`
	IdentityProvider bool   `json:"identity_provider"`
	Active           bool   `json:"active"`
}

// PopulationPerson is what a joiner's or leaver's row records: the HR dates,
// the accounts linked to them, and their first training completion.
type PopulationPerson struct {
	PersonID  int64               `json:"person_id"`
	Name      string              `json:"name"`
	StartDate string              `json:"start_date"`
	EndDate   string              `json:"end_date"`
	Accounts  []PopulationAccount `json:"accounts"`
	// TrainedOn is the day of their first security awareness training
	// completion, "" for none.
	TrainedOn string `json:"trained_on"`
}

// PopulationChange is what a merged change's row records: the pull request,
// its approvals, and where the deploy history puts it.
type PopulationChange struct {
	Repo       string    `json:"repo"`
	Number     int       `json:"number"`
	Title      string    `json:"title"`
	Author     string    `json:"author"`
	Approvers  []string  `json:"approvers"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`
	MergedAt   time.Time `json:"merged_at"`
	MergeSHA   string    `json:"merge_sha"`
	// DeployHistory is whether its repository has a deploy history (GitHub
	// deployments or an uploaded deploy log); without one a merge is the
	// deployment and there is nothing to reconcile with.
	DeployHistory bool `json:"deploy_history"`
	// DeployedAt is the deployment that shipped it, zero for none.
	DeployedAt time.Time `json:"deployed_at,omitzero"`
}

// PopulationRow is one item of a population: its sample item (ID, when it
// occurred, a one-line summary) and the facts the census tests.
type PopulationRow struct {
	ID         string              `json:"id"`
	OccurredAt time.Time           `json:"occurred_at"`
	Summary    string              `json:"summary"`
	Person     *PopulationPerson   `json:"person,omitempty"`
	Change     *PopulationChange   `json:"change,omitempty"`
	Incident   *PopulationIncident `json:"incident,omitempty"`
	Review     *PopulationReview   `json:"access_review,omitempty"`
	Vendor     *PopulationVendor   `json:"vendor_review,omitempty"`
	Vuln       *PopulationVuln     `json:"vulnerability,omitempty"`
	Capture    *PopulationCapture  `json:"configuration,omitempty"`
}

// PopulationVuln is what a vulnerability row records: a Dependabot alert of
// a repository, when it was opened, and when and how it was closed.
type PopulationVuln struct {
	Repository      string    `json:"repository"`
	Number          int       `json:"number"`
	Severity        string    `json:"severity"` // critical, high, medium, low
	Package         string    `json:"package"`
	Advisory        string    `json:"advisory"`
	State           string    `json:"state"` // open, fixed, dismissed, auto_dismissed
	CreatedAt       time.Time `json:"created_at"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	DismissedReason string    `json:"dismissed_reason,omitempty"`
}

// VulnFixDays are the default deadlines, in days from an alert's opening,
// for fixing a vulnerability of each severity: a common remediation policy,
// recorded with each population (params.fix_days) so its results can be
// re-derived.
var VulnFixDays = map[string]int{"critical": 15, "high": 30, "medium": 90, "low": 180}

// VulnRows makes the rows of a collected repository's Dependabot alerts
// opened in [from, to] (YYYY-MM-DD): item "REPO#alert-N". since is the
// first moment the alert history of the collection made at collected covers
// (zero when the resource does not say); why says what the resource does
// not hold (alerts off, or not readable).
func VulnRows(r Resource, collected time.Time, from, to string) (rows []PopulationRow, since time.Time, why string) {
	list, ok := r.Data["dependabot_alerts"].([]any)
	if !ok {
		if why = r.Unavailable["dependabot_alerts"]; why == "" {
			why = "its collection holds no Dependabot alert history"
		}
		return nil, since, why
	}
	if days, err := strconv.Atoi(fmt.Sprint(r.Data["dependabot_alerts_days"])); err == nil && days > 0 {
		since = collected.AddDate(0, 0, -days)
	}
	for _, item := range list {
		a, _ := item.(map[string]any)
		str := func(k string) string { s, _ := a[k].(string); return s }
		at := func(k string) time.Time { t, _ := time.Parse(time.RFC3339, str(k)); return t.UTC() }
		// A number as collected (int), as JSON decodes it (float64), or as a
		// snapshot reads it (json.Number): its decimal form is the same.
		n, _ := strconv.Atoi(fmt.Sprint(a["number"]))
		v := PopulationVuln{Repository: r.Key, Number: n, Severity: str("severity"), Package: str("package"), Advisory: str("advisory"),
			State: str("state"), CreatedAt: at("created_at"), ClosedAt: at("closed_at"), DismissedReason: str("dismissed_reason")}
		if v.CreatedAt.IsZero() || v.Number == 0 {
			continue
		}
		if day := Today(v.CreatedAt); day < from || day > to {
			continue
		}
		rows = append(rows, PopulationRow{ID: fmt.Sprintf("%s#alert-%d", r.Key, v.Number), OccurredAt: v.CreatedAt,
			Summary: oneLine(fmt.Sprintf("%s %s in %s (%s)", v.Severity, cmp.Or(v.Advisory, "advisory"), cmp.Or(v.Package, "a dependency"), v.State)), Vuln: &v})
	}
	return rows, since.UTC(), ""
}

// PopulationVendor is what a vendor review row records: one review that fell
// due (or was completed) in the window, the vendor it belongs to, the day it
// fell due and, once done, the review that answered it.
type PopulationVendor struct {
	VendorID     int64  `json:"vendor_id"`
	Vendor       string `json:"vendor"`
	Criticality  string `json:"criticality"`
	Status       string `json:"status"` // the vendor's status when the population was taken
	ReviewMonths int    `json:"review_months"`
	DueOn        string `json:"due_on"`
	// The review that answered it; zero values when none has.
	ReviewID    int64  `json:"review_id,omitempty"`
	ReviewUID   string `json:"review_uid,omitempty"`
	CompletedOn string `json:"completed_on,omitempty"`
	ReportType  string `json:"report_type,omitempty"`
	Opinion     string `json:"opinion,omitempty"`
	Response    bool   `json:"response,omitempty"` // a response to the opinion or exceptions is recorded
}

// PopulationReview is what an access review campaign's row records: when
// it started and was due, when it was completed, and how many of its
// accounts were decided.
type PopulationReview struct {
	ReviewID     int64     `json:"review_id"`
	UID          string    `json:"uid"`
	Title        string    `json:"title"`
	StartedAt    time.Time `json:"started_at"`
	DueOn        string    `json:"due_on"`
	CompletedAt  time.Time `json:"completed_at,omitzero"`
	Items        int       `json:"items"`
	Decided      int       `json:"decided"`
	SnapshotHash string    `json:"snapshot_hash"` // the record hash of its frozen account list
}

// PopulationIncident is what an incident's row records: its timeline, root
// cause and the sign-off of its post-mortem, with the ledger record the
// sign-off made.
type PopulationIncident struct {
	IncidentID   int64     `json:"incident_id"`
	Title        string    `json:"title"`
	Severity     string    `json:"severity"`
	Status       string    `json:"status"`
	OccurredAt   time.Time `json:"occurred_at"`
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	RootCause    bool      `json:"root_cause"` // one is recorded
	PersonalData bool      `json:"personal_data"`
	SignedOffAt  time.Time `json:"signed_off_at,omitzero"`
	RecordUID    string    `json:"record_uid,omitempty"` // the sign-off's ledger record
}

// IncidentReviewDays is how long after its resolution an incident's
// post-mortem may be signed off: a month, time for the review without
// letting it lapse.
const IncidentReviewDays = 30

// PopulationParams are the deadlines a retrieval's checks ran with, recorded
// so the results can be re-derived from the record alone.
type PopulationParams struct {
	LeaverDays   int `json:"leaver_days,omitempty"`
	TrainingDays int `json:"training_days,omitempty"`
	IncidentDays int `json:"incident_days,omitempty"`
	// FixDays are the days to fix a vulnerability, by severity.
	FixDays map[string]int `json:"fix_days,omitempty"`
	// RemediationDays is how long a failing monitoring result may stay
	// failing before it is a deviation (a configuration capture).
	RemediationDays int `json:"remediation_days,omitempty"`
	// CapturedAt is when a configuration capture read the collections: a
	// collection's age, and so whether it is stale, is reckoned from it.
	CapturedAt time.Time `json:"captured_at,omitzero"`
}

// PopulationFinding is one mismatch between a population and its second
// source: the item (a row's ID, or an account or deployment the population
// lacks) and why.
type PopulationFinding struct {
	Item string `json:"item"`
	Why  string `json:"why"`
}

// Reconciliation is a population set beside its second source.
type Reconciliation struct {
	Against string `json:"against"`
	// Reconciled is false when the second source was not there to compare
	// with; Note says why.
	Reconciled bool                `json:"reconciled"`
	Note       string              `json:"note"`
	Findings   []PopulationFinding `json:"findings"`
}

// Census results of one item.
const (
	ItemPass        = "pass"
	ItemDeviation   = "deviation"
	ItemNotTestable = "not_testable"
)

// ItemResult is the census check of one item.
type ItemResult struct {
	Item   string `json:"item"`
	Result string `json:"result"`
	Reason string `json:"reason"`
}

// PopulationRetrieval is a recorded retrieval: a kind of population over a
// window, the source and query it came from, when it ran, the rows it
// returned and their hash, the reconciliation and the census.
type PopulationRetrieval struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"-"`
	UID   string `json:"uid"`
	Kind  string `json:"kind"`
	From  string `json:"from"`
	To    string `json:"to"`
	// AuditID is the audit record the population belongs to, taken inside
	// its window; 0 for a retrieval taken before audits were records.
	AuditID int64 `json:"audit_id,omitempty"`
	// Audit names the audit it was taken for: the audit's name, or the free
	// text of an older retrieval.
	Audit          string           `json:"audit"`
	Source         string           `json:"source"`
	Query          string           `json:"query"`
	Params         PopulationParams `json:"params"`
	RanAt          time.Time        `json:"ran_at"`
	TakenBy        string           `json:"taken_by"`
	Count          int              `json:"count"`
	Hash           string           `json:"population_hash"`
	Rows           []PopulationRow  `json:"rows"`
	Reconciliation Reconciliation   `json:"reconciliation"`
	Results        []ItemResult     `json:"results"`
	RecordHash     string           `json:"record_hash"`
	// Tally counts the results and the reconciliation's findings.
	Tally PopulationTally `json:"tally"`
}

// PopulationTally counts a retrieval's census results by outcome, and its
// reconciliation's mismatches.
type PopulationTally struct {
	Passed      int `json:"passed"`
	Deviations  int `json:"deviations"`
	NotTestable int `json:"not_testable"`
	Mismatches  int `json:"mismatches"`
}

// TallyOf counts results and findings.
func TallyOf(results []ItemResult, rec Reconciliation) PopulationTally {
	t := PopulationTally{Mismatches: len(rec.Findings)}
	for _, r := range results {
		switch r.Result {
		case ItemPass:
			t.Passed++
		case ItemDeviation:
			t.Deviations++
		default:
			t.NotTestable++
		}
	}
	return t
}

// PopulationItems are the sample items of rows, for hashing and sampling.
func PopulationItems(rows []PopulationRow) []SampleItem {
	items := make([]SampleItem, len(rows))
	for i, r := range rows {
		items[i] = SampleItem{ID: r.ID, OccurredAt: r.OccurredAt.UTC(), Summary: r.Summary}
	}
	return items
}

// SortPopulationRows puts rows in the canonical order (SortPopulation's).
func SortPopulationRows(rows []PopulationRow) {
	slices.SortStableFunc(rows, func(a, b PopulationRow) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.ID, b.ID))
	})
}

// oneLine replaces control characters, which the canonical encoding
// reserves, with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// PersonRow makes the row of a joiner (occurring on their start date) or a
// leaver (their last working day): item "person-ID", summarized by name.
func PersonRow(p PopulationPerson, leaver bool) (PopulationRow, error) {
	day := p.StartDate
	if leaver {
		day = p.EndDate
	}
	at, err := time.Parse(DateLayout, day)
	if err != nil {
		return PopulationRow{}, Invalid("population", "person %d: date %q is not YYYY-MM-DD", p.PersonID, day)
	}
	if p.Accounts == nil {
		p.Accounts = []PopulationAccount{}
	}
	return PopulationRow{ID: "person-" + strconv.FormatInt(p.PersonID, 10), OccurredAt: at, Summary: oneLine(p.Name), Person: &p}, nil
}

// ChangeRow makes the row of a merged change: item "REPO#NUMBER", occurring
// when it merged.
func ChangeRow(c PopulationChange) PopulationRow {
	if c.Approvers == nil {
		c.Approvers = []string{}
	}
	id := oneLine(c.Repo) + "#" + strconv.Itoa(c.Number)
	return PopulationRow{ID: id, OccurredAt: c.MergedAt.UTC(), Summary: oneLine(strings.TrimSpace(c.Title + " (by " + c.Author + ")")), Change: &c}
}

// IncidentRow makes the row of an incident: item "incident-ID", occurring
// when it occurred (when it was detected, if that is all that is known),
// summarized by severity and title.
func IncidentRow(in PopulationIncident) PopulationRow {
	return PopulationRow{ID: "incident-" + strconv.FormatInt(in.IncidentID, 10), OccurredAt: in.OccurredAt.UTC(),
		Summary: oneLine(strings.TrimSpace(in.Severity + " " + in.Title)), Incident: &in}
}

// VendorReviewRows makes the rows of one vendor for the window [from, to]:
// the reviews that fell due in it or were completed in it. The cycle is the
// register's own (attest.Vendor.NextReviewDue): the first review falls due
// VendorFirstReviewDays after the vendor was recorded, each next one its
// cadence after the review before it was completed; each completed review
// answers the cycle open when it was done, in the order they were completed.
// The cadence is the vendor's current one. reviews may hold other vendors'
// and drafts; they are skipped.
func VendorReviewRows(v Vendor, reviews []VendorReview, from, to string) []PopulationRow {
	var done []VendorReview
	for _, r := range reviews {
		if r.VendorID == v.ID && r.State == ReviewCompleted && r.CompletedOn != "" {
			done = append(done, r)
		}
	}
	slices.SortStableFunc(done, func(a, b VendorReview) int {
		return cmp.Or(cmp.Compare(a.CompletedOn, b.CompletedOn), cmp.Compare(a.ID, b.ID))
	})
	if v.CreatedAt.IsZero() {
		return nil
	}
	months := max(v.ReviewMonths, 1)
	due := addDays(Today(v.CreatedAt), VendorFirstReviewDays)
	var rows []PopulationRow
	for i := 0; due != ""; i++ {
		row := PopulationVendor{VendorID: v.ID, Vendor: v.Name, Criticality: v.Criticality, Status: v.Status, ReviewMonths: months, DueOn: due}
		if i >= len(done) {
			// The open cycle: in the population when it fell due in the window.
			if due >= from && due <= to {
				rows = append(rows, VendorRow(row))
			}
			break
		}
		r := done[i]
		if due > to && r.CompletedOn > to {
			break // neither due nor done in the window, nor is any later cycle
		}
		row.ReviewID, row.ReviewUID, row.CompletedOn, row.ReportType, row.Opinion = r.ID, r.UID, r.CompletedOn, r.ReportType, r.Opinion
		row.Response = r.Response != ""
		if (due >= from && due <= to) || (r.CompletedOn >= from && r.CompletedOn <= to) {
			rows = append(rows, VendorRow(row))
		}
		due = AddMonths(r.CompletedOn, months)
	}
	return rows
}

// VendorRow makes the row of one vendor review cycle: item
// "vendor-ID-due-YYYY-MM-DD", occurring on the day it fell due.
func VendorRow(v PopulationVendor) PopulationRow {
	at, _ := time.Parse(DateLayout, v.DueOn)
	return PopulationRow{ID: "vendor-" + strconv.FormatInt(v.VendorID, 10) + "-due-" + v.DueOn, OccurredAt: at,
		Summary: oneLine(v.Vendor + " (" + v.Criticality + "), review due " + v.DueOn), Vendor: &v}
}

// VendorReviewRecord is what the ledger's vendor_review record says of a
// completed review: its uid, the vendor's name and the day it was completed.
type VendorReviewRecord struct {
	UID         string
	Vendor      string
	CompletedOn string
}

// ReconcileVendors sets vendor review rows beside the ledger's vendor_review
// records: a completed review without its record, or whose record names
// another vendor or completion day, is a finding; so is a record of a review
// completed in [from, to] that no row holds (a review the register lost).
func ReconcileVendors(rows []PopulationRow, records []VendorReviewRecord, from, to string) Reconciliation {
	rec := Reconciliation{Against: "vendor review records in the ledger", Reconciled: true, Findings: []PopulationFinding{}}
	byUID := make(map[string]VendorReviewRecord, len(records))
	for _, r := range records {
		byUID[r.UID] = r
	}
	held := map[string]bool{}
	for _, r := range rows {
		if r.Vendor == nil || r.Vendor.ReviewUID == "" {
			continue
		}
		held[r.Vendor.ReviewUID] = true
		switch lr, ok := byUID[r.Vendor.ReviewUID]; {
		case !ok:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "completed on " + r.Vendor.CompletedOn + " but the ledger holds no vendor_review record of " + r.Vendor.ReviewUID})
		case lr.Vendor != r.Vendor.Vendor:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: fmt.Sprintf("the ledger's record of review %s names the vendor %q, the register %q (renamed since, or the review moved)", lr.UID, lr.Vendor, r.Vendor.Vendor)})
		case lr.CompletedOn != r.Vendor.CompletedOn:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "the ledger records its completion on " + lr.CompletedOn + ", the register on " + r.Vendor.CompletedOn})
		}
	}
	for _, lr := range records {
		if !held[lr.UID] && lr.CompletedOn >= from && lr.CompletedOn <= to {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: lr.UID, Why: fmt.Sprintf("the ledger records a review of %q completed on %s that the register's population lacks", lr.Vendor, lr.CompletedOn)})
		}
	}
	rec.Note = fmt.Sprintf("%d mismatch(es)", len(rec.Findings))
	return rec
}

// ReviewRow makes the row of an access review campaign: item
// "access-review-ID", occurring when it started.
func ReviewRow(r PopulationReview) PopulationRow {
	return PopulationRow{ID: "access-review-" + strconv.FormatInt(r.ReviewID, 10), OccurredAt: r.StartedAt.UTC(), Summary: oneLine(r.Title), Review: &r}
}

// ReconcileReviews sets access review campaigns beside the ledger:
// snapshots maps a campaign's uid to the record hash of the frozen account
// list the ledger holds for it, completed says which campaigns have a
// completion record. A campaign whose frozen list the ledger lacks or holds
// with another hash, and a completed one without its completion record, are
// findings.
func ReconcileReviews(rows []PopulationRow, snapshots map[string]string, completed map[string]bool) Reconciliation {
	rec := Reconciliation{Against: "frozen account lists and completion records in the ledger", Reconciled: true, Findings: []PopulationFinding{}}
	for _, r := range rows {
		if r.Review == nil {
			continue
		}
		switch h, ok := snapshots[r.Review.UID]; {
		case !ok:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "the ledger holds no frozen account list for it"})
		case h != r.Review.SnapshotHash:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "its frozen account list in the ledger hashes to " + h + ", not the " + r.Review.SnapshotHash + " it names"})
		}
		if !r.Review.CompletedAt.IsZero() && !completed[r.Review.UID] {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "completed on " + Today(r.Review.CompletedAt) + " but the ledger holds no completion record"})
		}
	}
	rec.Note = fmt.Sprintf("%d mismatch(es)", len(rec.Findings))
	return rec
}

// ReconcileIncidents sets incidents beside the ledger: an incident whose
// post-mortem is signed off must have the sign-off's ledger record
// (recorded says which record uids the ledger holds); one without it is a
// finding.
func ReconcileIncidents(rows []PopulationRow, recorded map[string]bool) Reconciliation {
	rec := Reconciliation{Against: "post-mortem sign-off records in the ledger", Reconciled: true, Findings: []PopulationFinding{}}
	for _, r := range rows {
		if r.Incident == nil || r.Incident.SignedOffAt.IsZero() {
			continue
		}
		if r.Incident.RecordUID == "" || !recorded[r.Incident.RecordUID] {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "its post-mortem is marked signed off on " +
				r.Incident.SignedOffAt.UTC().Format(DateLayout) + " but the ledger holds no sign-off record for it"})
		}
	}
	rec.Note = fmt.Sprintf("%d mismatch(es)", len(rec.Findings))
	return rec
}

// ReconcilePeople sets joiners or leavers beside the identity-provider
// accounts. idps is whether any identity provider was collected (without
// one, nothing can be reconciled); unlinked are the active identity-provider
// accounts linked to nobody on the roster: people HR does not list, who may
// be joiners missing from the population. A joiner without an identity
// provider account, and a leaver whose identity-provider account is still
// active, are findings.
func ReconcilePeople(kind string, rows []PopulationRow, idps bool, unlinked []PopulationAccount) Reconciliation {
	rec := Reconciliation{Against: "identity-provider accounts", Reconciled: idps, Findings: []PopulationFinding{}}
	if !idps {
		rec.Note = "no identity provider was collected: the population cannot be reconciled"
		return rec
	}
	for _, r := range rows {
		if r.Person == nil {
			continue
		}
		var idp, active []string
		for _, a := range r.Person.Accounts {
			if a.IdentityProvider {
				idp = append(idp, a.System+" "+a.Login)
				if a.Active {
					active = append(active, a.System+" "+a.Login)
				}
			}
		}
		switch {
		case kind == PopulationJoiners && len(idp) == 0:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: r.Person.Name + " started on " + r.Person.StartDate + " but has no identity-provider account"})
		case kind == PopulationLeavers && len(active) > 0:
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: r.Person.Name + " left on " + r.Person.EndDate + " but the identity provider still has an active account: " + strings.Join(active, ", ")})
		}
	}
	if kind == PopulationJoiners {
		for _, a := range unlinked {
			if a.IdentityProvider && a.Active {
				rec.Findings = append(rec.Findings, PopulationFinding{Item: "account " + a.System + " " + a.Login,
					Why: "an active identity-provider account that belongs to nobody in the HR records: a joiner the population may be missing"})
			}
		}
	}
	rec.Note = fmt.Sprintf("%d mismatch(es)", len(rec.Findings))
	return rec
}

// ReconcileChangeRows sets merged changes beside the deploy history: a
// change of a repository with a deploy history that no deployment shipped,
// and a deployment in the window that shipped no merged change (orphans),
// are findings.
func ReconcileChangeRows(rows []PopulationRow, orphans []Deployment) Reconciliation {
	rec := Reconciliation{Against: "deploy history", Findings: []PopulationFinding{}}
	for _, r := range rows {
		if r.Change == nil || !r.Change.DeployHistory {
			continue
		}
		rec.Reconciled = true
		if r.Change.DeployedAt.IsZero() {
			rec.Findings = append(rec.Findings, PopulationFinding{Item: r.ID, Why: "merged on " + r.Change.MergedAt.UTC().Format(DateLayout) +
				" but no deployment of " + r.Change.Repo + " shipped it"})
		}
	}
	for _, d := range orphans {
		rec.Reconciled = true
		rec.Findings = append(rec.Findings, PopulationFinding{Item: "deployment " + d.Repo + "@" + d.SHA,
			Why: "deployed on " + d.At.UTC().Format(time.RFC3339) + " with no merged pull request behind it"})
	}
	if rec.Reconciled {
		rec.Note = fmt.Sprintf("%d mismatch(es)", len(rec.Findings))
	} else {
		rec.Note = "no repository of the population has a deploy history (GitHub deployments or a deploy log): each merge is its deployment"
	}
	return rec
}

// Census tests every row of a population of kind with its check, as of
// today (the day the retrieval ran, YYYY-MM-DD), in the rows' order.
func Census(kind string, rows []PopulationRow, params PopulationParams, today string) []ItemResult {
	out := make([]ItemResult, 0, len(rows))
	for _, r := range rows {
		res := ItemResult{Item: r.ID}
		switch {
		case kind == PopulationJoiners && r.Person != nil:
			res.Result, res.Reason = checkJoiner(*r.Person, params.TrainingDays, today)
		case kind == PopulationLeavers && r.Person != nil:
			res.Result, res.Reason = checkLeaver(*r.Person, params.LeaverDays, today)
		case kind == PopulationChanges && r.Change != nil:
			res.Result, res.Reason = checkChange(*r.Change)
		case kind == PopulationIncidents && r.Incident != nil:
			res.Result, res.Reason = checkIncident(*r.Incident, params.IncidentDays, today)
		case kind == PopulationReviews && r.Review != nil:
			res.Result, res.Reason = checkReview(*r.Review, today)
		case kind == PopulationVendors && r.Vendor != nil:
			res.Result, res.Reason = checkVendor(*r.Vendor, today)
		case kind == PopulationVulns && r.Vuln != nil:
			res.Result, res.Reason = checkVuln(*r.Vuln, params.FixDays, today)
		case kind == PopulationConfiguration && r.Capture != nil:
			res.Result, res.Reason = checkCapture(*r.Capture, params)
		default:
			res.Result, res.Reason = ItemNotTestable, "the row holds none of the facts its check needs"
		}
		out = append(out, res)
	}
	return out
}

// checkJoiner: training completed within days of the start date.
func checkJoiner(p PopulationPerson, days int, today string) (string, string) {
	due := addDays(p.StartDate, days)
	switch {
	case p.TrainedOn != "" && p.TrainedOn <= due:
		return ItemPass, "trained on " + p.TrainedOn + ", by the deadline " + due
	case p.TrainedOn != "":
		return ItemDeviation, "trained on " + p.TrainedOn + ", after the deadline " + due
	case today <= due:
		return ItemNotTestable, "not trained yet, and the deadline " + due + " had not passed when the population was taken"
	default:
		return ItemDeviation, "no training recorded by the deadline " + due
	}
}

// checkLeaver: every account disabled within days of the last working day.
// The collections show whether an account is active, not the day it was
// disabled, so an account found disabled after the deadline cannot show it
// was disabled in time.
func checkLeaver(p PopulationPerson, days int, today string) (string, string) {
	due := addDays(p.EndDate, days)
	var active []string
	for _, a := range p.Accounts {
		if a.Active {
			active = append(active, a.System+" "+a.Login)
		}
	}
	switch {
	case len(active) > 0 && today > due:
		return ItemDeviation, "still active after the deadline " + due + ": " + strings.Join(active, ", ")
	case len(active) > 0:
		return ItemNotTestable, "still active, but the deadline " + due + " had not passed when the population was taken: " + strings.Join(active, ", ")
	case len(p.Accounts) == 0:
		return ItemNotTestable, "no account is linked to them, so no removal can be tested"
	case today <= due:
		return ItemPass, fmt.Sprintf("all %d account(s) disabled on %s, by the deadline %s", len(p.Accounts), today, due)
	default:
		return ItemNotTestable, fmt.Sprintf("all %d account(s) were disabled when taken on %s, but the collections do not record whether before the deadline %s", len(p.Accounts), today, due)
	}
}

// checkVuln: closed within the fix deadline of its severity, by a fix or a
// dismissal that says the alert does not apply (inaccurate, not used, or
// closed by GitHub itself); a dismissal that accepts the risk or defers the
// fix is not a fix.
func checkVuln(v PopulationVuln, fixDays map[string]int, today string) (string, string) {
	days, ok := fixDays[v.Severity]
	if !ok {
		return ItemNotTestable, fmt.Sprintf("severity %q has no fix deadline", v.Severity)
	}
	due := addDays(Today(v.CreatedAt), days)
	closed := Today(v.ClosedAt)
	switch {
	case v.State == "open" && today > due:
		return ItemDeviation, fmt.Sprintf("still open; %s, opened %s, was due to be fixed by %s", v.Severity, Today(v.CreatedAt), due)
	case v.State == "open":
		return ItemNotTestable, "still open, within its deadline " + due + " when the population was taken"
	case v.ClosedAt.IsZero():
		return ItemNotTestable, v.State + " without the day it was closed"
	case v.State == "dismissed" && v.DismissedReason != "inaccurate" && v.DismissedReason != "not_used":
		return ItemDeviation, fmt.Sprintf("dismissed on %s as %s: a risk accepted or a fix deferred is not a fix", closed, cmp.Or(v.DismissedReason, "no reason"))
	case closed > due:
		return ItemDeviation, fmt.Sprintf("%s on %s, after its deadline %s (%s: %d days)", v.State, closed, due, v.Severity, days)
	default:
		return ItemPass, fmt.Sprintf("%s on %s, by its deadline %s (%s: %d days)", v.State, closed, due, v.Severity, days)
	}
}

// checkVendor: reviewed by the day it fell due, an opinion other than
// unqualified answered with a response.
func checkVendor(v PopulationVendor, today string) (string, string) {
	switch {
	case v.CompletedOn == "" && v.Status == VendorOffboarded:
		return ItemNotTestable, "not reviewed, and the vendor is offboarded: the register does not record the day it left, so whether the review was still owed is not known"
	case v.CompletedOn == "" && v.DueOn < today:
		return ItemDeviation, "not reviewed; due on " + v.DueOn
	case v.CompletedOn == "":
		return ItemNotTestable, "not reviewed yet, and its due day " + v.DueOn + " had not passed when the population was taken"
	case v.CompletedOn > v.DueOn:
		return ItemDeviation, "reviewed on " + v.CompletedOn + ", after its due day " + v.DueOn
	case v.Opinion != "" && v.Opinion != "unqualified" && !v.Response:
		return ItemDeviation, "reviewed on " + v.CompletedOn + ", but the report's " + v.Opinion + " opinion has no recorded response"
	default:
		return ItemPass, "reviewed on " + v.CompletedOn + ", by its due day " + v.DueOn
	}
}

// checkReview: completed by its due day, every account decided.
func checkReview(r PopulationReview, today string) (string, string) {
	undecided := r.Items - r.Decided
	switch {
	case r.CompletedAt.IsZero() && today > r.DueOn:
		return ItemDeviation, fmt.Sprintf("not completed by its due day %s (%d of %d account(s) decided)", r.DueOn, r.Decided, r.Items)
	case r.CompletedAt.IsZero():
		return ItemNotTestable, "not completed yet, and its due day " + r.DueOn + " had not passed when the population was taken"
	case undecided > 0:
		return ItemDeviation, fmt.Sprintf("completed on %s with %d account(s) undecided", Today(r.CompletedAt), undecided)
	case Today(r.CompletedAt) > r.DueOn:
		return ItemDeviation, "completed on " + Today(r.CompletedAt) + ", after its due day " + r.DueOn
	default:
		return ItemPass, fmt.Sprintf("completed on %s, by its due day %s, all %d account(s) decided", Today(r.CompletedAt), r.DueOn, r.Items)
	}
}

// checkIncident: resolved with a root cause, its post-mortem signed off
// within days of the resolution.
func checkIncident(in PopulationIncident, days int, today string) (string, string) {
	if in.ResolvedAt.IsZero() {
		return ItemNotTestable, "not resolved when the population was taken"
	}
	resolved := in.ResolvedAt.UTC().Format(DateLayout)
	due := addDays(resolved, days)
	switch {
	case !in.RootCause:
		return ItemDeviation, "resolved on " + resolved + " without a root cause recorded"
	case in.SignedOffAt.IsZero() && today > due:
		return ItemDeviation, "resolved on " + resolved + "; its post-mortem was not signed off by the deadline " + due
	case in.SignedOffAt.IsZero():
		return ItemNotTestable, "resolved on " + resolved + "; its post-mortem is not signed off yet, and the deadline " + due + " had not passed when the population was taken"
	case in.SignedOffAt.UTC().Format(DateLayout) > due:
		return ItemDeviation, "post-mortem signed off on " + in.SignedOffAt.UTC().Format(DateLayout) + ", after the deadline " + due
	default:
		return ItemPass, "resolved on " + resolved + " with a root cause; post-mortem signed off on " + in.SignedOffAt.UTC().Format(DateLayout) + ", by the deadline " + due
	}
}

// checkChange: approved by someone other than its author, before it merged.
func checkChange(c PopulationChange) (string, string) {
	var others []string
	for _, a := range c.Approvers {
		if !strings.EqualFold(a, c.Author) {
			others = append(others, a)
		}
	}
	switch {
	case len(others) == 0 && len(c.Approvers) > 0:
		return ItemDeviation, "approved only by its author, " + c.Author
	case len(others) == 0:
		return ItemDeviation, "merged without an approval"
	case c.ApprovedAt.IsZero():
		return ItemNotTestable, "approved by " + strings.Join(others, ", ") + ", but when is not recorded"
	case c.ApprovedAt.After(c.MergedAt):
		return ItemDeviation, "approved by " + strings.Join(others, ", ") + " only after it merged"
	default:
		return ItemPass, "approved by " + strings.Join(others, ", ") + ", not its author " + c.Author + ", before it merged"
	}
}

// PopulationSample is a sample drawn from a recorded population for one
// control of its audit, where testing every item is impracticable: the size
// comes from SampleSize (the control's frequency, or per event, and whether
// the prior period had a deviation), the seed from SampleSeed(audit ID,
// control reference, population hash), the selection from SelectSample. The
// workpaper holds all of it, for attest audit sample --verify.
type PopulationSample struct {
	ID             int64     `json:"id"`
	OrgID          int64     `json:"-"`
	PopulationID   int64     `json:"population_id"`
	ControlID      int64     `json:"control_id"`
	Frequency      string    `json:"frequency"`
	PriorDeviation bool      `json:"prior_deviation"`
	Size           int       `json:"size"`
	Seed           string    `json:"seed"`
	Workpaper      Workpaper `json:"workpaper"`
	DrawnAt        time.Time `json:"drawn_at"`
}
