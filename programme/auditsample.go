package programme

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
)

// Sample draws a sample of one of the audit's recorded populations for a
// control (population.Service.Sample), one size up when the prior period
// had a deviation: when the caller says so, or when the organization's
// latest closed audit of the same framework before this one found the
// control deviating (PriorAudit). Nobody has to remember last year's
// exceptions for the sample to be the size the auditor expects.
func (s Audits) Sample(ctx context.Context, p attest.Principal, auditID, populationID int64, req population.SampleRequest) (attest.PopulationSample, error) {
	if s.Populations == nil {
		return attest.PopulationSample{}, attest.Errorf(attest.EINTERNAL, "the audit service has no population service")
	}
	if !req.PriorDeviation && req.ControlID != 0 {
		if err := p.Require(attest.ActEdit); err != nil {
			return attest.PopulationSample{}, err
		}
		prior, deviated, err := s.PriorAudit(ctx, p, auditID, req.ControlID)
		if err != nil {
			return attest.PopulationSample{}, err
		}
		req.PriorDeviation = deviated && prior.ID != 0
	}
	return s.Populations.Sample(ctx, p, auditID, populationID, req)
}

// PriorAudit finds the audit before this one: the latest closed audit of
// the organization, of the same framework, whose window ended before this
// one's began (ID 0 when there is none), and reports whether the control
// deviated in it. When several closed audits end on that same day (a Type 1
// and a Type 2), the control deviated if it deviated in any of them, and
// prior is the one it deviated in.
func (s Audits) PriorAudit(ctx context.Context, p attest.Principal, auditID, controlID int64) (prior attest.Audit, deviated bool, err error) {
	audit, err := s.Get(ctx, p, auditID)
	if err != nil {
		return prior, false, err
	}
	start, _ := audit.Window()
	all, err := s.DB.Audits(ctx, p.OrgID, true, nil)
	if err != nil {
		return prior, false, err
	}
	var priorEnd string
	var latest []attest.Audit
	for _, a := range all {
		_, end := a.Window()
		if a.ID == audit.ID || a.Framework != audit.Framework || a.Status != attest.AuditClosed || end >= start || end < priorEnd {
			continue
		}
		if end > priorEnd {
			priorEnd, latest = end, nil
		}
		latest = append(latest, a)
	}
	for _, a := range latest {
		res, err := s.Results(ctx, p, a.ID)
		if err != nil {
			return a, false, fmt.Errorf("the results of the prior audit %q: %w", a.Name, err)
		}
		for _, c := range res.Controls {
			if c.ControlID == controlID && c.Result == attest.AuditResultDeviation {
				return a, true, nil
			}
		}
	}
	if len(latest) > 0 {
		prior = latest[0]
	}
	return prior, false, nil
}
