package policy

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Assigned is a published policy a person must accept, with the text they
// read and where they stand.
type Assigned struct {
	Policy  attest.Policy        `json:"policy"`
	Version attest.PolicyVersion `json:"version"`
	Ack     attest.AckRow        `json:"acknowledgement"`
}

// me returns the workforce record of the signed-in user: the person of the
// organization with the user's email.
func me(ctx context.Context, q *store.Queries, p attest.Principal) (attest.Person, error) {
	if p.UserID == 0 {
		return attest.Person{}, attest.Errorf(attest.EFORBIDDEN, "policies are accepted by a signed-in person")
	}
	u, err := q.UserByID(ctx, p.UserID)
	if err != nil {
		return attest.Person{}, err
	}
	person, err := q.PersonByEmail(ctx, p.OrgID, u.Email)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return person, attest.Errorf(attest.ENOTFOUND, "%s has no workforce record in this organization: ask an admin to add you to People", u.Email)
	}
	return person, err
}

// Status is the acknowledgement state of every published policy of an
// organization on day today, policy by policy.
type Status struct {
	Policies []attest.Policy
	Versions map[int64][]attest.PolicyVersion // policy → versions, newest first
	Rows     map[int64][]attest.AckRow        // policy → people who must accept it
}

// LoadStatus reads what acknowledgements are derived from and derives them.
func LoadStatus(ctx context.Context, q *store.Queries, orgID int64, today string, graceDays int) (Status, error) {
	if graceDays <= 0 {
		graceDays = attest.DefaultAcceptanceGraceDays
	}
	st := Status{Versions: map[int64][]attest.PolicyVersion{}, Rows: map[int64][]attest.AckRow{}}
	var err error
	if st.Policies, err = q.Policies(ctx, orgID); err != nil {
		return st, err
	}
	people, err := q.People(ctx, orgID, store.PeopleFilter{})
	if err != nil {
		return st, err
	}
	accepted, err := q.Acceptances(ctx, orgID, store.AcceptanceFilter{})
	if err != nil {
		return st, err
	}
	byPolicy := map[int64][]attest.Acceptance{}
	for _, a := range accepted {
		byPolicy[a.PolicyID] = append(byPolicy[a.PolicyID], a)
	}
	for _, pol := range st.Policies {
		if pol.Published == nil {
			continue
		}
		vs, err := q.PolicyVersions(ctx, orgID, pol.ID)
		if err != nil {
			return st, err
		}
		st.Versions[pol.ID] = vs
		st.Rows[pol.ID] = attest.Acknowledge(pol, vs, people, byPolicy[pol.ID], today, graceDays)
	}
	return st, nil
}

// status is LoadStatus for today, kept between requests when the service
// keeps statuses (KeptStatus): every person's standing on every policy is
// what the control pages and each employee's own page read.
func (s *Service) status(ctx context.Context, orgID int64) (Status, error) {
	now := s.DB.Now()
	today := attest.Today(now)
	if s.KeptStatus == nil {
		return LoadStatus(ctx, &s.DB.Queries, orgID, today, s.grace())
	}
	// Today is in the key, so a kept status holds all day.
	return s.KeptStatus.Get(ctx, &s.DB.Queries, orgID, today, now, func() (Status, time.Time, error) {
		st, err := LoadStatus(ctx, &s.DB.Queries, orgID, today, s.grace())
		return st, store.Forever, err
	})
}

// MyPolicies returns the published policies the signed-in person must
// accept, with the text and their standing, overdue first.
func (s *Service) MyPolicies(ctx context.Context, p attest.Principal) ([]Assigned, error) {
	if err := p.Require(attest.ActOwn); err != nil {
		return nil, err
	}
	person, err := me(ctx, &s.DB.Queries, p)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil, nil // not in the workforce: nothing to accept
	}
	if err != nil {
		return nil, err
	}
	st, err := s.status(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	var out []Assigned
	for _, pol := range st.Policies {
		for _, r := range st.Rows[pol.ID] {
			if r.PersonID == person.ID {
				out = append(out, Assigned{Policy: pol, Version: *pol.Published, Ack: r})
			}
		}
	}
	rank := map[string]int{attest.AckOverdue: 0, attest.AckPending: 1, attest.AckAccepted: 2}
	slices.SortStableFunc(out, func(a, b Assigned) int { return rank[a.Ack.State] - rank[b.Ack.State] })
	return out, nil
}

// Read returns a published policy for someone who must accept it (or who
// reads the programme).
func (s *Service) Read(ctx context.Context, p attest.Principal, policyID int64) (Assigned, error) {
	mine, err := s.MyPolicies(ctx, p)
	if err != nil {
		return Assigned{}, err
	}
	for _, a := range mine {
		if a.Policy.ID == policyID {
			return a, nil
		}
	}
	if p.Can(attest.ActRead) {
		pol, err := s.DB.Policy(ctx, p.OrgID, policyID)
		if err != nil {
			return Assigned{}, err
		}
		if pol.Published == nil {
			return Assigned{}, attest.Errorf(attest.ENOTFOUND, "%s has no published version", pol.Title)
		}
		return Assigned{Policy: pol, Version: *pol.Published}, nil
	}
	return Assigned{}, attest.Errorf(attest.ENOTFOUND, "policy not found")
}

// Accept records that the signed-in person read and accepted a published
// version, with where from (address, user agent). It is a ledger record.
func (s *Service) Accept(ctx context.Context, p attest.Principal, versionID int64, address, userAgent string) (attest.Acceptance, error) {
	if err := p.Require(attest.ActWork); err != nil {
		return attest.Acceptance{}, err
	}
	if len(userAgent) > 500 {
		userAgent = userAgent[:500]
	}
	var a attest.Acceptance
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		person, err := me(ctx, tx, p)
		if err != nil {
			return err
		}
		v, err := tx.PolicyVersion(ctx, p.OrgID, versionID)
		if err != nil {
			return err
		}
		pol, err := tx.Policy(ctx, p.OrgID, v.PolicyID)
		if err != nil {
			return err
		}
		if v.State != attest.VersionPublished || pol.Retired {
			return attest.Errorf(attest.ECONFLICT, "%s %s is not the published version", pol.Title, v.Label)
		}
		if person.State(attest.Today(tx.Now())) != attest.PersonActive || !pol.Audience.Includes(person) {
			return attest.Errorf(attest.EFORBIDDEN, "%s does not apply to %s", pol.Title, person.Name)
		}
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		a = attest.Acceptance{UID: attest.NewUID("acc_"), PolicyID: pol.ID, PolicyKey: pol.Key, VersionID: v.ID, VersionLabel: v.Label,
			Hash: v.Hash, PersonID: person.ID, PersonName: person.Name, PersonEmail: person.Email, UserID: p.UserID,
			Address: address, UserAgent: userAgent}
		if err := tx.AddAcceptance(ctx, p.OrgID, &a); err != nil {
			return err
		}
		rec := map[string]any{"type": ledger.RecordTypePolicyAcceptance, "org": org.Slug, "uid": a.UID, "policy": pol.Key,
			"version": v.Label, "hash": v.Hash, "person": person.Name, "person_email": person.Email, "by": p.Label,
			"at": ledger.FormatTime(a.At), "address": address, "user_agent": userAgent}
		if err := s.record(ctx, tx, org, ledger.RecordTypePolicyAcceptance, a.UID, rec); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("policy.accepted", "policy", pol.Key, fmt.Sprintf("%s accepted %s %s", person.Name, pol.Title, v.Label)))
	})
	return a, err
}

// Acknowledgements returns who must accept which published policy and where
// they stand (policyID 0: every policy). Those who read the programme see
// everyone; anyone else sees themselves and the people who report to them,
// so a manager can chase who is overdue.
func (s *Service) Acknowledgements(ctx context.Context, p attest.Principal, policyID int64) ([]attest.AckRow, error) {
	rows, err := s.AckRows(ctx, p, policyID)
	if err != nil {
		return nil, err
	}
	return slices.Collect(rows), nil
}

// AckRows is Acknowledgements as a sequence read from the kept status, for
// callers that count, page or pick from the rows: a large organization has
// one per policy and person (40 policies and 2,000 people make 80,000, 16 MB
// to copy), and copying them on every request, as fifty requests at once
// did, took the server to gigabytes. The sequence may be walked more than once.
func (s *Service) AckRows(ctx context.Context, p attest.Principal, policyID int64) (iter.Seq[attest.AckRow], error) {
	if err := p.Require(attest.ActOwn); err != nil {
		return nil, err
	}
	var mine int64 = -1
	if !p.Can(attest.ActRead) {
		person, err := me(ctx, &s.DB.Queries, p)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return func(func(attest.AckRow) bool) {}, nil
		}
		if err != nil {
			return nil, err
		}
		mine = person.ID
	}
	st, err := s.status(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	return func(yield func(attest.AckRow) bool) {
		for _, pol := range st.Policies {
			if policyID != 0 && pol.ID != policyID {
				continue
			}
			for _, r := range st.Rows[pol.ID] {
				if (mine == -1 || r.PersonID == mine || r.ManagerID == mine) && !yield(r) {
					return
				}
			}
		}
	}, nil
}

// AckCount is where a published policy's acknowledgements stand.
type AckCount struct {
	Total, Accepted, Pending, Overdue int
}

// add counts one person's acknowledgement in state (an attest.Ack* value).
func (c *AckCount) add(state string) {
	c.Total++
	switch state {
	case attest.AckAccepted:
		c.Accepted++
	case attest.AckPending:
		c.Pending++
	case attest.AckOverdue:
		c.Overdue++
	}
}

// AckCounts counts, per published policy, who must accept it, who has and
// who is overdue, for those who read the programme: what a control's page
// shows of its policies, without copying every person's row.
func (s *Service) AckCounts(ctx context.Context, p attest.Principal) (map[int64]AckCount, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	st, err := s.status(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]AckCount, len(st.Rows))
	for id, rows := range st.Rows {
		var c AckCount
		for _, r := range rows {
			c.add(r.State)
		}
		out[id] = c
	}
	return out, nil
}

// Acceptances lists the recorded acceptances of a policy (0: all), for those
// who read the programme.
func (s *Service) Acceptances(ctx context.Context, p attest.Principal, policyID int64) ([]attest.Acceptance, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.Acceptances(ctx, p.OrgID, store.AcceptanceFilter{PolicyID: policyID})
}
