package monitor

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// ExceptionRequest asks to exempt one resource from one test.
type ExceptionRequest struct {
	Test      string
	Resource  attest.ResourceRef
	Reason    string
	ExpiresAt time.Time
}

// RequestException records a request for an exception. It takes effect once
// an admin or manager other than the requester approves it.
func (s *Service) RequestException(ctx context.Context, p attest.Principal, in ExceptionRequest) (attest.TestException, error) {
	if err := s.mayEdit(p); err != nil {
		return attest.TestException{}, err
	}
	e := attest.TestException{OrgID: p.OrgID, UID: attest.NewUID("exc_"), Test: in.Test, Resource: in.Resource, Reason: in.Reason,
		ExpiresAt: in.ExpiresAt.UTC(), RequestedBy: p.UserID, RequestedName: p.Label}
	if err := attest.ValidateException(&e, s.now()); err != nil {
		return e, err
	}
	if p.UserID == 0 {
		return e, attest.Invalid("requested_by", "an exception is requested by a person, so that someone else can approve it; sign in or use a token")
	}
	tests, err := s.Tests(ctx, p.OrgID)
	if err != nil {
		return e, err
	}
	known := false
	for _, t := range tests {
		if t.ID == e.Test {
			known = t.ResourceType == e.Resource.Type
			if !known {
				return e, attest.Invalid("resource", "test %s judges %s resources, not %s", t.ID, t.ResourceType, e.Resource.Type)
			}
		}
	}
	if !known {
		return e, attest.Invalid("test", "no test %s in this organization", e.Test)
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddException(ctx, &e); err != nil {
			return err
		}
		if err := s.exceptionRecord(ctx, tx, e, "requested", p.Label, ""); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("exception.requested", "exception", e.UID,
			fmt.Sprintf("Requested an exception to %s for %s until %s: %s", e.Test, e.Resource.Key, e.ExpiresAt.Format(time.DateOnly), e.Reason)))
	})
	return e, err
}

// ApproveException approves a waiting exception: only an admin or manager who
// did not request it.
func (s *Service) ApproveException(ctx context.Context, p attest.Principal, uid string) (attest.TestException, error) {
	var e attest.TestException
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if e, err = tx.Exception(ctx, p.OrgID, uid); err != nil {
			return err
		}
		if err := attest.MayApproveException(p, e); err != nil {
			return err
		}
		now := s.now()
		if st := e.State(now); st != attest.ExceptionPending {
			return attest.Errorf(attest.ECONFLICT, "exception %s is %s, not waiting for approval", uid, st)
		}
		if err := tx.ApproveException(ctx, p.OrgID, e.ID, p.UserID, now); err != nil {
			return err
		}
		e.ApprovedBy, e.ApprovedAt, e.ApprovedName = p.UserID, now, p.Label
		if err := s.exceptionRecord(ctx, tx, e, "approved", e.RequestedName, p.Label); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("exception.approved", "exception", e.UID,
			fmt.Sprintf("Approved the exception to %s for %s until %s", e.Test, e.Resource.Key, e.ExpiresAt.Format(time.DateOnly))))
	})
	return e, err
}

// RevokeException ends an exception (or withdraws a request) before it
// expires; the result counts as failing again at once.
func (s *Service) RevokeException(ctx context.Context, p attest.Principal, uid string) error {
	if err := s.mayEdit(p); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		e, err := tx.Exception(ctx, p.OrgID, uid)
		if err != nil {
			return err
		}
		now := s.now()
		if st := e.State(now); st == attest.ExceptionRevoked || st == attest.ExceptionExpired {
			return attest.Errorf(attest.ECONFLICT, "exception %s is already %s", uid, st)
		}
		if err := tx.RevokeException(ctx, p.OrgID, e.ID, p.UserID, now); err != nil {
			return err
		}
		e.RevokedAt = now
		if err := s.exceptionRecord(ctx, tx, e, "revoked", e.RequestedName, e.ApprovedName); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("exception.revoked", "exception", e.UID, fmt.Sprintf("Revoked the exception to %s for %s", e.Test, e.Resource.Key)))
	})
}

// Exceptions lists the organization's exceptions, for managers and auditors.
func (s *Service) Exceptions(ctx context.Context, p attest.Principal) ([]attest.TestException, error) {
	if err := s.mayRead(p); err != nil {
		return nil, err
	}
	return s.DB.Exceptions(ctx, p.OrgID)
}

// activeExceptions are the approved, unexpired, unrevoked exceptions.
func (s *Service) activeExceptions(ctx context.Context, orgID int64, now time.Time) (map[string]attest.TestException, error) {
	list, err := s.DB.Exceptions(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := map[string]attest.TestException{}
	for _, e := range list {
		if e.State(now) == attest.ExceptionActive {
			out[exceptionKey(e.Test, e.Resource)] = e
		}
	}
	return out, nil
}

func exceptionKey(test string, r attest.ResourceRef) string {
	return test + "\x00" + r.Type + "\x00" + r.Key
}

// exceptionRecord appends one event of an exception to the ledger.
func (s *Service) exceptionRecord(ctx context.Context, tx *store.Queries, e attest.TestException, event, requestedBy, approvedBy string) error {
	org, err := tx.OrgByID(ctx, e.OrgID)
	if err != nil {
		return err
	}
	rec := map[string]any{
		"type": ledger.RecordTypeException, "org": org.Slug, "uid": e.UID, "event": event, "test": e.Test,
		"resource_type": e.Resource.Type, "resource_key": e.Resource.Key, "reason": e.Reason,
		"requested_by": requestedBy, "approved_by": approvedBy, "expires_at": ledger.FormatTime(e.ExpiresAt), "at": ledger.FormatTime(s.now()),
	}
	return s.record(ctx, tx, org, ledger.RecordTypeException, e.UID, rec)
}
