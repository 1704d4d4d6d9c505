package ui

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// dashboardRoutes are the routes of this area, with the access each needs.
func (h *Handler) dashboardRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}", web.Own, h.dashboard).Kept(h.keepDashboard),
	}
}

// chartBar is one bar of a server-rendered SVG chart.
type chartBar struct {
	Label   string
	Percent int
	Width   float64 // of 100
	X       float64 // offset for stacked bars, of 100
	Count   int
	Href    string
	Class   string
}

type dashboardView struct {
	Assessment   programme.Assessment
	Donut        struct{ Dash, Gap float64 }
	Categories   []chartBar
	States       []chartBar
	AtRisk       []readiness.RequirementResult
	Weakest      []readiness.RequirementResult // lowest readiness first, from the same assessment
	AtRiskCount  int
	Overdue      []attest.Task
	OverdueCount int
	MyTasks      []attest.Task
	MyControls   []attest.Control // controls the caller owns, whatever their role (the first maxMine for readers of the programme)
	// MyControlsCount counts them all, for the link to the rest.
	MyControlsCount int
	Recent          []attest.Activity
	Controls        int
	Today           string
	Monitoring      monitoringCard
	// MyPolicies are the published policies the caller has not accepted yet;
	// MyApprovals the versions awaiting their decision.
	MyPolicies  []policy.Assigned
	MyApprovals []policy.Awaiting
	// Due are register records due soon or overdue (risk and vendor reviews,
	// incident follow-ups, exercises, changes to review); DueCount all of them.
	Due      []dueItem
	DueCount int
	// Others are the frameworks pursued beside SOC 2 (ISO 27001), each with
	// its readiness and its themes.
	Others []frameworkCard
}

// frameworkCard is one framework beside SOC 2 on the dashboard.
type frameworkCard struct {
	Assessment programme.Assessment
	Href       string
	Themes     []chartBar
}

// monitoringCard sums up the automated tests: how many tests have failing
// resources (not counting exceptions), how many results cannot be verified,
// and when the organization was last collected.
type monitoringCard struct {
	Tests, FailingTests, Failing, Unverified, Errors, Excepted int
	LastRun                                                    time.Time
}

// maxMine is how many of the controls they own the dashboard lists to a
// reader of the programme; the controls list, filtered to theirs, has the rest.
const maxMine = 10

// stateOrder presents control states from done to not started.
var stateOrder = []string{readiness.StateReady, readiness.StateImplementedNoEvidence, readiness.StateInProgress, readiness.StateNotStarted, readiness.StateNotApplicable}

// recentActivity is how many activity entries an admin's dashboard shows.
const recentActivity = 8

// keepDashboard keeps the dashboard while the organization's records stand
// and, for admins (who see recent activity), while the entries it shows
// do: sign-ins and exports add to the log without a change to the records.
func (h *Handler) keepDashboard(ctx context.Context, r *http.Request, c *web.Ctx) (string, bool, error) {
	if !c.Can(attest.ActAdmin) {
		return "", true, nil
	}
	ids, err := h.DB.NewestActivityIDs(ctx, c.Org.ID, recentActivity)
	return fmt.Sprint(ids), err == nil, err
}

// dashboard is an organization's start page: how ready it is, what is at risk,
// what is overdue, and the caller's own work. Every number links to the list
// behind it.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	base := "/o/" + c.Org.Slug
	now := h.Now() // one reading: the due card is kept for the day it names
	v := dashboardView{Today: attest.Today(now)}
	var err error
	if v.MyTasks, err = h.Tasks.List(ctx, c.P, store.TaskFilter{OwnerID: c.User.ID, OpenOnly: true}); err != nil {
		return err
	}
	if h.Policies != nil {
		mine, err := h.Policies.MyPolicies(ctx, c.P)
		if err != nil {
			return err
		}
		for _, a := range mine {
			if a.Ack.State != attest.AckAccepted {
				v.MyPolicies = append(v.MyPolicies, a)
			}
		}
		if c.Can(attest.ActWork) {
			if v.MyApprovals, err = h.Policies.AwaitingMe(ctx, c.P); err != nil {
				return err
			}
		}
	}
	if !c.Can(attest.ActRead) {
		if v.MyControls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{OwnerID: c.User.ID}); err != nil {
			return err
		}
		h.Render(w, r, c, http.StatusOK, "dashboard", v)
		return nil
	}
	if v.Assessment, err = h.Readiness.Assess(ctx, c.Org.ID); err != nil {
		return err
	}
	// The controls the caller owns, from those the assessment read (kept
	// between requests), rather than reading them and their mappings again.
	// The card shows the first few and links the controls list, filtered
	// to the caller's, for the rest: an owner of eighty controls reads them
	// there.
	for _, ctl := range v.Assessment.Active {
		if ctl.OwnerID == c.User.ID {
			if v.MyControlsCount++; len(v.MyControls) < maxMine {
				v.MyControls = append(v.MyControls, ctl)
			}
		}
	}
	pursued, err := programme.Pursued(ctx, &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	for _, fw := range pursued[1:] {
		fa, err := h.Readiness.AssessFramework(ctx, c.Org.ID, fw.ID)
		if err != nil {
			return err
		}
		card := frameworkCard{Assessment: fa, Href: base + "/criteria?framework=" + fw.ID}
		for i, cat := range fa.Categories {
			res := fa.Result.Categories[i]
			p := readiness.Percent(res.Score)
			card.Themes = append(card.Themes, chartBar{Label: cat.Name, Percent: p, Width: float64(p), Count: res.AtRisk, Href: card.Href + "&category=" + cat.ID})
		}
		v.Others = append(v.Others, card)
	}
	a := v.Assessment
	// A circle of radius 15.915 has a circumference of 100, so the dash is the percentage.
	v.Donut.Dash = math.Round(a.Score*1000) / 10
	v.Donut.Gap = 100 - v.Donut.Dash
	for i, cat := range a.Categories {
		res := a.Result.Categories[i]
		p := readiness.Percent(res.Score)
		v.Categories = append(v.Categories, chartBar{Label: cat.Name, Percent: p, Width: float64(p), Count: res.AtRisk, Href: base + "/criteria?category=" + cat.ID})
	}
	total := len(a.Controls)
	v.Controls = total
	x := 0.0
	for _, st := range stateOrder {
		n := a.States[st]
		if n == 0 || total == 0 {
			continue
		}
		wdt := float64(n) * 100 / float64(total)
		v.States = append(v.States, chartBar{Label: web.StateLabels[st], Count: n, Width: wdt, X: x, Href: base + "/controls?state=" + st, Class: "st-" + st})
		x += wdt
	}
	for _, rr := range a.Requirements {
		if rr.AtRisk {
			v.AtRiskCount++
			if len(v.AtRisk) < 8 {
				v.AtRisk = append(v.AtRisk, rr)
			}
		}
	}
	// The weakest criteria, at risk or not, so the lowest score is never
	// missing from the card that names what needs attention.
	weakest := slices.Clone(a.Requirements)
	slices.SortStableFunc(weakest, func(x, y readiness.RequirementResult) int { return cmp.Compare(x.Score, y.Score) })
	for _, rr := range weakest {
		if rr.Ready || len(v.Weakest) == 5 {
			break
		}
		v.Weakest = append(v.Weakest, rr)
	}
	if h.Monitor != nil {
		sums, err := h.Monitor.Summaries(ctx, c.P)
		if err != nil {
			return err
		}
		last, err := h.Monitor.Collections(ctx, c.P, 0, 1)
		if err != nil {
			return err
		}
		m := &v.Monitoring
		if len(last) > 0 {
			m.LastRun = last[0].FinishedAt
		}
		for _, t := range sums {
			m.Tests++
			if n := t.Failing(); n > 0 {
				m.FailingTests++
				m.Failing += n
			}
			m.Unverified += t.Counts[string(attest.ResultUnverifiable)]
			m.Errors += t.Counts[string(attest.ResultError)]
			m.Excepted += t.Counts["excepted"]
		}
	}
	overdue, err := h.Tasks.List(ctx, c.P, store.TaskFilter{OverdueOn: v.Today})
	if err != nil {
		return err
	}
	v.OverdueCount = len(overdue)
	v.Overdue = overdue[:min(5, len(overdue))]
	if v.Due, v.DueCount, err = h.registerDue(r, c, now); err != nil {
		return err
	}
	if c.Can(attest.ActAdmin) {
		if v.Recent, err = h.DB.Activity(ctx, c.Org.ID, attest.ActivityFilter{Limit: recentActivity}); err != nil {
			return err
		}
	}
	h.Render(w, r, c, http.StatusOK, "dashboard", v)
	return nil
}
