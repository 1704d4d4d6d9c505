// Package programme assembles an organization's SOC 2 programme from its parts:
// it adopts the control library, and it feeds stored controls and scope to the
// readiness derivation. The derivation itself stays pure (package readiness);
// this package only gathers its inputs. Its services (Controls, Scope, Tasks,
// Frameworks) are the one way the UI, the API, the CLI, demo seeding and jobs
// change a programme: each change commits with its activity entry.
package programme

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

// Framework is SOC 2, the framework every organization pursues; ISO27001 the
// one it may pursue beside it (see Scope.SetFramework).
const (
	Framework = "soc2"
	ISO27001  = "iso27001"
)

// Adopt copies every library control the organization does not have yet (by
// ref) into the organization, with the library's mappings (SOC 2 criteria and
// the crosswalk). It returns the adopted controls; adopting twice adds nothing.
// Controls adopted earlier get crosswalk mappings they lack through
// SyncCrosswalk.
func Adopt(ctx context.Context, tx *store.Queries, cat *catalog.Catalog, orgID int64) ([]attest.Control, error) {
	have, err := tx.ControlRefs(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var added []attest.Control
	for _, lc := range cat.Controls {
		if have[lc.ID] {
			continue
		}
		c := lc.Adopt(orgID, cat.CrosswalkOf(lc.ID)...)
		if err := tx.CreateControl(ctx, &c); err != nil {
			return nil, fmt.Errorf("adopt %s: %w", lc.ID, err)
		}
		added = append(added, c)
	}
	return added, nil
}

// Input builds the readiness input from a framework, the categories chosen in
// scope, the organization's controls and their current evidence, at now.
// Retired controls and mappings to requirements out of scope do not count;
// evidence counts as fresh or stale for each control's own frequency.
func Input(fw *catalog.Framework, chosen []string, controls []attest.Control, ev map[int64][]store.EvidenceTime, now time.Time) readiness.Input {
	return input(fw, chosen, controls, func(c attest.Control) (fresh, stale int) {
		return evidence.Count(items(ev[c.ID]), c.Frequency, now)
	})
}

// items are evidence times as freshness reads them.
func items(ts []store.EvidenceTime) []evidence.Item {
	out := make([]evidence.Item, len(ts))
	for i, t := range ts {
		out[i] = evidence.Item{CollectedAt: t.CollectedAt, PeriodEnd: t.PeriodEnd}
	}
	return out
}

// countedInput is Input from evidence the database has already counted far
// from each control's freshness boundary (store.EvidenceFreshness), judging
// only the items near it: the same result, at a cost that does not grow with
// the library.
func countedInput(fw *catalog.Framework, chosen []string, controls []attest.Control, ev map[int64]store.EvidenceCounts, now time.Time) readiness.Input {
	return input(fw, chosen, controls, func(c attest.Control) (fresh, stale int) {
		n := ev[c.ID]
		f, s := evidence.Count(items(n.Near), c.Frequency, now)
		return n.Fresh + f, n.Stale + s
	})
}

// freshnessWindows are, per frequency, the as-of times near the freshness
// boundary at now: evidence after a window is fresh, evidence at or before it
// stale, whatever the month lengths (evidence.AsOfRange).
func freshnessWindows(now time.Time) []store.AsOfWindow {
	var out []store.AsOfWindow
	for _, f := range attest.ControlFrequencies() {
		lo, hi := evidence.AsOfRange(f, now, now)
		out = append(out, store.AsOfWindow{Frequency: f, From: lo, To: hi})
	}
	return out
}

func input(fw *catalog.Framework, chosen []string, controls []attest.Control, count func(attest.Control) (fresh, stale int)) readiness.Input {
	cats, reqs := fw.InScope(chosen)
	in := readiness.Input{}
	for _, c := range cats {
		in.Categories = append(in.Categories, c.ID)
	}
	inScope := map[string]bool{}
	for _, r := range reqs {
		in.Requirements = append(in.Requirements, readiness.Requirement{ID: r.ID, Title: r.Title, Category: r.Category})
		inScope[r.ID] = true
	}
	for _, c := range controls {
		if c.Retired() {
			continue
		}
		rc := readiness.Control{ID: c.ID, Ref: c.Ref, Name: c.Name, Status: c.Status, OwnerID: c.OwnerID}
		rc.FreshEvidence, rc.StaleEvidence = count(c)
		for _, m := range c.Mappings {
			// A related mapping shares a topic only: shown, never counted.
			if m.Framework == fw.ID && m.Counts() && inScope[m.Requirement] && !slices.Contains(rc.Requirements, m.Requirement) {
				rc.Requirements = append(rc.Requirements, m.Requirement)
			}
		}
		in.Controls = append(in.Controls, rc)
	}
	return in
}

// Assessment is a readiness result with the context needed to show it.
type Assessment struct {
	readiness.Result
	Framework  *catalog.Framework
	Scope      attest.Scope
	Categories []catalog.Category
	// Excluded are the framework's requirements the organization excluded
	// (ISO 27001 Annex A controls), left out of every score.
	Excluded []attest.Exclusion
	// Active are the organization's controls (not retired), with their
	// mappings, that the assessment was derived from: a page that lists them
	// beside their states reuses them rather than loading them again.
	Active []attest.Control
}

// Assess loads what SOC 2 readiness needs for an organization and derives it
// at the store's clock.
func Assess(ctx context.Context, q *store.Queries, cat *catalog.Catalog, orgID int64) (Assessment, error) {
	return AssessFramework(ctx, q, cat, orgID, Framework)
}

// Pursued lists the built-in frameworks the organization pursues: SOC 2
// first, always, then those brought into scope, in catalog order.
func Pursued(ctx context.Context, q *store.Queries, cat *catalog.Catalog, orgID int64) ([]*catalog.Framework, error) {
	ids, err := q.ScopeFrameworks(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := []*catalog.Framework{cat.SOC2()}
	for _, fw := range cat.Frameworks {
		if fw.ID != Framework && slices.Contains(ids, fw.ID) {
			out = append(out, fw)
		}
	}
	return out, nil
}

// PursuedFramework returns built-in framework id ("" is SOC 2) if the
// organization pursues it; otherwise EINVALID on "framework".
func PursuedFramework(ctx context.Context, q *store.Queries, cat *catalog.Catalog, orgID int64, id string) (*catalog.Framework, error) {
	if id == "" {
		id = Framework
	}
	fws, err := Pursued(ctx, q, cat, orgID)
	if err != nil {
		return nil, err
	}
	for _, fw := range fws {
		if fw.ID == id {
			return fw, nil
		}
	}
	if fw, ok := cat.Framework(id); ok {
		return nil, attest.Invalid("framework", "%s is not in this organization's scope; bring it in on the scope page", fw.Name)
	}
	return nil, attest.Invalid("framework", "%q is not a built-in framework", id)
}

// Exclude leaves excluded requirements out of a readiness input: they count
// in no score, and no control's mapping to them counts.
func Exclude(in *readiness.Input, excluded []attest.Exclusion) {
	if len(excluded) == 0 {
		return
	}
	out := map[string]bool{}
	for _, e := range excluded {
		out[e.Requirement] = true
	}
	in.Requirements = slices.DeleteFunc(in.Requirements, func(r readiness.Requirement) bool { return out[r.ID] })
	for i := range in.Controls {
		in.Controls[i].Requirements = slices.DeleteFunc(slices.Clone(in.Controls[i].Requirements), func(id string) bool { return out[id] })
	}
}

// AssessFramework derives the organization's readiness for built-in
// framework id ("" is SOC 2) at the store's clock: SOC 2 with its categories
// in scope, ISO 27001 with every theme and without the Annex A controls the
// organization excluded. A framework the organization does not pursue is
// EINVALID on "framework".
func AssessFramework(ctx context.Context, q *store.Queries, cat *catalog.Catalog, orgID int64, id string) (Assessment, error) {
	a, _, err := assessFramework(ctx, q, cat, orgID, id, q.Now())
	return a, err
}

// assessFramework is AssessFramework at now with the moment until which the
// assessment stays right with time alone, if no record changes: the next
// midnight UTC (registers and policies judge by the day), the first moment
// an item near its freshness boundary goes stale, and the first expiry of an
// active test exception, whichever comes first. Evidence far from its
// boundary (store.EvidenceFreshness) expires at least four days on, past
// the next midnight.
func assessFramework(ctx context.Context, q *store.Queries, cat *catalog.Catalog, orgID int64, id string, now time.Time) (Assessment, time.Time, error) {
	fail := func(err error) (Assessment, time.Time, error) { return Assessment{}, time.Time{}, err }
	fw, err := PursuedFramework(ctx, q, cat, orgID, id)
	if err != nil {
		return fail(err)
	}
	scope, err := q.Scope(ctx, orgID)
	if err != nil {
		return fail(err)
	}
	var excluded []attest.Exclusion
	if fw.ID != Framework {
		if excluded, err = q.Exclusions(ctx, orgID, fw.ID); err != nil {
			return fail(err)
		}
	}
	controls, err := q.Controls(ctx, orgID, store.ControlFilter{})
	if err != nil {
		return fail(err)
	}
	ev, err := q.EvidenceFreshness(ctx, orgID, freshnessWindows(now))
	if err != nil {
		return fail(err)
	}
	tests, err := q.TestCountsByControl(ctx, orgID, now)
	if err != nil {
		return fail(err)
	}
	today := attest.Today(now)
	policies, err := policy.LoadStatus(ctx, q, orgID, today, 0)
	if err != nil {
		return fail(err)
	}
	chosen := scope.Categories
	if fw.ID != Framework {
		chosen = nil // categories are SOC 2's; other frameworks' themes are all required
	}
	cats, _ := fw.InScope(chosen)
	in := countedInput(fw, chosen, controls, ev, now)
	Exclude(&in, excluded)
	WithTests(&in, controls, tests)
	WithPolicies(&in, controls, policies, today)
	if err := withRegisters(ctx, q, &in, controls, orgID, today); err != nil {
		return fail(err)
	}
	until := validUntil(now, controls, ev)
	if at, ok, err := q.NextExceptionExpiry(ctx, orgID, now); err != nil {
		return fail(err)
	} else if ok && at.Before(until) {
		until = at
	}
	return Assessment{Result: readiness.Assess(in), Framework: fw, Scope: scope, Categories: cats, Excluded: excluded, Active: controls}, until, nil
}

// validUntil is the first moment after now at which evidence alone changes
// the assessment: the next midnight UTC, or earlier the expiry of a fresh
// item near its control's boundary.
func validUntil(now time.Time, controls []attest.Control, ev map[int64]store.EvidenceCounts) time.Time {
	y, m, d := now.UTC().Date()
	until := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	for _, c := range controls {
		for _, it := range items(ev[c.ID].Near) {
			if exp := evidence.ExpiresAt(it, c.Frequency); now.Before(exp) && exp.Before(until) {
				until = exp
			}
		}
	}
	return until
}

// WithTests adds automated test results to the readiness input. Tests name
// the library controls they support; an organization's control counts the
// results of the tests of its library control (or, for its own controls, of
// tests that name its ref). A failing result exempted by an active exception
// does not count as failing; unverifiable results and errors count as
// unverified, never as failing.
func WithTests(in *readiness.Input, controls []attest.Control, counts map[string]store.ControlTestCounts) {
	key := map[int64]string{}
	for _, c := range controls {
		key[c.ID] = c.Ref
		if c.LibraryID != "" {
			key[c.ID] = c.LibraryID
		}
	}
	for i := range in.Controls {
		n, ok := counts[key[in.Controls[i].ID]]
		if !ok {
			continue
		}
		in.Controls[i].FailingTests = n.Failing
		in.Controls[i].PassingTests = n.Passing + n.Excepted
		in.Controls[i].UnverifiedTests = n.Unverifiable + n.Errors
	}
}

// WithPolicies adds the organization's published policies to the readiness
// input: a policy supports the controls it names (library control IDs, or
// the organization's own refs); a current one counts as evidence of their
// design, one past its review date and people past their due date to accept
// one are gaps.
func WithPolicies(in *readiness.Input, controls []attest.Control, st policy.Status, today string) {
	byKey := map[string][]int{} // library ID or ref → indexes into in.Controls
	index := map[int64]int{}
	for i, c := range in.Controls {
		index[c.ID] = i
	}
	for _, c := range controls {
		i, ok := index[c.ID]
		if !ok {
			continue
		}
		byKey[c.Ref] = append(byKey[c.Ref], i)
		if c.LibraryID != "" && c.LibraryID != c.Ref {
			byKey[c.LibraryID] = append(byKey[c.LibraryID], i)
		}
	}
	for _, pol := range st.Policies {
		if pol.Retired || pol.Published == nil {
			continue
		}
		var overdue []string
		for _, r := range st.Rows[pol.ID] {
			if r.State == attest.AckOverdue {
				overdue = append(overdue, fmt.Sprintf("%s (%s)", r.PersonName, pol.Title))
			}
		}
		reviewDue := pol.Published.ReviewBy != "" && pol.Published.ReviewBy < today
		seen := map[int]bool{}
		for _, key := range pol.Controls {
			for _, i := range byKey[key] {
				if seen[i] {
					continue
				}
				seen[i] = true
				c := &in.Controls[i]
				switch {
				case reviewDue:
					c.ReviewOverdue = append(c.ReviewOverdue, pol.Title)
				default:
					c.CurrentPolicies++
				}
				c.Unaccepted = append(c.Unaccepted, overdue...)
			}
		}
	}
}
