package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/store"
)

// The demo's policies tell a year of history, so that every state shows: a
// policy published long ago with a minor revision since, one whose material
// change is being accepted again, one with people overdue, one past its
// review date, one in review, one approved and not yet published, a draft
// and a retired one. Each step runs at its own date (days from today), with
// the people who sign in accepting their policies as the story goes.
type policyEvent struct {
	day  int // days from today
	what string
	run  func(ctx context.Context, s *policy.Service, d *policyDemo) error
}

// policyDemo holds what the story's steps share.
type policyDemo struct {
	org                 attest.Organization
	admin, manager, emp attest.Principal
	people              map[string]attest.Principal // by email: the colleagues who accept
	ids                 map[string]int64            // policy key → ID
}

// colleagues accept policies too: each is given an account (an employee
// membership with an unusable random password, as if invited) so that
// their acceptances are their own.
var colleagues = []string{"noor@demo.attest.test", "tomas@demo.attest.test", "priya@demo.attest.test", "mei@demo.attest.test",
	"jonas@demo.attest.test"}

// seedPolicies runs the story once: an organization with policies already
// keeps them.
func seedPolicies(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	if opts.Policies == nil {
		return nil
	}
	existing, err := db.Policies(ctx, org.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	as := func(u attest.User, role attest.Role) attest.Principal {
		return attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: role, Via: attest.ViaSystem}
	}
	d := &policyDemo{org: org, admin: as(users[attest.RoleAdmin], attest.RoleAdmin), manager: as(users[attest.RoleManager], attest.RoleManager),
		emp: as(users[attest.RoleEmployee], attest.RoleEmployee), people: map[string]attest.Principal{}, ids: map[string]int64{}}
	err = db.Update(ctx, func(tx *store.Queries) error {
		for _, email := range colleagues {
			u, err := tx.UserByEmail(ctx, email)
			if attest.ErrorCode(err) == attest.ENOTFOUND {
				p, perr := tx.PersonByEmail(ctx, org.ID, email)
				if perr != nil {
					return perr
				}
				hash, herr := auth.HashPassword(auth.NewSecret(""), opts.PasswordParams)
				if herr != nil {
					return herr
				}
				u = attest.User{Email: email, Name: p.Name, PasswordHash: hash}
				err = tx.CreateUser(ctx, &u)
			}
			if err != nil {
				return err
			}
			if _, err := tx.Membership(ctx, org.ID, u.ID); attest.ErrorCode(err) == attest.ENOTFOUND {
				if err := tx.AddMember(ctx, org.ID, u.ID, attest.RoleEmployee); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			d.people[email] = as(u, attest.RoleEmployee)
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.people["employee@demo.attest.test"], d.people["admin@demo.attest.test"], d.people["manager@demo.attest.test"] = d.emp, d.admin, d.manager
	today := opts.Now()
	story := policyStory()
	// In date order, so the ledger tells the story as it happened; each
	// policy's own steps are listed in date order already.
	slices.SortStableFunc(story, func(a, b policyEvent) int { return a.day - b.day })
	for _, ev := range story {
		at := today.AddDate(0, 0, ev.day)
		s := *opts.Policies
		s.DB = db.WithClock(func() time.Time { return at })
		if err := ev.run(ctx, &s, d); err != nil {
			return fmt.Errorf("%s: %w", ev.what, err)
		}
	}
	return nil
}

// adopt adopts a template and keeps its ID.
func adopt(key string) func(ctx context.Context, s *policy.Service, d *policyDemo) error {
	return func(ctx context.Context, s *policy.Service, d *policyDemo) error {
		p, err := s.Adopt(ctx, d.manager, key, "")
		d.ids[key] = p.ID
		return err
	}
}

// approveAndPublish submits the newest version to one approver who did not
// write it and, when asked, publishes it.
func approveAndPublish(key string, publish bool) func(ctx context.Context, s *policy.Service, d *policyDemo) error {
	return func(ctx context.Context, s *policy.Service, d *policyDemo) error {
		pol, err := s.DB.Policy(ctx, d.org.ID, d.ids[key])
		if err != nil {
			return err
		}
		v := *pol.Latest
		author, approver := d.manager, d.admin // the manager keeps the policies; the admin approves
		if v.AuthorID == d.admin.UserID {
			approver = d.manager
		}
		if _, err := s.Submit(ctx, author, v.ID, []int64{approver.UserID}, 1); err != nil {
			return err
		}
		if _, err := s.Decide(ctx, approver, v.ID, policy.Decision{Decision: attest.DecisionApprove, Comment: "Reviewed with the leadership team."}); err != nil {
			return err
		}
		if !publish {
			return nil
		}
		_, err = s.Publish(ctx, author, v.ID)
		return err
	}
}

// revise saves a new draft version with an extra paragraph.
func revise(key, note string, material bool, extra string) func(ctx context.Context, s *policy.Service, d *policyDemo) error {
	return func(ctx context.Context, s *policy.Service, d *policyDemo) error {
		pol, err := s.DB.Policy(ctx, d.org.ID, d.ids[key])
		if err != nil {
			return err
		}
		_, err = s.SaveDraft(ctx, d.manager, pol.ID, policy.Draft{Body: pol.Latest.Body + "\n" + extra + "\n", ChangeNote: note, Material: material})
		return err
	}
}

// accept has each listed person accept the policy's published version.
func accept(key string, emails ...string) func(ctx context.Context, s *policy.Service, d *policyDemo) error {
	return func(ctx context.Context, s *policy.Service, d *policyDemo) error {
		pol, err := s.DB.Policy(ctx, d.org.ID, d.ids[key])
		if err != nil {
			return err
		}
		for _, e := range emails {
			if _, err := s.Accept(ctx, d.people[e], pol.Published.ID, "198.51.100.24", "Mozilla/5.0 (demo)"); err != nil {
				return fmt.Errorf("%s accepting %s: %w", e, key, err)
			}
		}
		return nil
	}
}

const (
	pAda   = "admin@demo.attest.test"
	pMax   = "manager@demo.attest.test"
	pEmma  = "employee@demo.attest.test"
	pNoor  = "noor@demo.attest.test"
	pTomas = "tomas@demo.attest.test"
	pPriya = "priya@demo.attest.test"
	pMei   = "mei@demo.attest.test"
	pJonas = "jonas@demo.attest.test"
)

func policyStory() []policyEvent {
	return []policyEvent{
		// Past its review date: adopted and published 13 months ago, for
		// engineering only.
		{-400, "secure development adopted", adopt("secure-development")},
		{-400, "secure development for engineering", func(ctx context.Context, s *policy.Service, d *policyDemo) error {
			pol, err := s.DB.Policy(ctx, d.org.ID, d.ids["secure-development"])
			if err != nil {
				return err
			}
			pol.Audience = attest.Audience{Departments: []string{"Engineering"}}
			_, err = s.Change(ctx, d.manager, pol)
			return err
		}},
		{-399, "secure development published", approveAndPublish("secure-development", true)},
		{-390, "secure development accepted", accept("secure-development", pAda, pEmma, pNoor)},
		// Retired: the office closed and the company went remote.
		{-300, "physical security adopted", adopt("physical-security")},
		{-299, "physical security published", approveAndPublish("physical-security", true)},
		{-30, "physical security retired", func(ctx context.Context, s *policy.Service, d *policyDemo) error {
			return s.Retire(ctx, d.manager, d.ids["physical-security"])
		}},
		// Published long ago, with a minor revision since: acceptances stand.
		{-200, "information security adopted", adopt("information-security")},
		{-199, "information security published", approveAndPublish("information-security", true)},
		{-190, "information security accepted", accept("information-security", pAda, pMax, pEmma, pNoor, pTomas, pPriya)},
		{-41, "information security revised", revise("information-security", "Clarified who to tell about a lost laptop", false,
			"A lost or stolen laptop is reported to {{security_contact}} the same day.")},
		{-40, "information security 1.1 published", approveAndPublish("information-security", true)},
		{-35, "information security accepted by the newer joiners", accept("information-security", pMei, pJonas)},
		// Overdue: published 75 days ago; two people have not accepted.
		{-75, "access control adopted", adopt("access-control")},
		{-75, "access control published", approveAndPublish("access-control", true)},
		{-70, "access control accepted", accept("access-control", pAda, pMax, pEmma, pNoor, pTomas, pMei)},
		// A material change being accepted again.
		{-120, "acceptable use adopted", adopt("acceptable-use")},
		{-119, "acceptable use published", approveAndPublish("acceptable-use", true)},
		{-110, "acceptable use accepted", accept("acceptable-use", pAda, pMax, pEmma, pNoor, pTomas, pPriya)},
		{-50, "acceptable use accepted by the newer joiners", accept("acceptable-use", pMei, pJonas)},
		{-11, "acceptable use material change", revise("acceptable-use", "Personal AI assistants may not be given customer data", true,
			"## AI assistants\n\nCustomer data is never pasted into AI assistants that {{company_name}} has not approved.")},
		{-10, "acceptable use 2.0 published", approveAndPublish("acceptable-use", true)},
		{-8, "acceptable use 2.0 accepted", accept("acceptable-use", pAda, pMax, pNoor)},
		// Approved, not yet published.
		{-6, "vendor management adopted", adopt("vendor-management")},
		{-5, "vendor management approved", approveAndPublish("vendor-management", false)},
		// In review: one approval of two.
		{-3, "incident response adopted", adopt("incident-response")},
		{-2, "incident response in review", func(ctx context.Context, s *policy.Service, d *policyDemo) error {
			pol, err := s.DB.Policy(ctx, d.org.ID, d.ids["incident-response"])
			if err != nil {
				return err
			}
			if _, err := s.Submit(ctx, d.manager, pol.Latest.ID, []int64{d.admin.UserID, d.people[pNoor].UserID}, 2); err != nil {
				return err
			}
			_, err = s.Decide(ctx, d.admin, pol.Latest.ID, policy.Decision{Decision: attest.DecisionApprove, Comment: "Good; Noor to check the on-call steps."})
			return err
		}},
		// A draft.
		{-1, "change management adopted", adopt("change-management")},
	}
}
