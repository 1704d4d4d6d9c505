package readiness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func reqs(ids ...string) []Requirement {
	var out []Requirement
	for _, id := range ids {
		cat := "security"
		if strings.HasPrefix(id, "A") {
			cat = "availability"
		}
		out = append(out, Requirement{ID: id, Title: "t " + id, Category: cat})
	}
	return out
}

func TestControlState(t *testing.T) {
	cases := []struct {
		name  string
		c     Control
		state string
		gaps  []string
	}{
		{"not started, unowned", Control{Ref: "X-1"}, StateNotStarted, []string{GapNotStarted, GapNoOwner}},
		{"in progress, owned", Control{Ref: "X-1", Status: InProgress, OwnerID: 7}, StateInProgress, []string{GapInProgress}},
		{"implemented, no evidence", Control{Ref: "X-1", Status: Implemented, OwnerID: 7}, StateImplementedNoEvidence, []string{GapNoEvidence}},
		{"implemented, stale evidence", Control{Ref: "X-1", Status: Implemented, OwnerID: 7, StaleEvidence: 2}, StateImplementedNoEvidence, []string{GapStaleEvidence}},
		{"implemented, fresh evidence", Control{Ref: "X-1", Status: Implemented, FreshEvidence: 1, StaleEvidence: 3}, StateReady, nil},
		{"implemented, passing tests", Control{Ref: "X-1", Status: Implemented, PassingTests: 4}, StateReady, nil},
		{"failing tests beat fresh evidence", Control{Ref: "X-1", Status: Implemented, OwnerID: 1, FreshEvidence: 1, FailingTests: 2}, StateImplementedNoEvidence, []string{GapFailingTests}},
		{"passing and unverified tests: ready, with the unverified named", Control{Ref: "X-1", Status: Implemented, PassingTests: 3, UnverifiedTests: 1}, StateReady, []string{GapUnverified}},
		{"only unverified tests: not failing, not evidenced", Control{Ref: "X-1", Status: Implemented, OwnerID: 1, UnverifiedTests: 2}, StateImplementedNoEvidence, []string{GapUnverified}},
		{"failing beats unverified", Control{Ref: "X-1", Status: Implemented, OwnerID: 1, UnverifiedTests: 2, FailingTests: 1}, StateImplementedNoEvidence, []string{GapFailingTests}},
		{"a current register record is evidence", Control{Ref: "X-1", Status: Implemented, RegisterRecords: 1}, StateReady, nil},
		{"a register gap beats fresh evidence", Control{Ref: "X-1", Status: Implemented, OwnerID: 1, FreshEvidence: 2, RegisterRecords: 1,
			Registers: []Gap{{GapRiskReview, "X-1: the risk assessment is overdue"}}}, StateImplementedNoEvidence, []string{GapRiskReview}},
		{"not applicable", Control{Ref: "X-1", Status: NotApplicable}, StateNotApplicable, nil},
		{"unknown status counts as not started", Control{Ref: "X-1", Status: "bogus", OwnerID: 1}, StateNotStarted, []string{GapNotStarted}},
	}
	for _, c := range cases {
		r := ControlState(c.c)
		var codes []string
		for _, g := range r.Gaps {
			codes = append(codes, g.Code)
			if !strings.HasPrefix(g.Message, "X-1: ") {
				t.Errorf("%s: gap message %q does not name the control", c.name, g.Message)
			}
		}
		if r.State != c.state || strings.Join(codes, ",") != strings.Join(c.gaps, ",") {
			t.Errorf("%s: state %s gaps %v; want %s %v", c.name, r.State, codes, c.state, c.gaps)
		}
	}
}

func TestAssess(t *testing.T) {
	in := Input{
		Requirements: reqs("CC1.1", "CC1.2", "CC1.3", "A1.1", "A1.2"),
		Categories:   []string{"security", "availability"},
		Controls: []Control{
			{ID: 1, Ref: "GOV-1", Status: Implemented, FreshEvidence: 1, OwnerID: 1, Requirements: []string{"CC1.1", "CC1.2"}},
			{ID: 2, Ref: "HR-1", Status: InProgress, OwnerID: 1, Requirements: []string{"CC1.2", "CC1.2"}}, // duplicate mapping counts once
			{ID: 3, Ref: "BC-1", Status: NotApplicable, Requirements: []string{"A1.1"}},
			{ID: 4, Ref: "BC-2", Status: Implemented, OwnerID: 1, Requirements: []string{"A1.2", "P9.9"}}, // out-of-scope mapping ignored
		},
	}
	r := Assess(in)
	want := map[string]struct {
		score         float64
		ready, atRisk bool
		gaps          int
	}{
		"CC1.1": {1, true, false, 0},
		"CC1.2": {0.625, false, false, 1}, // (1 + 0.25) / 2
		"CC1.3": {0, false, true, 1},      // no control
		"A1.1":  {1, true, false, 0},      // only a not-applicable control: justified
		"A1.2":  {0.5, false, false, 1},   // implemented without evidence is not at risk
	}
	for _, rr := range r.Requirements {
		w := want[rr.ID]
		if math.Abs(rr.Score-w.score) > 1e-9 || rr.Ready != w.ready || rr.AtRisk != w.atRisk || len(rr.Gaps) != w.gaps {
			t.Errorf("%s: score %v ready %v atRisk %v gaps %v; want %+v", rr.ID, rr.Score, rr.Ready, rr.AtRisk, rr.Gaps, w)
		}
	}
	if r.Requirements[2].Gaps[0].Code != GapNoControl {
		t.Errorf("CC1.3 gap: %+v", r.Requirements[2].Gaps)
	}
	// Overall: (1 + 0.625 + 0 + 1 + 0.5) / 5 = 0.625.
	if math.Abs(r.Score-0.625) > 1e-9 || r.Percent != 62 {
		t.Errorf("overall %v (%d%%)", r.Score, r.Percent)
	}
	sec, av := r.Categories[0], r.Categories[1]
	if sec.ID != "security" || sec.Requirements != 3 || sec.Ready != 1 || sec.AtRisk != 1 || math.Abs(sec.Score-0.541666666) > 1e-6 {
		t.Errorf("security: %+v", sec)
	}
	if av.Requirements != 2 || av.Ready != 1 || math.Abs(av.Score-0.75) > 1e-9 {
		t.Errorf("availability: %+v", av)
	}
	if r.States[StateReady] != 1 || r.States[StateInProgress] != 1 || r.States[StateNotApplicable] != 1 || r.States[StateImplementedNoEvidence] != 1 {
		t.Errorf("states: %v", r.States)
	}
	if r.Controls[0].Ref != "BC-1" {
		t.Errorf("controls not sorted by ref: %v", r.Controls[0].Ref)
	}
}

func TestAssessEdges(t *testing.T) {
	if r := Assess(Input{}); r.Score != 0 || r.Percent != 0 || len(r.Requirements) != 0 {
		t.Errorf("empty: %+v", r)
	}
	// Everything ready is exactly 100%.
	in := Input{Requirements: reqs("CC1.1"), Categories: []string{"security"},
		Controls: []Control{{Ref: "A", Status: Implemented, FreshEvidence: 1, Requirements: []string{"CC1.1"}}}}
	if r := Assess(in); r.Percent != 100 {
		t.Errorf("all ready: %d%%", r.Percent)
	}
	// Percent never rounds up to a readiness not reached.
	if Percent(0.996) != 99 || Percent(0.29) != 29 || Percent(0.57) != 57 {
		t.Errorf("Percent: %d %d %d", Percent(0.996), Percent(0.29), Percent(0.57))
	}
	// A category with no requirements in the input scores zero and does not divide by zero.
	if r := Assess(Input{Categories: []string{"privacy"}}); r.Categories[0].Score != 0 {
		t.Errorf("empty category: %+v", r.Categories)
	}
}

// TestNextActionsAgreeWithAssess checks the ranked gains against what Assess
// itself says after each change, over random organizations: every candidate
// is assessed again with its control made ready (or a ready control put
// behind the empty criterion), and the five best are the ones named, in
// order, each with the gain Assess gives.
func TestNextActionsAgreeWithAssess(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	statuses := []string{NotStarted, InProgress, Implemented, Implemented, NotApplicable}
	for round := 0; round < 200; round++ {
		in := Input{Requirements: reqs("CC1.1", "CC1.2", "CC2.1", "CC3.1", "CC4.1", "CC5.1", "A1.1", "A1.2"), Categories: []string{"security", "availability"}}
		all := append(in.Requirements, Requirement{ID: "PI1.1"}) // out of scope: mapping to it gains nothing
		for i := 0; i < 1+rng.IntN(12); i++ {
			c := Control{ID: int64(i + 1), Ref: fmt.Sprintf("C-%d", i+1), Name: "c", Status: statuses[rng.IntN(len(statuses))],
				FreshEvidence: rng.IntN(2), StaleEvidence: rng.IntN(2), FailingTests: rng.IntN(3) / 2, UnverifiedTests: rng.IntN(3) / 2}
			for j := 0; j < 1+rng.IntN(3); j++ {
				c.Requirements = append(c.Requirements, all[rng.IntN(len(all))].ID)
			}
			in.Controls = append(in.Controls, c)
		}
		base := Assess(in)
		type cand struct {
			key  string
			gain float64
		}
		var cands []cand
		for i, c := range in.Controls {
			cr := ControlState(c)
			if cr.State == StateReady || cr.State == StateNotApplicable {
				continue
			}
			changed := in
			changed.Controls = append([]Control(nil), in.Controls...)
			changed.Controls[i].Status, changed.Controls[i].FreshEvidence, changed.Controls[i].FailingTests = Implemented, 1, 0
			if g := Assess(changed).Score - base.Score; g > 1e-12 {
				cands = append(cands, cand{c.Ref, g})
			}
		}
		for _, rr := range base.Requirements {
			if len(rr.Controls) == 0 {
				changed := in
				changed.Controls = append(append([]Control(nil), in.Controls...), Control{ID: 999, Ref: "NEW", Status: Implemented, FreshEvidence: 1, Requirements: []string{rr.ID}})
				cands = append(cands, cand{rr.ID, Assess(changed).Score - base.Score})
			}
		}
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].gain > cands[j].gain+1e-12 })
		got := base.NextActions
		if want := min(len(cands), MaxNextActions); len(got) != want {
			t.Fatalf("round %d: %d actions, want %d (%+v)", round, len(got), want, cands)
		}
		for i, a := range got {
			key := a.ControlRef
			if key == "" {
				key = a.Requirement
			}
			var g float64 = -1
			for _, c := range cands {
				if c.key == key {
					g = c.gain
				}
			}
			if math.Abs(g-a.Gain) > 1e-9 {
				t.Fatalf("round %d: %s gains %.6f by Assess, %.6f as named", round, key, g, a.Gain)
			}
			if math.Abs(a.Gain-cands[i].gain) > 1e-9 {
				t.Fatalf("round %d: action %d (%s, %.6f) is not the %d-th best (%.6f)", round, i, key, a.Gain, i+1, cands[i].gain)
			}
			if a.Message == "" || len(a.Raises) == 0 {
				t.Fatalf("round %d: action %+v", round, a)
			}
		}
	}
}

func TestNextActionNamesTheRegisterGap(t *testing.T) {
	in := Input{Requirements: reqs("CC3.1"), Categories: []string{"security"}, Controls: []Control{
		{ID: 1, Ref: "RA-1", Name: "Risk assessment", Status: Implemented, OwnerID: 1, FreshEvidence: 1, Requirements: []string{"CC3.1"},
			Registers: []Gap{{GapRiskReview, "RA-1: the annual risk assessment was due 2026-10-01"}}},
	}}
	got := Assess(in).NextActions
	if len(got) != 1 || got[0].Code != GapRiskReview || got[0].Message != "Bring the register behind RA-1 Risk assessment up to date: the annual risk assessment was due 2026-10-01" {
		t.Fatalf("next actions: %+v", got)
	}
}

func TestNextActionMessages(t *testing.T) {
	in := Input{Requirements: reqs("CC1.1", "CC2.1"), Categories: []string{"security"}, Controls: []Control{
		{ID: 1, Ref: "AC-1", Name: "Access reviews", Status: Implemented, OwnerID: 1, StaleEvidence: 1, Requirements: []string{"CC1.1"}},
	}}
	got := Assess(in).NextActions
	// A criterion with nothing behind it weighs more than half a control.
	if len(got) != 2 || got[1].Code != GapStaleEvidence || !strings.Contains(got[1].Message, "Add current evidence for AC-1 Access reviews") ||
		got[0].Code != GapNoControl || got[0].Requirement != "CC2.1" || math.Abs(got[0].Gain-0.5) > 1e-9 || math.Abs(got[1].Gain-0.25) > 1e-9 {
		t.Fatalf("next actions: %+v", got)
	}
}
