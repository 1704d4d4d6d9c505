// Package population takes audit populations: for a kind (joiners, leavers,
// merged changes, incidents, access reviews, vendor reviews,
// vulnerabilities, the configuration at the window's end) and a window, it runs the query through the services that
// own the data, reconciles the answer with its second source, tests every
// item (census), and records the retrieval, with its unedited rows and their
// hash, as a ledger record so that attest verify covers it. The rules are
// the pure functions of the root package (census.go).
package population

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Service takes and lists an organization's populations. It reads through
// the services that own the data, given as functions (app wires roster and
// change in), so that the web layer can sit above it.
type Service struct {
	DB     *store.DB
	Ledger *chain.Chain
	// Roster returns the organization's roster reconciled today, and where
	// its accounts came from, one line per source.
	Roster func(ctx context.Context, p attest.Principal) (attest.Roster, []string, error)
	// Changes returns the changes register from since to now.
	Changes func(ctx context.Context, p attest.Principal, since time.Time) (ChangeLog, error)
	// Collections returns the latest complete collection of each of the
	// organization's connections of a connector type.
	Collections func(ctx context.Context, p attest.Principal, connector string) ([]attest.LatestCollection, error)
	// Capture returns what a configuration capture reads of each of the
	// organization's connections: their collections and current results.
	Capture func(ctx context.Context, p attest.Principal) ([]attest.CaptureConnection, error)
	Now     func() time.Time
}

// ChangeLog is the changes register over a span: the deployments with the
// pull requests each shipped, the merged pull requests no deployment
// shipped yet, and its sources, one line each.
type ChangeLog struct {
	Changes    []attest.Change
	Undeployed []attest.JudgedPull
	Sources    []string
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Request names the population to take.
type Request struct {
	Kind string `json:"kind"`
	// From and To default to the audit's window, and must lie inside it.
	From string `json:"from"`
	To   string `json:"to"`
	// AuditID is the audit it is taken for.
	AuditID int64 `json:"audit_id"`
}

// retrieved is what a query returned, before it is recorded.
type retrieved struct {
	source, query string
	params        attest.PopulationParams
	rows          []attest.PopulationRow
	rec           attest.Reconciliation
}

// Take runs the query of a population, checks and reconciles it, and records
// the retrieval in the ledger. An event population is refused before its
// window has closed, a configuration capture once it has. A population
// with no rows is recorded like any other.
func (s *Service) Take(ctx context.Context, p attest.Principal, req Request) (attest.PopulationRetrieval, error) {
	var r attest.PopulationRetrieval
	if err := p.Require(attest.ActEdit); err != nil {
		return r, err
	}
	kind, err := attest.PopulationKindOf(req.Kind)
	if err != nil {
		return r, err
	}
	audit, err := s.openAudit(ctx, p, req.AuditID)
	if err != nil {
		return r, err
	}
	from, to := audit.Window()
	req.From, req.To = cmp.Or(strings.TrimSpace(req.From), from), cmp.Or(strings.TrimSpace(req.To), to)
	// A population speaks for the audit's period only: the days outside
	// it are another period's.
	if req.From < from {
		return r, attest.Invalid("from", "%s is before the audit's window (%s)", req.From, audit.Period())
	}
	if req.To > to {
		return r, attest.Invalid("to", "%s is after the audit's window (%s)", req.To, audit.Period())
	}
	ranAt := s.now().UTC()
	today := attest.Today(ranAt)
	if err := attest.CheckPopulationWindow(kind, req.From, req.To, today); err != nil {
		return r, err
	}
	var got retrieved
	switch kind.Key {
	case attest.PopulationJoiners, attest.PopulationLeavers:
		got, err = s.people(ctx, p, kind.Key, req.From, req.To)
	case attest.PopulationChanges:
		got, err = s.changes(ctx, p, req.From, req.To)
	case attest.PopulationIncidents:
		got, err = s.incidents(ctx, p, req.From, req.To)
	case attest.PopulationReviews:
		got, err = s.reviews(ctx, p, req.From, req.To)
	case attest.PopulationVendors:
		got, err = s.vendors(ctx, p, req.From, req.To)
	case attest.PopulationVulns:
		got, err = s.vulns(ctx, p, req.From, req.To)
	case attest.PopulationConfiguration:
		got, err = s.capture(ctx, p, req.From, req.To, ranAt)
	}
	if err != nil {
		return r, err
	}
	attest.SortPopulationRows(got.rows)
	items := attest.PopulationItems(got.rows)
	if err := attest.ValidatePopulation(items); err != nil {
		return r, fmt.Errorf("population %s: %w", kind.Key, err)
	}
	r = attest.PopulationRetrieval{OrgID: p.OrgID, UID: attest.NewUID("pop_"), Kind: kind.Key, From: req.From, To: req.To, AuditID: audit.ID, Audit: audit.Name,
		Source: got.source, Query: got.query, Params: got.params, RanAt: ranAt, TakenBy: p.Label, Count: len(got.rows),
		Hash: attest.PopulationHash(items), Rows: got.rows, Reconciliation: got.rec}
	r.Results = attest.Census(kind.Key, r.Rows, r.Params, today)
	r.Tally = attest.TallyOf(r.Results, r.Reconciliation)
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		rec := map[string]any{"type": ledger.RecordTypePopulation, "org": org.Slug, "uid": r.UID, "kind": r.Kind, "from": r.From, "to": r.To,
			"audit_id": r.AuditID, "audit": r.Audit, "source": r.Source, "query": r.Query, "params": r.Params, "ran_at": ledger.FormatTime(r.RanAt),
			"taken_by": r.TakenBy, "count": r.Count, "population_hash": r.Hash, "rows": r.Rows, "reconciliation": r.Reconciliation,
			"results": r.Results}
		hash, _, err := ledger.HashRecord(rec)
		if err != nil {
			return err
		}
		r.RecordHash = hash
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypePopulation, r.UID, rec); err != nil {
			return err
		}
		if err := tx.CreatePopulation(ctx, &r, p.UserID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("population.taken", "population", strconv.FormatInt(r.ID, 10),
			fmt.Sprintf("Took the %s population of %s to %s: %d item(s), %d pass, %d deviation(s), %d not testable, %d mismatch(es); ledger record %s",
				kind.Key, r.From, r.To, r.Count, r.Tally.Passed, r.Tally.Deviations, r.Tally.NotTestable, r.Tally.Mismatches, r.UID)))
	})
	return r, err
}

// List returns the organization's recorded retrievals, newest first,
// without their rows.
func (s *Service) List(ctx context.Context, p attest.Principal, f store.PopulationFilter) ([]attest.PopulationRetrieval, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.Populations(ctx, p.OrgID, f)
}

// openAudit returns the audit a population or sample is taken for, refusing
// a closed one: what the auditor tested is final once the audit closes.
func (s *Service) openAudit(ctx context.Context, p attest.Principal, auditID int64) (attest.Audit, error) {
	if auditID == 0 {
		return attest.Audit{}, attest.Invalid("audit_id", "choose the audit the population is taken for")
	}
	a, err := s.DB.Audit(ctx, p.OrgID, auditID)
	if err != nil {
		return a, err
	}
	if a.Status == attest.AuditClosed {
		return a, attest.Errorf(attest.ECONFLICT, "the audit %q is closed: its populations and samples are final", a.Name)
	}
	return a, nil
}

// ListAudit returns the recorded retrievals of one audit, newest first,
// without their rows: for its members and its invited auditors.
func (s *Service) ListAudit(ctx context.Context, p attest.Principal, auditID int64) ([]attest.PopulationRetrieval, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return nil, err
	}
	if _, err := s.DB.Audit(ctx, p.OrgID, auditID); err != nil {
		return nil, err
	}
	return s.DB.Populations(ctx, p.OrgID, store.PopulationFilter{AuditID: auditID})
}

// GetAudit returns one recorded retrieval of an audit, as Get; a population
// of another audit is not found, as if absent.
func (s *Service) GetAudit(ctx context.Context, p attest.Principal, auditID, id int64) (attest.PopulationRetrieval, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return attest.PopulationRetrieval{}, err
	}
	r, err := s.get(ctx, p, id)
	if err == nil && r.AuditID != auditID {
		return attest.PopulationRetrieval{}, attest.Errorf(attest.ENOTFOUND, "population not found")
	}
	return r, err
}

// Get returns one recorded retrieval with everything its ledger record
// holds: the query, the rows, the reconciliation and the results.
func (s *Service) Get(ctx context.Context, p attest.Principal, id int64) (attest.PopulationRetrieval, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.PopulationRetrieval{}, err
	}
	return s.get(ctx, p, id)
}

func (s *Service) get(ctx context.Context, p attest.Principal, id int64) (attest.PopulationRetrieval, error) {
	r, err := s.DB.Population(ctx, p.OrgID, id)
	if err != nil {
		return r, err
	}
	br, err := s.DB.LedgerRecord(ctx, p.OrgID, ledger.RecordTypePopulation, r.UID)
	if err != nil {
		return r, err
	}
	if br.RecordHash != r.RecordHash {
		return r, attest.Errorf(attest.EINTERNAL, "population %s: its ledger record is not the one it was taken with: run attest verify", r.UID)
	}
	var rec struct {
		Source         string                  `json:"source"`
		Query          string                  `json:"query"`
		Params         attest.PopulationParams `json:"params"`
		TakenBy        string                  `json:"taken_by"`
		Rows           []attest.PopulationRow  `json:"rows"`
		Reconciliation attest.Reconciliation   `json:"reconciliation"`
		Results        []attest.ItemResult     `json:"results"`
	}
	if err := json.Unmarshal(br.Record, &rec); err != nil {
		return r, fmt.Errorf("population %s: reading its record: %w", r.UID, err)
	}
	r.Source, r.Query, r.Params, r.TakenBy = rec.Source, rec.Query, rec.Params, rec.TakenBy
	r.Rows, r.Reconciliation, r.Results = rec.Rows, rec.Reconciliation, rec.Results
	return r, nil
}

// people retrieves the joiners (start date in the window) or leavers (last
// working day in the window) from the people register, each with the
// accounts the roster links to them and their first training.
func (s *Service) people(ctx context.Context, p attest.Principal, kind, from, to string) (retrieved, error) {
	var got retrieved
	ro, srcs, err := s.Roster(ctx, p)
	if err != nil {
		return got, err
	}
	pop, err := attest.PopulationsOf(ro, from, to)
	if err != nil {
		return got, err
	}
	members, leaver := pop.Joiners, kind == attest.PopulationLeavers
	if leaver {
		members = pop.Leavers
	}
	completions, err := s.DB.TrainingCompletions(ctx, p.OrgID, 0)
	if err != nil {
		return got, err
	}
	trained := map[int64]string{}
	for _, c := range completions {
		if d, ok := trained[c.PersonID]; !ok || c.CompletedOn < d {
			trained[c.PersonID] = c.CompletedOn
		}
	}
	settings, err := s.DB.PeopleSettings(ctx, p.OrgID)
	if err != nil {
		return got, err
	}
	got.rows = []attest.PopulationRow{}
	for _, m := range members {
		pp := attest.PopulationPerson{PersonID: m.Person.ID, Name: m.Person.Name, StartDate: m.Person.StartDate, EndDate: m.Person.EndDate,
			Accounts: accountsOf(m.Accounts), TrainedOn: trained[m.Person.ID]}
		row, err := attest.PersonRow(pp, leaver)
		if err != nil {
			return got, err
		}
		got.rows = append(got.rows, row)
	}
	got.rec = attest.ReconcilePeople(kind, got.rows, ro.IdentityProviders, accountsOf(ro.Unlinked))
	if len(srcs) == 0 {
		srcs = []string{"none"}
	}
	got.source = "people register (HR records); accounts from the latest complete collection of each connection: " + strings.Join(srcs, "; ")
	if leaver {
		got.params = attest.PopulationParams{LeaverDays: ro.Rules.LeaverDays}
		got.query = fmt.Sprintf("people whose last working day (end date) is from %s to %s, both included; each with the accounts linked to them "+
			"(by work email, alias or manual link) and whether each is active; check: every account disabled within %d day(s) of the last working day",
			from, to, ro.Rules.LeaverDays)
	} else {
		got.params = attest.PopulationParams{TrainingDays: settings.TrainingDays}
		got.query = fmt.Sprintf("people whose start date is from %s to %s, both included; each with the accounts linked to them "+
			"(by work email, alias or manual link) and the day of their first security awareness training completion; "+
			"check: training completed within %d day(s) of the start date", from, to, settings.TrainingDays)
	}
	return got, nil
}

// incidents retrieves the incidents of the register that occurred in the
// window (detected, when when they occurred is not known), each with its
// resolution, root cause and post-mortem sign-off, reconciled with the
// sign-off records of the ledger.
func (s *Service) incidents(ctx context.Context, p attest.Principal, from, to string) (retrieved, error) {
	var got retrieved
	list, err := s.DB.Incidents(ctx, p.OrgID, store.IncidentFilter{})
	if err != nil {
		return got, err
	}
	got.rows = []attest.PopulationRow{}
	recorded := map[string]bool{}
	for _, in := range list {
		at := in.OccurredAt
		if at.IsZero() {
			at = in.DetectedAt
		}
		if day := attest.Today(at); at.IsZero() || day < from || day > to {
			continue
		}
		pi := attest.PopulationIncident{IncidentID: in.ID, Title: in.Title, Severity: in.Severity, Status: in.Status, OccurredAt: at.UTC(),
			ResolvedAt: in.ResolvedAt.UTC(), RootCause: strings.TrimSpace(in.RootCause) != "", PersonalData: in.PersonalData, RecordUID: in.RecordUID}
		if in.SignedOffAt != nil {
			pi.SignedOffAt = in.SignedOffAt.UTC()
		}
		if in.RecordUID != "" {
			_, err := s.DB.LedgerRecord(ctx, p.OrgID, ledger.RecordTypeIncidentPostMortem, in.RecordUID)
			switch attest.ErrorCode(err) {
			case "":
				recorded[in.RecordUID] = true
			case attest.ENOTFOUND:
			default:
				return got, err
			}
		}
		got.rows = append(got.rows, attest.IncidentRow(pi))
	}
	got.rec = attest.ReconcileIncidents(got.rows, recorded)
	got.params = attest.PopulationParams{IncidentDays: attest.IncidentReviewDays}
	got.source = "incident register; post-mortem sign-off records of the ledger"
	got.query = fmt.Sprintf("incidents that occurred from %s to %s, both included (when they were detected, where when they occurred is not recorded); "+
		"each with its resolution, whether a root cause is recorded, and its post-mortem's sign-off and ledger record; "+
		"check: resolved with a root cause and the post-mortem signed off within %d day(s) of the resolution", from, to, attest.IncidentReviewDays)
	return got, nil
}

// reviews retrieves the access review campaigns started in the window, each
// with its due day, completion and decided accounts, reconciled with the
// frozen account lists and completion records of the ledger.
func (s *Service) reviews(ctx context.Context, p attest.Principal, from, to string) (retrieved, error) {
	var got retrieved
	list, err := s.DB.AccessReviews(ctx, attest.Visibility{OrgID: p.OrgID})
	if err != nil {
		return got, err
	}
	got.rows = []attest.PopulationRow{}
	snapshots, completed := map[string]string{}, map[string]bool{}
	for _, r := range list {
		if day := attest.Today(r.StartedAt); day < from || day > to {
			continue
		}
		snap, err := s.DB.LedgerRecord(ctx, p.OrgID, ledger.RecordTypeAccessReviewSnapshot, r.UID)
		switch attest.ErrorCode(err) {
		case "":
			snapshots[r.UID] = snap.RecordHash
		case attest.ENOTFOUND:
		default:
			return got, err
		}
		_, err = s.DB.LedgerRecord(ctx, p.OrgID, ledger.RecordTypeAccessReviewCompletion, r.UID)
		switch attest.ErrorCode(err) {
		case "":
			completed[r.UID] = true
		case attest.ENOTFOUND:
		default:
			return got, err
		}
		got.rows = append(got.rows, attest.ReviewRow(attest.PopulationReview{ReviewID: r.ID, UID: r.UID, Title: r.Title, StartedAt: r.StartedAt.UTC(),
			DueOn: r.DueOn, CompletedAt: r.CompletedAt.UTC(), Items: r.Items, Decided: r.Decided, SnapshotHash: r.SnapshotHash}))
	}
	got.rec = attest.ReconcileReviews(got.rows, snapshots, completed)
	got.source = "access review campaigns; their frozen account lists and completion records in the ledger"
	got.query = fmt.Sprintf("access review campaigns started from %s to %s, both included; each with its due day, completion and decided accounts; "+
		"check: completed by its due day with every account decided", from, to)
	return got, nil
}

// vulns retrieves the Dependabot alerts opened in the window from the latest
// complete collection of each connection's repositories. There is no second
// source to reconcile with, but a window that starts before the alert
// history a collection covers is incomplete, and each repository whose
// alerts cannot be read is left out: both are findings, never silence.
func (s *Service) vulns(ctx context.Context, p attest.Principal, from, to string) (retrieved, error) {
	var got retrieved
	if s.Collections == nil {
		return got, errors.New("population: no collections to read vulnerabilities from")
	}
	cols, err := s.Collections(ctx, p, "github") // the only connector that collects repositories' alerts
	if err != nil {
		return got, err
	}
	start, _ := time.Parse(attest.DateLayout, from)
	got.rows = []attest.PopulationRow{}
	got.rec = attest.Reconciliation{Against: "no second source", Findings: []attest.PopulationFinding{}}
	var srcs []string
	repos := 0
	for _, c := range cols {
		if c.Note != "" {
			srcs = append(srcs, c.Connection+": "+c.Note)
			continue
		}
		n := 0
		for _, r := range c.Resources {
			if r.Type != "github.repository" || r.Data["archived"] == true {
				continue
			}
			rows, since, why := attest.VulnRows(r, c.CollectedAt, from, to)
			switch {
			case why != "":
				got.rec.Findings = append(got.rec.Findings, attest.PopulationFinding{Item: r.Key, Why: "its alerts are not in the population: " + why})
				continue
			case since.After(start):
				got.rec.Findings = append(got.rec.Findings, attest.PopulationFinding{Item: r.Key, Why: fmt.Sprintf(
					"its collection holds the alerts opened from %s on; those opened earlier in the window (from %s) are missing (raise the connection's pull_request_days)",
					since.Format(time.RFC3339), from)})
			}
			n++
			got.rows = append(got.rows, rows...)
		}
		repos += n
		srcs = append(srcs, fmt.Sprintf("%s: collected %s, %d repositories", c.Connection, c.CollectedAt.UTC().Format(time.RFC3339), n))
	}
	if len(srcs) == 0 {
		srcs = []string{"no connection"}
	}
	got.rec.Note = fmt.Sprintf("no second source holds vulnerabilities; %d repositories read, %d finding(s)", repos, len(got.rec.Findings))
	got.params = attest.PopulationParams{FixDays: maps.Clone(attest.VulnFixDays)}
	got.source = "Dependabot alerts in the latest complete collection of each GitHub connection: " + strings.Join(srcs, "; ")
	got.query = fmt.Sprintf("Dependabot alerts, in every state, of each collected unarchived repository, opened from %s to %s, both included; "+
		"check: fixed, or dismissed as inaccurate or not used, within %d days (critical), %d (high), %d (medium) or %d (low) of being opened",
		from, to, attest.VulnFixDays["critical"], attest.VulnFixDays["high"], attest.VulnFixDays["medium"], attest.VulnFixDays["low"])
	return got, nil
}

// vendors retrieves the vendor reviews that fell due or were completed in
// the window, each with the review that answered it, reconciled with the
// ledger's vendor_review records.
func (s *Service) vendors(ctx context.Context, p attest.Principal, from, to string) (retrieved, error) {
	var got retrieved
	list, err := s.DB.Vendors(ctx, p.OrgID)
	if err != nil {
		return got, err
	}
	reviews, err := s.DB.VendorReviews(ctx, p.OrgID, 0)
	if err != nil {
		return got, err
	}
	stored, err := s.DB.LedgerRecordsOfType(ctx, p.OrgID, ledger.RecordTypeVendorReview)
	if err != nil {
		return got, err
	}
	records := make([]attest.VendorReviewRecord, 0, len(stored))
	for _, r := range stored {
		var rec struct {
			Vendor      string `json:"vendor"`
			CompletedAt string `json:"completed_at"`
		}
		if err := json.Unmarshal(r.Record, &rec); err != nil {
			return got, fmt.Errorf("vendor review record %s: %w", r.ID, err)
		}
		at, err := time.Parse(time.RFC3339Nano, rec.CompletedAt)
		if err != nil {
			return got, fmt.Errorf("vendor review record %s: completed_at %q: %w", r.ID, rec.CompletedAt, err)
		}
		records = append(records, attest.VendorReviewRecord{UID: r.ID, Vendor: rec.Vendor, CompletedOn: attest.Today(at)})
	}
	got.rows = []attest.PopulationRow{}
	for _, v := range list {
		got.rows = append(got.rows, attest.VendorReviewRows(v, reviews, from, to)...)
	}
	got.rec = attest.ReconcileVendors(got.rows, records, from, to)
	got.source = "vendor register: vendors, their review cadence and their completed reviews; the vendor_review records in the ledger"
	got.query = fmt.Sprintf("vendor reviews that fell due or were completed from %s to %s, both included: the first review of a vendor due %d days after it was recorded, "+
		"each next one its current cadence after the review before it was completed; check: reviewed by the day it fell due, "+
		"a qualified, adverse or disclaimed opinion answered with a response", from, to, attest.VendorFirstReviewDays)
	return got, nil
}

func accountsOf(list []attest.Account) []attest.PopulationAccount {
	out := make([]attest.PopulationAccount, 0, len(list))
	for _, a := range list {
		out = append(out, attest.PopulationAccount{System: a.System, Login: a.Login, IdentityProvider: attest.IdentityTypes[a.Type].IdentityProvider, Active: a.Active})
	}
	slices.SortStableFunc(out, func(a, b attest.PopulationAccount) int {
		return strings.Compare(a.System+"\x00"+a.Login, b.System+"\x00"+b.Login)
	})
	return out
}

// changes retrieves the pull requests merged in the window from the changes
// register, each beside the deployment that shipped it, and the deployments
// of the window that shipped no merged change.
func (s *Service) changes(ctx context.Context, p attest.Principal, from, to string) (retrieved, error) {
	var got retrieved
	start, err := time.Parse(attest.DateLayout, from)
	if err != nil {
		return got, attest.Invalid("from", "want a date YYYY-MM-DD, got %q", from)
	}
	end, err := time.Parse(attest.DateLayout, attest.WindowOpens(to))
	if err != nil {
		return got, attest.Invalid("to", "want a date YYYY-MM-DD, got %q", to)
	}
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	rep, err := s.Changes(ctx, p, start)
	if err != nil {
		return got, err
	}
	row := func(pr attest.PullRequest, history bool, deployed time.Time) attest.PopulationRow {
		return attest.ChangeRow(attest.PopulationChange{Repo: pr.Repo, Number: pr.Number, Title: pr.Title, Author: pr.Author,
			Approvers: pr.Approvers, ApprovedAt: pr.ApprovedAt.UTC(), MergedAt: pr.MergedAt.UTC(), MergeSHA: pr.MergeSHA,
			DeployHistory: history, DeployedAt: deployed.UTC()})
	}
	got.rows = []attest.PopulationRow{}
	var orphans []attest.Deployment
	for _, c := range rep.Changes {
		history := c.Source != "merge"
		var deployed time.Time
		if history {
			deployed = c.At
		}
		for _, jp := range c.Pulls {
			if in(jp.MergedAt) {
				got.rows = append(got.rows, row(jp.PullRequest, history, deployed))
			}
		}
		if c.State == attest.ChangeNoPullRequest && in(c.At) {
			orphans = append(orphans, c.Deployment)
		}
	}
	// Merged but never deployed: only repositories with a deploy history
	// hold any (the others deploy on merge).
	for _, jp := range rep.Undeployed {
		if in(jp.MergedAt) {
			got.rows = append(got.rows, row(jp.PullRequest, true, time.Time{}))
		}
	}
	got.rec = attest.ReconcileChangeRows(got.rows, orphans)
	srcs := rep.Sources
	if len(srcs) == 0 {
		srcs = []string{"none"}
	}
	got.source = "changes register: the latest complete collection of each GitHub connection and the uploaded deploy log: " + strings.Join(srcs, "; ")
	got.query = fmt.Sprintf("pull requests merged into the default branch of each collected, unarchived repository from %s 00:00 UTC to %s 00:00 UTC "+
		"(the window %s to %s, both days included); each beside the deployment of its repository that shipped it; "+
		"check: approved by someone other than its author before it merged", from, attest.WindowOpens(to), from, to)
	return got, nil
}

// capture retrieves the configuration at the window's end: the current
// verdict of every test on every resource of each connection, with the
// collection and snapshot it was judged on, reconciled with the snapshot
// records of the ledger. It runs within the window (the caller checked),
// at ranAt, from which each collection's age is reckoned.
func (s *Service) capture(ctx context.Context, p attest.Principal, from, to string, ranAt time.Time) (retrieved, error) {
	var got retrieved
	if s.Capture == nil {
		return got, errors.New("population: no monitoring to capture the configuration from")
	}
	conns, err := s.Capture(ctx, p)
	if err != nil {
		return got, err
	}
	got.rows = []attest.PopulationRow{}
	snapshots := map[string]string{}
	var srcs []string
	for _, c := range conns {
		rows := attest.CaptureRows(c)
		got.rows = append(got.rows, rows...)
		for _, r := range rows {
			uid := r.Capture.Collection
			if _, ok := snapshots[uid]; ok {
				continue
			}
			sha, err := s.snapshotSHA(ctx, p.OrgID, uid)
			if err != nil {
				return got, fmt.Errorf("connection %s: %w", c.Connection.Name, err)
			}
			if sha != "" {
				snapshots[uid] = sha
			}
		}
		what := "no complete collection"
		if c.Complete.UID != "" {
			what = "latest complete collection " + c.Complete.UID + " of " + c.Complete.StartedAt.UTC().Format(time.RFC3339)
		}
		srcs = append(srcs, fmt.Sprintf("%s (%s): %s, %d result(s)", c.Connection.Name, c.Connection.Type, what, len(rows)))
	}
	if len(srcs) == 0 {
		srcs = []string{"no connection"}
	}
	got.rec = attest.ReconcileCapture(conns, got.rows, snapshots, ranAt)
	got.params = attest.PopulationParams{RemediationDays: attest.RemediationDays, CapturedAt: ranAt}
	got.source = "current test results of each connection, judged on its latest collections: " + strings.Join(srcs, "; ")
	got.query = fmt.Sprintf("every test's current verdict on every resource of each connection (those that do not apply left out), captured at %s within the window %s to %s; "+
		"each with the collection and snapshot it was judged on and the controls its test maps to; check: passing is a pass, failing for more than %d day(s) "+
		"a deviation; failing under an approved exception or within those days, unverifiable, error and stale verdicts not testable", ranAt.Format(time.RFC3339), from, to, attest.RemediationDays)
	return got, nil
}

// snapshotSHA is the sha256 the ledger's snapshot record of a collection
// names, "" when the ledger holds none.
func (s *Service) snapshotSHA(ctx context.Context, orgID int64, uid string) (string, error) {
	br, err := s.DB.LedgerRecord(ctx, orgID, ledger.RecordTypeSnapshot, uid)
	switch attest.ErrorCode(err) {
	case "":
	case attest.ENOTFOUND:
		return "", nil
	default:
		return "", err
	}
	var rec struct {
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal(br.Record, &rec); err != nil {
		return "", fmt.Errorf("snapshot record %s: sha256: %w", uid, err)
	}
	return rec.SHA256, nil
}
