package attest

import (
	"fmt"
	"time"
)

// Notifications tell people what needs them: an invitation, a task due, a
// test that started failing. What happens is recorded as notices; notices
// wait until the person's chosen cadence for their kind comes round and
// leave together as one digest, by email to a person or to a team's Slack
// channel.

// Cadence is how often a person hears about one kind of notice.
type Cadence string

const (
	CadenceOff         Cadence = "off"         // never
	CadenceImmediately Cadence = "immediately" // at the next delivery round, within a minute or two
	CadenceHourly      Cadence = "hourly"      // at most one digest an hour
	CadenceDaily       Cadence = "daily"       // at most one digest a day
)

// Cadences lists the cadences in the order a form offers them.
var Cadences = []Cadence{CadenceImmediately, CadenceHourly, CadenceDaily, CadenceOff}

// ParseCadence accepts one of Cadences.
func ParseCadence(s string) (Cadence, error) {
	for _, c := range Cadences {
		if string(c) == s {
			return c, nil
		}
	}
	return "", Invalid("cadence", "want immediately, hourly, daily or off, got %q", s)
}

// Period is the least time between two digests that carry notices of this
// cadence; zero for immediately, and for off (nothing is sent).
func (c Cadence) Period() time.Duration {
	switch c {
	case CadenceHourly:
		return time.Hour
	case CadenceDaily:
		return 24 * time.Hour
	}
	return 0
}

// NoticeKind is one kind of notification. A new kind is one entry in
// NoticeKinds and the code that records its notices: preferences, digests,
// unsubscribe links and Slack subscriptions follow from the entry.
type NoticeKind struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`   // what a preference form calls it
	About   string  `json:"about"`   // one line on what it covers
	Default Cadence `json:"default"` // when neither the person nor the organization chose
	// Fixed kinds cannot be turned off or delayed: they carry what a person
	// must know at once (an invitation, a change to their sign-in).
	Fixed bool `json:"fixed,omitempty"`
}

// Notice kinds.
const (
	NoticeInvitation = "invitation"
	NoticeSecurity   = "security"
	NoticeTask       = "task"
	NoticeEvidence   = "evidence"
	NoticeTest       = "test"
	NoticePolicy     = "policy"
	NoticeVendor     = "vendor"
	NoticeAccess     = "access_review"
	NoticeChecklist  = "checklist"
	NoticeRequest    = "audit_request"
)

// NoticeKinds is every kind of notification, in the order forms list them.
var NoticeKinds = []NoticeKind{
	{ID: NoticeInvitation, Title: "Invitations", About: "An invitation to join an organization, sent to the address invited.", Default: CadenceImmediately, Fixed: true},
	{ID: NoticeSecurity, Title: "Sign-in and security", About: "Changes to your sign-in: two-step verification, passkeys, signed-out sessions, your role.", Default: CadenceImmediately, Fixed: true},
	{ID: NoticeTask, Title: "Tasks", About: "Tasks assigned to you, due tomorrow, or overdue.", Default: CadenceDaily},
	{ID: NoticeEvidence, Title: "Evidence going stale", About: "Evidence for controls you own that goes stale within a week, or has.", Default: CadenceDaily},
	{ID: NoticeTest, Title: "Failing tests", About: "Automated tests of controls you own that start failing or recover.", Default: CadenceHourly},
	{ID: NoticePolicy, Title: "Policies", About: "Policies awaiting your approval or acceptance, and policies you own past their review date.", Default: CadenceDaily},
	{ID: NoticeVendor, Title: "Vendor reviews", About: "Reviews of vendors you own due within a week or overdue, and vendor checklist items of yours past their due day.", Default: CadenceDaily},
	{ID: NoticeAccess, Title: "Access reviews", About: "Accounts given to you to review in an access review, and reminders when its due day is near or past.", Default: CadenceDaily},
	{ID: NoticeChecklist, Title: "Onboarding and offboarding", About: "Steps of joiners' and leavers' checklists that you own, due within three days or overdue.", Default: CadenceDaily},
	{ID: NoticeRequest, Title: "Audit requests", About: "Audit requests you own that the auditors flagged back to you, or that are due within three days or overdue.", Default: CadenceDaily},
}

// Kind returns the kind with the given ID.
func Kind(id string) (NoticeKind, bool) {
	for _, k := range NoticeKinds {
		if k.ID == id {
			return k, true
		}
	}
	return NoticeKind{}, false
}

// SendError is why a message could not be delivered, as a channel (SMTP, a
// Slack webhook) told it. Permanent errors are not tried again: the address
// or webhook is wrong, or the server refuses us, and only a person changing
// the settings can help. Others (a server down, throttling) are retried,
// after RetryAfter when the channel named a wait.
type SendError struct {
	Channel    string        // "email", "slack"
	Reason     string        // for the person reading the delivery log, with no secret in it
	Permanent  bool          // trying again cannot help
	RetryAfter time.Duration // the channel asked us to wait this long; 0: our own backoff
	Err        error         // the underlying error, when there is one
}

func (e *SendError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Channel, e.Reason, e.Err)
	}
	return e.Channel + ": " + e.Reason
}

func (e *SendError) Unwrap() error { return e.Err }

// Notice is one thing to tell one recipient: a member (UserID) or a team's
// Slack channel (ChannelID).
type Notice struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"-"`
	UserID    int64     `json:"user_id,omitempty"`
	ChannelID int64     `json:"channel_id,omitempty"`
	Kind      string    `json:"kind"`
	DedupeKey string    `json:"-"` // the state it announces; never announced twice
	GroupKey  string    `json:"-"` // notices a digest shows as one line with a count
	Line      string    `json:"line"`
	Link      string    `json:"link"` // a path under the install's base URL
	CreatedAt time.Time `json:"created_at"`
	State     string    `json:"state"` // NoticePending, NoticeSent, NoticeMuted
}

// Notice states.
const (
	NoticePending = "pending"
	NoticeSent    = "sent"
	NoticeMuted   = "muted" // its kind is off for the recipient
)

// Delivery is one message to send, and what became of it.
type Delivery struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"-"`
	Channel   string    `json:"channel"` // "email", "slack"
	UserID    int64     `json:"user_id,omitempty"`
	ChannelID int64     `json:"channel_id,omitempty"`
	Address   string    `json:"address"` // the email address, or the Slack channel's name
	Purpose   string    `json:"purpose"` // DeliveryInvitation, DeliveryDigest, DeliveryTest
	Subject   string    `json:"subject"`
	Status    string    `json:"status"` // DeliveryQueued, DeliverySent, DeliveryFailed
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// Delivery purposes and statuses.
const (
	DeliveryInvitation = "invitation"
	DeliveryDigest     = "digest"
	DeliveryTest       = "test"

	DeliveryQueued = "queued" // waiting to be sent, or to be tried again after an error (LastError)
	DeliverySent   = "sent"
	DeliveryFailed = "failed" // given up: LastError says why
)

// SlackChannel is a team's Slack channel, reached through an incoming
// webhook, told of some kinds at one cadence. The webhook URL is the
// credential: it is sealed at rest and never part of this value.
type SlackChannel struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"-"`
	Name      string    `json:"name"` // "#compliance", as people know it
	Kinds     []string  `json:"kinds"`
	Cadence   Cadence   `json:"cadence"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ValidateSlackChannel checks a channel's settings, naming the field at fault.
func ValidateSlackChannel(c SlackChannel) error {
	if c.Name == "" || len(c.Name) > 80 {
		return Invalid("name", "give the channel a name of 1 to 80 characters, such as #compliance")
	}
	if len(c.Kinds) == 0 {
		return Invalid("kinds", "choose at least one kind of notification for the channel")
	}
	for _, k := range c.Kinds {
		kind, ok := Kind(k)
		if !ok {
			return Invalid("kinds", "unknown kind %q", k)
		}
		if kind.ID == NoticeInvitation || kind.ID == NoticeSecurity {
			return Invalid("kinds", "%s are sent to the person concerned only, never to a channel", kind.Title)
		}
	}
	if _, err := ParseCadence(string(c.Cadence)); err != nil || c.Cadence == CadenceOff {
		return Invalid("cadence", "want immediately, hourly or daily, got %q", c.Cadence)
	}
	return nil
}
