package app

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestDemoMonitoring starts `serve --demo` twice on one database: the demo
// organization has a GitHub connection collected through the real connector
// (from the in-process demo GitHub), results including an unverifiable one,
// and one approved exception; the second start adds nothing.
func TestDemoMonitoring(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url, dir := jobstest.URL(t, d), t.TempDir()
			for start := range 2 {
				a, err := New(ctx, Config{Addr: "127.0.0.1:0", DatabaseURL: url, DataDir: dir, Demo: true, PasswordParams: auth.TestParams,
					Log: slog.New(slog.DiscardHandler), Out: io.Discard})
				if err != nil {
					t.Fatalf("start %d: %v", start+1, err)
				}
				org, err := a.DB.OrgBySlug(ctx, demo.OrgSlug)
				if err != nil {
					t.Fatal(err)
				}
				p := attest.SystemPrincipal(org.ID, "test", attest.ViaSystem)
				status := map[string]attest.ResultStatus{}
				list, err := a.Services.Monitor.Results(ctx, p, store.ResultFilter{Test: "github.branch_protected"})
				if err != nil {
					t.Fatal(err)
				}
				excepted := 0
				for _, r := range list {
					status[r.Resource.Key] = r.Status
					if r.Excepted() {
						excepted++
					}
				}
				if status["northwind/api"] != attest.ResultPass || status["northwind/billing"] != attest.ResultUnverifiable ||
					status["northwind/docs"] != attest.ResultFail || excepted != 1 {
					t.Errorf("start %d: demo verdicts %v, %d excepted", start+1, status, excepted)
				}
				excs, _ := a.Services.Monitor.Exceptions(ctx, p)
				runs, _ := a.DB.Collections(ctx, org.ID, 0, 0)
				if len(excs) != 1 || len(runs) != 4 {
					t.Errorf("start %d: %d exceptions and %d collections, want 1 and 4 (GitHub, Okta, Google Workspace, AWS)", start+1, len(excs), len(runs))
				}
				// The demo's audits: the Type 2 in fieldwork, and the Type 1
				// before it, closed and still readable. The Type 2's
				// populations: joiners, leavers, merged changes, incidents
				// and access reviews of its first month, the vendor reviews
				// and vulnerabilities up to yesterday, the configuration as
				// it stands (its window runs to the end of this month), and a
				// sample of the changes, once across starts.
				audits, _ := a.DB.Audits(ctx, org.ID, true, nil)
				if len(audits) != 2 || audits[0].Type != attest.AuditType2 || audits[0].Status != attest.AuditFieldwork ||
					audits[1].Type != attest.AuditType1 || audits[1].Status != attest.AuditClosed || audits[1].ClosedAt.IsZero() {
					t.Fatalf("start %d: demo audits %+v", start+1, audits)
				}
				// Six whole months, to the last day of a month; the Type 1 as
				// of the day before.
				t2 := audits[0]
				to, err := time.Parse(attest.DateLayout, t2.To)
				if err != nil || to.AddDate(0, 0, 1).Day() != 1 ||
					t2.From != to.AddDate(0, 0, 1).AddDate(0, -6, 0).Format(attest.DateLayout) || audits[1].AsOf != to.AddDate(0, 0, 1).AddDate(0, -6, -1).Format(attest.DateLayout) {
					t.Errorf("start %d: the Type 2 covers %s to %s, the Type 1 is as of %s; want six whole months", start+1, t2.From, t2.To, audits[1].AsOf)
				}
				if _, err := a.Services.Audits.Workspace(ctx, p, audits[1].ID); err != nil {
					t.Errorf("start %d: the closed Type 1 is not readable: %v", start+1, err)
				}
				pops, err := a.Services.Populations.ListAudit(ctx, p, audits[0].ID)
				samples, _ := a.Services.Populations.Samples(ctx, p, audits[0].ID)
				if err != nil || len(pops) != 8 || len(samples) != 1 || !slices.ContainsFunc(pops, func(r attest.PopulationRetrieval) bool {
					return r.ID == samples[0].PopulationID && r.Kind == attest.PopulationChanges
				}) {
					t.Errorf("start %d: demo populations %+v, samples %+v, %v", start+1, pops, samples, err)
				}
				// The vendor reviews: those done in the window pass; the
				// overdue one, the story of the demo's vendor register, is a
				// deviation.
				// So are the vulnerabilities: the demo GitHub's alerts, its
				// collection covering the whole window.
				for _, r := range pops {
					if (r.Kind == attest.PopulationVendors || r.Kind == attest.PopulationVulns) && (r.Tally.Passed < 1 || r.Tally.Deviations < 1 || r.Tally.Mismatches != 0) {
						full, _ := a.Services.Populations.Get(ctx, p, r.ID)
						t.Errorf("start %d: the demo's %s %d rows, tally %+v, source %s %+v", start+1, r.Kind, r.Count, r.Tally, full.Source, full.Reconciliation)
					}
				}
				// The capture reads every connection's fresh collection: each
				// verdict a row, each collection's snapshot in the ledger.
				i := slices.IndexFunc(pops, func(r attest.PopulationRetrieval) bool { return r.Kind == attest.PopulationConfiguration })
				if i < 0 || pops[i].Count == 0 || pops[i].Tally.Mismatches != 0 || pops[i].Tally.Passed < 1 {
					var full attest.PopulationRetrieval
					if i >= 0 {
						full, _ = a.Services.Populations.Get(ctx, p, pops[i].ID)
					}
					t.Errorf("start %d: the demo's configuration capture %+v, findings %+v", start+1, full.Tally, full.Reconciliation.Findings)
				}
				// A deviation's root cause is recorded.
				res, err := a.Services.Audits.Results(ctx, p, audits[0].ID)
				if err != nil || !slices.ContainsFunc(res.Controls, func(c attest.ControlResult) bool { return c.Result == attest.AuditResultDeviation && c.RootCause != "" }) {
					t.Errorf("start %d: no deviation of the demo audit has its root cause: %v", start+1, err)
				}
				if !slices.ContainsFunc(res.Controls, func(c attest.ControlResult) bool {
					return slices.ContainsFunc(c.Deviations, func(d attest.ResultDeviation) bool { return d.RootCause != "" })
				}) {
					t.Errorf("start %d: no deviation item of the demo audit has its root cause", start+1)
				}
				// Its request list: the default list and the auditor's own
				// request, with one request at each step, once across starts.
				reqs, err := a.Services.Audits.Requests(ctx, p, audits[0].ID, store.RequestFilter{})
				if err != nil || len(reqs.Requests) < 10 || reqs.Counts[attest.RequestAccepted] != 1 || reqs.Counts[attest.RequestFlagged] != 1 ||
					reqs.Counts[attest.RequestSubmitted] != 1 || !slices.ContainsFunc(reqs.Requests, func(r attest.AuditRequest) bool { return r.Source == attest.RequestCustom }) {
					t.Errorf("start %d: demo requests %v (%d), %v", start+1, reqs.Counts, len(reqs.Requests), err)
				}
				// Access reviews: last quarter's completed, this quarter's open
				// over the collected identity providers.
				reviews, err := a.Services.AccessReviews.List(ctx, p)
				if err != nil || len(reviews) != 2 || reviews[0].Title != "Identity providers, this quarter" || len(reviews[0].Systems) != 3 ||
					reviews[1].State != attest.AccessReviewCompleted {
					t.Errorf("start %d: access reviews %+v, %v", start+1, reviews, err)
				}
				// The roster: the GitHub logins are linked to their people, and
				// the one whose person left a month ago is a leaver with access.
				rep, err := a.Services.Roster.Roster(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				var findings []string
				for _, f := range rep.Findings {
					who := ""
					if f.Account != nil {
						who = f.Account.Login
					}
					if f.Person != nil {
						who += "@" + f.Person.Email
					}
					findings = append(findings, f.Kind+":"+who)
				}
				accounts := map[string]int{}
				for _, src := range rep.Sources {
					accounts[src.Connection] = src.Accounts
				}
				if len(findings) != 2 || findings[0] != "department_conflict:noor@demo.attest.test@noor@demo.attest.test" ||
					findings[1] != "leaver_active:dana@liam@demo.attest.test" ||
					accounts["github"] != 5 || accounts["okta"] != 10 || accounts["google-workspace"] != 8 {
					t.Errorf("start %d: demo roster findings %v, accounts %v", start+1, findings, accounts)
				}
				// The identity providers' tests judged their users.
				for _, test := range []string{"okta.user_mfa", "google.user_2sv_enrolled"} {
					list, err := a.Services.Monitor.Results(ctx, p, store.ResultFilter{Test: test})
					failing := 0
					for _, r := range list {
						if r.Status == attest.ResultFail {
							failing++
						}
					}
					if err != nil || len(list) < 5 || failing == 0 {
						t.Errorf("start %d: %s judged %d users, %d failing (%v)", start+1, test, len(list), failing, err)
					}
				}
				checkDemoAWS(t, ctx, a, p, start)
				checkDemoChecklists(t, ctx, a, p, start)
				// The movers: the promotion recorded once, however often the
				// demo starts.
				today := attest.Today(a.DB.Now())
				pop, err := a.Services.Roster.Populations(ctx, p, attest.AddMonths(today, -1), today)
				if err != nil || len(pop.Movers) != 1 || pop.Movers[0].Person.Email != "tomas@demo.attest.test" || len(pop.Movers[0].Changes) != 2 {
					t.Errorf("start %d: movers %+v, %v", start+1, pop.Movers, err)
				}
				// The changes register: its findings, banked once as evidence
				// of the change controls, however often the demo starts.
				changes, err := a.Services.Changes.Report(ctx, p, 0)
				if err != nil || changes.Findings != 2 || changes.Counts[attest.ChangeNoPullRequest] != 1 || changes.Counts[attest.ChangeEmergencyReviewed] != 1 {
					t.Errorf("start %d: demo changes: %d findings, %v (%v)", start+1, changes.Findings, changes.Counts, err)
				}
				banked, _ := a.DB.EvidenceList(ctx, org.ID, store.EvidenceFilter{Query: "Deployed changes"})
				if len(banked) != 1 || len(banked[0].Controls) == 0 {
					t.Errorf("start %d: banked changes %+v", start+1, banked)
				}
				a.closeAll()
			}
		})
	}
}

// checkDemoChecklists: the default templates, account steps verified from
// the identity providers' collections, steps closed by hand, and the
// leaver whose GitHub account outlived the deadline named on their
// offboarding checklist.
func checkDemoChecklists(t *testing.T, ctx context.Context, a *App, p attest.Principal, start int) {
	t.Helper()
	lists, err := a.Services.Checklists.List(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	verified, byHand := 0, 0
	var leaver *attest.StepState
	for _, cl := range lists {
		for _, st := range cl.Steps {
			if st.Completion != nil && st.Completion.How == attest.CompletedVerified {
				verified++
			}
			if st.Completion != nil && st.Completion.How == attest.CompletedByHand {
				byHand++
			}
			if cl.Person.Email == "liam@demo.attest.test" && st.Step.Check == attest.CheckAccountsDisabled {
				leaver = &st
			}
		}
	}
	if len(lists) != 4 || verified == 0 || byHand != 4 || leaver == nil || leaver.State != attest.StepOverdue ||
		!strings.Contains(leaver.Detail, "dana") {
		t.Errorf("start %d: demo checklists: %d lists, %d verified, %d by hand, leaver's account step %+v", start+1, len(lists), verified, byHand, leaver)
	}
}
