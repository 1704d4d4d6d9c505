package attest

import (
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Evidence is an immutable observation that a control operated. It is never
// edited: a correction is a new piece of evidence that supersedes this one.
type Evidence struct {
	ID          int64
	OrgID       int64
	UID         string // public identifier, stable in exports
	Kind        string // file, link, attestation, system
	Title       string
	Source      string // a person, or the system and collector version
	URL         string // for links
	Filename    string
	MediaType   string
	SHA256      string // of the blob; a link's blob is its URL
	Size        int64
	CollectedAt time.Time
	PeriodStart time.Time // zero: the evidence covers a moment, not a period
	PeriodEnd   time.Time
	AddedBy     int64
	AddedByName string
	Notes       string
	Supersedes  int64 // the evidence this one corrects, 0 for none
	// SupersededBy is filled when reading: the evidence that corrects this one.
	SupersededBy int64
	Record       []byte // the canonical bytes its ledger entry commits to
	RecordHash   string
	CreatedAt    time.Time
	Controls     []ControlRef
	// Ledger position of the entry that committed this evidence.
	LedgerSeq int64
}

// ControlRef names a control an evidence item supports.
type ControlRef struct {
	ID  int64
	Ref string
}

// Evidence kinds.
const (
	KindFile        = "file"
	KindLink        = "link"
	KindAttestation = "attestation"
	KindSystem      = "system"
)

// Superseded reports whether a newer piece of evidence corrects this one.
func (e Evidence) Superseded() bool { return e.SupersededBy != 0 }

// ValidateEvidence checks an evidence item's fields before it is stored.
func ValidateEvidence(e *Evidence) error {
	e.Title = strings.TrimSpace(e.Title)
	e.Notes = strings.TrimSpace(e.Notes)
	switch {
	case e.Kind != KindFile && e.Kind != KindLink && e.Kind != KindAttestation && e.Kind != KindSystem:
		return Invalid("kind", "must be file, link, attestation or system (got %q)", e.Kind)
	case e.Title == "":
		return Invalid("title", "is required")
	case len(e.Title) > 300:
		return Invalid("title", "must be at most 300 characters")
	case len(e.Notes) > 10000:
		return Invalid("notes", "must be at most 10,000 characters")
	case e.CollectedAt.IsZero():
		return Invalid("collected_at", "is required")
	case e.PeriodStart.IsZero() != e.PeriodEnd.IsZero():
		return Invalid("period", "needs both a start and an end, or neither")
	case !e.PeriodStart.IsZero() && e.PeriodEnd.Before(e.PeriodStart):
		return Invalid("period", "ends before it starts")
	case len(e.SHA256) != 64:
		return Invalid("sha256", "is not a SHA-256 digest")
	}
	if e.Kind == KindLink {
		u, err := url.Parse(e.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Invalid("url", "must be an http or https address (got %q)", e.URL)
		}
	}
	if e.Kind == KindFile {
		if err := ValidateFilename(e.Filename); err != nil {
			return err
		}
	}
	return nil
}

// ValidateFilename refuses names that could be mistaken for paths or that hide
// their real form: separators, control and invisible format characters, and
// the special names "." and "..".
func ValidateFilename(name string) error {
	switch {
	case name == "":
		return Invalid("filename", "is required")
	case len(name) > 255:
		return Invalid("filename", "must be at most 255 bytes")
	case name == "." || name == "..":
		return Invalid("filename", "%q is not a file name", name)
	case strings.ContainsAny(name, `/\`):
		return Invalid("filename", "%q contains a path separator", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return Invalid("filename", "%q contains a control or invisible character", name)
		}
	}
	return nil
}
