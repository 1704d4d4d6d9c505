package attest

import (
	"slices"
	"strings"
	"time"
)

// Control is an organization's own control: adopted from the library (LibraryID
// set, Ref equal to it) or written by the organization.
type Control struct {
	ID            int64
	OrgID         int64
	Ref           string // the organization's ID for it, unique in the organization
	LibraryID     string // "" for custom controls
	Name          string
	Family        string
	Description   string
	Type          string // preventive, detective, corrective
	Frequency     string // continuous … annual, per-event
	Evidence      []string
	OwnerID       int64 // 0: unowned
	OwnerName     string
	Status        string // not_started, in_progress, implemented, not_applicable
	Justification string // required when not applicable
	RetiredAt     time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Mappings      []Mapping
}

// Mapping ties a control to a requirement of a framework. Type says how
// strongly (read from the control's side); Rationale says why, for library
// mappings from the crosswalk.
type Mapping struct {
	Framework   string // "soc2", "iso27001" or an imported framework's key
	Requirement string
	Source      string // library or organization
	Type        string // equivalent, subset, superset or related
	Rationale   string
}

// Mapping types, the same words as the catalog's crosswalk. A related mapping
// shares a topic without meeting the requirement: it is shown, never counted.
const (
	MappingEquivalent = "equivalent"
	MappingSubset     = "subset"
	MappingSuperset   = "superset"
	MappingRelated    = "related"
)

var mappingTypes = []string{MappingEquivalent, MappingSubset, MappingSuperset, MappingRelated}

// MappingTypes lists the mapping types, strongest first.
func MappingTypes() []string { return slices.Clone(mappingTypes) }

// ValidMappingType checks a mapping type; field names the form or API field.
func ValidMappingType(field, t string) error {
	if !slices.Contains(mappingTypes, t) {
		return Invalid(field, "must be one of %s (got %q)", strings.Join(mappingTypes, ", "), t)
	}
	return nil
}

// Counts reports whether the mapping lets its control count toward the
// requirement's readiness: every type but related.
func (m Mapping) Counts() bool { return m.Type != MappingRelated }

// Mapping sources.
const (
	SourceLibrary      = "library"
	SourceOrganization = "organization"
)

// Control implementation statuses.
const (
	StatusNotStarted    = "not_started"
	StatusInProgress    = "in_progress"
	StatusImplemented   = "implemented"
	StatusNotApplicable = "not_applicable"
)

var (
	controlStatuses    = []string{StatusNotStarted, StatusInProgress, StatusImplemented, StatusNotApplicable}
	controlTypes       = []string{"preventive", "detective", "corrective"}
	controlFrequencies = []string{"continuous", "daily", "weekly", "monthly", "quarterly", "annual", "per-event"}
)

// ControlStatuses, ControlTypes and ControlFrequencies list the allowed values.
func ControlStatuses() []string    { return slices.Clone(controlStatuses) }
func ControlTypes() []string       { return slices.Clone(controlTypes) }
func ControlFrequencies() []string { return slices.Clone(controlFrequencies) }

// StatusLabel is a status's display name.
func StatusLabel(s string) string {
	return map[string]string{StatusNotStarted: "Not started", StatusInProgress: "In progress",
		StatusImplemented: "Implemented", StatusNotApplicable: "Not applicable"}[s]
}

// Retired reports whether the control no longer counts.
func (c Control) Retired() bool { return !c.RetiredAt.IsZero() }

// ValidateControl checks a control's fields.
func ValidateControl(c *Control) error {
	c.Ref = strings.TrimSpace(c.Ref)
	c.Name = strings.TrimSpace(c.Name)
	c.Justification = strings.TrimSpace(c.Justification)
	switch {
	case !refRE.MatchString(c.Ref):
		return Invalid("ref", "use 1–20 letters, digits, dots or hyphens, e.g. CUS-1 (got %q)", c.Ref)
	case c.Name == "":
		return Invalid("name", "is required")
	case len(c.Name) > 200:
		return Invalid("name", "must be at most 200 characters")
	case len(c.Description) > 10000:
		return Invalid("description", "must be at most 10,000 characters")
	case !slices.Contains(controlTypes, c.Type):
		return Invalid("type", "must be one of %s (got %q)", strings.Join(controlTypes, ", "), c.Type)
	case !slices.Contains(controlFrequencies, c.Frequency):
		return Invalid("frequency", "must be one of %s (got %q)", strings.Join(controlFrequencies, ", "), c.Frequency)
	case !slices.Contains(controlStatuses, c.Status):
		return Invalid("status", "must be one of %s (got %q)", strings.Join(controlStatuses, ", "), c.Status)
	case c.Status == StatusNotApplicable && c.Justification == "":
		return Invalid("justification", "is required when a control is not applicable: say why, for the auditor")
	}
	return nil
}

// CompareRefs orders control refs naturally: AC-2 before AC-10.
func CompareRefs(a, b string) int {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// AdoptedFrom returns the IDs of the controls, not retired, adopted from
// one of the library controls named: where evidence a register stores (a
// certificate, a vendor's report, a checklist's proof) belongs.
func AdoptedFrom(controls []Control, libraryIDs ...string) []int64 {
	var ids []int64
	for _, c := range controls {
		if slices.Contains(libraryIDs, c.LibraryID) && !c.Retired() {
			ids = append(ids, c.ID)
		}
	}
	return ids
}
