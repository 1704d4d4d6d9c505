package policy

import (
	"context"

	"github.com/attest-hq/attest"
)

// Awaiting is a version in review on which the signed-in member is a named
// approver who has not decided yet.
type Awaiting struct {
	Policy  attest.Policy        `json:"policy"`
	Version attest.PolicyVersion `json:"version"`
}

// AwaitingMe lists the versions waiting for the signed-in member's decision,
// oldest submission first: an approver's own work.
func (s *Service) AwaitingMe(ctx context.Context, p attest.Principal) ([]Awaiting, error) {
	if err := p.Require(attest.ActWork); err != nil || p.UserID == 0 {
		return nil, err
	}
	list, err := s.DB.PoliciesInReview(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	var out []Awaiting
	for _, pol := range list {
		v := pol.Latest
		if v == nil || v.State != attest.VersionInReview {
			continue
		}
		if a, ok := v.Approver(p.UserID); ok && a.Decision == "" {
			x := pol
			x.Latest, x.Published = nil, nil
			out = append(out, Awaiting{Policy: x, Version: *v})
		}
	}
	return out, nil
}
