package attest

import (
	"strings"
	"time"
)

// CollectionRun is one run of a connection's connector: what it did and the
// snapshot it produced. Its UID is the id of the snapshot's ledger record.
type CollectionRun struct {
	ID             int64             `json:"-"`
	OrgID          int64             `json:"-"`
	UID            string            `json:"id"`
	ConnectionID   int64             `json:"connection_id"`
	ConnectionName string            `json:"connection"`
	Connector      string            `json:"connector"`
	StartedAt      time.Time         `json:"started_at"`
	FinishedAt     time.Time         `json:"finished_at"`
	Partial        bool              `json:"partial"` // only some resources (a webhook)
	Calls          int               `json:"calls"`
	Resources      int               `json:"resources"`
	Failed         map[string]string `json:"failed,omitempty"`
	Warnings       []string          `json:"warnings,omitempty"`
	Error          string            `json:"error,omitempty"`
	SnapshotSHA256 string            `json:"snapshot_sha256"`
	SnapshotSize   int64             `json:"snapshot_size"`
}

// Duration is how long the collection took.
func (c CollectionRun) Duration() time.Duration { return c.FinishedAt.Sub(c.StartedAt) }

// TestResult is the current verdict of one test on one resource.
type TestResult struct {
	ID           int64        `json:"id"`
	OrgID        int64        `json:"-"`
	ConnectionID int64        `json:"connection_id"`
	Test         string       `json:"test"`
	TestVersion  string       `json:"test_version"`
	Resource     ResourceRef  `json:"resource"`
	Status       ResultStatus `json:"status"`
	Message      string       `json:"message"`
	Observed     any          `json:"observed,omitempty"`
	Expected     string       `json:"expected,omitempty"`
	CollectionID int64        `json:"-"`
	Collection   string       `json:"collection"` // the snapshot it was judged on
	Since        time.Time    `json:"since"`      // when this status began
	CheckedAt    time.Time    `json:"checked_at"`
	// Exception is the approved, unexpired exception that exempts a failing
	// result, if any; the result then counts as excepted, not failing.
	Exception *TestException `json:"exception,omitempty"`
}

// Excepted reports whether a failing result is exempted by an exception.
func (r TestResult) Excepted() bool { return r.Status == ResultFail && r.Exception != nil }

// ResultChange is one change of a result's status: the history of results.
type ResultChange struct {
	ID          int64        `json:"id"`
	Test        string       `json:"test"`
	Resource    ResourceRef  `json:"resource"`
	From        ResultStatus `json:"from"` // "" for the first verdict
	To          ResultStatus `json:"to"`   // ResultRemoved when the resource is gone
	Message     string       `json:"message"`
	TestVersion string       `json:"test_version"`
	Collection  string       `json:"collection"`
	At          time.Time    `json:"at"`
}

// ResultRemoved marks, in the history, a resource that no longer exists.
const ResultRemoved ResultStatus = "removed"

// TestRun counts one test's verdicts in one collection.
type TestRun struct {
	Test          string    `json:"test"`
	TestVersion   string    `json:"test_version"`
	Collection    string    `json:"collection"`
	Pass          int       `json:"pass"`
	Fail          int       `json:"fail"`
	NotApplicable int       `json:"not_applicable"`
	Error         int       `json:"error"`
	Unverifiable  int       `json:"unverifiable"`
	At            time.Time `json:"at"`
}

// Count adds one verdict.
func (r *TestRun) Count(s ResultStatus) {
	switch s {
	case ResultPass:
		r.Pass++
	case ResultFail:
		r.Fail++
	case ResultNotApplicable:
		r.NotApplicable++
	case ResultError:
		r.Error++
	case ResultUnverifiable:
		r.Unverifiable++
	}
}

// TestException exempts one resource from one test, for a reason, until it
// expires. It is requested by one member and approved by another.
type TestException struct {
	ID            int64       `json:"-"`
	OrgID         int64       `json:"-"`
	UID           string      `json:"id"`
	Test          string      `json:"test"`
	Resource      ResourceRef `json:"resource"`
	Reason        string      `json:"reason"`
	RequestedBy   int64       `json:"-"`
	RequestedName string      `json:"requested_by"`
	ApprovedBy    int64       `json:"-"`
	ApprovedName  string      `json:"approved_by,omitempty"`
	ApprovedAt    time.Time   `json:"approved_at,omitzero"`
	ExpiresAt     time.Time   `json:"expires_at"`
	CreatedAt     time.Time   `json:"created_at"`
	RevokedAt     time.Time   `json:"revoked_at,omitzero"`
	RevokedBy     int64       `json:"-"`
}

// Exception states.
const (
	ExceptionPending  = "pending"
	ExceptionActive   = "active"
	ExceptionExpired  = "expired"
	ExceptionRevoked  = "revoked"
	maxExceptionYears = 1
)

// State is the exception's state at now.
func (e TestException) State(now time.Time) string {
	switch {
	case !e.RevokedAt.IsZero():
		return ExceptionRevoked
	case !now.Before(e.ExpiresAt):
		return ExceptionExpired
	case e.ApprovedAt.IsZero():
		return ExceptionPending
	}
	return ExceptionActive
}

// ValidateException checks a new exception request at now: a reason, a
// resource, and an expiry in the future and at most a year away, because an
// exception that never expires is a silenced test.
func ValidateException(e *TestException, now time.Time) error {
	e.Reason = strings.TrimSpace(e.Reason)
	switch {
	case strings.TrimSpace(e.Test) == "":
		return Invalid("test", "is required")
	case e.Resource.Type == "" || strings.TrimSpace(e.Resource.Key) == "" || e.Resource.Key == "*":
		return Invalid("resource", "must name one resource")
	case e.Reason == "":
		return Invalid("reason", "is required: say why the resource is exempt and what compensates")
	case len(e.Reason) > 2000:
		return Invalid("reason", "must be at most 2000 characters")
	case e.ExpiresAt.IsZero() || !e.ExpiresAt.After(now):
		return Invalid("expires", "must be in the future")
	case e.ExpiresAt.After(now.AddDate(maxExceptionYears, 0, 1)):
		return Invalid("expires", "must be at most a year away; renew the exception when it expires")
	}
	return nil
}

// MayApproveException decides who approves an exception: an admin or manager
// of its organization who did not request it, so no one exempts their own
// finding.
func MayApproveException(p Principal, e TestException) error {
	if p.OrgID != e.OrgID || !p.Can(ActEdit) {
		return Errorf(EFORBIDDEN, "only an admin or manager approves exceptions")
	}
	if p.UserID != 0 && p.UserID == e.RequestedBy {
		return Errorf(EFORBIDDEN, "an exception is approved by someone other than its requester")
	}
	return nil
}
