package attest

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Policy is one of an organization's written policies: the document's
// identity (its key, such as "access-control"), who owns it, who must accept
// it, how often it is reviewed, and the controls it supports. Its text lives
// in its versions.
type Policy struct {
	ID         int64    `json:"id"`
	OrgID      int64    `json:"-"`
	Key        string   `json:"key"` // unique in the organization; the file name in policies as code
	Title      string   `json:"title"`
	TemplateID string   `json:"template,omitempty"` // the shipped template it was adopted from, if any
	OwnerID    int64    `json:"owner_id,omitempty"`
	OwnerName  string   `json:"owner_name,omitempty"`
	Controls   []string `json:"controls"` // library control IDs it supports, e.g. AC-3
	Criteria   []string `json:"criteria"`
	Audience   Audience `json:"audience"`
	// ReviewMonths is how often the published version must be reviewed (12
	// by default): a published version whose review date has passed is a
	// readiness gap.
	ReviewMonths int       `json:"review_months"`
	Retired      bool      `json:"retired"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	// Filled by lists: the newest version and the published one (nil when
	// none).
	Latest    *PolicyVersion `json:"latest,omitempty"`
	Published *PolicyVersion `json:"published,omitempty"`
}

// Audience says who must accept a policy: everyone, or the people of the
// listed departments or employment types (a person matching either list must
// accept).
type Audience struct {
	Everyone        bool     `json:"everyone"`
	Departments     []string `json:"departments,omitempty"`
	EmploymentTypes []string `json:"employment_types,omitempty"`
}

// Includes reports whether p must accept a policy with this audience.
func (a Audience) Includes(p Person) bool {
	if a.Everyone {
		return true
	}
	for _, d := range a.Departments {
		if strings.EqualFold(strings.TrimSpace(d), strings.TrimSpace(p.Department)) && p.Department != "" {
			return true
		}
	}
	return slices.Contains(a.EmploymentTypes, p.EmploymentType)
}

// String describes the audience in a few words.
func (a Audience) String() string {
	if a.Everyone {
		return "everyone"
	}
	var parts []string
	if len(a.Departments) > 0 {
		parts = append(parts, "departments: "+strings.Join(a.Departments, ", "))
	}
	if len(a.EmploymentTypes) > 0 {
		parts = append(parts, "employment types: "+strings.Join(a.EmploymentTypes, ", "))
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return strings.Join(parts, "; ")
}

// Policy version states. A version is written as a draft, submitted for
// review to named approvers, approved once a quorum of them approve (from
// then on it never changes), and published, which replaces the previously
// published version (that one becomes superseded). Retiring a policy retires
// its published version. A rejected review returns the version to draft.
const (
	VersionDraft      = "draft"
	VersionInReview   = "in_review"
	VersionApproved   = "approved"
	VersionPublished  = "published"
	VersionSuperseded = "superseded"
	VersionRetired    = "retired"
)

// PolicyVersion is one version of a policy's text. Body is the Markdown as
// written, with {{placeholders}}; Content is the text people read, with the
// organization's values filled in, fixed when the version is submitted, and
// Hash is its SHA-256. Once approved, neither changes.
type PolicyVersion struct {
	ID         int64  `json:"id"`
	PolicyID   int64  `json:"policy_id"`
	Number     int    `json:"number"` // 1, 2, … within the policy
	Label      string `json:"label"`  // 1.0, 1.1, 2.0: material changes raise the major number
	State      string `json:"state"`
	Material   bool   `json:"material"` // people must accept it again
	ChangeNote string `json:"change_note,omitempty"`
	Body       string `json:"body"`
	Content    string `json:"content,omitempty"`
	Hash       string `json:"hash,omitempty"`
	AuthorID   int64  `json:"author_id"`
	AuthorName string `json:"author_name,omitempty"`
	// Approvers are the members asked to approve; Quorum how many of them
	// must (at least 1, at most len(Approvers)).
	Approvers   []Approver `json:"approvers"`
	Quorum      int        `json:"quorum"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	ReviewBy    string     `json:"review_by,omitempty"` // YYYY-MM-DD, set on publication
	CreatedAt   time.Time  `json:"created_at"`
}

// Approver is a member named to approve a version, and their decision once
// made.
type Approver struct {
	UserID   int64      `json:"user_id"`
	Name     string     `json:"name"`
	Decision string     `json:"decision,omitempty"` // approve, reject; "" while pending
	Comment  string     `json:"comment,omitempty"`
	At       *time.Time `json:"at,omitempty"`
	// EvidenceUID is evidence the approval rests on, such as the minutes of
	// the board meeting that approved the policy.
	EvidenceUID string `json:"evidence_uid,omitempty"`
	RecordUID   string `json:"record_uid,omitempty"` // the approval's ledger record
}

// Approval decisions.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// Approvals counts the approvers who approved.
func (v PolicyVersion) Approvals() int {
	n := 0
	for _, a := range v.Approvers {
		if a.Decision == DecisionApprove {
			n++
		}
	}
	return n
}

// Approver returns the named approver with the given user ID.
func (v PolicyVersion) Approver(userID int64) (Approver, bool) {
	for _, a := range v.Approvers {
		if a.UserID == userID {
			return a, true
		}
	}
	return Approver{}, false
}

// Editable reports whether the version's text may still change.
func (v PolicyVersion) Editable() bool { return v.State == VersionDraft }

// VersionLabel names version n given whether each version so far was
// material: the first is 1.0; a material version raises the major number, a
// minor one the minor number.
func VersionLabel(material []bool) string {
	major, minor := 0, 0
	for i, m := range material {
		if i == 0 || m {
			major, minor = major+1, 0
		} else {
			minor++
		}
	}
	return strconv.Itoa(major) + "." + strconv.Itoa(minor)
}

// DefaultReviewMonths is how often a policy is reviewed unless set.
const DefaultReviewMonths = 12

// DefaultAcceptanceGraceDays is how long a person has to accept a policy
// that applies to them: from its publication or their start date, whichever
// is later.
const DefaultAcceptanceGraceDays = 30

// ReviewDate is the day (YYYY-MM-DD) by which a version published on day
// published must be reviewed.
func ReviewDate(published time.Time, months int) string {
	if months <= 0 {
		months = DefaultReviewMonths
	}
	return published.UTC().AddDate(0, months, 0).Format(time.DateOnly)
}

// AcceptanceDue is the day (YYYY-MM-DD) by which a person who started on
// start (YYYY-MM-DD, "" if unknown) must accept a version published at
// published.
func AcceptanceDue(published time.Time, start string, graceDays int) string {
	from := published.UTC()
	if s, err := time.Parse(time.DateOnly, start); err == nil && s.After(from) {
		from = s
	}
	return from.AddDate(0, 0, graceDays).Format(time.DateOnly)
}

// Acceptance is a person's acceptance of a policy version: who, which
// version and text (by hash), when, and from where. It is a ledger record.
type Acceptance struct {
	ID           int64     `json:"id"`
	UID          string    `json:"uid"`
	PolicyID     int64     `json:"policy_id"`
	PolicyKey    string    `json:"policy"`
	VersionID    int64     `json:"version_id"`
	VersionLabel string    `json:"version"`
	Hash         string    `json:"hash"`
	PersonID     int64     `json:"person_id"`
	PersonName   string    `json:"person_name"`
	PersonEmail  string    `json:"person_email"`
	UserID       int64     `json:"user_id,omitempty"` // who clicked, if not the person themselves
	At           time.Time `json:"at"`
	Address      string    `json:"address"`
	UserAgent    string    `json:"user_agent"`
}

// Acknowledgement states of a person for a published policy.
const (
	AckAccepted = "accepted"
	AckPending  = "pending" // not yet, still within the grace period
	AckOverdue  = "overdue"
)

// AckRow is one line of an acknowledgement report: a person who must accept
// a published policy, and whether they have accepted its current text (or the
// last material version before it).
type AckRow struct {
	PolicyID     int64      `json:"policy_id"`
	PolicyKey    string     `json:"policy"`
	PolicyTitle  string     `json:"policy_title"`
	VersionLabel string     `json:"version"`
	PersonID     int64      `json:"person_id"`
	PersonName   string     `json:"person_name"`
	PersonEmail  string     `json:"person_email"`
	Department   string     `json:"department,omitempty"`
	ManagerID    int64      `json:"manager_id,omitempty"`
	State        string     `json:"state"`
	Due          string     `json:"due"`
	AcceptedAt   *time.Time `json:"accepted_at,omitempty"`
	Accepted     string     `json:"accepted_version,omitempty"` // the version label accepted
}

var policyKeyRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// ValidatePolicy checks a policy's own fields (not its versions).
func ValidatePolicy(p *Policy) error {
	p.Key = strings.TrimSpace(p.Key)
	p.Title = strings.TrimSpace(p.Title)
	if !policyKeyRE.MatchString(p.Key) {
		return Invalid("key", "use 1–64 lower-case letters, digits or hyphens, not starting or ending with a hyphen (got %q)", p.Key)
	}
	if p.Title == "" {
		return Invalid("title", "is required")
	}
	if len(p.Title) > 200 {
		return Invalid("title", "must be at most 200 characters")
	}
	if p.ReviewMonths == 0 {
		p.ReviewMonths = DefaultReviewMonths
	}
	if p.ReviewMonths < 1 || p.ReviewMonths > 36 {
		return Invalid("review_months", "must be between 1 and 36 (got %d)", p.ReviewMonths)
	}
	for _, t := range p.Audience.EmploymentTypes {
		if !slices.Contains(employmentTypes, t) {
			return Invalid("audience", "unknown employment type %q (use %s)", t, strings.Join(employmentTypes, ", "))
		}
	}
	if !p.Audience.Everyone && len(p.Audience.Departments) == 0 && len(p.Audience.EmploymentTypes) == 0 {
		return Invalid("audience", "name who must accept the policy: everyone, departments or employment types")
	}
	return nil
}

// MaxPolicyBody bounds a policy's Markdown.
const MaxPolicyBody = 256 << 10

// Acknowledge derives, for one policy, who must accept its published version
// and whether they have: a person in the audience who works here on day today
// must have accepted the published version or an earlier one back to the
// newest material version (a minor change asks nobody again). The due date
// runs graceDays from when that material version was first published, or
// from the person's start date if later. A policy that is retired or has no
// published version asks nobody.
func Acknowledge(pol Policy, versions []PolicyVersion, people []Person, accepted []Acceptance, today string, graceDays int) []AckRow {
	var pub *PolicyVersion
	for i := range versions {
		if versions[i].State == VersionPublished {
			pub = &versions[i]
		}
	}
	if pol.Retired || pub == nil {
		return nil
	}
	// The newest material version up to the published one.
	base := 1
	byNumber := map[int]PolicyVersion{}
	for _, v := range versions {
		byNumber[v.Number] = v
		if v.Number <= pub.Number && v.Material && v.Number > base {
			base = v.Number
		}
	}
	since := *pub.PublishedAt
	for n := base; n <= pub.Number; n++ {
		if v, ok := byNumber[n]; ok && v.PublishedAt != nil && v.PublishedAt.Before(since) {
			since = *v.PublishedAt
		}
	}
	number := map[int64]int{}
	for _, v := range versions {
		number[v.ID] = v.Number
	}
	best := map[int64]Acceptance{} // person → newest acceptance that counts
	for _, a := range accepted {
		n, ok := number[a.VersionID]
		if !ok || n < base || n > pub.Number {
			continue
		}
		if b, seen := best[a.PersonID]; !seen || number[b.VersionID] < n {
			best[a.PersonID] = a
		}
	}
	var out []AckRow
	for _, p := range people {
		if p.State(today) != PersonActive || !pol.Audience.Includes(p) {
			continue
		}
		row := AckRow{PolicyID: pol.ID, PolicyKey: pol.Key, PolicyTitle: pol.Title, VersionLabel: pub.Label, PersonID: p.ID,
			PersonName: p.Name, PersonEmail: p.Email, Department: p.Department, ManagerID: p.ManagerID,
			Due: AcceptanceDue(since, p.StartDate, graceDays)}
		switch a, ok := best[p.ID]; {
		case ok:
			at := a.At
			row.State, row.AcceptedAt, row.Accepted = AckAccepted, &at, a.VersionLabel
		case today > row.Due:
			row.State = AckOverdue
		default:
			row.State = AckPending
		}
		out = append(out, row)
	}
	return out
}

// PolicyKey derives a policy key from a title: "Access Control" becomes
// "access-control". The result may still be refused by ValidatePolicy (an
// empty or all-symbol title).
func PolicyKey(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	// Keys are at most 64 characters; the cut may leave a hyphen at the end.
	return strings.Trim(b.String()[:min(b.Len(), 64)], "-")
}
