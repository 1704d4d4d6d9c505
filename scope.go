package attest

import (
	"regexp"
	"strings"
	"time"
)

// Scope is what an organization's SOC 2 report covers: the categories beyond
// Security, and the system described to the auditor.
type Scope struct {
	OrgID          int64
	Categories     []string // chosen optional categories; required ones are implied
	SystemName     string
	SystemSummary  string
	Services       string
	Infrastructure string
	Locations      string
	UpdatedAt      time.Time
}

// SubserviceOrg is a vendor whose controls the system relies on (for example the
// cloud provider), reported by the carve-out or the inclusive method.
type SubserviceOrg struct {
	ID       int64
	OrgID    int64
	Name     string
	Service  string
	Method   string // carve-out or inclusive
	Controls string // what the organization relies on them for
	// VendorID is its record in the vendor register (0 when not linked);
	// VendorName is filled by lists.
	VendorID   int64
	VendorName string
}

// CUEC is a complementary user entity control: something customers must do for
// the system's controls to work (for example, manage their own users' access).
type CUEC struct {
	ID          int64
	OrgID       int64
	Description string
	Criteria    []string
}

var refRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$`)

// ValidateSubservice checks a subservice organization.
func ValidateSubservice(s *SubserviceOrg) error {
	s.Name, s.Service = strings.TrimSpace(s.Name), strings.TrimSpace(s.Service)
	switch {
	case s.Name == "":
		return Invalid("name", "is required")
	case s.Service == "":
		return Invalid("service", "is required: say what they provide")
	case s.Method != "carve-out" && s.Method != "inclusive":
		return Invalid("method", "must be carve-out or inclusive (got %q)", s.Method)
	}
	return nil
}

// Exclusion takes one requirement of a framework out of an organization's
// scope, with the reason an auditor will read: an ISO 27001 Annex A control
// excluded in the Statement of Applicability. Requirements without one are
// applicable.
type Exclusion struct {
	OrgID         int64
	Framework     string
	Requirement   string
	Justification string
	ExcludedBy    int64
	ExcludedAt    time.Time
}

// ValidateExclusion checks an exclusion's justification, which is required.
func ValidateExclusion(e *Exclusion) error {
	e.Justification = strings.TrimSpace(e.Justification)
	switch {
	case e.Justification == "":
		return Invalid("justification", "is required to exclude a control: say why it does not apply, for the auditor")
	case len(e.Justification) > 2000:
		return Invalid("justification", "must be at most 2,000 characters")
	}
	return nil
}
