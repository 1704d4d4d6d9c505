package programme

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/attest-hq/attest/readiness"
)

// Report is the readiness assessment as the API and `attest readiness --json`
// return it: one shape for both, so scripts can use either.
type Report struct {
	Organization  string                        `json:"organization"`
	Framework     string                        `json:"framework"`
	FrameworkName string                        `json:"framework_name"`
	GeneratedAt   time.Time                     `json:"generated_at"`
	Percent       int                           `json:"percent"`
	Score         float64                       `json:"score"`
	Categories    []CategoryReport              `json:"categories"`
	ControlStates map[string]int                `json:"control_states"`
	Requirements  []readiness.RequirementResult `json:"requirements"`
	NextActions   []readiness.Action            `json:"next_actions"`
	// Excluded are the requirements left out of the score (ISO 27001 Annex A
	// controls excluded in the Statement of Applicability), with the reason.
	Excluded []ExcludedReport `json:"excluded"`
}

// ExcludedReport is one excluded requirement.
type ExcludedReport struct {
	Requirement   string `json:"requirement"`
	Justification string `json:"justification"`
}

// CategoryReport is one category's readiness.
type CategoryReport struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Percent      int    `json:"percent"`
	Requirements int    `json:"requirements"`
	Ready        int    `json:"ready"`
	AtRisk       int    `json:"at_risk"`
}

// NewReport shapes an assessment for output.
func NewReport(org string, a Assessment, now time.Time) Report {
	r := Report{Organization: org, Framework: a.Framework.ID, FrameworkName: a.Framework.Name, GeneratedAt: now.UTC(), Percent: a.Percent, Score: round(a.Score),
		ControlStates: a.States, Requirements: a.Requirements, NextActions: a.NextActions, Excluded: []ExcludedReport{}}
	for _, e := range a.Excluded {
		r.Excluded = append(r.Excluded, ExcludedReport{Requirement: e.Requirement, Justification: e.Justification})
	}
	if r.NextActions == nil {
		r.NextActions = []readiness.Action{}
	}
	for i := range r.NextActions {
		r.NextActions[i].Gain = round(r.NextActions[i].Gain)
	}
	for i, c := range a.Categories {
		res := a.Result.Categories[i]
		r.Categories = append(r.Categories, CategoryReport{ID: c.ID, Name: c.Name, Percent: readiness.Percent(res.Score),
			Requirements: res.Requirements, Ready: res.Ready, AtRisk: res.AtRisk})
	}
	if r.Requirements == nil {
		r.Requirements = []readiness.RequirementResult{}
	}
	for i := range r.Requirements {
		r.Requirements[i].Score = round(r.Requirements[i].Score)
	}
	return r
}

func round(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }

// WriteText prints the report for a terminal: overall, per category, and each
// criterion that is not ready with its first gaps.
func (r Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s: %s readiness %d%%\n\n", r.Organization, r.FrameworkName, r.Percent)
	for _, c := range r.Categories {
		fmt.Fprintf(w, "  %-22s %3d%%  %d/%d ready, %d at risk\n", c.Name, c.Percent, c.Ready, c.Requirements, c.AtRisk)
	}
	fmt.Fprintln(w)
	for _, req := range r.Requirements {
		if req.Ready {
			continue
		}
		mark := " "
		if req.AtRisk {
			mark = "!"
		}
		fmt.Fprintf(w, "%s %-6s %3d%%  %s\n", mark, req.ID, readiness.Percent(req.Score), req.Title)
		for i, g := range req.Gaps {
			if i == 3 {
				fmt.Fprintf(w, "           … and %d more\n", len(req.Gaps)-3)
				break
			}
			fmt.Fprintf(w, "           - %s\n", g.Message)
		}
	}
	if len(r.Excluded) > 0 {
		fmt.Fprintf(w, "\nExcluded (not counted): %d\n", len(r.Excluded))
		for _, e := range r.Excluded {
			fmt.Fprintf(w, "  %-8s %s\n", e.Requirement, e.Justification)
		}
	}
	var states []string
	for _, s := range []string{readiness.StateReady, readiness.StateImplementedNoEvidence, readiness.StateInProgress, readiness.StateNotStarted, readiness.StateNotApplicable} {
		states = append(states, fmt.Sprintf("%d %s", r.ControlStates[s], strings.ReplaceAll(s, "_", " ")))
	}
	fmt.Fprintf(w, "\nControls: %s\n", strings.Join(states, ", "))
	if len(r.NextActions) > 0 {
		fmt.Fprintln(w, "\nNext actions (what would raise readiness most):")
		for i, a := range r.NextActions {
			fmt.Fprintf(w, "  %d. %s (+%.1f points)\n", i+1, a.Message, a.Gain*100)
		}
	}
}
