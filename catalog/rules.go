package catalog

import (
	"strings"

	"github.com/attest-hq/attest"
)

// The checks every door applies when a record names a requirement: defined
// here once, so a custom control's criteria, a CUEC, a task's criterion, a
// mapping and the criterion pages agree.

// Criterion checks that id is one of the framework's requirements, as a field
// that links a record to a criterion; field names the form or API field in
// the error ("CC9.9" is not a SOC 2 criterion).
func (f *Framework) Criterion(field, id string) error {
	if _, ok := f.Requirement(id); !ok {
		return attest.Invalid(field, "%q is not a %s criterion", id, f.Name)
	}
	return nil
}

// MappingTarget checks that a control can map to requirement id of the
// framework; field names the form or API field in the error.
func (f *Framework) MappingTarget(field, id string) error {
	r, ok := f.Requirement(id)
	if !ok {
		return attest.Invalid(field, "%q is not a requirement of %s", id, f.Name)
	}
	if r.Withdrawn {
		if len(r.MovedTo) > 0 {
			return attest.Invalid(field, "%q of %s is withdrawn; map to %s instead", id, f.Name, strings.Join(r.MovedTo, ", "))
		}
		return attest.Invalid(field, "%q of %s is withdrawn", id, f.Name)
	}
	return nil
}

// RequirementInScope reports whether requirement id counts toward readiness
// with the chosen categories: it exists, is assessable (not a heading), and
// its category is required or chosen. It agrees with InScope.
func (f *Framework) RequirementInScope(chosen []string, id string) bool {
	r, ok := f.Requirement(id)
	if !ok || !r.Assessable {
		return false
	}
	if len(f.Categories) == 0 {
		return true
	}
	c, ok := f.Category(r.Category)
	if !ok {
		return false
	}
	if c.Required {
		return true
	}
	for _, ch := range chosen {
		if ch == c.ID {
			return true
		}
	}
	return false
}
