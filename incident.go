package attest

import (
	"slices"
	"strings"
	"time"
)

// Incident is one entry of the incident register: what happened, how bad it
// was, when it was noticed, contained and resolved, what it touched, who was
// told, and what was learned. Corrective actions are tasks linked to it.
type Incident struct {
	ID       int64  `json:"id"`
	OrgID    int64  `json:"-"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Severity string `json:"severity"` // sev1 (worst) … sev4
	Status   string `json:"status"`   // open, contained, resolved, closed
	// The timeline; a zero time is not yet (or not known).
	OccurredAt  time.Time `json:"occurred_at"`
	DetectedAt  time.Time `json:"detected_at"`
	ContainedAt time.Time `json:"contained_at"`
	ResolvedAt  time.Time `json:"resolved_at"`

	Systems        []string `json:"systems"`         // affected systems
	DataCategories []string `json:"data_categories"` // affected data, such as "customer emails"
	PersonalData   bool     `json:"personal_data"`
	RootCause      string   `json:"root_cause"`
	Lessons        string   `json:"lessons"`
	OwnerID        int64    `json:"owner_id,omitempty"`
	OwnerName      string   `json:"owner_name,omitempty"`

	Notifications []Notification `json:"notifications"`

	// The post-mortem: Markdown text, and/or evidence (a document) by uid.
	PostMortem         string `json:"post_mortem"`
	PostMortemEvidence string `json:"post_mortem_evidence,omitempty"`
	// Sign-off of the post-mortem closes the incident; it is a ledger record.
	SignedOffBy   int64      `json:"signed_off_by,omitempty"`
	SignedOffName string     `json:"signed_off_name,omitempty"`
	SignedOffAt   *time.Time `json:"signed_off_at,omitempty"`
	RecordUID     string     `json:"record_uid,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Notification is the decision whether to tell one audience about an
// incident: customers, regulators or others (such as insurers or law
// enforcement). Decision "" is undecided.
type Notification struct {
	Audience   string `json:"audience"`
	Decision   string `json:"decision"` // notify, not_notify, ""
	Reason     string `json:"reason"`
	NotifiedOn string `json:"notified_on,omitempty"` // YYYY-MM-DD
}

// Incident severities, worst first, and statuses.
const (
	Sev1 = "sev1"
	Sev2 = "sev2"
	Sev3 = "sev3"
	Sev4 = "sev4"

	IncidentOpen      = "open"
	IncidentContained = "contained"
	IncidentResolved  = "resolved"
	IncidentClosed    = "closed" // resolved and its post-mortem signed off

	NotifyYes = "notify"
	NotifyNo  = "not_notify"
)

var (
	incidentSeverities = []string{Sev1, Sev2, Sev3, Sev4}
	incidentStatuses   = []string{IncidentOpen, IncidentContained, IncidentResolved, IncidentClosed}
	notifyAudiences    = []string{"customers", "regulators", "others"}
)

// IncidentSeverities, IncidentStatuses and NotificationAudiences list the
// allowed values.
func IncidentSeverities() []string    { return slices.Clone(incidentSeverities) }
func IncidentStatuses() []string      { return slices.Clone(incidentStatuses) }
func NotificationAudiences() []string { return slices.Clone(notifyAudiences) }

// SeverityLabel is a severity in words: "SEV1 (critical)".
func SeverityLabel(s string) string {
	switch s {
	case Sev1:
		return "SEV1 (critical)"
	case Sev2:
		return "SEV2 (high)"
	case Sev3:
		return "SEV3 (medium)"
	case Sev4:
		return "SEV4 (low)"
	}
	return s
}

// HighSeverity reports whether the incident is SEV1 or SEV2: one that needs a
// post-mortem before the record is complete.
func (i Incident) HighSeverity() bool { return i.Severity == Sev1 || i.Severity == Sev2 }

// Resolved reports whether the incident is resolved or closed.
func (i Incident) Resolved() bool { return i.Status == IncidentResolved || i.Status == IncidentClosed }

// HasPostMortem reports whether a post-mortem is written or attached.
func (i Incident) HasPostMortem() bool {
	return strings.TrimSpace(i.PostMortem) != "" || i.PostMortemEvidence != ""
}

// Incomplete reports why a resolved incident's record is incomplete ("" when
// it is not): a resolved SEV1 or SEV2 incident without a post-mortem.
func (i Incident) Incomplete() string {
	if i.Resolved() && i.HighSeverity() && !i.HasPostMortem() {
		return "resolved without a post-mortem"
	}
	return ""
}

// Notification returns the decision for an audience (zero when none).
func (i Incident) Notification(audience string) Notification {
	for _, n := range i.Notifications {
		if n.Audience == audience {
			return n
		}
	}
	return Notification{Audience: audience}
}

func span(from, to time.Time) (time.Duration, bool) {
	if from.IsZero() || to.IsZero() {
		return 0, false
	}
	return to.Sub(from), true
}

// TimeToDetect, TimeToContain and TimeToResolve measure the timeline: from
// occurrence to detection, and from detection to containment and resolution.
// ok is false while either end is unknown.
func (i Incident) TimeToDetect() (time.Duration, bool)  { return span(i.OccurredAt, i.DetectedAt) }
func (i Incident) TimeToContain() (time.Duration, bool) { return span(i.DetectedAt, i.ContainedAt) }
func (i Incident) TimeToResolve() (time.Duration, bool) { return span(i.DetectedAt, i.ResolvedAt) }

// FormatSpan writes a duration in the largest sensible unit: "45m", "6h 30m",
// "3d 4h".
func FormatSpan(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, itoa(days)+"d")
	}
	if hours > 0 {
		parts = append(parts, itoa(hours)+"h")
	}
	if mins > 0 && days == 0 {
		parts = append(parts, itoa(mins)+"m")
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// ValidateIncident checks an incident's fields and trims them: a known
// severity and status, a timeline in order (occurred ≤ detected ≤ contained ≤
// resolved, an error naming the later field), a status that agrees with the
// timeline, and notification decisions with a reason, and a date when
// decided to notify.
func ValidateIncident(i *Incident) error {
	i.Title, i.Summary = strings.TrimSpace(i.Title), strings.TrimSpace(i.Summary)
	i.RootCause, i.Lessons = strings.TrimSpace(i.RootCause), strings.TrimSpace(i.Lessons)
	i.Systems, i.DataCategories = cleanList(i.Systems), cleanList(i.DataCategories)
	if i.Status == "" {
		i.Status = IncidentOpen
	}
	switch {
	case i.Title == "":
		return Invalid("title", "is required")
	case len(i.Title) > 300:
		return Invalid("title", "must be at most 300 characters")
	case !slices.Contains(incidentSeverities, i.Severity):
		return Invalid("severity", "must be one of %s (got %q)", strings.Join(incidentSeverities, ", "), i.Severity)
	case !slices.Contains(incidentStatuses, i.Status):
		return Invalid("status", "must be one of %s (got %q)", strings.Join(incidentStatuses, ", "), i.Status)
	case i.DetectedAt.IsZero():
		return Invalid("detected_at", "is required: when the incident was noticed")
	case len(i.PostMortem) > 200_000:
		return Invalid("post_mortem", "must be at most 200,000 characters")
	}
	steps := []struct {
		field string
		at    time.Time
	}{{"occurred_at", i.OccurredAt}, {"detected_at", i.DetectedAt}, {"contained_at", i.ContainedAt}, {"resolved_at", i.ResolvedAt}}
	for k, s := range steps {
		if s.at.IsZero() {
			continue
		}
		if s.at.Year() < 2000 || s.at.Year() > 2099 {
			return Invalid(s.field, "must be between 2000 and 2099 (got %s)", s.at.Format("2006-01-02"))
		}
		for _, before := range steps[:k] {
			if !before.at.IsZero() && s.at.Before(before.at) {
				return Invalid(s.field, "is before %s (%s < %s)", strings.TrimSuffix(before.field, "_at"),
					s.at.UTC().Format("2006-01-02 15:04"), before.at.UTC().Format("2006-01-02 15:04"))
			}
		}
	}
	switch i.Status {
	case IncidentContained:
		if i.ContainedAt.IsZero() {
			return Invalid("contained_at", "is required when the incident is contained")
		}
	case IncidentResolved, IncidentClosed:
		if i.ResolvedAt.IsZero() {
			return Invalid("resolved_at", "is required when the incident is resolved")
		}
	}
	if i.Status != IncidentResolved && i.Status != IncidentClosed && !i.ResolvedAt.IsZero() {
		return Invalid("status", "must be resolved when a resolution time is set")
	}
	seen := map[string]bool{}
	var kept []Notification
	for _, n := range i.Notifications {
		field := "notify_" + n.Audience
		n.Reason, n.NotifiedOn = strings.TrimSpace(n.Reason), strings.TrimSpace(n.NotifiedOn)
		switch {
		case !slices.Contains(notifyAudiences, n.Audience):
			return Invalid("notifications", "audience must be one of %s (got %q)", strings.Join(notifyAudiences, ", "), n.Audience)
		case seen[n.Audience]:
			return Invalid(field, "is decided twice")
		case n.Decision != "" && n.Decision != NotifyYes && n.Decision != NotifyNo:
			return Invalid(field, "must be notify or not_notify (got %q)", n.Decision)
		case n.Decision == "" && (n.Reason != "" || n.NotifiedOn != ""):
			return Invalid(field, "has a reason or date but no decision")
		case n.Decision != "" && n.Reason == "":
			return Invalid(field+"_reason", "is required: say why %s were or were not notified", n.Audience)
		case n.Decision == NotifyYes && n.NotifiedOn == "":
			return Invalid(field+"_on", "is required: the date %s were notified", n.Audience)
		case n.Decision == NotifyNo && n.NotifiedOn != "":
			return Invalid(field+"_on", "must be empty when %s are not notified", n.Audience)
		}
		if n.NotifiedOn != "" {
			d, err := time.Parse(DateLayout, n.NotifiedOn)
			if err != nil {
				return Invalid(field+"_on", "must be a date such as 2026-03-31 (got %q)", n.NotifiedOn)
			}
			if !i.DetectedAt.IsZero() && d.Before(i.DetectedAt.UTC().Truncate(24*time.Hour)) {
				return Invalid(field+"_on", "is before the incident was detected")
			}
		}
		seen[n.Audience] = true
		if n.Decision != "" {
			kept = append(kept, n)
		}
	}
	i.Notifications = kept
	return nil
}

func cleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Exercise is one test of the organization's response plans: an incident
// response or a disaster recovery exercise, run as a tabletop discussion or
// live. Recording it (completed) is a ledger record; follow-ups are tasks.
type Exercise struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"-"`
	Kind         string    `json:"kind"`   // incident_response, disaster_recovery
	Format       string    `json:"format"` // tabletop, live
	HeldOn       string    `json:"held_on"`
	Title        string    `json:"title"`
	Scenario     string    `json:"scenario"`
	Participants []string  `json:"participants"` // names (members by name)
	Findings     string    `json:"findings"`
	RecordUID    string    `json:"record_uid,omitempty"`
	CreatedBy    int64     `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Exercise kinds and formats.
const (
	ExerciseIncidentResponse = "incident_response"
	ExerciseDisasterRecovery = "disaster_recovery"
	ExerciseTabletop         = "tabletop"
	ExerciseLive             = "live"
)

var (
	exerciseKinds   = []string{ExerciseIncidentResponse, ExerciseDisasterRecovery}
	exerciseFormats = []string{ExerciseTabletop, ExerciseLive}
)

// ExerciseKinds and ExerciseFormats list the allowed values.
func ExerciseKinds() []string   { return slices.Clone(exerciseKinds) }
func ExerciseFormats() []string { return slices.Clone(exerciseFormats) }

// ExerciseKindLabel is a kind in words.
func ExerciseKindLabel(k string) string {
	switch k {
	case ExerciseIncidentResponse:
		return "Incident response"
	case ExerciseDisasterRecovery:
		return "Disaster recovery"
	}
	return k
}

// ValidateExercise checks an exercise's fields: known kind and format, a date
// not in the future (today is a YYYY-MM-DD day), a scenario and at least one
// participant.
func ValidateExercise(e *Exercise, today string) error {
	e.Title, e.Scenario, e.Findings, e.HeldOn = strings.TrimSpace(e.Title), strings.TrimSpace(e.Scenario), strings.TrimSpace(e.Findings), strings.TrimSpace(e.HeldOn)
	e.Participants = cleanList(e.Participants)
	switch {
	case !slices.Contains(exerciseKinds, e.Kind):
		return Invalid("kind", "must be one of %s (got %q)", strings.Join(exerciseKinds, ", "), e.Kind)
	case !slices.Contains(exerciseFormats, e.Format):
		return Invalid("format", "must be one of %s (got %q)", strings.Join(exerciseFormats, ", "), e.Format)
	case e.Title == "":
		return Invalid("title", "is required")
	case len(e.Title) > 300:
		return Invalid("title", "must be at most 300 characters")
	case e.Scenario == "":
		return Invalid("scenario", "is required: what the exercise rehearsed")
	case len(e.Participants) == 0:
		return Invalid("participants", "name at least one participant")
	}
	d, err := time.Parse(DateLayout, e.HeldOn)
	if err != nil {
		return Invalid("held_on", "must be a date such as 2026-03-31 (got %q)", e.HeldOn)
	}
	if d.Year() < 2000 || e.HeldOn > today {
		return Invalid("held_on", "must be a past date from 2000 on (got %s)", e.HeldOn)
	}
	return nil
}

// ExerciseDue is when the next exercise of a kind is due: twelve months
// after the last one held ("" when none was ever held: due now).
func ExerciseDue(last string) string {
	d, err := time.Parse(DateLayout, last)
	if err != nil {
		return ""
	}
	return d.AddDate(1, 0, 0).Format(DateLayout)
}

// ExerciseCurrent reports whether an exercise held on last (YYYY-MM-DD)
// still counts on today: held within the last twelve months.
func ExerciseCurrent(last, today string) bool {
	due := ExerciseDue(last)
	return due != "" && due > today
}

// OverdueActions returns the corrective actions or follow-ups still open past
// their due date on today (YYYY-MM-DD).
func OverdueActions(tasks []Task, today string) []Task {
	var out []Task
	for _, t := range tasks {
		if t.OverdueOn(today) {
			out = append(out, t)
		}
	}
	return out
}

// SeverityText is the incident's severity in words, for pages.
func (i Incident) SeverityText() string { return SeverityLabel(i.Severity) }

// KindText is the exercise's kind in words, for pages.
func (e Exercise) KindText() string { return ExerciseKindLabel(e.Kind) }
