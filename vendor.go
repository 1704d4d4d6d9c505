package attest

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// Vendor is a third party the organization relies on or shares data with:
// a record of the vendor register (CC9.2, and P6.4 for processors of
// personal data), with its criticality, the data it receives, its contract
// and who answers for it. Its reviews say whether it is still fit to trust.
type Vendor struct {
	ID          int64    `json:"id"`
	OrgID       int64    `json:"-"`
	Name        string   `json:"name"`
	Website     string   `json:"website"`
	Criticality string   `json:"criticality"` // low, medium, high, critical
	DataShared  []string `json:"data_shared"` // VendorData categories
	Services    string   `json:"services"`    // what the organization uses it for
	Location    string   `json:"location"`    // where it processes data, if recorded
	// ContractStart and ContractEnd are calendar days (YYYY-MM-DD), "" when
	// not recorded.
	ContractStart string `json:"contract_start"`
	ContractEnd   string `json:"contract_end"`
	OwnerID       int64  `json:"owner_id,omitempty"`
	OwnerName     string `json:"owner_name,omitempty"`
	// ReviewMonths is how often the vendor is reviewed (12 by default).
	ReviewMonths int       `json:"review_months"`
	Status       string    `json:"status"` // active, onboarding, offboarded
	Notes        string    `json:"notes"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	// Filled by lists: the day its newest completed review was approved
	// ("" for none), and that review's opinion.
	LastReviewed string `json:"last_reviewed,omitempty"`
	LastOpinion  string `json:"last_opinion,omitempty"`
}

// Vendor criticality, from least to most.
const (
	CriticalityLow      = "low"
	CriticalityMedium   = "medium"
	CriticalityHigh     = "high"
	CriticalityCritical = "critical"
)

// VendorCriticalities are the criticality levels, from least to most.
var VendorCriticalities = []string{CriticalityLow, CriticalityMedium, CriticalityHigh, CriticalityCritical}

// Vendor statuses: a vendor being onboarded, in use, or no longer used.
const (
	VendorOnboarding = "onboarding"
	VendorActive     = "active"
	VendorOffboarded = "offboarded"
)

// VendorStatuses are the statuses a vendor may have.
var VendorStatuses = []string{VendorOnboarding, VendorActive, VendorOffboarded}

// VendorData are the categories of data a vendor may receive.
var VendorData = []string{"customer-data", "personal-data", "credentials", "payment-data", "source-code", "employee-data", "company-confidential"}

// DataLabel is a data category in words.
func DataLabel(d string) string { return strings.ReplaceAll(d, "-", " ") }

// DefaultVendorReviewMonths is the review cadence of a vendor that names none.
const DefaultVendorReviewMonths = 12

// VendorFirstReviewDays is how long after a vendor is recorded its first
// review falls due.
const VendorFirstReviewDays = 30

// VendorContractNoticeDays is how near a contract's end must be to count as
// ending soon.
const VendorContractNoticeDays = 60

// ValidateVendor checks and tidies a vendor; errors name the field.
func ValidateVendor(v *Vendor) error {
	v.Name, v.Website, v.Services = strings.TrimSpace(v.Name), strings.TrimSpace(v.Website), strings.TrimSpace(v.Services)
	v.Location, v.Notes = strings.TrimSpace(v.Location), strings.TrimSpace(v.Notes)
	v.Criticality, v.Status = strings.ToLower(strings.TrimSpace(v.Criticality)), strings.ToLower(strings.TrimSpace(v.Status))
	if v.Status == "" {
		v.Status = VendorActive
	}
	if v.ReviewMonths == 0 {
		v.ReviewMonths = DefaultVendorReviewMonths
	}
	var data []string
	for _, d := range v.DataShared {
		d = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(d)), " ", "-")
		if d == "" || slices.Contains(data, d) {
			continue
		}
		if !slices.Contains(VendorData, d) {
			return Invalid("data_shared", "%q is not a data category; use %s", d, strings.Join(VendorData, ", "))
		}
		data = append(data, d)
	}
	v.DataShared = data
	switch {
	case v.Name == "":
		return Invalid("name", "is required")
	case len(v.Name) > 200:
		return Invalid("name", "is at most 200 characters")
	case strings.ContainsAny(v.Name, "\r\n"):
		return Invalid("name", "is one line")
	case !slices.Contains(VendorCriticalities, v.Criticality):
		return Invalid("criticality", "must be low, medium, high or critical (got %q)", v.Criticality)
	case !slices.Contains(VendorStatuses, v.Status):
		return Invalid("status", "must be onboarding, active or offboarded (got %q)", v.Status)
	case v.ReviewMonths < 1 || v.ReviewMonths > 36:
		return Invalid("review_months", "must be between 1 and 36 months (got %d)", v.ReviewMonths)
	case len(v.Services) > 2000 || len(v.Notes) > 5000 || len(v.Location) > 200:
		return Invalid("services", "is too long")
	}
	if v.Website != "" {
		u, err := url.Parse(v.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Invalid("website", "must be an http or https address (got %q)", v.Website)
		}
	}
	if err := validDay("contract_start", v.ContractStart, false); err != nil {
		return err
	}
	if err := validDay("contract_end", v.ContractEnd, false); err != nil {
		return err
	}
	if v.ContractStart != "" && v.ContractEnd != "" && v.ContractEnd < v.ContractStart {
		return Invalid("contract_end", "must not be before the contract start (%s)", v.ContractStart)
	}
	return nil
}

// AddMonths returns the calendar day months after day (YYYY-MM-DD), the last
// day of the month when the month is shorter; "" for an unreadable day.
func AddMonths(day string, months int) string {
	t, err := time.Parse(DateLayout, day)
	if err != nil {
		return ""
	}
	out := t.AddDate(0, months, 0)
	if out.Day() != t.Day() { // 31 January + 1 month: the last day of February
		out = out.AddDate(0, 0, -out.Day())
	}
	return out.Format(DateLayout)
}

// NextReviewDue is the day the vendor's next review is due: its cadence
// after its newest completed review, or VendorFirstReviewDays after it was
// recorded when it has none. An offboarded vendor is never due ("").
func (v Vendor) NextReviewDue() string {
	if v.Status == VendorOffboarded {
		return ""
	}
	if v.LastReviewed != "" {
		return AddMonths(v.LastReviewed, max(v.ReviewMonths, 1))
	}
	if v.CreatedAt.IsZero() {
		return ""
	}
	return v.CreatedAt.UTC().AddDate(0, 0, VendorFirstReviewDays).Format(DateLayout)
}

// ReviewOverdueOn reports whether the vendor's review is overdue on today
// (YYYY-MM-DD): due before that day. A review due today is not yet overdue.
func (v Vendor) ReviewOverdueOn(today string) bool {
	due := v.NextReviewDue()
	return due != "" && due < today
}

// ReviewCurrentOn reports whether the vendor has a completed review within
// its cadence on today.
func (v Vendor) ReviewCurrentOn(today string) bool {
	return v.LastReviewed != "" && !v.ReviewOverdueOn(today)
}

// ContractEndingSoon reports whether the contract ends within
// VendorContractNoticeDays of today (and has not ended yet).
func (v Vendor) ContractEndingSoon(today string) bool {
	if v.ContractEnd == "" || v.ContractEnd < today || v.Status == VendorOffboarded {
		return false
	}
	t, err := time.Parse(DateLayout, today)
	if err != nil {
		return false
	}
	return v.ContractEnd <= t.AddDate(0, 0, VendorContractNoticeDays).Format(DateLayout)
}

// Critical reports whether the vendor is high or critical: such a vendor
// needs a current review.
func (v Vendor) Critical() bool {
	return v.Criticality == CriticalityHigh || v.Criticality == CriticalityCritical
}

// Subprocessor reports whether the vendor processes customer or personal
// data for the organization: it belongs on the subprocessor list.
func (v Vendor) Subprocessor() bool {
	return v.Status != VendorOffboarded && (slices.Contains(v.DataShared, "customer-data") || slices.Contains(v.DataShared, "personal-data"))
}

// PersonalData reports whether the vendor receives personal data.
func (v Vendor) PersonalData() bool { return slices.Contains(v.DataShared, "personal-data") }

// VendorReview is one review of a vendor: its assurance report (a SOC 2
// report uploaded as evidence), what the report says, the answers to the
// organization's security questionnaire, and the conclusion a reviewer
// approved. A completed review is a ledger record and never changes.
type VendorReview struct {
	ID       int64  `json:"id"`
	UID      string `json:"uid"` // "vr_" and 20 hex digits, its ledger record's id
	OrgID    int64  `json:"-"`
	VendorID int64  `json:"vendor_id"`
	State    string `json:"state"` // draft, completed
	// The report: evidence of the organization (0 for none), its type and
	// period (YYYY-MM-DD), the auditor's opinion and the exceptions noted.
	ReportID    int64  `json:"report_id,omitempty"`
	ReportUID   string `json:"report_uid,omitempty"`
	ReportType  string `json:"report_type"` // type1, type2, none
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	Opinion     string `json:"opinion"`
	Exceptions  string `json:"exceptions"`
	// Response is what the organization does about a qualified, adverse or
	// disclaimed opinion, or the exceptions.
	Response     string            `json:"response"`
	Answers      map[string]string `json:"answers"` // VendorQuestions key → answer
	Conclusion   string            `json:"conclusion"`
	ReviewerID   int64             `json:"reviewer_id,omitempty"`
	ReviewerName string            `json:"reviewer_name,omitempty"`
	CompletedOn  string            `json:"completed_on,omitempty"` // YYYY-MM-DD
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// Review states.
const (
	ReviewDraft     = "draft"
	ReviewCompleted = "completed"
)

// Report types.
const (
	ReportType1 = "type1"
	ReportType2 = "type2"
	ReportNone  = "none"
)

// Opinions an auditor gives on a report.
var VendorOpinions = []string{"unqualified", "qualified", "adverse", "disclaimer"}

// ReportTypeLabel is a report type in words.
func ReportTypeLabel(t string) string {
	switch t {
	case ReportType1:
		return "SOC 2 Type 1"
	case ReportType2:
		return "SOC 2 Type 2"
	}
	return "no report"
}

// VendorQuestion is one question of the organization's security
// questionnaire; Key names its answer.
type VendorQuestion struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// VendorQuestions is the short security questionnaire a vendor review
// answers, in our own words.
var VendorQuestions = []VendorQuestion{
	{"mfa", "Does the vendor require multi-factor sign-in for its staff who can reach our data?"},
	{"encryption", "Is our data encrypted in transit and at rest, and who holds the keys?"},
	{"breach_notice", "How soon, and how, does the vendor tell us about a breach affecting our data?"},
	{"subprocessors", "Which subprocessors does the vendor pass our data to, and does it tell us of changes?"},
	{"deletion", "How is our data returned or deleted when the contract ends?"},
	{"continuity", "Does the vendor test backups and recovery, and what outage would we see?"},
}

// NeedsResponse reports whether the review's opinion (qualified, adverse or
// a disclaimer) calls for a recorded response that it does not have.
func (r VendorReview) NeedsResponse() bool {
	return r.Opinion != "" && r.Opinion != "unqualified" && strings.TrimSpace(r.Response) == ""
}

// ValidateVendorReview checks and tidies a review's report details and
// answers; errors name the field. A review with a report needs its type,
// period and opinion; its period must not end before it starts.
func ValidateVendorReview(r *VendorReview) error {
	r.Exceptions, r.Response, r.Conclusion = strings.TrimSpace(r.Exceptions), strings.TrimSpace(r.Response), strings.TrimSpace(r.Conclusion)
	r.ReportType, r.Opinion = strings.ToLower(strings.TrimSpace(r.ReportType)), strings.ToLower(strings.TrimSpace(r.Opinion))
	r.ReportType = strings.NewReplacer(" ", "", "-", "", "_", "").Replace(r.ReportType)
	if r.ReportType == "" {
		r.ReportType = ReportNone
	}
	answers := map[string]string{}
	for k, a := range r.Answers {
		known := false
		for _, q := range VendorQuestions {
			known = known || q.Key == k
		}
		if !known {
			return Invalid("answers", "%q is not a question of the questionnaire", k)
		}
		if a = strings.TrimSpace(a); a != "" {
			if len(a) > 2000 {
				return Invalid("answer_"+k, "is at most 2000 characters")
			}
			answers[k] = a
		}
	}
	r.Answers = answers
	if len(r.Exceptions) > 5000 || len(r.Response) > 5000 || len(r.Conclusion) > 5000 {
		return Invalid("exceptions", "is too long")
	}
	switch r.ReportType {
	case ReportNone:
		if r.PeriodStart != "" || r.PeriodEnd != "" || r.Opinion != "" {
			return Invalid("report_type", "must be type1 or type2 for a report with a period or an opinion")
		}
		return nil
	case ReportType1, ReportType2:
	default:
		return Invalid("report_type", "must be type1, type2 or none (got %q)", r.ReportType)
	}
	if err := validDay("period_start", r.PeriodStart, true); err != nil {
		return err
	}
	if err := validDay("period_end", r.PeriodEnd, true); err != nil {
		return err
	}
	if r.PeriodEnd < r.PeriodStart {
		return Invalid("period_end", "must not be before the period start (%s)", r.PeriodStart)
	}
	if !slices.Contains(VendorOpinions, r.Opinion) {
		return Invalid("opinion", "must be unqualified, qualified, adverse or disclaimer (got %q)", r.Opinion)
	}
	return nil
}

// VendorCUEC is a complementary user entity control a vendor's report asks
// of the organization: a checklist item with an owner, an optional due day
// and whether it is done.
type VendorCUEC struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"-"`
	VendorID    int64  `json:"vendor_id"`
	ReviewID    int64  `json:"review_id"`
	Description string `json:"description"`
	OwnerID     int64  `json:"owner_id,omitempty"`
	OwnerName   string `json:"owner_name,omitempty"`
	DueOn       string `json:"due_on"`
	Done        bool   `json:"done"`
	DoneOn      string `json:"done_on,omitempty"`
}

// OverdueOn reports whether the item is open and due before today.
func (c VendorCUEC) OverdueOn(today string) bool { return !c.Done && c.DueOn != "" && c.DueOn < today }

// ValidateVendorCUEC checks a checklist item; errors name the field.
func ValidateVendorCUEC(c *VendorCUEC) error {
	c.Description = strings.TrimSpace(c.Description)
	switch {
	case c.Description == "":
		return Invalid("description", "is required")
	case len(c.Description) > 1000:
		return Invalid("description", "is at most 1000 characters")
	}
	return validDay("due_on", c.DueOn, false)
}
