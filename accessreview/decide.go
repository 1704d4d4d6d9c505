package accessreview

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// item reads an item of campaign reviewID that p may see, with its
// campaign; one outside p's visibility is not found, as one that does not
// exist.
func item(ctx context.Context, tx *store.Queries, p attest.Principal, reviewID, id int64) (attest.AccessReviewItem, attest.AccessReview, error) {
	it, err := tx.AccessReviewItem(ctx, p.OrgID, id)
	if err != nil {
		return it, attest.AccessReview{}, err
	}
	if it.ReviewID != reviewID || !p.Visibility(attest.RecordAccessItem).Admits(it.OrgID, it.ReviewerID) {
		return it, attest.AccessReview{}, attest.Errorf(attest.ENOTFOUND, "access review item not found")
	}
	r, err := tx.AccessReview(ctx, p.OrgID, it.ReviewID)
	if err != nil {
		return it, r, err
	}
	if r.State != attest.AccessReviewOpen {
		return it, r, attest.Errorf(attest.ECONFLICT, "the access review was completed on %s and no longer changes", r.CompletedOn())
	}
	return it, r, nil
}

// Decide records a reviewer's decision on an account: keep, or revoke or
// change with a reason. A revoke or change opens a task for the system's
// owner, linked to the access review control. A decision is final.
func (s *Service) Decide(ctx context.Context, p attest.Principal, reviewID, itemID int64, decision, reason string) (attest.AccessReviewItem, error) {
	var it attest.AccessReviewItem
	if err := p.Require(attest.ActWork); err != nil {
		return it, err
	}
	if err := attest.ValidateDecision(&decision, &reason); err != nil {
		return it, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var r attest.AccessReview
		var err error
		if it, r, err = item(ctx, tx, p, reviewID, itemID); err != nil {
			return err
		}
		if !p.MayDecideAccessItem(it) {
			return attest.Errorf(attest.EFORBIDDEN, "only the account's reviewer decides it")
		}
		if !it.DecidedAt.IsZero() {
			return attest.Errorf(attest.ECONFLICT, "%s already decided to %s this account", it.DecidedByName, it.Decision)
		}
		it.Decision, it.Reason, it.DecidedBy = decision, reason, p.UserID
		if decision != attest.DecisionKeep {
			t, err := s.removalTask(ctx, tx, p, r, it)
			if err != nil {
				return err
			}
			it.TaskID = t.ID
		}
		if err := tx.DecideAccessItem(ctx, &it); err != nil {
			return err
		}
		summary := fmt.Sprintf("Decided to %s the %s account %s in “%s”", decision, it.System, it.Login, r.Title)
		if reason != "" {
			summary += ": " + reason
		}
		return tx.Log(ctx, p.Record("access_review.decided", "access_review", idString(r.ID), summary))
	})
	if err != nil {
		return it, err
	}
	return s.DB.AccessReviewItem(ctx, p.OrgID, itemID)
}

// removalTask opens the task that carries out a revoke or change, owned by
// the system's owner.
func (s *Service) removalTask(ctx context.Context, tx *store.Queries, p attest.Principal, r attest.AccessReview, it attest.AccessReviewItem) (attest.Task, error) {
	var owner int64
	for _, sys := range r.Systems {
		if sys.Name == it.System {
			owner = sys.OwnerID
		}
	}
	verb := "Revoke"
	if it.Decision == attest.DecisionChange {
		verb = "Change"
	}
	t := attest.Task{OrgID: p.OrgID, Title: fmt.Sprintf("%s the %s account %s", verb, it.System, it.Login),
		Description: fmt.Sprintf("Decided in the access review “%s”: %s. ", r.Title, it.Reason),
		OwnerID:     owner, DueOn: tx.Now().AddDate(0, 0, RemovalDays).Format(attest.DateLayout), Priority: "high",
		Status: attest.TaskOpen, CreatedBy: p.UserID}
	if it.Decision == attest.DecisionRevoke && it.ConnectionID != 0 {
		t.Description += "The next collection of " + it.System + " verifies the removal."
	}
	controls, err := tx.Controls(ctx, p.OrgID, store.ControlFilter{})
	if err != nil {
		return t, err
	}
	if ids := attest.AdoptedFrom(controls, Controls...); len(ids) > 0 {
		t.ControlID = ids[0]
	}
	if err := tx.CreateTask(ctx, &t); err != nil {
		return t, err
	}
	return t, tx.Log(ctx, p.Record("task.created", "task", idString(t.ID), "Created task “"+t.Title+"”, due "+t.DueOn))
}

// Reassign gives an undecided account to another reviewer: managers and
// admins do, when the person's manager or the system's owner is not the
// right one.
func (s *Service) Reassign(ctx context.Context, p attest.Principal, reviewID, itemID, reviewerID int64) (attest.AccessReviewItem, error) {
	var it attest.AccessReviewItem
	if err := p.Require(attest.ActEdit); err != nil {
		return it, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var r attest.AccessReview
		var err error
		if it, r, err = item(ctx, tx, p, reviewID, itemID); err != nil {
			return err
		}
		if !it.DecidedAt.IsZero() {
			return attest.Errorf(attest.ECONFLICT, "the account is already decided")
		}
		if err := checkOwner(ctx, tx, p.OrgID, reviewerID, "reviewer"); err != nil {
			return err
		}
		if err := tx.ReassignAccessItem(ctx, p.OrgID, itemID, reviewerID); err != nil {
			return err
		}
		m, err := tx.Membership(ctx, p.OrgID, reviewerID)
		if err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("access_review.reassigned", "access_review", idString(r.ID),
			fmt.Sprintf("Gave the %s account %s in “%s” to %s", it.System, it.Login, r.Title, m.User.Email)))
	})
	if err != nil {
		return it, err
	}
	return s.DB.AccessReviewItem(ctx, p.OrgID, itemID)
}

// Schedule is when the organization's next access review is due.
type Schedule struct {
	Months        int    `json:"months"`                   // the cadence
	LastCompleted string `json:"last_completed,omitempty"` // YYYY-MM-DD, "" for never
	DueOn         string `json:"due_on,omitempty"`         // "" when none was ever completed: due now
	Overdue       bool   `json:"overdue"`
}

// ScheduleOf reads an organization's access review schedule on today.
func ScheduleOf(ctx context.Context, q *store.Queries, orgID int64, today string) (Schedule, error) {
	months, err := q.AccessReviewMonths(ctx, orgID)
	if err != nil {
		return Schedule{}, err
	}
	if months <= 0 {
		months = attest.DefaultAccessReviewMonths
	}
	last, err := q.LastAccessReviewCompleted(ctx, orgID)
	if err != nil {
		return Schedule{}, err
	}
	sc := Schedule{Months: months}
	if !last.IsZero() {
		sc.LastCompleted = attest.Today(last)
	}
	sc.DueOn, sc.Overdue = attest.AccessReviewDue(sc.LastCompleted, months, today)
	return sc, nil
}

// Schedule returns when the next access review is due.
func (s *Service) Schedule(ctx context.Context, p attest.Principal) (Schedule, error) {
	if err := p.Require(attest.ActOwn); err != nil {
		return Schedule{}, err
	}
	return ScheduleOf(ctx, &s.DB.Queries, p.OrgID, attest.Today(s.now()))
}

// SetCadence sets how many months apart access reviews are due (1 to 12).
func (s *Service) SetCadence(ctx context.Context, p attest.Principal, months int) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	if months < 1 || months > 12 {
		return attest.Invalid("months", "want 1 to 12 months, got %d", months)
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetAccessReviewMonths(ctx, p.OrgID, months); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("access_review.cadence_set", "organization", idString(p.OrgID),
			fmt.Sprintf("Access reviews are due every %d month(s)", months)))
	})
}
