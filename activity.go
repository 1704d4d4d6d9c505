package attest

import "time"

// Via says through which door a change came in.
type Via string

const (
	ViaUI     Via = "ui"
	ViaAPI    Via = "api"
	ViaCLI    Via = "cli"
	ViaSystem Via = "system"
)

// Actor is who is making a change and from where; it travels with the request.
type Actor struct {
	UserID int64  // 0 for the system or an anonymous visitor
	Label  string // email, "cli", "system"
	IP     string
	Via    Via
}

// Activity is one entry of an organization's append-only activity log. It is
// evidence in its own right (who changed what, when, from where).
type Activity struct {
	ID         int64
	OrgID      int64
	At         time.Time
	ActorID    int64
	ActorLabel string
	IP         string
	Via        Via
	Action     string // dotted verb, e.g. "member.invited"
	RecordType string // e.g. "invitation"
	RecordID   string
	Summary    string
}

// Record builds an activity entry for a change made by a.
func (a Actor) Record(orgID int64, action, recordType, recordID, summary string) Activity {
	return Activity{OrgID: orgID, ActorID: a.UserID, ActorLabel: a.Label, IP: a.IP, Via: a.Via,
		Action: action, RecordType: recordType, RecordID: recordID, Summary: summary}
}

// ActivityFilter narrows an activity listing. Zero fields do not filter.
type ActivityFilter struct {
	Action     string // prefix match on Action
	ActorLabel string
	RecordType string
	Since      time.Time
	Until      time.Time
	BeforeID   int64 // page: entries with ID < BeforeID
	Limit      int
}
