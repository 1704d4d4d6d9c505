package attest

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// TrainingCompletion is a person's completed security awareness training: the
// built-in course, passed in Attest with its quiz, or an external course a
// manager recorded with its certificate (an evidence item) or a link. Each is
// a ledger record (RecordUID).
type TrainingCompletion struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"-"`
	PersonID    int64     `json:"person_id"`
	PersonName  string    `json:"person_name"`
	Kind        string    `json:"kind"`   // TrainingBuiltin or TrainingExternal
	Course      string    `json:"course"` // the built-in course's key, or the external course's name
	CompletedOn string    `json:"completed_on"`
	Score       int       `json:"score,omitempty"` // percent of the quiz answered right (built-in)
	EvidenceID  int64     `json:"-"`
	EvidenceUID string    `json:"evidence,omitempty"` // the uploaded certificate (external)
	Link        string    `json:"link,omitempty"`     // where the completion can be seen (external)
	RecordUID   string    `json:"record_uid"`
	RecordedBy  int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Kinds of training completion.
const (
	TrainingBuiltin  = "builtin"
	TrainingExternal = "external"
)

// DefaultTrainingDays is how many days after their start date a person has
// to complete security awareness training, unless the organization sets
// otherwise; after that, training is due a year after the last completion.
const DefaultTrainingDays = 30

// ValidateExternalTraining checks an external course's completion recorded by
// a manager: a course name, a day that has come, and a link when given (the
// caller checks that a certificate or a link is present).
func ValidateExternalTraining(c *TrainingCompletion, today string) error {
	c.Course = strings.TrimSpace(c.Course)
	c.CompletedOn = strings.TrimSpace(c.CompletedOn)
	c.Link = strings.TrimSpace(c.Link)
	switch {
	case c.PersonID == 0:
		return Invalid("person", "is required")
	case c.Course == "":
		return Invalid("course", "is required: the name of the course taken")
	case len(c.Course) > 200:
		return Invalid("course", "must be at most 200 characters")
	case len(c.Link) > 2000:
		return Invalid("link", "must be at most 2000 characters")
	}
	if err := validDay("completed_on", c.CompletedOn, true); err != nil {
		return err
	}
	if c.CompletedOn > today {
		return Invalid("completed_on", "is in the future (%s): record a course once it is completed", c.CompletedOn)
	}
	if c.Link != "" {
		if u, err := url.Parse(c.Link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Invalid("link", "must be a web address starting with https:// (got %q)", c.Link)
		}
	}
	return nil
}

// Training states of a person on a day.
const (
	TrainingDone    = "done"    // completed within the year, or not yet due
	TrainingDue     = "due"     // not completed; the deadline has not passed
	TrainingOverdue = "overdue" // the deadline has passed
)

// TrainingRow is where one person stands with security awareness training.
type TrainingRow struct {
	PersonID   int64  `json:"person_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	ManagerID  int64  `json:"manager_id,omitempty"`
	StartDate  string `json:"start_date"`
	State      string `json:"state"`
	Last       string `json:"last_completed,omitempty"` // the newest completion's day
	LastCourse string `json:"last_course,omitempty"`
	Due        string `json:"due"` // the day the next completion is due by
}

// Overdue says whether the row is past its deadline.
func (r TrainingRow) Overdue() bool { return r.State == TrainingOverdue }

// TrainingStatus derives, for each person working on day today, when their
// security awareness training is due and whether it is done: a first
// completion is due days after the start date, then one a year after the
// last. People who have not started or have left are not assigned. Rows are
// overdue first, then by due day and name.
func TrainingStatus(people []Person, completions []TrainingCompletion, today string, days int) []TrainingRow {
	if days <= 0 {
		days = DefaultTrainingDays
	}
	last := map[int64]TrainingCompletion{}
	for _, c := range completions {
		if l, ok := last[c.PersonID]; !ok || c.CompletedOn > l.CompletedOn {
			last[c.PersonID] = c
		}
	}
	var out []TrainingRow
	for _, p := range people {
		if p.State(today) != PersonActive {
			continue
		}
		r := TrainingRow{PersonID: p.ID, Name: p.Name, Email: p.Email, ManagerID: p.ManagerID, StartDate: p.StartDate}
		if c, ok := last[p.ID]; ok {
			r.Last, r.LastCourse = c.CompletedOn, c.Course
			r.Due = AddMonths(c.CompletedOn, 12)
		} else {
			r.Due = addDays(p.StartDate, days)
		}
		switch {
		case r.Due < today:
			r.State = TrainingOverdue
		case r.Last != "":
			r.State = TrainingDone
		default:
			r.State = TrainingDue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b TrainingRow) int { return strings.Compare(a.Order(), b.Order()) })
	return out
}

// Order is where the row stands in the training list, as text that sorts
// so: overdue first, then due, then done, each by deadline and name.
func (r TrainingRow) Order() string {
	rank := "2" // done
	switch r.State {
	case TrainingOverdue:
		rank = "0"
	case TrainingDue:
		rank = "1"
	}
	return rank + r.Due + r.Name
}
