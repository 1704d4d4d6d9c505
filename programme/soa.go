package programme

import (
	"context"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/soa"
	"github.com/attest-hq/attest/store"
)

// SoA gathers the organization's Statement of Applicability for ISO 27001:
// every Annex A control, applicable or excluded with its justification, and
// the organization's controls that implement it (mappings that count) with
// their status and derived state, from the same assessment as the readiness
// views. An organization that does not pursue ISO 27001 is EINVALID on
// "framework".
func SoA(ctx context.Context, q *store.Queries, cat *catalog.Catalog, orgID int64) (soa.Document, error) {
	a, err := AssessFramework(ctx, q, cat, orgID, ISO27001)
	if err != nil {
		return soa.Document{}, err
	}
	org, err := q.OrgByID(ctx, orgID)
	if err != nil {
		return soa.Document{}, err
	}
	controls, err := q.Controls(ctx, orgID, store.ControlFilter{})
	if err != nil {
		return soa.Document{}, err
	}
	fw := a.Framework
	d := soa.Document{Organization: org.Name, Framework: fw.Title, Generated: q.Now()}
	state := map[int64]string{}
	for _, c := range a.Controls {
		state[c.ID] = c.State
	}
	results := map[string]readiness.RequirementResult{}
	for _, rr := range a.Requirements {
		results[rr.ID] = rr
	}
	for _, req := range fw.Requirements {
		if Optional(fw, "requirement", req.ID) != nil {
			continue
		}
		theme, _ := fw.Category(req.Category)
		row := soa.Row{ID: req.ID, Title: req.Title, Theme: theme.Name, Applicable: true, Controls: []soa.Implementing{}}
		if i := slices.IndexFunc(a.Excluded, func(e attest.Exclusion) bool { return e.Requirement == req.ID }); i >= 0 {
			row.Applicable, row.Justification = false, a.Excluded[i].Justification
		} else if rr, ok := results[req.ID]; ok {
			row.Readiness, row.Ready = readiness.Percent(rr.Score), rr.Ready
		}
		for _, c := range controls {
			for _, m := range c.Mappings {
				if m.Framework == fw.ID && m.Requirement == req.ID && m.Counts() {
					row.Controls = append(row.Controls, soa.Implementing{Ref: c.Ref, Name: c.Name, Type: m.Type, Status: c.Status, State: state[c.ID]})
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}
