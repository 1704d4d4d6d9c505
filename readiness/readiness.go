// Package readiness derives how far an organization is from an audit of one
// framework (SOC 2, or ISO 27001 beside it): the caller passes that framework's
// requirements in scope and the controls that count toward them. It is
// a pure function over plain values: controls with their implementation status,
// the requirements they map to, and what later capabilities report about them
// (evidence freshness, automated tests). Nothing here reads a database or a
// clock; the caller passes both in.
package readiness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/attest-hq/attest"
)

// Implementation statuses an organization sets on its controls.
const (
	NotStarted    = "not_started"
	InProgress    = "in_progress"
	Implemented   = "implemented"
	NotApplicable = "not_applicable"
)

// ImplementationStatuses lists the statuses in workflow order.
var ImplementationStatuses = []string{NotStarted, InProgress, Implemented, NotApplicable}

// Derived control states, from furthest to closest to audit-ready.
const (
	StateNotStarted            = "not_started"
	StateInProgress            = "in_progress"
	StateImplementedNoEvidence = "implemented_without_evidence"
	StateReady                 = "ready"
	StateNotApplicable         = "not_applicable"
)

// points is how much each state counts towards a score. A control that is
// implemented but cannot yet show evidence is half-way: an auditor will not
// accept it, but the work left is collecting proof, not building the control.
var points = map[string]float64{
	StateNotStarted:            0,
	StateInProgress:            0.25,
	StateImplementedNoEvidence: 0.5,
	StateReady:                 1,
}

// Control is what the derivation needs to know about one control.
type Control struct {
	ID           int64
	Ref          string // the organization's control ID, e.g. AC-3
	Name         string
	Status       string   // implementation status
	Requirements []string // IDs of the requirements it maps to
	OwnerID      int64    // 0: nobody owns it

	// Evidence: how many pieces of evidence are current for the control's
	// frequency, and how many have gone stale. A control with no evidence at
	// all (both zero) is implemented without evidence.
	FreshEvidence int
	StaleEvidence int
	// Tests: automated test results in scope for the control.
	FailingTests int
	PassingTests int
	// UnverifiedTests counts results whose source does not expose the fact
	// (a plan limit, a missing permission) and tests that could not run
	// (collection or evaluation errors). They are never failures: they are a
	// gap to close, named so the lead knows what to grant or check by hand.
	UnverifiedTests int
	// Policies: published policies that support the control. Current ones
	// count as evidence of its design; one whose review date has passed
	// (named in ReviewOverdue) and people past their due date to accept one
	// (named in Unaccepted, "person (policy)") keep it from ready.
	CurrentPolicies int
	ReviewOverdue   []string
	Unaccepted      []string
	// Registers: what the registers (risks, vendors, incidents, changes)
	// say about the control. Current records (an approved risk assessment
	// within its year, a vendor review done) count as evidence of it
	// operating; each gap (a review overdue, a deployed change without a
	// review) keeps it from ready, with the register's own code and words.
	RegisterRecords int
	Registers       []Gap
}

// Requirement is one requirement in scope.
type Requirement struct {
	ID       string
	Title    string
	Category string
}

// Input is everything the derivation reads.
type Input struct {
	Requirements []Requirement // in scope only, in catalog order
	Categories   []string      // in scope, in display order
	Controls     []Control     // retired controls already left out
}

// Gap says why something is not ready, in words a compliance lead can act on.
type Gap struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Gap codes.
const (
	GapNoControl     = "no_control"
	GapNotStarted    = "not_started"
	GapInProgress    = "in_progress"
	GapNoEvidence    = "no_evidence"
	GapStaleEvidence = "stale_evidence"
	GapFailingTests  = "failing_tests"
	GapUnverified    = "unverified_tests"
	GapNoOwner       = "no_owner"
	GapPolicyReview  = "policy_review"
	GapAcceptance    = "policy_acceptance"
	// Register gaps: one code per register, so an action names where to go.
	GapRiskReview   = "risk_review"
	GapVendorReview = "vendor_review"
	GapIncident     = "incident"
	GapChange       = "change_review"
	GapTraining     = "training"
	GapBackground   = "background_check"
	GapAccessReview = "access_review"
	GapChecklist    = "checklist"
)

// registerGap reports whether a gap code is one of the registers'.
func registerGap(code string) bool {
	switch code {
	case GapRiskReview, GapVendorReview, GapIncident, GapChange, GapTraining, GapBackground, GapAccessReview, GapChecklist:
		return true
	}
	return false
}

// ControlResult is the derived state of one control.
type ControlResult struct {
	ID    int64   `json:"id"`
	Ref   string  `json:"ref"`
	Name  string  `json:"name"`
	State string  `json:"state"`
	Score float64 `json:"score"`
	Gaps  []Gap   `json:"gaps,omitempty"`
}

// RequirementResult is the derived state of one requirement.
type RequirementResult struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Category string          `json:"category"`
	Score    float64         `json:"score"` // 0..1
	Ready    bool            `json:"ready"`
	AtRisk   bool            `json:"at_risk"`
	Controls []ControlResult `json:"controls"`
	Gaps     []Gap           `json:"gaps,omitempty"`
}

// Implemented counts the requirement's controls that are implemented, ready
// or waiting for evidence: the coverage matrix's measure.
func (r RequirementResult) Implemented() int {
	n := 0
	for _, c := range r.Controls {
		if c.State == StateReady || c.State == StateImplementedNoEvidence {
			n++
		}
	}
	return n
}

// CategoryResult aggregates the requirements of one category.
type CategoryResult struct {
	ID           string  `json:"id"`
	Score        float64 `json:"score"`
	Requirements int     `json:"requirements"`
	Ready        int     `json:"ready"`
	AtRisk       int     `json:"at_risk"`
}

// Result is a full readiness assessment.
type Result struct {
	Score        float64             `json:"score"` // 0..1 over all requirements in scope
	Percent      int                 `json:"percent"`
	Requirements []RequirementResult `json:"requirements"`
	Categories   []CategoryResult    `json:"categories"`
	Controls     []ControlResult     `json:"controls"`
	States       map[string]int      `json:"control_states"`
	// NextActions are the few steps that would raise the score most, best
	// first (see nextActions).
	NextActions []Action `json:"next_actions"`
}

// Action is one step that would raise readiness: make a control ready, or
// put a control behind a criterion that has none. Gain is how much the
// overall score (0..1) would rise if it were done and nothing else changed.
type Action struct {
	Code        string   `json:"code"` // the gap it closes: one of the Gap codes
	ControlID   int64    `json:"control_id,omitempty"`
	ControlRef  string   `json:"control_ref,omitempty"`
	Requirement string   `json:"requirement,omitempty"` // for no_control: the criterion without a control
	Message     string   `json:"message"`
	Gain        float64  `json:"gain"`
	Raises      []string `json:"raises"` // the criteria it raises
}

// MaxNextActions is how many next actions an assessment names.
const MaxNextActions = 5

// ControlState derives one control's state and the reasons it is not ready.
func ControlState(c Control) ControlResult {
	r := ControlResult{ID: c.ID, Ref: c.Ref, Name: c.Name}
	switch c.Status {
	case NotApplicable:
		r.State = StateNotApplicable
		return r
	case Implemented:
		switch {
		case c.FailingTests > 0:
			r.State = StateImplementedNoEvidence
			r.Gaps = append(r.Gaps, Gap{GapFailingTests, fmt.Sprintf("%s: %d automated test result(s) failing", c.Ref, c.FailingTests)})
		case len(c.Unaccepted) > 0:
			r.State = StateImplementedNoEvidence
			r.Gaps = append(r.Gaps, Gap{GapAcceptance, fmt.Sprintf("%s: %d %s not accepted its policies by the due date: %s",
				c.Ref, len(c.Unaccepted), plural(len(c.Unaccepted), "person has", "people have"), names(c.Unaccepted))})
		case len(c.ReviewOverdue) > 0:
			r.State = StateImplementedNoEvidence
			r.Gaps = append(r.Gaps, Gap{GapPolicyReview, fmt.Sprintf("%s: the review date has passed for %s", c.Ref, names(c.ReviewOverdue))})
		case len(c.Registers) > 0:
			r.State = StateImplementedNoEvidence
			r.Gaps = append(r.Gaps, c.Registers...)
		case c.FreshEvidence > 0 || c.PassingTests > 0 || c.CurrentPolicies > 0 || c.RegisterRecords > 0:
			r.State = StateReady
			if c.UnverifiedTests > 0 {
				r.Gaps = append(r.Gaps, Gap{GapUnverified, fmt.Sprintf("%s: %d automated test result(s) cannot be verified from the source; check them by hand or grant access", c.Ref, c.UnverifiedTests)})
			}
		case c.StaleEvidence > 0:
			r.State = StateImplementedNoEvidence
			r.Gaps = append(r.Gaps, Gap{GapStaleEvidence, fmt.Sprintf("%s: evidence is out of date for its frequency", c.Ref)})
		case c.UnverifiedTests > 0:
			r.State = StateImplementedNoEvidence
			r.Gaps = append(r.Gaps, Gap{GapUnverified, fmt.Sprintf("%s: %d automated test result(s) cannot be verified from the source, and no evidence shows it operating", c.Ref, c.UnverifiedTests)})
		default:
			r.State = StateImplementedNoEvidence
			r.Gaps = append(r.Gaps, Gap{GapNoEvidence, fmt.Sprintf("%s: implemented, but no evidence shows it operating", c.Ref)})
		}
	case InProgress:
		r.State = StateInProgress
		r.Gaps = append(r.Gaps, Gap{GapInProgress, fmt.Sprintf("%s: implementation in progress", c.Ref)})
	default:
		r.State = StateNotStarted
		r.Gaps = append(r.Gaps, Gap{GapNotStarted, fmt.Sprintf("%s: not started", c.Ref)})
	}
	if c.OwnerID == 0 && r.State != StateReady {
		r.Gaps = append(r.Gaps, Gap{GapNoOwner, fmt.Sprintf("%s: nobody owns it", c.Ref)})
	}
	r.Score = points[r.State]
	return r
}

// Assess derives the readiness of every requirement, category and control in
// scope. A requirement's score is the mean of its applicable controls' scores;
// a requirement with no applicable control scores zero (a gap an auditor will
// find first). A requirement whose every control is not applicable is ready:
// the organization has justified why nothing is needed. Categories and the
// whole assessment are means over their requirements.
func Assess(in Input) Result {
	res := Result{States: map[string]int{}}
	byReq := map[string][]ControlResult{}
	for _, c := range in.Controls {
		cr := ControlState(c)
		res.Controls = append(res.Controls, cr)
		res.States[cr.State]++
		seen := map[string]bool{}
		for _, id := range c.Requirements {
			if !seen[id] {
				seen[id] = true
				byReq[id] = append(byReq[id], cr)
			}
		}
	}
	sort.SliceStable(res.Controls, func(i, j int) bool { return attest.CompareRefs(res.Controls[i].Ref, res.Controls[j].Ref) < 0 })

	cats := map[string]*CategoryResult{}
	for _, id := range in.Categories {
		cats[id] = &CategoryResult{ID: id}
	}
	total := 0.0
	for _, req := range in.Requirements {
		rr := RequirementResult{ID: req.ID, Title: req.Title, Category: req.Category, Controls: byReq[req.ID]}
		applicable, sum := 0, 0.0
		for _, c := range rr.Controls {
			if c.State == StateNotApplicable {
				continue
			}
			applicable++
			sum += c.Score
			rr.Gaps = append(rr.Gaps, c.Gaps...)
		}
		switch {
		case len(rr.Controls) == 0:
			rr.Gaps = []Gap{{GapNoControl, "No control addresses this criterion"}}
		case applicable == 0:
			rr.Score, rr.Ready = 1, true
		default:
			rr.Score = sum / float64(applicable)
			rr.Ready = rr.Score == 1
		}
		// At risk: nothing implemented yet stands behind the requirement.
		rr.AtRisk = !rr.Ready && !anyImplemented(rr.Controls)
		total += rr.Score
		if c, ok := cats[rr.Category]; ok {
			c.Requirements++
			c.Score += rr.Score
			if rr.Ready {
				c.Ready++
			}
			if rr.AtRisk {
				c.AtRisk++
			}
		}
		res.Requirements = append(res.Requirements, rr)
	}
	for _, id := range in.Categories {
		c := cats[id]
		if c.Requirements > 0 {
			c.Score /= float64(c.Requirements)
		}
		res.Categories = append(res.Categories, *c)
	}
	if n := len(in.Requirements); n > 0 {
		res.Score = total / float64(n)
	}
	res.Percent = Percent(res.Score)
	res.NextActions = nextActions(in, res)
	return res
}

// nextActions ranks what would raise the score most. A requirement's score
// is the mean of its applicable controls' scores and the overall score the
// mean over requirements, so making control c ready raises it by
// (1 - score(c)) / applicable(r) / len(requirements) for every requirement r
// in scope it maps to; a requirement with no control gains 1 / len(requirements)
// from one ready control behind it. That is exactly what Assess would give
// after the change (a test checks the two agree), without assessing again
// per candidate.
func nextActions(in Input, res Result) []Action {
	n := float64(len(in.Requirements))
	if n == 0 {
		return []Action{}
	}
	var out []Action
	byID := map[int64]ControlResult{}
	for _, c := range res.Controls {
		byID[c.ID] = c
	}
	gain := map[int64]float64{}
	raises := map[int64][]string{}
	for _, rr := range res.Requirements {
		if len(rr.Controls) == 0 {
			out = append(out, Action{Code: GapNoControl, Requirement: rr.ID, Gain: 1 / n, Raises: []string{rr.ID},
				Message: fmt.Sprintf("Put a control behind %s %s", rr.ID, rr.Title)})
			continue
		}
		applicable := 0
		for _, c := range rr.Controls {
			if c.State != StateNotApplicable {
				applicable++
			}
		}
		for _, c := range rr.Controls {
			if c.State == StateNotApplicable || c.State == StateReady {
				continue
			}
			gain[c.ID] += (1 - c.Score) / float64(applicable) / n
			raises[c.ID] = append(raises[c.ID], rr.ID)
		}
	}
	for id, g := range gain {
		c := byID[id]
		out = append(out, Action{Code: actionCode(c), ControlID: id, ControlRef: c.Ref, Gain: g, Raises: raises[id], Message: actionMessage(c)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if d := a.Gain - b.Gain; d > 1e-12 || d < -1e-12 {
			return d > 0
		}
		if (a.ControlRef == "") != (b.ControlRef == "") {
			return a.ControlRef != "" // a control to finish before a criterion to fill, at equal gain
		}
		if a.ControlRef != b.ControlRef {
			return attest.CompareRefs(a.ControlRef, b.ControlRef) < 0
		}
		return a.Requirement < b.Requirement
	})
	if len(out) > MaxNextActions {
		out = out[:MaxNextActions]
	}
	return out
}

// actionCode is the gap that most stands between a control and ready.
func actionCode(c ControlResult) string {
	for _, g := range c.Gaps {
		if g.Code != GapNoOwner {
			return g.Code
		}
	}
	return GapNotStarted
}

func actionMessage(c ControlResult) string {
	switch actionCode(c) {
	case GapInProgress:
		return fmt.Sprintf("Finish implementing %s %s and add evidence", c.Ref, c.Name)
	case GapNoEvidence:
		return fmt.Sprintf("Add evidence for %s %s", c.Ref, c.Name)
	case GapStaleEvidence:
		return fmt.Sprintf("Add current evidence for %s %s: what it has is out of date", c.Ref, c.Name)
	case GapFailingTests:
		return fmt.Sprintf("Fix the failing automated tests of %s %s", c.Ref, c.Name)
	case GapUnverified:
		return fmt.Sprintf("Add evidence for %s %s, or grant the access its tests need", c.Ref, c.Name)
	case GapAcceptance:
		return fmt.Sprintf("Chase the people overdue to accept the policies of %s %s", c.Ref, c.Name)
	case GapPolicyReview:
		return fmt.Sprintf("Review and re-approve the policies of %s %s", c.Ref, c.Name)
	}
	for _, g := range c.Gaps {
		if registerGap(g.Code) {
			return fmt.Sprintf("Bring the register behind %s %s up to date: %s", c.Ref, c.Name, strings.TrimPrefix(g.Message, c.Ref+": "))
		}
	}
	return fmt.Sprintf("Implement %s %s and add evidence", c.Ref, c.Name)
}

// Percent rounds a 0..1 score down to a whole percentage, so 99.6% is not shown
// as 100% ready.
func Percent(score float64) int { return int(score*100 + 1e-9) }

// anyImplemented reports whether some applicable control is implemented.
func anyImplemented(cs []ControlResult) bool {
	for _, c := range cs {
		if c.State == StateImplementedNoEvidence || c.State == StateReady {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// names lists up to three names and how many more.
func names(ns []string) string {
	if len(ns) <= 3 {
		return strings.Join(ns, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ns[:3], ", "), len(ns)-3)
}
