package programme

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// AuditResults is an audit's result per control in scope, for its members
// and invited auditors.
type AuditResults struct {
	Audit attest.Audit `json:"audit"`
	Days  int          `json:"remediation_days"`
	// HistoryCut says the monitoring history was longer than the results
	// read (store.MaxAuditResultChanges): its oldest changes were left out,
	// so a failure that began before them may be missing.
	HistoryCut bool                   `json:"history_cut"`
	Controls   []attest.ControlResult `json:"controls"`
}

// Results assembles the result of each control in the audit's scope from
// the monitoring history of its tests inside the window and the census of
// the audit's populations that speak for it (by the criteria of their kind,
// or a sample drawn for the control), with the root causes members
// recorded for controls and for their deviation items (attest.AuditResults).
func (s Audits) Results(ctx context.Context, p attest.Principal, auditID int64) (AuditResults, error) {
	var out AuditResults
	audit, scope, err := s.ScopeControls(ctx, p, auditID)
	if err != nil {
		return out, err
	}
	out.Audit, out.Days = audit, attest.RemediationDays
	since, until, err := window(audit)
	if err != nil {
		return out, err
	}
	if audit.Type == attest.AuditType1 {
		since = until.AddDate(0, 0, -1)
	}
	if now := s.now(); now.Before(until) {
		until = now
	}
	history, cut, err := s.DB.ControlResultChanges(ctx, p.OrgID, until)
	if err != nil {
		return out, err
	}
	out.HistoryCut = cut
	pops, samples, err := s.auditPopulations(ctx, p, auditID)
	if err != nil {
		return out, err
	}
	causes, err := s.DB.RootCauses(ctx, p.OrgID, auditID)
	if err != nil {
		return out, err
	}
	itemCauses, err := s.DB.ItemCauses(ctx, p.OrgID, auditID)
	if err != nil {
		return out, err
	}
	in := make([]attest.ResultInput, 0, len(scope))
	for _, c := range scope {
		ri := attest.ResultInput{ControlID: c.ID, Ref: c.Ref, Name: c.Name, Changes: history[c.Ref], RootCause: causes[c.ID],
			ItemCauses: itemCauses[c.ID]}
		for _, pop := range pops {
			if part, ok := speaksFor(pop, c, samples); ok {
				ri.Populations = append(ri.Populations, part)
			}
		}
		in = append(in, ri)
	}
	out.Controls = attest.AuditResults(in, since, until, out.Days)
	return out, nil
}

// auditPopulations returns the audit's populations, each with its rows,
// reconciliation and census, and the samples drawn from them; none when
// no population service is wired.
func (s Audits) auditPopulations(ctx context.Context, p attest.Principal, auditID int64) ([]attest.PopulationRetrieval, []attest.PopulationSample, error) {
	if s.Populations == nil {
		return nil, nil, nil
	}
	list, err := s.Populations.ListAudit(ctx, p, auditID)
	if err != nil {
		return nil, nil, err
	}
	pops := make([]attest.PopulationRetrieval, 0, len(list))
	for _, r := range list {
		full, err := s.Populations.GetAudit(ctx, p, auditID, r.ID)
		if err != nil {
			return nil, nil, err
		}
		pops = append(pops, full)
	}
	samples, err := s.Populations.Samples(ctx, p, auditID)
	return pops, samples, err
}

// speaksFor returns what of a population tests a control: the whole of
// it when its kind's criteria meet the control's or a sample of it was
// drawn for the control; of a configuration capture, the rows of the tests
// mapped to the control (attest.ControlPopulation).
func speaksFor(pop attest.PopulationRetrieval, c WorkspaceControl, samples []attest.PopulationSample) (attest.PopulationRetrieval, bool) {
	// A capture is never sampled (population.Service.Sample): each control
	// counts its own tests' rows of it, and no more.
	if pop.Kind != attest.PopulationConfiguration &&
		slices.ContainsFunc(samples, func(s attest.PopulationSample) bool { return s.PopulationID == pop.ID && s.ControlID == c.ID }) {
		return pop, true
	}
	return attest.ControlPopulation(pop, c.Ref, c.Criteria)
}

// RecordRootCause records a member's root cause of a control's deviation in
// an open audit; empty text removes it. It returns the control's result
// with the root cause as recorded.
func (s Audits) RecordRootCause(ctx context.Context, p attest.Principal, auditID, controlID int64, text string) (attest.ControlResult, error) {
	text, res, ctl, err := s.toExplain(ctx, p, auditID, controlID, text)
	if err != nil {
		return attest.ControlResult{}, err
	}
	// A root cause explains a deviation; one recorded earlier may still be
	// cleared once the control no longer deviates.
	if text != "" && ctl.Result != attest.AuditResultDeviation {
		return attest.ControlResult{}, attest.Invalid("root_cause", "%s has no deviation in this audit (its result is %s): there is nothing to explain",
			ctl.Ref, strings.ReplaceAll(string(ctl.Result), "_", " "))
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetRootCause(ctx, p.OrgID, auditID, controlID, text); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("audit.root_cause", "audit", strconv.FormatInt(auditID, 10),
			fmt.Sprintf("%s the root cause of %s's deviation in %q", recordedOrCleared(text), ctl.Ref, res.Audit.Name)))
	})
	if err != nil {
		return attest.ControlResult{}, err
	}
	ctl.RootCause = text
	return ctl, nil
}

// RecordItemCause records a member's root cause of one deviation item of a
// control in an open audit, named by its key (attest.ResultDeviation.Key);
// empty text removes it. The control's own root cause stays its overall
// cause. It returns the control's result with the item's cause as recorded.
func (s Audits) RecordItemCause(ctx context.Context, p attest.Principal, auditID, controlID int64, key, text string) (attest.ControlResult, error) {
	text, res, ctl, err := s.toExplain(ctx, p, auditID, controlID, text)
	if err != nil {
		return attest.ControlResult{}, err
	}
	// Only a current deviation has a cause to record; one recorded for an
	// item that has since stopped deviating is not shown, so clearing it
	// is refused too rather than reported done on nothing visible.
	i := slices.IndexFunc(ctl.Deviations, func(d attest.ResultDeviation) bool { return d.Key == key })
	if i < 0 {
		return attest.ControlResult{}, attest.Invalid("item", "%q is not a deviation of %s in this audit", key, ctl.Ref)
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetItemCause(ctx, p.OrgID, auditID, controlID, key, text); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("audit.item_root_cause", "audit", strconv.FormatInt(auditID, 10),
			fmt.Sprintf("%s the root cause of %s's deviation %s in %q", recordedOrCleared(text), ctl.Ref, ctl.Deviations[i].Item, res.Audit.Name)))
	})
	if err != nil {
		return attest.ControlResult{}, err
	}
	ctl.Deviations[i].RootCause = text
	return ctl, nil
}

// toExplain checks that p may record a root cause in a control's result of
// an audit still open, and returns the text trimmed and within bounds, the
// audit's results and the control's.
func (s Audits) toExplain(ctx context.Context, p attest.Principal, auditID, controlID int64, text string) (string, AuditResults, attest.ControlResult, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return "", AuditResults{}, attest.ControlResult{}, err
	}
	text = strings.TrimSpace(text)
	if len(text) > 2000 {
		return "", AuditResults{}, attest.ControlResult{}, attest.Invalid("root_cause", "is longer than 2000 characters")
	}
	res, err := s.Results(ctx, p, auditID)
	if err != nil {
		return "", AuditResults{}, attest.ControlResult{}, err
	}
	if res.Audit.Status == attest.AuditClosed {
		return "", AuditResults{}, attest.ControlResult{}, attest.Errorf(attest.ECONFLICT, "the audit %q is closed: its results are final", res.Audit.Name)
	}
	i := slices.IndexFunc(res.Controls, func(c attest.ControlResult) bool { return c.ControlID == controlID })
	if i < 0 {
		return "", AuditResults{}, attest.ControlResult{}, attest.Invalid("control", "is not a control of this audit")
	}
	return text, res, res.Controls[i], nil
}

// recordedOrCleared is what the activity log says was done with a root
// cause: empty text clears it.
func recordedOrCleared(text string) string {
	if text == "" {
		return "Cleared"
	}
	return "Recorded"
}
