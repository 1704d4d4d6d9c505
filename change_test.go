package attest_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func pull(n int, author string, merged time.Duration, approvers []string, approved time.Duration, labels ...string) attest.PullRequest {
	p := attest.PullRequest{Repo: "acme/api", Number: n, Author: author, MergedAt: t0.Add(merged), Approvers: approvers, Labels: labels,
		MergeSHA: strings.Repeat(string(rune('a'+n%26)), 40)}
	if approved != 0 {
		p.ApprovedAt = t0.Add(approved)
	}
	return p
}

func TestJudgePull(t *testing.T) {
	r := attest.DefaultChangeRules
	now := t0.Add(30 * 24 * time.Hour)
	h := time.Hour
	cases := []struct {
		name string
		p    attest.PullRequest
		now  time.Time
		want attest.ChangeState
	}{
		{"approved before merging", pull(1, "erin", 0, []string{"bob"}, -h), now, attest.ChangeReviewed},
		{"approved at the merge", pull(1, "erin", 0, []string{"bob"}, 0), now, attest.ChangeReviewed},
		{"approval without a time counts as before", attest.PullRequest{Author: "erin", Approvers: []string{"bob"}, MergedAt: t0}, now, attest.ChangeReviewed},
		{"no approval", pull(2, "bob", 0, nil, 0), now, attest.ChangeUnreviewed},
		{"approved after merging, no label", pull(3, "erin", 0, []string{"bob"}, 5*h), now, attest.ChangeApprovedAfterMerge},
		{"emergency reviewed in time", pull(4, "erin", 0, []string{"bob"}, 5*h, "Emergency"), now, attest.ChangeEmergencyReviewed},
		{"emergency reviewed late", pull(5, "erin", 0, []string{"bob"}, 73*h, "emergency"), now, attest.ChangeEmergencyUnreviewed},
		{"emergency on the deadline", pull(5, "erin", 0, []string{"bob"}, 72*h, "emergency"), now, attest.ChangeEmergencyReviewed},
		{"emergency not reviewed, still in time", pull(6, "erin", 0, nil, 0, "emergency"), t0.Add(10 * h), attest.ChangeEmergencyPending},
		{"emergency never reviewed", pull(7, "erin", 0, nil, 0, "emergency"), now, attest.ChangeEmergencyUnreviewed},
	}
	for _, c := range cases {
		got, why := attest.JudgePull(c.p, r, c.now)
		if got != c.want || why == "" {
			t.Errorf("%s: %s (%s), want %s", c.name, got, why, c.want)
		}
	}
	if !attest.ChangeUnreviewed.Finding() || !attest.ChangeApprovedAfterMerge.Finding() || attest.ChangeEmergencyPending.Finding() || attest.ChangeReviewed.Finding() {
		t.Error("findings are the unreviewed, late and missing ones only")
	}
}

func TestReconcileChanges(t *testing.T) {
	h := time.Hour
	now := t0.Add(30 * 24 * h)
	pulls := []attest.PullRequest{
		pull(1, "erin", 0, []string{"bob"}, -h),
		pull(2, "bob", 2*h, nil, 0), // self-merged, deployed with #3
		pull(3, "erin", 3*h, []string{"bob"}, -h),
		pull(4, "erin", 20*h, []string{"bob"}, 19*h), // merged, not deployed yet
	}
	pulls = append(pulls, attest.PullRequest{Repo: "acme/web", Number: 9, Author: "carol", MergedAt: t0.Add(h), Approvers: []string{"alice"}})
	deps := []attest.Deployment{
		{Repo: "acme/api", SHA: pulls[0].MergeSHA, At: t0.Add(h), Source: "github"},
		{Repo: "acme/api", SHA: pulls[2].MergeSHA, At: t0.Add(4 * h), Source: "github"},
		{Repo: "acme/api", SHA: "f00d", At: t0.Add(5 * h), Source: "log"},               // no pull request behind it
		{Repo: "acme/api", SHA: pulls[0].MergeSHA, At: t0.Add(6 * h), Source: "github"}, // a rollback
	}
	changes, undeployed := attest.ReconcileChanges(pulls, deps, attest.DefaultChangeRules, now)
	var got []string
	for _, c := range changes {
		var ns []string
		for _, p := range c.Pulls {
			ns = append(ns, strconv.Itoa(p.Number))
		}
		got = append(got, c.Repo+" "+string(c.State)+" "+strings.Join(ns, ","))
	}
	want := []string{
		"acme/api redeploy ",
		"acme/api no_pull_request ",
		"acme/api unreviewed 2,3",
		"acme/api reviewed 1",
		"acme/web reviewed 9", // deploys on merge: no deployments for the repository (same time: by repository)
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
	if len(undeployed) != 1 || undeployed[0].Number != 4 || undeployed[0].State != attest.ChangeReviewed {
		t.Errorf("undeployed = %+v", undeployed)
	}
	if c := changes[2]; !strings.Contains(c.Reason, "2 pull requests") || !strings.Contains(c.Reason, "#2") {
		t.Errorf("the reason names the weakest pull request: %q", c.Reason)
	}
}

func TestChangesOfReadsACollectedRepository(t *testing.T) {
	r := attest.Resource{Type: "github.repository", Key: "acme/api", Data: map[string]any{
		"merged_pulls": []any{map[string]any{"number": json.Number("7"), "title": "Fix", "author": "erin", "merged_at": "2026-11-01T12:00:00Z",
			"merge_commit_sha": "abc", "labels": []any{"emergency"}, "approvers": []any{"bob"}, "approved_at": "2026-11-01T13:00:00Z"}},
		"deployments": []any{
			map[string]any{"sha": "abc", "environment": "production", "creator": "erin", "created_at": "2026-11-01T12:10:00Z", "state": "success"},
			map[string]any{"sha": "def", "environment": "production", "creator": "erin", "created_at": "2026-11-01T12:20:00Z", "state": "failure"},
		}},
		Unavailable: map[string]string{"deployments": "deployments could not be read"}}
	pulls, deps, why := attest.ChangesOf(r)
	if len(pulls) != 1 || pulls[0].Number != 7 || !pulls[0].Emergency(attest.DefaultChangeRules) || pulls[0].ApprovedAt.Hour() != 13 || pulls[0].Repo != "acme/api" {
		t.Errorf("pulls = %+v", pulls)
	}
	if len(deps) != 1 || deps[0].SHA != "abc" || deps[0].Source != "github" {
		t.Errorf("only successful deployments count: %+v", deps)
	}
	if !strings.Contains(why, "merges count as its deployments") {
		t.Errorf("unavailable = %q", why)
	}
	r.Unavailable = map[string]string{"merged_pulls": "pull requests could not be read"}
	if p, d, why := attest.ChangesOf(r); p != nil || d != nil || !strings.Contains(why, "nothing is judged") {
		t.Errorf("pull requests unreadable: the deployments must not be judged alone: %v %v %q", p, d, why)
	}
	if p, d, _ := attest.ChangesOf(attest.Resource{Type: "okta.user"}); p != nil || d != nil {
		t.Error("other resources have no changes")
	}
}

func TestValidateChangeRules(t *testing.T) {
	for _, r := range []attest.ChangeRules{{EmergencyLabel: "", EmergencyHours: 72}, {EmergencyLabel: "x", EmergencyHours: 0}, {EmergencyLabel: "x", EmergencyHours: 721}} {
		if attest.ValidateChangeRules(r) == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	if err := attest.ValidateChangeRules(attest.DefaultChangeRules); err != nil {
		t.Error(err)
	}
}

func TestSafeCSVDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+x": "'+x", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"plain": "plain", "": "", "a=b": "a=b"} {
		if got := attest.SafeCSV(in); got != want {
			t.Errorf("SafeCSV(%q) = %q, want %q", in, got, want)
		}
	}
}
