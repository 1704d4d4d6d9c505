package programme

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/export/oscal"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// AuditPackages gathers an audit's export package (export/auditpkg): the
// controls in scope for its framework with their criteria, the evidence valid
// in its period with every file, the ledger segment covering the period,
// readiness and the OSCAL documents.
type AuditPackages struct {
	DB       *store.DB
	Catalog  *catalog.Catalog
	Evidence *evidence.Service
	Now      func() time.Time
	// Audits adds an audit record's populations, samples and results to
	// its package; zero: the package carries none.
	Audits Audits
}

// Period is the audit's period as instants: [Start, End), in UTC. A Type 1
// report's period is its day; a Type 2 report's runs from the first day to
// the end of the last.
func Period(in auditpkg.Input) (start, end time.Time) {
	from, to := in.From, in.To
	if in.Type == auditpkg.Type1 {
		from, to = in.AsOf, in.AsOf
	}
	start, _ = time.Parse(attest.DateLayout, from)
	end, _ = time.Parse(attest.DateLayout, to)
	return start, end.AddDate(0, 0, 1)
}

// InPeriod reports whether an evidence item speaks for a control of the
// given frequency at some moment of [start, end): it was collected before
// the period ends, and it was still current (evidence.ExpiresAt) when the
// period began. For a Type 1 report that is "current as of its day".
func InPeriod(ev attest.Evidence, frequency string, start, end time.Time) bool {
	if !ev.CollectedAt.Before(end) {
		return false
	}
	return evidence.ExpiresAt(evidence.Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}, frequency).After(start)
}

// Export writes the package for in to w. It changes nothing; a finished
// download is recorded by RecordExport.
func (s AuditPackages) Export(ctx context.Context, p attest.Principal, in auditpkg.Input, w io.Writer) (auditpkg.Summary, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return auditpkg.Summary{}, err
	}
	return s.export(ctx, p, in, nil, nil, nil, w)
}

// ExportOptions adjust an export from the command line.
type ExportOptions struct {
	// Label names the audit in the package instead of "audit-ID".
	Label string
	// Resume is an earlier, interrupted package of the same export: the
	// evidence files it holds whole are copied from it, not fetched again.
	Resume *auditpkg.Resume
}

// ExportWith is Export with options (ExportOptions.Label is ignored: in
// names the package).
func (s AuditPackages) ExportWith(ctx context.Context, p attest.Principal, in auditpkg.Input, opts ExportOptions, w io.Writer) (auditpkg.Summary, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return auditpkg.Summary{}, err
	}
	return s.export(ctx, p, in, nil, nil, opts.Resume, w)
}

// AuditInput describes an audit record as a package's input: its ID and
// name, framework, type and dates. p must be allowed to read the audit (an
// invited auditor of it too).
func (s AuditPackages) AuditInput(ctx context.Context, p attest.Principal, auditID int64) (auditpkg.Input, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return auditpkg.Input{}, err
	}
	a, err := s.DB.Audit(ctx, p.OrgID, auditID)
	if err != nil {
		return auditpkg.Input{}, err
	}
	in := auditpkg.Input{Audit: fmt.Sprintf("audit-%d", a.ID), Framework: a.Framework, Type: string(a.Type), AsOf: a.AsOf, From: a.From, To: a.To}
	return in, nil
}

// ExportAudit writes the package of an audit record for p, who may be an
// invited auditor of it: the package holds what its workspace shows.
func (s AuditPackages) ExportAudit(ctx context.Context, p attest.Principal, auditID int64, w io.Writer) (auditpkg.Input, auditpkg.Summary, error) {
	return s.ExportAuditWith(ctx, p, auditID, ExportOptions{}, w)
}

// ExportAuditWith is ExportAudit with options.
func (s AuditPackages) ExportAuditWith(ctx context.Context, p attest.Principal, auditID int64, opts ExportOptions, w io.Writer) (auditpkg.Input, auditpkg.Summary, error) {
	in, err := s.AuditInput(ctx, p, auditID)
	if err != nil {
		return in, auditpkg.Summary{}, err
	}
	if opts.Label != "" {
		in.Audit = opts.Label
	}
	var testing *auditpkg.Testing
	if s.Audits.DB != nil {
		if testing, err = s.Audits.testing(ctx, p, auditID); err != nil {
			return in, auditpkg.Summary{}, err
		}
	}
	var requests []packageRequest
	if s.Audits.DB != nil {
		if requests, err = s.Audits.packageRequests(ctx, p, auditID); err != nil {
			return in, auditpkg.Summary{}, err
		}
	}
	sum, err := s.export(ctx, p, in, testing, requests, opts.Resume, w)
	return in, sum, err
}

// packageRequest is a request of the audit with the IDs of the evidence
// provided for it.
type packageRequest struct {
	auditpkg.Request
	evidence []int64
}

// packageRequests gathers the audit's request list for its package.
func (s Audits) packageRequests(ctx context.Context, p attest.Principal, auditID int64) ([]packageRequest, error) {
	list, err := s.Requests(ctx, p, auditID, store.RequestFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]packageRequest, 0, len(list.Requests))
	for _, r := range list.Requests {
		pr := packageRequest{Request: auditpkg.Request{ID: r.Ref, Title: r.Title, Control: r.Control, Status: string(r.Status), Evidence: []string{}}}
		if r.Attached > 0 {
			if pr.evidence, err = s.DB.RequestEvidence(ctx, p.OrgID, r.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, pr)
	}
	return out, nil
}

// testing gathers an audit's populations (with their rows, reconciliation
// and census), samples and results for its package.
func (s Audits) testing(ctx context.Context, p attest.Principal, auditID int64) (*auditpkg.Testing, error) {
	res, err := s.Results(ctx, p, auditID)
	if err != nil {
		return nil, err
	}
	pops, samples, err := s.auditPopulations(ctx, p, auditID)
	if err != nil {
		return nil, err
	}
	return &auditpkg.Testing{Populations: append([]attest.PopulationRetrieval{}, pops...), Samples: append([]attest.PopulationSample{}, samples...),
		Results: res.Controls}, nil
}

func (s AuditPackages) export(ctx context.Context, p attest.Principal, in auditpkg.Input, testing *auditpkg.Testing, requests []packageRequest,
	resume *auditpkg.Resume, w io.Writer) (auditpkg.Summary, error) {
	var sum auditpkg.Summary
	if err := ValidateAssertion(&AssertionInput{Type: in.Type, AsOf: in.AsOf, From: in.From, To: in.To}); err != nil {
		return sum, err
	}
	start, end := Period(in)
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	a, err := AssessFramework(ctx, &s.DB.Queries, s.Catalog, p.OrgID, in.Framework)
	if err != nil {
		return sum, err
	}
	in.Framework = a.Framework.ID
	// Readiness as it stood on the report's day, when it was recorded
	// through that day (Readiness.RecordReportDays): a package exported
	// after the day then reports the day, not its own moment.
	day := in.To
	if in.Type == auditpkg.Type1 {
		day = in.AsOf
	}
	rec, recordedAt, recorded, err := ReadinessOn(ctx, &s.DB.Queries, p.OrgID, a.Framework.ID, day)
	if err != nil {
		return sum, err
	}
	if recorded {
		a.Result = rec
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return sum, err
	}
	// Retired controls too: readiness recorded on the report's day counts
	// a control retired since, which the package must still list with its
	// evidence. Readiness derived now has none, so they stay out of scope.
	controls, err := s.DB.Controls(ctx, p.OrgID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		return sum, err
	}
	all, err := s.DB.EvidenceList(ctx, p.OrgID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		return sum, err
	}
	pkg := auditpkg.Package{Input: in, Org: org.Slug, OrgName: org.Name, FrameworkTitle: a.Framework.Title, Generated: now, Testing: testing,
		Open: s.Evidence.OpenBlob(ctx), Resume: resume}
	pkg.Readiness = auditpkg.Readiness{Percent: a.Percent, States: a.States, Total: len(a.Requirements)}
	if recorded {
		pkg.Readiness.Day, pkg.Readiness.RecordedAt = day, recordedAt
	}

	// Controls in scope are those readiness maps to a requirement in scope.
	inScope := map[int64]bool{}
	for _, r := range a.Requirements {
		cr := auditpkg.Criterion{ID: r.ID, Title: r.Title, Ready: r.Ready, Controls: []string{}}
		for _, c := range r.Controls {
			cr.Controls = append(cr.Controls, c.Ref)
			inScope[c.ID] = true
		}
		if r.Ready {
			pkg.Readiness.Ready++
		}
		pkg.Criteria = append(pkg.Criteria, cr)
	}
	state := map[int64]string{}
	for _, c := range a.Controls {
		state[c.ID] = c.State
	}
	index := map[int64]int{} // control ID → position in pkg.Controls
	for _, c := range controls {
		if inScope[c.ID] {
			index[c.ID] = len(pkg.Controls)
			pkg.Controls = append(pkg.Controls, auditpkg.Control{Ref: c.Ref, Name: c.Name, Frequency: c.Frequency, State: state[c.ID], Evidence: []string{}})
		}
	}
	frequency := map[int64]string{}
	for _, c := range controls {
		frequency[c.ID] = c.Frequency
	}
	// Evidence provided for one of the audit's requests is in the package
	// whenever it was collected, as its auditors could open it.
	provided := map[int64]bool{}
	for _, r := range requests {
		for _, id := range r.evidence {
			provided[id] = true
		}
	}
	var need int64
	for i := len(all) - 1; i >= 0; i-- { // oldest first
		ev := all[i]
		refs, at := []string{}, []int{}
		for _, c := range ev.Controls {
			if j, ok := index[c.ID]; ok && InPeriod(ev, frequency[c.ID], start, end) {
				refs, at = append(refs, c.Ref), append(at, j)
			}
		}
		if (len(refs) == 0 && !provided[ev.ID]) || ev.LedgerSeq == 0 {
			continue
		}
		for _, j := range at {
			pkg.Controls[j].Evidence = append(pkg.Controls[j].Evidence, ev.UID)
		}
		item := auditpkg.Evidence{ID: ev.UID, Title: ev.Title, Kind: ev.Kind, Filename: ev.Filename, MediaType: ev.MediaType,
			SHA256: ev.SHA256, Size: ev.Size, CollectedAt: ev.CollectedAt, Controls: refs, RecordHash: ev.RecordHash, LedgerEntry: ev.LedgerSeq}
		if !ev.PeriodStart.IsZero() {
			ps, pe := ev.PeriodStart, ev.PeriodEnd
			item.PeriodStart, item.PeriodEnd = &ps, &pe
		}
		pkg.Evidence = append(pkg.Evidence, item)
		need = max(need, ev.LedgerSeq)
	}
	// Requests name evidence by its UID; keep only what the package holds
	// (an item without a ledger entry is not in it).
	uid := map[int64]string{}
	for _, ev := range all {
		uid[ev.ID] = ev.UID
	}
	held := map[string]bool{}
	for _, ev := range pkg.Evidence {
		held[ev.ID] = true
	}
	pkg.Requests = slices.Clone(pkg.Requests) // the caller's list stays as it was
	for _, r := range requests {
		req := r.Request
		for _, id := range r.evidence {
			req.Evidence = append(req.Evidence, uid[id])
		}
		pkg.Requests = append(pkg.Requests, req)
	}
	for i := range pkg.Requests {
		r := &pkg.Requests[i]
		r.Evidence = slices.DeleteFunc(slices.Clone(r.Evidence), func(id string) bool { return !held[id] })
	}

	if testing != nil && len(testing.Populations) > 0 {
		// The segment runs through each population's ledger record, which
		// is taken once the window has closed: verify then finds every
		// population of testing.json banked in the signed chain.
		uids := map[string]bool{}
		for _, pop := range testing.Populations {
			uids[pop.UID] = true
		}
		entries, err := s.DB.LedgerEntries(ctx, p.OrgID)
		if err != nil {
			return sum, err
		}
		for _, e := range entries {
			if e.RecordType == ledger.RecordTypePopulation && uids[e.RecordID] {
				need = max(need, e.Seq)
			}
		}
	}
	segment, err := s.Evidence.Segment(ctx, org, end, need)
	if err != nil {
		return sum, err
	}
	segment.NoCopies = true // the package holds the files already, under blobs/
	// The segment starts at entry 1 (a chain verifies from its start), so
	// it would carry every record before the audit's end: other periods'
	// evidence, access review account lists, training completions. It keeps
	// the records of the package's evidence and of its populations and
	// withholds the rest; their entries still chain and are still signed.
	inPackage := map[[2]string]bool{}
	for _, ev := range pkg.Evidence {
		inPackage[[2]string{ev.ID, ev.RecordHash}] = true
	}
	populations := map[string]bool{}
	if testing != nil {
		for _, pop := range testing.Populations {
			populations[pop.UID] = true
		}
	}
	segment.Withhold(func(e ledger.Entry) bool {
		switch e.RecordType {
		case ledger.RecordTypeEvidence:
			return inPackage[[2]string{e.RecordID, e.RecordHash}]
		case ledger.RecordTypePopulation:
			return populations[e.RecordID]
		}
		return false
	})
	head := segment.Entries[len(segment.Entries)-1]
	pkg.LedgerThrough, pkg.LedgerHead = head.Seq, head.Hash
	pkg.PublicKey = segment.PublicKey
	pkg.Ledger = func(w io.Writer) error { return s.Evidence.WriteBundle(ctx, w, segment) }

	src := oscal.Source{Org: org, Framework: a.Framework.ID, FrameworkTitle: a.Framework.Title,
		CatalogHref: "urn:attest:framework:" + a.Framework.ID, Generated: now}
	if recorded {
		src.ReadinessDay, src.ReadinessAt = day, recordedAt
	}
	if testing != nil {
		// The audit's own testing is the assessment an auditor reads; the
		// readiness of the export's day stays beside it as the first result.
		criteria := map[int64][]string{}
		for _, sc := range scopedControls(controls, a.Framework.ID) {
			criteria[sc.ID] = sc.Criteria
		}
		src.Tested = &oscal.Tested{Audit: in.Label(), Start: start, End: end.Add(-time.Second), Controls: testing.Results, Criteria: criteria}
	}
	if pkg.ComponentDefinition, err = oscal.ComponentDefinition(src, a.Result); err != nil {
		return sum, err
	}
	if pkg.AssessmentResults, err = oscal.AssessmentResults(src, a.Result, start, end.Add(-time.Second)); err != nil {
		return sum, err
	}
	return auditpkg.Write(w, pkg)
}

// RecordExport writes the activity entry for a finished package; to names
// where it went ("" for a download).
func (s AuditPackages) RecordExport(ctx context.Context, p attest.Principal, in auditpkg.Input, to string) error {
	summary := "Exported the audit package " + in.Label()
	if to != "" {
		summary += " to " + to
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		return tx.Log(ctx, p.Record("audit.exported", "audit", in.Label(), summary))
	})
}
