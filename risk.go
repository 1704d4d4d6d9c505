package attest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The risk register (CC3.1–CC3.4, CC9.1): what could go wrong, how likely and
// how bad on the organization's scale, before and after treatment, who owns
// it and when it is looked at again. The annual risk assessment is a dated,
// approved snapshot of the register, kept in the ledger.

// Risk treatments.
const (
	TreatMitigate = "mitigate" // reduced by linked controls
	TreatAccept   = "accept"   // kept as it is, signed off by an approver until an expiry date
	TreatTransfer = "transfer" // passed on (insurance, a contract)
	TreatAvoid    = "avoid"    // the activity behind it is stopped
)

// Treatments are the treatments in the order forms list them.
var Treatments = []string{TreatMitigate, TreatAccept, TreatTransfer, TreatAvoid}

// Risk statuses: an open risk is in the register; a closed one no longer
// applies (kept for history); a retired one was removed.
const (
	RiskOpen    = "open"
	RiskClosed  = "closed"
	RiskRetired = "retired"
)

// RiskStatuses are the statuses a risk may be set to.
var RiskStatuses = []string{RiskOpen, RiskClosed, RiskRetired}

// Risk categories suggested by the library; an organization may use others.
var RiskCategories = []string{"access", "application", "availability", "compliance", "data", "fraud", "infrastructure",
	"operational", "people", "physical", "privacy", "vendor"}

// Rating bands.
const (
	BandLow      = "low"
	BandMedium   = "medium"
	BandHigh     = "high"
	BandCritical = "critical"
)

// Bands are the rating bands from lowest to highest.
var Bands = []string{BandLow, BandMedium, BandHigh, BandCritical}

// RiskScale is an organization's likelihood × impact scale and the score at
// which each band starts. Zero fields take the defaults (DefaultRiskScale).
type RiskScale struct {
	Likelihood int `json:"likelihood"` // levels 1..Likelihood
	Impact     int `json:"impact"`     // levels 1..Impact
	Medium     int `json:"medium"`     // lowest medium score
	High       int `json:"high"`       // lowest high score
	Critical   int `json:"critical"`   // lowest critical score
}

// DefaultRiskScale is 5 × 5 with bands low 1–4, medium 5–9, high 10–19,
// critical 20–25.
var DefaultRiskScale = RiskScale{Likelihood: 5, Impact: 5, Medium: 5, High: 10, Critical: 20}

// Effective fills zero fields: a 5 × 5 scale, and thresholds at a fifth,
// two fifths and four fifths of the highest score.
func (s RiskScale) Effective() RiskScale {
	if s.Likelihood == 0 {
		s.Likelihood = DefaultRiskScale.Likelihood
	}
	if s.Impact == 0 {
		s.Impact = DefaultRiskScale.Impact
	}
	top := s.Likelihood * s.Impact
	if s.Medium == 0 {
		s.Medium = max(2, (top+4)/5)
	}
	if s.High == 0 {
		s.High = max(s.Medium+1, (2*top+4)/5)
	}
	if s.Critical == 0 {
		s.Critical = max(s.High+1, (4*top+4)/5)
	}
	return s
}

// Validate checks a scale: 2 to 10 levels each way, thresholds rising within
// the scores the scale can give.
func (s RiskScale) Validate() error {
	if s.Likelihood < 2 || s.Likelihood > 10 {
		return Invalid("likelihood", "the likelihood scale has 2 to 10 levels")
	}
	if s.Impact < 2 || s.Impact > 10 {
		return Invalid("impact", "the impact scale has 2 to 10 levels")
	}
	e := s.Effective()
	if !(1 < e.Medium && e.Medium < e.High && e.High < e.Critical && e.Critical <= e.Likelihood*e.Impact) {
		return Invalid("critical", "thresholds must rise (medium < high < critical) and stay within %d", e.Likelihood*e.Impact)
	}
	return nil
}

// Band is the rating band of a score.
func (s RiskScale) Band(score int) string {
	e := s.Effective()
	switch {
	case score >= e.Critical:
		return BandCritical
	case score >= e.High:
		return BandHigh
	case score >= e.Medium:
		return BandMedium
	}
	return BandLow
}

// CheckLevel checks that a likelihood or impact value is on the scale;
// field names the form, API or CSV field.
func (s RiskScale) CheckLevel(field string, v, top int) error {
	if v < 1 || v > top {
		return Invalid(field, "%d is outside the scale (1 to %d)", v, top)
	}
	return nil
}

// Risk is one entry of an organization's risk register.
type Risk struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"-"`
	Ref         string `json:"ref"` // … in the organization
	Title       string `json:"title"`
	Description string `json:"description"`
	Category    string `json:"category"`
	LibraryID   string `json:"library_id,omitempty"` // the library risk it was adopted from
	OwnerID     int64  `json:"owner_id,omitempty"`
	OwnerName   string `json:"owner_name,omitempty"`
	// Likelihood and Impact before treatment (inherent); ResidualLikelihood
	// and ResidualImpact after it.
	Likelihood         int    `json:"likelihood"`
	Impact             int    `json:"impact"`
	ResidualLikelihood int    `json:"residual_likelihood"`
	ResidualImpact     int    `json:"residual_impact"`
	Treatment          string `json:"treatment"`
	TreatmentNote      string `json:"treatment_note,omitempty"`
	// Controls are the refs of the organization's controls that mitigate it.
	Controls   []string `json:"controls"`
	ReviewDate string   `json:"review_date"` // YYYY-MM-DD
	Status     string   `json:"status"`
	// An accepted risk names its approver (not its owner) and an expiry; the
	// acceptance stands once the approver signed it off (AcceptApprovedAt).
	ApproverID       int64     `json:"approver_id,omitempty"`
	ApproverName     string    `json:"approver_name,omitempty"`
	AcceptExpires    string    `json:"accept_expires,omitempty"`
	AcceptApprovedAt time.Time `json:"accept_approved_at,omitzero"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Inherent is the score before treatment.
func (r Risk) Inherent() int { return Score(r.Likelihood, r.Impact) }

// Residual is the score after treatment.
func (r Risk) Residual() int { return Score(r.ResidualLikelihood, r.ResidualImpact) }

// Score is likelihood × impact.
func Score(likelihood, impact int) int { return likelihood * impact }

// ReviewDueOn reports whether an open risk's review falls on or before the
// day within days (due soon or overdue).
func (r Risk) ReviewDueOn(today string, days int) bool {
	if r.Status != RiskOpen || r.ReviewDate == "" {
		return false
	}
	return r.ReviewDate <= addDays(today, days)
}

// ReviewOverdueOn reports whether an open risk's review date has passed.
func (r Risk) ReviewOverdueOn(today string) bool {
	return r.Status == RiskOpen && r.ReviewDate != "" && r.ReviewDate < today
}

// AcceptancePending reports whether an accepted risk awaits its approver.
func (r Risk) AcceptancePending() bool {
	return r.Status == RiskOpen && r.Treatment == TreatAccept && r.AcceptApprovedAt.IsZero()
}

// AcceptanceExpiredOn reports whether an open accepted risk's acceptance ran
// out: its expiry has passed (the expiry day itself still counts).
func (r Risk) AcceptanceExpiredOn(today string) bool {
	return r.Status == RiskOpen && r.Treatment == TreatAccept && r.AcceptExpires != "" && r.AcceptExpires < today
}

func validDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

// ValidateRisk checks a risk against the organization's scale. An accepted
// risk needs an approver who is not its owner and an expiry date.
func ValidateRisk(r Risk, scale RiskScale) error {
	e := scale.Effective()
	switch {
	case strings.TrimSpace(r.Title) == "":
		return Invalid("title", "is required")
	case len(r.Title) > 200:
		return Invalid("title", "is at most 200 characters")
	case len(r.Description) > 5000:
		return Invalid("description", "is at most 5000 characters")
	case len(r.Category) > 60:
		return Invalid("category", "is at most 60 characters")
	case r.OwnerID == 0:
		return Invalid("owner", "is required: name the member who owns the risk")
	}
	for _, c := range []struct {
		field  string
		v, top int
	}{{"likelihood", r.Likelihood, e.Likelihood}, {"impact", r.Impact, e.Impact},
		{"residual_likelihood", r.ResidualLikelihood, e.Likelihood}, {"residual_impact", r.ResidualImpact, e.Impact}} {
		if err := e.CheckLevel(c.field, c.v, c.top); err != nil {
			return err
		}
	}
	if r.Residual() > r.Inherent() {
		return Invalid("residual_impact", "the residual score (%d) cannot exceed the inherent score (%d)", r.Residual(), r.Inherent())
	}
	if !slices.Contains(Treatments, r.Treatment) {
		return Invalid("treatment", "want one of %s", strings.Join(Treatments, ", "))
	}
	if !slices.Contains(RiskStatuses, r.Status) {
		return Invalid("status", "want one of %s", strings.Join(RiskStatuses, ", "))
	}
	if !validDate(r.ReviewDate) {
		return Invalid("review_date", "want a date (YYYY-MM-DD)")
	}
	if r.Treatment == TreatAccept {
		if err := ValidateAcceptance(r.OwnerID, r.ApproverID, r.AcceptExpires); err != nil {
			return err
		}
	}
	return nil
}

// ValidateAcceptance checks an acceptance: a named approver who is not the
// risk's owner, and an expiry date.
func ValidateAcceptance(ownerID, approverID int64, expires string) error {
	switch {
	case approverID == 0:
		return Invalid("approver", "is required: an accepted risk is signed off by an approver")
	case approverID == ownerID:
		return Invalid("approver", "must not be the risk's owner: someone else signs off an accepted risk")
	case !validDate(expires):
		return Invalid("accept_expires", "want the date the acceptance ends (YYYY-MM-DD)")
	}
	return nil
}

// RiskChanges describes what changed between two versions of a risk, for the
// activity log ("likelihood 3 → 4; owner Ada → Bob"); empty when nothing did.
func RiskChanges(old, new Risk) string {
	var out []string
	add := func(name, a, b string) {
		if a != b {
			if len(a) > 60 || len(b) > 60 {
				out = append(out, name+" changed")
				return
			}
			out = append(out, fmt.Sprintf("%s %q → %q", name, a, b))
		}
	}
	num := func(name string, a, b int) { add(name, strconv.Itoa(a), strconv.Itoa(b)) }
	add("title", old.Title, new.Title)
	add("description", old.Description, new.Description)
	add("category", old.Category, new.Category)
	add("owner", old.OwnerName, new.OwnerName)
	num("likelihood", old.Likelihood, new.Likelihood)
	num("impact", old.Impact, new.Impact)
	num("residual likelihood", old.ResidualLikelihood, new.ResidualLikelihood)
	num("residual impact", old.ResidualImpact, new.ResidualImpact)
	add("treatment", old.Treatment, new.Treatment)
	add("treatment note", old.TreatmentNote, new.TreatmentNote)
	add("controls", strings.Join(old.Controls, ", "), strings.Join(new.Controls, ", "))
	add("review date", old.ReviewDate, new.ReviewDate)
	add("status", old.Status, new.Status)
	add("approver", old.ApproverName, new.ApproverName)
	add("acceptance expiry", old.AcceptExpires, new.AcceptExpires)
	return strings.Join(out, "; ")
}

// Assessment states.
const (
	AssessmentSubmitted = "submitted"
	AssessmentApproved  = "approved"
)

// RiskAssessment is the annual risk assessment: the register as it stood on
// a day, submitted by one member and approved by another. Once approved it
// is a ledger record.
type RiskAssessment struct {
	ID            int64          `json:"id"`
	OrgID         int64          `json:"-"`
	UID           string         `json:"uid"` // ra_…, the ledger record's ID
	AsOf          string         `json:"as_of"`
	State         string         `json:"state"`
	Note          string         `json:"note,omitempty"`
	SubmittedBy   int64          `json:"submitted_by"`
	SubmittedName string         `json:"submitted_name,omitempty"`
	SubmittedAt   time.Time      `json:"submitted_at"`
	ApproverID    int64          `json:"approver_id"`
	ApproverName  string         `json:"approver_name,omitempty"`
	ApprovedAt    time.Time      `json:"approved_at,omitzero"`
	Scale         RiskScale      `json:"scale"`
	Risks         []AssessedRisk `json:"risks"`
}

// AssessedRisk is one risk as an assessment froze it.
type AssessedRisk struct {
	Ref                string   `json:"ref"`
	Title              string   `json:"title"`
	Category           string   `json:"category"`
	Owner              string   `json:"owner"`
	Likelihood         int      `json:"likelihood"`
	Impact             int      `json:"impact"`
	Inherent           int      `json:"inherent"`
	ResidualLikelihood int      `json:"residual_likelihood"`
	ResidualImpact     int      `json:"residual_impact"`
	Residual           int      `json:"residual"`
	Band               string   `json:"band"` // of the residual score
	Treatment          string   `json:"treatment"`
	Controls           []string `json:"controls"`
	ReviewDate         string   `json:"review_date"`
	AcceptExpires      string   `json:"accept_expires,omitempty"`
}

// Assess freezes the open risks of a register for an assessment.
func Assess(risks []Risk, scale RiskScale) []AssessedRisk {
	out := []AssessedRisk{}
	for _, r := range risks {
		if r.Status != RiskOpen {
			continue
		}
		ctl := r.Controls
		if ctl == nil {
			ctl = []string{}
		}
		out = append(out, AssessedRisk{Ref: r.Ref, Title: r.Title, Category: r.Category, Owner: r.OwnerName,
			Likelihood: r.Likelihood, Impact: r.Impact, Inherent: r.Inherent(), ResidualLikelihood: r.ResidualLikelihood,
			ResidualImpact: r.ResidualImpact, Residual: r.Residual(), Band: scale.Band(r.Residual()), Treatment: r.Treatment,
			Controls: ctl, ReviewDate: r.ReviewDate, AcceptExpires: r.AcceptExpires})
	}
	return out
}

// AssessmentCurrentOn reports whether an approved assessment is less than a
// year old on the day: approved on or after the same day a year earlier.
func (a RiskAssessment) AssessmentCurrentOn(today string) bool {
	if a.State != AssessmentApproved || a.ApprovedAt.IsZero() {
		return false
	}
	t, err := time.Parse(DateLayout, today)
	if err != nil {
		return false
	}
	return Today(a.ApprovedAt) >= t.AddDate(-1, 0, 0).Format(DateLayout)
}

// HeatCell is one cell of a likelihood × impact heat map.
type HeatCell struct {
	Likelihood, Impact, Count int
	Band                      string
}

// HeatMap counts open risks per cell, inherent or residual, rows from the
// highest likelihood down.
func HeatMap(risks []Risk, scale RiskScale, residual bool) [][]HeatCell {
	e := scale.Effective()
	grid := make([][]HeatCell, e.Likelihood)
	for i := range grid {
		l := e.Likelihood - i
		grid[i] = make([]HeatCell, e.Impact)
		for j := range grid[i] {
			grid[i][j] = HeatCell{Likelihood: l, Impact: j + 1, Band: e.Band(Score(l, j+1))}
		}
	}
	for _, r := range risks {
		if r.Status != RiskOpen {
			continue
		}
		l, im := r.Likelihood, r.Impact
		if residual {
			l, im = r.ResidualLikelihood, r.ResidualImpact
		}
		if l >= 1 && l <= e.Likelihood && im >= 1 && im <= e.Impact {
			grid[e.Likelihood-l][im-1].Count++
		}
	}
	return grid
}
