package attest

import (
	"strings"
	"time"
)

// Access reviews (CC6.2, CC6.3): a campaign over one or more systems whose
// account list is frozen when it starts; every account goes to a reviewer
// who keeps it, revokes it or changes it; revocations are confirmed by the
// next collection of the system; the completed campaign's report is
// evidence, and a campaign is due every cadence (a quarter by default).

// Access review states.
const (
	AccessReviewOpen      = "open"
	AccessReviewCompleted = "completed"
)

// Access review decisions.
const (
	DecisionKeep   = "keep"
	DecisionRevoke = "revoke"
	DecisionChange = "change"
)

// Sources of a reviewed system's accounts.
const (
	AccessSourceConnection = "connection" // the latest complete collection of a connection
	AccessSourceUpload     = "upload"     // an uploaded account list
)

// Removal states of a revoked account.
const (
	RemovalVerified = "verified_removed" // a later collection no longer shows it, or shows it disabled
	RemovalPresent  = "not_removed"      // a later collection still shows it active
	RemovalAwaiting = "awaiting"         // no collection since the decision
	RemovalTaskDone = "task_closed"      // an uploaded list: its removal task is done
	RemovalTaskOpen = "task_open"        // an uploaded list: its removal task is still open
)

// DefaultAccessReviewMonths is how often an access review is due when an
// organization has not set its own cadence: every quarter.
const DefaultAccessReviewMonths = 3

// AccessReviewSystem is one system a campaign reviews, as frozen at its
// start.
type AccessReviewSystem struct {
	Name          string    `json:"name"`
	Source        string    `json:"source"` // AccessSourceConnection or AccessSourceUpload
	ConnectionID  int64     `json:"connection_id,omitempty"`
	Connector     string    `json:"connector,omitempty"`  // the connection's type
	CollectionUID string    `json:"collection,omitempty"` // the collection the accounts came from
	CollectedAt   time.Time `json:"collected_at,omitzero"`
	// OwnerID is the member who reviews the accounts whose person has no
	// manager who signs in, and who removes revoked access.
	OwnerID   int64  `json:"owner_id"`
	OwnerName string `json:"owner_name,omitempty"`
	Accounts  int    `json:"accounts"`
}

// AccessReview is a campaign.
type AccessReview struct {
	ID            int64                `json:"id"`
	OrgID         int64                `json:"-"`
	UID           string               `json:"uid"`
	Title         string               `json:"title"`
	State         string               `json:"state"`
	DueOn         string               `json:"due_on"` // YYYY-MM-DD: when reviewers should have decided
	Systems       []AccessReviewSystem `json:"systems"`
	StartedBy     int64                `json:"started_by,omitempty"`
	StartedByName string               `json:"started_by_name,omitempty"`
	StartedAt     time.Time            `json:"started_at"`
	SnapshotHash  string               `json:"snapshot_hash"` // the record hash of the frozen account list
	CompletedBy   int64                `json:"completed_by,omitempty"`
	CompletedAt   time.Time            `json:"completed_at,omitzero"`
	ReportUID     string               `json:"report,omitempty"` // the evidence item holding the report
	Items         int                  `json:"items"`
	Decided       int                  `json:"decided"`
}

// CompletedOn is the day the campaign was completed, "" while open.
func (r AccessReview) CompletedOn() string {
	if r.CompletedAt.IsZero() {
		return ""
	}
	return Today(r.CompletedAt)
}

// AccessReviewItem is one account of a campaign and its decision.
type AccessReviewItem struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"-"`
	ReviewID      int64     `json:"review_id"`
	System        string    `json:"system"`
	ConnectionID  int64     `json:"connection_id,omitempty"`
	Key           string    `json:"key"`
	Login         string    `json:"login"`
	Email         string    `json:"email,omitempty"`
	Name          string    `json:"name,omitempty"`
	Active        bool      `json:"active"`
	Admin         bool      `json:"admin"`
	PersonID      int64     `json:"person_id,omitempty"`
	PersonName    string    `json:"person_name,omitempty"`
	ReviewerID    int64     `json:"reviewer_id"`
	ReviewerName  string    `json:"reviewer_name,omitempty"`
	Decision      string    `json:"decision,omitempty"` // "" while undecided
	Reason        string    `json:"reason,omitempty"`
	DecidedBy     int64     `json:"decided_by,omitempty"`
	DecidedByName string    `json:"decided_by_name,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	TaskID        int64     `json:"task_id,omitempty"` // the task a revoke or change opened
	// Removal is derived when read: whether a revoked account is gone (see
	// RemovalOf); "" for other decisions.
	Removal string `json:"removal,omitempty"`
}

// ValidateDecision normalizes and checks a decision: keep needs no reason,
// revoke and change need one.
func ValidateDecision(decision, reason *string) error {
	*decision = strings.ToLower(strings.TrimSpace(*decision))
	*reason = strings.TrimSpace(*reason)
	switch *decision {
	case DecisionKeep:
	case DecisionRevoke, DecisionChange:
		if *reason == "" {
			return Invalid("reason", "is required to %s access: say why", *decision)
		}
	default:
		return Invalid("decision", "must be keep, revoke or change (got %q)", *decision)
	}
	if len(*reason) > 2000 {
		return Invalid("reason", "must be at most 2000 characters")
	}
	return nil
}

// RemovalOf says whether a revoked account was removed. For an account of a
// connection, seen is the account in the connection's latest complete
// collection (nil when that collection does not hold it) and collectedAt
// when that collection finished (zero for none): a collection after the
// decision that does not hold the account, or holds it disabled, verifies
// the removal. An uploaded list has no collection: its removal task says.
// "" for an item not decided revoke.
func RemovalOf(it AccessReviewItem, seen *Account, collectedAt time.Time, taskClosed bool) string {
	if it.Decision != DecisionRevoke {
		return ""
	}
	if it.ConnectionID == 0 {
		if taskClosed {
			return RemovalTaskDone
		}
		return RemovalTaskOpen
	}
	if collectedAt.IsZero() || !collectedAt.After(it.DecidedAt) {
		return RemovalAwaiting
	}
	if seen == nil || !seen.Active {
		return RemovalVerified
	}
	return RemovalPresent
}

// RemovalLabel is a removal state as people read it.
func RemovalLabel(s string) string {
	switch s {
	case RemovalVerified:
		return "verified removed"
	case RemovalPresent:
		return "not yet removed"
	case RemovalAwaiting:
		return "awaiting the next collection"
	case RemovalTaskDone:
		return "removal task closed"
	case RemovalTaskOpen:
		return "removal task open"
	}
	return ""
}

// MayDecideAccessItem reports whether p may decide an item: an editor any
// item, a member with the work action (not an auditor) only the items
// assigned to them.
func (p Principal) MayDecideAccessItem(it AccessReviewItem) bool {
	return p.Can(ActEdit) || (p.Can(ActWork) && p.UserID != 0 && it.ReviewerID == p.UserID)
}

// AccessReviewDue is the day the next access review is due: cadence months
// (the default when 0) after the last completed one (YYYY-MM-DD), or ""
// when none was ever completed (due now); overdue when that day has passed
// on today, or none was ever completed.
func AccessReviewDue(lastCompleted string, months int, today string) (due string, overdue bool) {
	if months <= 0 {
		months = DefaultAccessReviewMonths
	}
	d, err := time.Parse(DateLayout, lastCompleted)
	if err != nil {
		return "", true
	}
	due = d.AddDate(0, months, 0).Format(DateLayout)
	return due, due < today
}
