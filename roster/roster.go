// Package roster sets an organization's people beside the accounts they
// hold in the systems its connections collect, and says what an auditor of
// access removal would find: leavers with active accounts, joiners without
// one, accounts nobody on the roster owns. The accounts come from each
// connection's latest complete collection; the reconciliation is the pure
// attest.Reconcile.
package roster

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
)

// Service answers for the roster and keeps its manual links and rules.
type Service struct {
	DB      *store.DB
	Monitor *monitor.Service
	Now     func() time.Time
}

// accounts is the accounts of connection c's latest complete collection run
// (monitor.Service.Accounts keeps them by snapshot: an AWS account's snapshot
// can hold 100,000 resources, which the roster, the populations and the
// checklists read on every page before, 1.2 s each for the large demo
// organization), copied to carry the connection's current name.
func (s *Service) accounts(ctx context.Context, c attest.Connection, run attest.CollectionRun) ([]attest.Account, error) {
	kept, err := s.Monitor.Accounts(ctx, run)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(kept) // shared with other requests
	for i := range out {
		out[i].ConnectionID, out[i].Connection, out[i].System = c.ID, c.Name, c.Type
	}
	return out, nil
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Source is one connection the roster read accounts from.
type Source struct {
	ConnectionID int64     `json:"connection_id"`
	Connection   string    `json:"connection"`
	Type         string    `json:"type"`
	CollectedAt  time.Time `json:"collected_at,omitzero"`
	Accounts     int       `json:"accounts"`
	// Note says why no accounts were read (no complete collection yet, the
	// snapshot cannot be read).
	Note string `json:"note,omitempty"`
}

// String describes the source in a line: the connection, its type, and
// when it was collected with how many accounts, or why none were read.
func (s Source) String() string {
	if s.Note != "" {
		return fmt.Sprintf("%s (%s): %s", s.Connection, s.Type, s.Note)
	}
	return fmt.Sprintf("%s (%s) collected %s, %d account(s)", s.Connection, s.Type, s.CollectedAt.UTC().Format(time.RFC3339), s.Accounts)
}

// Report is the roster with where its accounts came from.
type Report struct {
	attest.Roster
	Sources []Source `json:"sources"`
}

// Roster reconciles p's organization's people with the accounts of every
// connection whose resources are accounts.
func (s *Service) Roster(ctx context.Context, p attest.Principal) (Report, error) {
	var rep Report
	if err := p.Require(attest.ActRead); err != nil {
		return rep, err
	}
	people, err := s.DB.People(ctx, p.OrgID, store.PeopleFilter{})
	if err != nil {
		return rep, err
	}
	conns, err := s.DB.Connections(ctx, p.OrgID)
	if err != nil {
		return rep, err
	}
	var accounts []attest.Account
	for _, c := range conns {
		src := Source{ConnectionID: c.ID, Connection: c.Name, Type: c.Type}
		run, err := s.Monitor.LatestComplete(ctx, p.OrgID, c.ID)
		var got []attest.Account
		if err == nil {
			got, err = s.accounts(ctx, c, run)
		}
		switch {
		case attest.ErrorCode(err) == attest.ENOTFOUND:
			src.Note = "no complete collection yet"
			rep.Sources = append(rep.Sources, src)
			continue
		case err != nil:
			src.Note = "the latest snapshot cannot be read: " + err.Error()
			rep.Sources = append(rep.Sources, src)
			continue
		}
		src.CollectedAt = run.FinishedAt
		accounts = append(accounts, got...)
		src.Accounts = len(got)
		if src.Accounts > 0 {
			rep.Sources = append(rep.Sources, src)
		}
	}
	links, err := s.DB.AccountLinks(ctx, p.OrgID)
	if err != nil {
		return rep, err
	}
	rules, err := s.DB.RosterRules(ctx, p.OrgID)
	if err != nil {
		return rep, err
	}
	rep.Roster = attest.Reconcile(people, accounts, links, attest.Today(s.now()), rules)
	if rep.Sources == nil {
		rep.Sources = []Source{}
	}
	return rep, nil
}

// Link links an account to a person by hand.
func (s *Service) Link(ctx context.Context, p attest.Principal, l attest.AccountLink) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	if l.Key == "" || l.ConnectionID <= 0 {
		return attest.Invalid("account", "name the account to link")
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		c, err := tx.Connection(ctx, p.OrgID, l.ConnectionID)
		if err != nil {
			return attest.Invalid("connection", "no such connection in this organization")
		}
		person, err := tx.Person(ctx, p.OrgID, l.PersonID)
		if err != nil {
			return attest.Invalid("person", "no such person in this organization")
		}
		if err := tx.LinkAccount(ctx, p.OrgID, l, p.UserID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("roster.account_linked", "person", fmt.Sprint(person.ID),
			fmt.Sprintf("Linked %s account %s to %s", c.Name, l.Key, person.Email)))
	})
}

// Unlink removes an account's manual link.
func (s *Service) Unlink(ctx context.Context, p attest.Principal, connectionID int64, key string) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UnlinkAccount(ctx, p.OrgID, connectionID, key); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("roster.account_unlinked", "connection", fmt.Sprint(connectionID), "Unlinked account "+key))
	})
}

// SetRules sets the organization's deadlines.
func (s *Service) SetRules(ctx context.Context, p attest.Principal, r attest.RosterRules) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	if r.LeaverDays < 0 || r.LeaverDays > 90 {
		return attest.Invalid("leaver_days", "want 0 to 90 days, got %d", r.LeaverDays)
	}
	if r.JoinerDays < 0 || r.JoinerDays > 90 {
		return attest.Invalid("joiner_days", "want 0 to 90 days, got %d", r.JoinerDays)
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetRosterRules(ctx, p.OrgID, r); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("roster.rules_set", "organization", fmt.Sprint(p.OrgID),
			fmt.Sprintf("Leavers' accounts must be off within %d day(s); joiners need an account within %d day(s)", r.LeaverDays, r.JoinerDays)))
	})
}

// Populations returns the joiners, leavers and movers of [from, to]
// (YYYY-MM-DD, both included), each reconciled with the accounts as the
// roster is today.
func (s *Service) Populations(ctx context.Context, p attest.Principal, from, to string) (attest.Populations, error) {
	if err := attest.ValidateWindow(from, to); err != nil {
		return attest.Populations{}, err
	}
	rep, err := s.Roster(ctx, p)
	if err != nil {
		return attest.Populations{}, err
	}
	pop, err := attest.PopulationsOf(rep.Roster, from, to)
	if err != nil {
		return pop, err
	}
	changes, err := s.DB.RoleChanges(ctx, p.OrgID, from, to)
	if err != nil {
		return pop, err
	}
	attest.WithMovers(&pop, rep.Roster, changes)
	return pop, nil
}

// ForPopulations is the roster as package population reads it: reconciled
// today, with a line per source.
func (s *Service) ForPopulations(ctx context.Context, p attest.Principal) (attest.Roster, []string, error) {
	rep, err := s.Roster(ctx, p)
	lines := make([]string, len(rep.Sources))
	for i, src := range rep.Sources {
		lines[i] = src.String()
	}
	return rep.Roster, lines, err
}
