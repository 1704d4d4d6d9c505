package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/web"
)

// changeRoutes: the changes register (CC8.1): deployed changes reconciled
// with their reviews, its CSV export, deploy log uploads and its rules.
func (h *Handler) changeRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/changes", web.Read, h.changeList),
		route("GET", "/o/{org}/changes/export", web.Read, h.changeExport),
		route("POST", "/o/{org}/changes/deploy-log", web.Edit, h.changeImport),
		route("POST", "/o/{org}/changes/rules", web.Admin, h.changeRules),
		route("POST", "/o/{org}/changes/bank", web.Edit, h.changeBank),
		back("/o/{org}/changes/deploy-log", web.Edit, "/o/{org}/changes"),
		back("/o/{org}/changes/rules", web.Admin, "/o/{org}/changes"),
	}
}

func init() { addDue(changesDue) }

// changesDue lists emergency changes still to be reviewed after the fact,
// due when their time runs out (a finding from then on).
func changesDue(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error) {
	rep, err := h.Changes.Report(r.Context(), c.P, 0)
	if err != nil {
		return nil, err
	}
	var out []dueItem
	add := func(p attest.JudgedPull) {
		deadline := p.MergedAt.Add(time.Duration(rep.Rules.EmergencyHours) * time.Hour)
		due := deadline.UTC().Format(attest.DateLayout)
		// At its deadline the change stops being pending (attest.JudgePull):
		// it is then a finding of the register, no longer due. It cannot
		// leave the report's window before then: the window (90 days) is
		// longer than the longest time to review (720 hours).
		out = append(out, dueItem{Kind: "Change", Title: fmt.Sprintf("Review emergency change %s #%d", p.Repo, p.Number),
			Href: "/o/" + c.Org.Slug + "/changes?state=" + string(attest.ChangeEmergencyPending), Due: due, Overdue: due < today, Until: deadline})
	}
	for _, ch := range rep.Changes {
		for _, p := range ch.Pulls {
			if p.State == attest.ChangeEmergencyPending {
				add(p)
			}
		}
	}
	for _, p := range rep.Undeployed {
		if p.State == attest.ChangeEmergencyPending {
			add(p)
		}
	}
	return out, nil
}

type changesView struct {
	Report      change.Report
	State       string          // the state shown, "" for all, "findings" for findings only
	Changes     []attest.Change // the page of the filtered changes the table shows
	Pager       web.Pager
	States      []attest.ChangeState
	Labels      map[attest.ChangeState]string
	ImportError string
}

// changeFilter reads the page's window and state filter.
func changeFilter(r *http.Request) (days int, state string, err error) {
	q := r.URL.Query()
	if v := q.Get("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil {
			return 0, "", attest.Invalid("days", "must be a whole number of days (got %q)", v)
		}
	}
	state = q.Get("state")
	if state != "" && state != "findings" && changeRank(attest.ChangeState(state)) < 0 {
		return 0, "", attest.Invalid("state", "is not a change state (got %q)", state)
	}
	return days, state, nil
}

func changeRank(s attest.ChangeState) int {
	for i, st := range attest.ChangeStates {
		if st == s {
			return i
		}
	}
	return -1
}

func (h *Handler) renderChanges(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v changesView, f *web.Form) error {
	days, state, err := changeFilter(r)
	if err != nil {
		return err
	}
	if v.Report, err = h.Changes.Report(r.Context(), c.P, days); err != nil {
		return err
	}
	v.State, v.States, v.Labels = state, attest.ChangeStates, map[attest.ChangeState]string{}
	for _, st := range attest.ChangeStates {
		v.Labels[st] = change.Label(st)
	}
	var shown []attest.Change
	for _, ch := range v.Report.Changes {
		if state == "" || (state == "findings" && ch.State.Finding()) || string(ch.State) == state {
			shown = append(shown, ch)
		}
	}
	// A year of a busy organization's deployments is thousands of rows: the
	// table shows a page of them, the counts above and the CSV all of them.
	v.Changes, v.Pager = web.Paginate(shown, r.URL.Query(), web.PageSize)
	if f == nil {
		f = &web.Form{Values: map[string]string{"emergency_label": v.Report.Rules.EmergencyLabel,
			"emergency_hours": strconv.Itoa(v.Report.Rules.EmergencyHours)}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "changes", v, f)
	return nil
}
