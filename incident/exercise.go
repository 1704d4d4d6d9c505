package incident

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// ExerciseDetail is an exercise with its follow-ups and history.
type ExerciseDetail struct {
	Exercise  attest.Exercise
	FollowUps []attest.Task
	History   []attest.Activity
}

// Exercises lists the organization's exercises, newest first.
func (s *Service) Exercises(ctx context.Context, p attest.Principal) ([]attest.Exercise, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.Exercises(ctx, p.OrgID)
}

// Exercise returns exercise id with its follow-ups and history.
func (s *Service) Exercise(ctx context.Context, p attest.Principal, id int64) (ExerciseDetail, error) {
	var d ExerciseDetail
	if err := p.Require(attest.ActRead); err != nil {
		return d, err
	}
	var err error
	if d.Exercise, err = s.DB.Exercise(ctx, p.OrgID, id); err != nil {
		return d, err
	}
	if d.FollowUps, err = s.DB.IncidentTasks(ctx, p.OrgID, 0, id); err != nil {
		return d, err
	}
	d.History, err = s.DB.RecordActivity(ctx, p.OrgID, "exercise", idString(id))
	return d, err
}

// RecordExercise records an exercise that was held: a ledger record, with
// its activity entry.
func (s *Service) RecordExercise(ctx context.Context, p attest.Principal, e attest.Exercise) (attest.Exercise, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return e, err
	}
	e.ID, e.OrgID, e.CreatedBy = 0, p.OrgID, p.UserID
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := attest.ValidateExercise(&e, attest.Today(tx.Now())); err != nil {
			return err
		}
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		e.RecordUID = attest.NewUID("ex_")
		rec := map[string]any{"type": ledger.RecordTypeExercise, "org": org.Slug, "uid": e.RecordUID, "kind": e.Kind, "format": e.Format,
			"held_on": e.HeldOn, "title": e.Title, "scenario": e.Scenario, "participants": e.Participants, "findings": e.Findings,
			"recorded_by": p.Label, "at": ledger.FormatTime(tx.Now())}
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeExercise, e.RecordUID, rec); err != nil {
			return err
		}
		if err := tx.CreateExercise(ctx, &e); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("exercise.recorded", "exercise", idString(e.ID),
			fmt.Sprintf("Recorded %s exercise “%s” (%s, held %s) with %s; ledger record %s", strings.ToLower(attest.ExerciseKindLabel(e.Kind)),
				e.Title, e.Format, e.HeldOn, strings.Join(e.Participants, ", "), e.RecordUID)))
	})
	return e, err
}

// AddFollowUp opens a follow-up of exercise id: a task linked to it.
func (s *Service) AddFollowUp(ctx context.Context, p attest.Principal, id int64, t attest.Task) (attest.Task, error) {
	return s.addTask(ctx, p, 0, id, t)
}

// Due is the yearly schedule of one kind of exercise: the last one held and
// when the next is due ("" for last and due when none was held: due now).
type Due struct {
	Kind    string `json:"kind"`
	Last    string `json:"last,omitempty"`
	LastID  int64  `json:"last_id,omitempty"`
	Due     string `json:"due,omitempty"`
	Overdue bool   `json:"overdue"`
}

// Schedule returns, per kind, the last exercise and when the next is due.
func Schedule(exercises []attest.Exercise, today string) []Due {
	var out []Due
	for _, k := range attest.ExerciseKinds() {
		d := Due{Kind: k, Overdue: true}
		for _, e := range exercises {
			if e.Kind == k && e.HeldOn > d.Last {
				d.Last, d.LastID = e.HeldOn, e.ID
			}
		}
		if d.Last != "" {
			d.Due = attest.ExerciseDue(d.Last)
			d.Overdue = d.Due <= today
		}
		out = append(out, d)
	}
	return out
}

// Schedule returns the organization's exercise schedule on today.
func (s *Service) Schedule(ctx context.Context, p attest.Principal) ([]Due, error) {
	list, err := s.Exercises(ctx, p)
	if err != nil {
		return nil, err
	}
	return Schedule(list, attest.Today(s.DB.Now())), nil
}
