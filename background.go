package attest

import (
	"slices"
	"strings"
	"time"
)

// BackgroundCheck is where a person's background check stands: who ran it,
// when the result came and its status, never the report's content. A person
// may instead be exempt, with the reason (a contractor checked by their
// agency, a role the law does not allow checking for).
type BackgroundCheck struct {
	ID           int64     `json:"-"`
	OrgID        int64     `json:"-"`
	PersonID     int64     `json:"person_id"`
	PersonName   string    `json:"person_name"`
	PersonEmail  string    `json:"email"`
	Provider     string    `json:"provider,omitempty"`
	CheckedOn    string    `json:"checked_on,omitempty"` // YYYY-MM-DD the result came; "" while pending
	Status       string    `json:"status"`
	ExemptReason string    `json:"exempt_reason,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Background check statuses: only the outcome is kept.
const (
	CheckPending       = "pending"        // ordered, no result yet
	CheckClear         = "clear"          // completed without findings
	CheckFlagged       = "flagged"        // completed with findings awaiting a decision
	CheckAdverseAction = "adverse_action" // completed, findings decided on through adverse action
	CheckExempt        = "exempt"         // not required for this person, with a reason
)

var checkStatuses = []string{CheckPending, CheckClear, CheckFlagged, CheckAdverseAction, CheckExempt}

// CheckStatuses lists the allowed background check statuses.
func CheckStatuses() []string { return slices.Clone(checkStatuses) }

// DefaultBackgroundDays is how many days after their start date a person's
// background check must be complete, unless the organization sets otherwise:
// by default, by the day they start.
const DefaultBackgroundDays = 0

// Complete says whether the check needs nothing more: a result that was
// cleared or decided on, or an exemption.
func (b BackgroundCheck) Complete() bool {
	return b.Status == CheckClear || b.Status == CheckAdverseAction || b.Status == CheckExempt
}

// ValidateBackgroundCheck normalizes a check and checks it, naming the field
// at fault: a completed result has a day that has come; an exemption has a
// reason; a pending check has no result day.
func ValidateBackgroundCheck(b *BackgroundCheck, today string) error {
	b.Provider = strings.TrimSpace(b.Provider)
	b.CheckedOn = strings.TrimSpace(b.CheckedOn)
	b.Status = strings.ToLower(strings.TrimSpace(b.Status))
	b.ExemptReason = strings.TrimSpace(b.ExemptReason)
	switch {
	case !slices.Contains(checkStatuses, b.Status):
		return Invalid("status", "must be one of %s (got %q)", strings.Join(checkStatuses, ", "), b.Status)
	case len(b.Provider) > 200:
		return Invalid("provider", "must be at most 200 characters")
	case len(b.ExemptReason) > 1000:
		return Invalid("exempt_reason", "must be at most 1000 characters")
	case b.Status == CheckExempt && b.ExemptReason == "":
		return Invalid("exempt_reason", "is required for an exemption: say why no check is needed")
	case b.Status != CheckExempt && b.ExemptReason != "":
		return Invalid("exempt_reason", "is only for an exemption (status exempt)")
	case b.Status != CheckExempt && b.Provider == "":
		return Invalid("provider", "is required: who runs the check")
	case b.Status == CheckPending && b.CheckedOn != "":
		return Invalid("checked_on", "is the day the result came: leave it empty while the check is pending")
	case b.Status != CheckPending && b.Status != CheckExempt && b.CheckedOn == "":
		return Invalid("checked_on", "is required for a %s result, as a date such as 2026-03-31", b.Status)
	}
	if err := validDay("checked_on", b.CheckedOn, false); err != nil {
		return err
	}
	if b.CheckedOn > today {
		return Invalid("checked_on", "is in the future (%s)", b.CheckedOn)
	}
	return nil
}

// BackgroundRow is where one working person stands with their background
// check on a day: the check, if any, and its deadline.
type BackgroundRow struct {
	PersonID  int64            `json:"person_id"`
	Name      string           `json:"name"`
	Email     string           `json:"email"`
	StartDate string           `json:"start_date"`
	Due       string           `json:"due"`
	Check     *BackgroundCheck `json:"check,omitempty"`
	// Overdue: no complete check (or exemption) and the deadline has passed.
	Overdue bool `json:"overdue"`
}

// BackgroundStatus derives, for each person who has not left by today, their
// background check and its deadline (days after the start date); overdue
// rows first, then by deadline and name.
func BackgroundStatus(people []Person, checks []BackgroundCheck, today string, days int) []BackgroundRow {
	if days < 0 {
		days = DefaultBackgroundDays
	}
	byPerson := map[int64]BackgroundCheck{}
	for _, c := range checks {
		byPerson[c.PersonID] = c
	}
	var out []BackgroundRow
	for _, p := range people {
		if p.State(today) == PersonLeft {
			continue
		}
		r := BackgroundRow{PersonID: p.ID, Name: p.Name, Email: p.Email, StartDate: p.StartDate, Due: addDays(p.StartDate, days)}
		if c, ok := byPerson[p.ID]; ok {
			r.Check = &c
		}
		r.Overdue = (r.Check == nil || !r.Check.Complete()) && r.Due < today
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b BackgroundRow) int { return strings.Compare(a.Order(), b.Order()) })
	return out
}

// Order is where the row stands in the list of checks, as text that sorts
// so: overdue first, then by deadline and name.
func (r BackgroundRow) Order() string {
	if r.Overdue {
		return "0" + r.Due + r.Name
	}
	return "1" + r.Due + r.Name
}
