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

// coverageKey is what a coverage report depends on besides the
// organization's records: the window, and the day it is in the window's
// zone (what is open).
type coverageKey struct{ from, to, zone, today string }

// Coverage is Report over the service's database, kept between requests
// while the organization's records stay as they were (store.Kept): the
// coverage page reads every evidence item's times, fifty thousand in a large
// organization. Callers must not modify the report.
func (s *Service) Coverage(ctx context.Context, orgID int64, w Window) (ControlCoverageReport, error) {
	q := &s.DB.Queries
	now := q.Now()
	key := coverageKey{w.From.String(), w.To.String(), w.Loc.String(), DateOf(now, w.Loc).String()}
	return s.coverage.Get(ctx, q, orgID, key, now, func() (ControlCoverageReport, time.Time, error) {
		rep, err := report(ctx, q, orgID, w, now)
		return rep, store.Forever, err // the day is in the key
	})
}

// Report loads the organization's current controls and evidence and
// matches them against the window. Not-applicable controls have nothing to show.
// Periods still running at the store's clock are open, not gaps (Coverage.MarkOpen).
func Report(ctx context.Context, q *store.Queries, orgID int64, w Window) (ControlCoverageReport, error) {
	return report(ctx, q, orgID, w, q.Now())
}

func report(ctx context.Context, q *store.Queries, orgID int64, w Window, now time.Time) (ControlCoverageReport, error) {
	rep := ControlCoverageReport{From: w.From.String(), To: w.To.String(), TimeZone: w.Loc.String(), Controls: []ControlCoverage{}}
	controls, err := q.Controls(ctx, orgID, store.ControlFilter{})
	if err != nil {
		return rep, err
	}
	times, err := q.EvidenceTimes(ctx, orgID)
	if err != nil {
		return rep, err
	}
	today := DateOf(now, w.Loc)
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
	b, err := s.Segment(ctx, org, time.Time{}, 0)
	if err != nil {
		return 0, err
	}
	return len(b.Evidence), s.WriteBundle(ctx, w, b)
}

// Segment is the bundle of the part of the organization's ledger that
// covers a window ending at end: from its first entry through the last one
// appended before end, and at least through entry need (an evidence item
// collected in the window but added later), then on to the first entry a
// checkpoint signs; with the checkpoints, evidence and records of those
// entries alone. A zero end and need give the whole ledger. A segment starts
// at entry 1, since each entry's hash chains to the one before: cut anywhere
// else it could not be verified.
func (s *Service) Segment(ctx context.Context, org attest.Organization, end time.Time, need int64) (ledger.Bundle, error) {
	entries, err := s.DB.LedgerEntries(ctx, org.ID)
	if err != nil {
		return ledger.Bundle{}, err
	}
	checkpoints, err := s.DB.Checkpoints(ctx, org.ID)
	if err != nil {
		return ledger.Bundle{}, err
	}
	records, err := s.DB.LedgerRecords(ctx, org.ID)
	if err != nil {
		return ledger.Bundle{}, err
	}
	all, err := s.DB.EvidenceList(ctx, org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		return ledger.Bundle{}, err
	}
	controls, err := s.DB.Controls(ctx, org.ID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		return ledger.Bundle{}, err
	}
	if !end.IsZero() || need > 0 {
		for _, e := range entries {
			if e.At.Before(end) {
				need = max(need, e.Seq)
			}
		}
		seq, ok := SegmentEnd(checkpoints, max(need, 1))
		if !ok || seq > int64(len(entries)) {
			return ledger.Bundle{}, attest.Errorf(attest.EINVALID, "%s's ledger has no signed checkpoint at or after entry %d, so no segment through it can be verified", org.Slug, max(need, 1))
		}
		entries = entries[:seq]
		checkpoints = slices.DeleteFunc(checkpoints, func(c ledger.Checkpoint) bool { return c.Seq > seq })
		type key struct{ typ, id, hash string }
		in := map[key]bool{}
		for _, e := range entries {
			in[key{e.RecordType, e.RecordID, e.RecordHash}] = true
		}
		records = slices.DeleteFunc(records, func(r ledger.BundleRecord) bool { return !in[key{r.Type, r.ID, r.RecordHash}] })
		all = slices.DeleteFunc(all, func(ev attest.Evidence) bool {
			return !in[key{ledger.RecordTypeEvidence, ev.UID, ev.RecordHash}]
		})
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
		b.Evidence = append(b.Evidence, BundleItem(all[i], uids))
	}
	return b, nil
}

// SegmentEnd is where a ledger segment that must reach entry need ends: the
// first entry at or after need that a checkpoint signs. ok is false when no
// checkpoint does, so no segment through need could verify.
func SegmentEnd(checkpoints []ledger.Checkpoint, need int64) (seq int64, ok bool) {
	for _, c := range checkpoints {
		if c.Seq >= need && (!ok || c.Seq < seq) {
			seq, ok = c.Seq, true
		}
	}
	return seq, ok
}

// WriteBundle writes b, streaming each file from the blob store.
func (s *Service) WriteBundle(ctx context.Context, w io.Writer, b ledger.Bundle) error {
	return ledger.WriteBundle(w, b, s.OpenBlob(ctx))
}

// OpenBlob opens files of the blob store by their SHA-256, for writers that
// stream them one at a time.
func (s *Service) OpenBlob(ctx context.Context) func(sha string) (io.ReadCloser, error) {
	return func(sha string) (io.ReadCloser, error) {
		rc, _, err := s.Blobs.Open(ctx, sha)
		return rc, err
	}
}

// BundleItem is an evidence item as a bundle's index.json lists it; uids
// maps evidence row IDs to their UIDs, to name what an item supersedes.
func BundleItem(ev attest.Evidence, uids map[int64]string) ledger.BundleEvidence {
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
	return be
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
