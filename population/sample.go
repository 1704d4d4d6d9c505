package population

import (
	"context"
	"fmt"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// SampleRequest names the control a sample is drawn for. Frequency is the
// control's own when empty; "per-event" sizes the sample by the
// population's count instead.
type SampleRequest struct {
	ControlID      int64  `json:"control_id"`
	Frequency      string `json:"frequency"`
	PriorDeviation bool   `json:"prior_deviation"`
}

// Sample draws and stores a sample of a recorded population of an open
// audit for one of its controls: the size from attest.SampleSize, the seed
// from the audit's ID, the control's reference and the population's hash,
// so that the workpaper re-derives it (attest audit sample --verify).
func (s *Service) Sample(ctx context.Context, p attest.Principal, auditID, populationID int64, req SampleRequest) (attest.PopulationSample, error) {
	var out attest.PopulationSample
	if err := p.Require(attest.ActEdit); err != nil {
		return out, err
	}
	if _, err := s.openAudit(ctx, p, auditID); err != nil {
		return out, err
	}
	pop, err := s.GetAudit(ctx, p, auditID, populationID)
	if err != nil {
		return out, err
	}
	if pop.Kind == attest.PopulationConfiguration {
		// A capture's items are settings each judged from its snapshot, and
		// each control counts only its own tests' rows: a sample of them
		// would test other controls' settings and no fewer of its own.
		return out, attest.Invalid("population", "a configuration capture is tested whole, each control by its own tests' settings; sample an event population")
	}
	if req.ControlID == 0 {
		return out, attest.Invalid("control_id", "choose the control the sample tests")
	}
	c, err := s.DB.Control(ctx, p.OrgID, req.ControlID)
	if err != nil {
		return out, err
	}
	freq := req.Frequency
	if freq == "" {
		freq = c.Frequency
	}
	items := attest.PopulationItems(pop.Rows)
	size, err := attest.SampleSize(freq, len(items), req.PriorDeviation)
	if err != nil {
		return out, err
	}
	wp, err := attest.NewWorkpaper(strconv.FormatInt(auditID, 10), c.Ref, items, size)
	if err != nil {
		return out, err
	}
	if wp.PopulationHash != pop.Hash {
		return out, attest.Errorf(attest.EINTERNAL, "population %s hashes to %s, not the recorded %s: run attest verify", pop.UID, wp.PopulationHash, pop.Hash)
	}
	out = attest.PopulationSample{OrgID: p.OrgID, PopulationID: pop.ID, ControlID: c.ID, Frequency: freq, PriorDeviation: req.PriorDeviation,
		Size: wp.Size, Seed: wp.Seed, Workpaper: wp, DrawnAt: s.now().UTC()}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateSample(ctx, &out, p.UserID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("population.sampled", "population", strconv.FormatInt(pop.ID, 10),
			fmt.Sprintf("Drew a sample of %d of the %d item(s) of the %s population %s to %s for %s (seed %s)",
				out.Size, len(items), pop.Kind, pop.From, pop.To, c.Ref, out.Seed[:12])))
	})
	return out, err
}

// Samples lists the samples drawn from an audit's populations, for its
// members and invited auditors.
func (s *Service) Samples(ctx context.Context, p attest.Principal, auditID int64) ([]attest.PopulationSample, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return nil, err
	}
	return s.DB.Samples(ctx, p.OrgID, auditID)
}
