package evidence

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// ParseWindow reads a window from two dates and a time zone name.
func ParseWindow(from, to, tz string) (Window, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Window{}, fmt.Errorf("time zone %q is not known (use names like UTC or Europe/Dublin)", tz)
	}
	f, err := ParseDate(from)
	if err != nil {
		return Window{}, fmt.Errorf("from: %v", err)
	}
	t, err := ParseDate(to)
	if err != nil {
		return Window{}, fmt.Errorf("to: %v", err)
	}
	w := Window{From: f, To: t, Loc: loc}
	return w, w.Validate()
}

// ControlCoverageReport is the Type 2 coverage of every current control.
type ControlCoverageReport struct {
	From      string            `json:"from"`
	To        string            `json:"to"`
	TimeZone  string            `json:"time_zone"`
	Controls  []ControlCoverage `json:"controls"`
	Instances int               `json:"instances"`
	Covered   int               `json:"covered"`
}

// ControlCoverage is one control's coverage.
type ControlCoverage struct {
	ID   int64  `json:"id"`
	Ref  string `json:"ref"`
	Name string `json:"name"`
	Coverage
}

// Report loads the organization's current controls and evidence and
// matches them against the window. Not-applicable controls have nothing to show.
// Periods still running at the store's clock are open, not gaps (Coverage.MarkOpen).
func Report(ctx context.Context, q *store.Queries, orgID int64, w Window) (ControlCoverageReport, error) {
	rep := ControlCoverageReport{From: w.From.String(), To: w.To.String(), TimeZone: w.Loc.String(), Controls: []ControlCoverage{}}
	controls, err := q.Controls(ctx, orgID, store.ControlFilter{})
	if err != nil {
		return rep, err
	}
	times, err := q.EvidenceTimes(ctx, orgID)
	if err != nil {
		return rep, err
	}
	today := DateOf(q.Now(), w.Loc)
	for _, c := range controls {
		if c.Status == attest.StatusNotApplicable {
			continue
		}
		var items []Covering
		for _, t := range times[c.ID] {
			items = append(items, Covering{CollectedAt: t.CollectedAt, PeriodStart: t.PeriodStart, PeriodEnd: t.PeriodEnd})
		}
		cc := ControlCoverage{ID: c.ID, Ref: c.Ref, Name: c.Name, Coverage: Cover(w, c.Frequency, items)}
		cc.MarkOpen(today)
		if !cc.PerEvent {
			rep.Instances += len(cc.Instances)
			rep.Covered += cc.Covered
		}
		rep.Controls = append(rep.Controls, cc)
	}
	return rep, nil
}

// RecordExport writes the activity entry for a finished export of the
// organization's bundle. to names where it went ("" for a download). Export
// itself changes nothing, so a failed export leaves no entry.
func (s *Service) RecordExport(ctx context.Context, p attest.Principal, to string) error {
	summary := "Exported the evidence bundle"
	if to != "" {
		summary += " to " + to
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		return tx.Log(ctx, p.Record("evidence.exported", "evidence", "bundle", summary))
	})
}

// Export writes the organization's evidence (every version), its ledger and
// checkpoints and every blob to a bundle that verifies offline with the
// install's public key. It returns the number of evidence items written.
func (s *Service) Export(ctx context.Context, org attest.Organization, w io.Writer) (int, error) {
	all, err := s.DB.EvidenceList(ctx, org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		return 0, err
	}
	entries, err := s.DB.LedgerEntries(ctx, org.ID)
	if err != nil {
		return 0, err
	}
	checkpoints, err := s.DB.Checkpoints(ctx, org.ID)
	if err != nil {
		return 0, err
	}
	records, err := s.DB.LedgerRecords(ctx, org.ID)
	if err != nil {
		return 0, err
	}
	controls, err := s.DB.Controls(ctx, org.ID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		return 0, err
	}
	b := ledger.Bundle{Org: org.Slug, GeneratedAt: s.DB.Now(), PublicKey: ledger.EncodePublicKey(s.Key.Public().(ed25519.PublicKey)),
		Entries: entries, Checkpoints: checkpoints, Records: records}
	var fw *catalog.Framework
	if s.Catalog != nil {
		fw = s.Catalog.SOC2()
	}
	b.Controls, b.Criteria = BundleControls(controls, all, fw)
	uids := map[int64]string{}
	for _, ev := range all {
		uids[ev.ID] = ev.UID
	}
	for i := len(all) - 1; i >= 0; i-- { // oldest first
		ev := all[i]
		be := ledger.BundleEvidence{ID: ev.UID, Title: ev.Title, Kind: ev.Kind, MediaType: ev.MediaType, Filename: ev.Filename, SHA256: ev.SHA256,
			Size: ev.Size, CollectedAt: ev.CollectedAt, Source: ev.Source, AddedBy: AddedByLabel(ev), Notes: ev.Notes, Supersedes: uids[ev.Supersedes],
			RecordHash: ev.RecordHash, Record: ev.Record}
		if !ev.PeriodStart.IsZero() {
			ps, pe := ev.PeriodStart, ev.PeriodEnd
			be.PeriodStart, be.PeriodEnd = &ps, &pe
		}
		for _, c := range ev.Controls {
			be.Controls = append(be.Controls, c.Ref)
		}
		b.Evidence = append(b.Evidence, be)
	}
	open := func(sha string) (io.ReadCloser, error) {
		rc, _, err := s.Blobs.Open(ctx, sha)
		return rc, err
	}
	return len(b.Evidence), ledger.WriteBundle(w, b, open)
}

// BundleControls describes controls for a bundle's index.html: every current
// control, and every retired one that evidence names; the SOC 2 criteria
// each is mapped to (titled from fw, in fw's order, when fw is not nil); and
// when each evidence item stops being current for it, by its frequency.
func BundleControls(controls []attest.Control, evidence []attest.Evidence, fw *catalog.Framework) ([]ledger.BundleControl, []ledger.BundleCriterion) {
	byControl := map[int64][]attest.Evidence{}
	for _, ev := range evidence {
		for _, c := range ev.Controls {
			byControl[c.ID] = append(byControl[c.ID], ev)
		}
	}
	mapped := map[string]bool{}
	var out []ledger.BundleControl
	for _, c := range controls {
		if c.Retired() && len(byControl[c.ID]) == 0 {
			continue
		}
		bc := ledger.BundleControl{Ref: c.Ref, Name: c.Name, Frequency: c.Frequency, Expires: map[string]time.Time{}}
		for _, m := range c.Mappings {
			if m.Framework == "soc2" && !slices.Contains(bc.Criteria, m.Requirement) {
				bc.Criteria = append(bc.Criteria, m.Requirement)
				mapped[m.Requirement] = true
			}
		}
		for _, ev := range byControl[c.ID] {
			bc.Expires[ev.UID] = ExpiresAt(Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}, c.Frequency)
		}
		out = append(out, bc)
	}
	var criteria []ledger.BundleCriterion
	if fw != nil {
		for _, r := range fw.Requirements {
			if mapped[r.ID] {
				criteria = append(criteria, ledger.BundleCriterion{ID: r.ID, Title: r.Title})
				delete(mapped, r.ID)
			}
		}
	}
	// Criteria the framework does not know (or all of them, without one) keep their IDs.
	for _, id := range slices.SortedFunc(maps.Keys(mapped), attest.CompareRefs) {
		criteria = append(criteria, ledger.BundleCriterion{ID: id})
	}
	return out, criteria
}
