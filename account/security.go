package account

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// MemberSecurity is what an admin sees of a member's sign-in: the factors
// they have set up and how many sessions they have open.
type MemberSecurity struct {
	attest.Membership
	Factors  store.Factors
	Sessions int
}

// Security lists p's organization's members with their sign-in factors and
// open sessions; admins only.
func (s *Members) Security(ctx context.Context, p attest.Principal) ([]MemberSecurity, error) {
	if !p.Can(attest.ActAdmin) {
		return nil, forbidden(p)
	}
	ms, err := s.DB.Members(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	factors, err := s.DB.MemberFactors(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	sessions, err := s.DB.MemberSessions(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]MemberSecurity, len(ms))
	for i, m := range ms {
		out[i] = MemberSecurity{Membership: m, Factors: factors[m.User.ID], Sessions: sessions[m.User.ID]}
	}
	return out, nil
}

// RevokeSessions signs a member of p's organization out of every session
// (and ends any sign-in awaiting its second step), for a lost laptop or a
// suspected compromise; admins only. Sessions belong to the person, not the
// organization, so they are signed out everywhere. It reports how many
// sessions ended.
func (s *Members) RevokeSessions(ctx context.Context, p attest.Principal, userID int64) (attest.Membership, int64, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Membership{}, 0, forbidden(p)
	}
	var m attest.Membership
	var n int64
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if m, err = tx.Membership(ctx, p.OrgID, userID); err != nil {
			return err
		}
		if n, err = tx.DeleteUserSessions(ctx, userID); err != nil {
			return err
		}
		if err := tx.DeleteChallenges(ctx, userID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("member.sessions_revoked", "membership", idString(userID),
			fmt.Sprintf("Signed %s out of every session (%d)", m.User.Email, n)))
	})
	return m, n, err
}

// SetRequireMFA turns on or off the rule that members prove a second factor
// when they sign in; admins only. An admin turns it on only once they have a
// second factor themselves, so that the organization is never left with
// nobody able to act in it without setting one up first.
func (s *Orgs) SetRequireMFA(ctx context.Context, p attest.Principal, on bool) (attest.Organization, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Organization{}, forbidden(p)
	}
	var org attest.Organization
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if org, err = tx.OrgByID(ctx, p.OrgID); err != nil {
			return err
		}
		if org.RequireMFA == on {
			return nil
		}
		if on {
			f, err := tx.FactorsOf(ctx, p.UserID)
			if err != nil {
				return err
			}
			if !f.Any() {
				return attest.Invalid("require_mfa", "can be turned on once you have set up two-step verification yourself (Your account)")
			}
		}
		if err := tx.SetRequireMFA(ctx, org.ID, on); err != nil {
			return err
		}
		org.RequireMFA = on
		summary := "Required two-step verification of every member"
		if !on {
			summary = "Stopped requiring two-step verification"
		}
		return tx.Log(ctx, p.Record("org.mfa_required", "organization", org.Slug, summary))
	})
	return org, err
}
