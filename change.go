package attest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Change management (CC8.1): the changes that reached production are the
// population an auditor samples, and each must have been reviewed by someone
// other than its author before it merged, or be an emergency change that was
// reviewed after the fact within a set time. The register reconciles two
// sources: pull requests merged into default branches (from the GitHub
// connector) and deployments (GitHub deployments, or an uploaded deploy log).
// A deployment includes the pull requests of its repository merged since the
// repository's previous deployment; a repository that reports no deployments
// at all deploys on merge, so each merged pull request is its own change.

// PullRequest is a pull request merged into a repository's default branch.
type PullRequest struct {
	Repo     string    `json:"repo"`
	Number   int       `json:"number"`
	Title    string    `json:"title,omitempty"`
	Author   string    `json:"author"`
	MergedAt time.Time `json:"merged_at"`
	MergeSHA string    `json:"merge_sha,omitempty"`
	Labels   []string  `json:"labels,omitempty"`
	// Approvers approved it and are not its author; ApprovedAt is the first
	// such approval (zero when the source did not say when).
	Approvers  []string  `json:"approvers,omitempty"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`
}

// Deployment is one successful deployment of a commit.
type Deployment struct {
	Repo        string    `json:"repo"`
	SHA         string    `json:"sha"`
	Environment string    `json:"environment,omitempty"`
	Deployer    string    `json:"deployer,omitempty"`
	At          time.Time `json:"at"`
	// Source is where it was read: "github" (the connector), "log" (an
	// uploaded deploy log) or "merge" (a repository that deploys on merge).
	Source string `json:"source"`
}

// ChangeRules are an organization's change-management rules.
type ChangeRules struct {
	// EmergencyLabel marks a pull request as an emergency change.
	EmergencyLabel string `json:"emergency_label"`
	// EmergencyHours is how long after merging an emergency change may be
	// reviewed.
	EmergencyHours int `json:"emergency_hours"`
}

// DefaultChangeRules are the rules until an organization sets its own.
var DefaultChangeRules = ChangeRules{EmergencyLabel: "emergency", EmergencyHours: 72}

// ValidateChangeRules checks rules before they are saved.
func ValidateChangeRules(r ChangeRules) error {
	if strings.TrimSpace(r.EmergencyLabel) == "" {
		return Invalid("emergency_label", "is required: the label that marks a pull request as an emergency change")
	}
	if len(r.EmergencyLabel) > 100 {
		return Invalid("emergency_label", "must be at most 100 characters")
	}
	if r.EmergencyHours < 1 || r.EmergencyHours > 24*30 {
		return Invalid("emergency_hours", "must be a whole number of hours from 1 to 720 (got %d)", r.EmergencyHours)
	}
	return nil
}

// ChangeState is the verdict on a pull request or a deployment.
type ChangeState string

// Change states. A deployment takes the worst state of what it includes.
const (
	ChangeReviewed ChangeState = "reviewed" // approved by someone else before it merged
	// ChangeEmergencyReviewed: an emergency change reviewed after the fact in time.
	ChangeEmergencyReviewed ChangeState = "emergency_reviewed"
	// ChangeRedeploy: a commit deployed before (a rollback or a re-run),
	// judged when it was first deployed.
	ChangeRedeploy ChangeState = "redeploy"
	// ChangeEmergencyPending: an emergency change still within its time to be reviewed.
	ChangeEmergencyPending ChangeState = "emergency_pending"
	// Findings.
	ChangeUnreviewed          ChangeState = "unreviewed"           // nobody but its author approved it
	ChangeApprovedAfterMerge  ChangeState = "approved_after_merge" // approved only after merging, and not an emergency
	ChangeEmergencyUnreviewed ChangeState = "emergency_unreviewed" // an emergency change not reviewed in time
	ChangeNoPullRequest       ChangeState = "no_pull_request"      // a deployed commit that came from no merged pull request
)

// changeRank orders states from fine to worst.
var changeRank = map[ChangeState]int{
	ChangeReviewed: 0, ChangeRedeploy: 0, ChangeEmergencyReviewed: 1, ChangeEmergencyPending: 2,
	ChangeApprovedAfterMerge: 3, ChangeEmergencyUnreviewed: 4, ChangeUnreviewed: 5, ChangeNoPullRequest: 5,
}

// Finding reports whether a state is a finding an auditor would raise.
func (s ChangeState) Finding() bool { return changeRank[s] >= 3 }

// ChangeStates lists the states in the order a list filters them.
var ChangeStates = []ChangeState{ChangeNoPullRequest, ChangeUnreviewed, ChangeEmergencyUnreviewed, ChangeApprovedAfterMerge,
	ChangeEmergencyPending, ChangeEmergencyReviewed, ChangeReviewed, ChangeRedeploy}

// Emergency reports whether the pull request carries the emergency label
// (compared without case, as GitHub's label names are).
func (p PullRequest) Emergency(r ChangeRules) bool {
	return slices.ContainsFunc(p.Labels, func(l string) bool { return strings.EqualFold(l, r.EmergencyLabel) })
}

// JudgePull judges one merged pull request at now, with the reason in words.
func JudgePull(p PullRequest, r ChangeRules, now time.Time) (ChangeState, string) {
	approved := len(p.Approvers) > 0
	// An approval with no time is taken as given before the merge: the
	// source did not say otherwise, and older collections did not record it.
	before := approved && (p.ApprovedAt.IsZero() || !p.ApprovedAt.After(p.MergedAt))
	by := strings.Join(p.Approvers, ", ")
	if before {
		return ChangeReviewed, "approved by " + by + " before it merged"
	}
	if p.Emergency(r) {
		deadline := p.MergedAt.Add(time.Duration(r.EmergencyHours) * time.Hour)
		switch {
		case approved && !p.ApprovedAt.After(deadline):
			return ChangeEmergencyReviewed, fmt.Sprintf("an emergency change, reviewed by %s %s after it merged (allowed: %d hours)",
				by, roundDuration(p.ApprovedAt.Sub(p.MergedAt)), r.EmergencyHours)
		case approved:
			return ChangeEmergencyUnreviewed, fmt.Sprintf("an emergency change reviewed by %s only %s after it merged (allowed: %d hours)",
				by, roundDuration(p.ApprovedAt.Sub(p.MergedAt)), r.EmergencyHours)
		case now.Before(deadline):
			return ChangeEmergencyPending, fmt.Sprintf("an emergency change to be reviewed by %s", deadline.UTC().Format("2006-01-02 15:04 UTC"))
		}
		return ChangeEmergencyUnreviewed, fmt.Sprintf("an emergency change not reviewed within %d hours of merging", r.EmergencyHours)
	}
	if approved {
		return ChangeApprovedAfterMerge, "approved by " + by + " only after it merged, and not labelled " + r.EmergencyLabel
	}
	return ChangeUnreviewed, "merged without an approval from anyone but its author (" + p.Author + ")"
}

func roundDuration(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%.0f h", d.Hours())
}

// JudgedPull is a pull request with its verdict.
type JudgedPull struct {
	PullRequest
	State  ChangeState `json:"state"`
	Reason string      `json:"reason"`
}

// Change is one deployment with what it included and the verdict.
type Change struct {
	Deployment
	Pulls  []JudgedPull `json:"pulls"`
	State  ChangeState  `json:"state"`
	Reason string       `json:"reason"`
}

// ReconcileChanges judges every deployment: it includes the pull requests of
// its repository merged after the previous deployment and by its own time
// (and the pull request whose merge commit it deployed); it takes the worst
// state among them, or no_pull_request when it includes none and its commit
// was never deployed before. Repositories without any deployment deploy on
// merge: each merged pull request is a change of its own. Deployments come
// out newest first; pull requests merged but not deployed yet are returned
// apart (judged, but not yet changes in production).
func ReconcileChanges(pulls []PullRequest, deps []Deployment, r ChangeRules, now time.Time) (changes []Change, undeployed []JudgedPull) {
	byRepo := map[string][]PullRequest{}
	for _, p := range pulls {
		byRepo[p.Repo] = append(byRepo[p.Repo], p)
	}
	depRepo := map[string][]Deployment{}
	for _, d := range deps {
		depRepo[d.Repo] = append(depRepo[d.Repo], d)
	}
	judge := func(p PullRequest) JudgedPull {
		st, why := JudgePull(p, r, now)
		return JudgedPull{PullRequest: p, State: st, Reason: why}
	}
	for repo, ps := range byRepo {
		if _, ok := depRepo[repo]; ok {
			continue
		}
		for _, p := range ps {
			jp := judge(p)
			changes = append(changes, Change{Deployment: Deployment{Repo: repo, SHA: p.MergeSHA, At: p.MergedAt, Deployer: p.Author, Source: "merge"},
				Pulls: []JudgedPull{jp}, State: jp.State, Reason: fmt.Sprintf("#%d %s", p.Number, jp.Reason)})
		}
	}
	for repo, ds := range depRepo {
		slices.SortStableFunc(ds, func(a, b Deployment) int { return a.At.Compare(b.At) })
		ps := slices.Clone(byRepo[repo])
		slices.SortStableFunc(ps, func(a, b PullRequest) int { return a.MergedAt.Compare(b.MergedAt) })
		used := make([]bool, len(ps))
		seen := map[string]bool{}
		var prev time.Time
		for _, d := range ds {
			c := Change{Deployment: d}
			for i, p := range ps {
				inWindow := p.MergedAt.After(prev) && !p.MergedAt.After(d.At)
				if !used[i] && (inWindow || (p.MergeSHA != "" && p.MergeSHA == d.SHA && !p.MergedAt.After(d.At))) {
					used[i] = true
					c.Pulls = append(c.Pulls, judge(p))
				}
			}
			switch {
			case len(c.Pulls) > 0:
				worst := c.Pulls[0]
				for _, jp := range c.Pulls[1:] {
					if changeRank[jp.State] > changeRank[worst.State] {
						worst = jp
					}
				}
				c.State = worst.State
				c.Reason = fmt.Sprintf("#%d %s", worst.Number, worst.Reason)
				if len(c.Pulls) > 1 {
					c.Reason = fmt.Sprintf("%d pull requests; the weakest: %s", len(c.Pulls), c.Reason)
				}
			case seen[d.SHA]:
				c.State, c.Reason = ChangeRedeploy, "this commit was deployed before: a re-run or a rollback"
			default:
				c.State, c.Reason = ChangeNoPullRequest, "no pull request merged since the previous deployment: the commit reached "+
					cmp.Or(d.Environment, "production")+" without a review"
			}
			seen[d.SHA] = true
			prev = d.At
			changes = append(changes, c)
		}
		for i, p := range ps {
			if !used[i] {
				undeployed = append(undeployed, judge(p))
			}
		}
	}
	slices.SortStableFunc(changes, func(a, b Change) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.Repo, b.Repo), cmp.Compare(a.SHA, b.SHA))
	})
	slices.SortStableFunc(undeployed, func(a, b JudgedPull) int {
		return cmp.Or(b.MergedAt.Compare(a.MergedAt), cmp.Compare(a.Repo, b.Repo))
	})
	return changes, undeployed
}

// ChangesOf reads the pull requests and deployments of a collected GitHub
// repository; unavailable says why either cannot be read ("" when both can).
// Deployments other than successful ones did not change production and are
// left out.
func ChangesOf(r Resource) (pulls []PullRequest, deps []Deployment, unavailable string) {
	if r.Type != "github.repository" {
		return nil, nil, ""
	}
	// Without the pull requests, every deployment would look like a commit
	// from no pull request: a finding made up from what could not be seen.
	// Nothing is judged from such a repository.
	if w := r.Unavailable["merged_pulls"]; w != "" {
		return nil, nil, w + "; nothing is judged from this repository"
	}
	var why []string
	if w := r.Unavailable["deployments"]; w != "" {
		why = append(why, w+"; its merges count as its deployments")
	}
	unavailable = strings.Join(why, "; ")
	list := func(field string) []map[string]any {
		var out []map[string]any
		items, _ := r.Data[field].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	when := func(m map[string]any, k string) time.Time { t, _ := time.Parse(time.RFC3339, str(m, k)); return t }
	strs := func(m map[string]any, k string) []string {
		switch v := m[k].(type) {
		case []string:
			return v
		case []any:
			var out []string
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	for _, m := range list("merged_pulls") {
		n := 0
		switch v := m["number"].(type) { // int as collected, json.Number from a stored snapshot
		case int:
			n = v
		case int64:
			n = int(v)
		case float64:
			n = int(v)
		case json.Number:
			i, _ := v.Int64()
			n = int(i)
		}
		pulls = append(pulls, PullRequest{Repo: r.Key, Number: n, Title: str(m, "title"), Author: str(m, "author"),
			MergedAt: when(m, "merged_at"), MergeSHA: str(m, "merge_commit_sha"), Labels: strs(m, "labels"),
			Approvers: strs(m, "approvers"), ApprovedAt: when(m, "approved_at")})
	}
	for _, m := range list("deployments") {
		if str(m, "state") != "success" {
			continue
		}
		deps = append(deps, Deployment{Repo: r.Key, SHA: str(m, "sha"), Environment: str(m, "environment"),
			Deployer: str(m, "creator"), At: when(m, "created_at"), Source: "github"})
	}
	return pulls, deps, unavailable
}
