// Package doc turns policies into documents to hand to an auditor or to keep
// outside Attest: Markdown, a standalone HTML page, and PDF (cover, table of
// contents, each policy's text, version history and approval block), made in
// pure Go with no browser; and the acknowledgement report as CSV and PDF.
// It is pure: it formats what it is given and reads nothing.
package doc

import (
	"fmt"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

// Document is one policy as printed: the version shown (normally the
// published one) and the policy's whole history.
type Document struct {
	Policy  attest.Policy
	Version attest.PolicyVersion
	History []attest.PolicyVersion // every version, newest first
}

// Set is what an export holds: the organization, when it was made, and its
// documents (one policy, or the published set).
type Set struct {
	Org       string
	Generated time.Time
	Docs      []Document
}

// Text is the version's text as people read it: the filled, fixed content
// once submitted, the draft as written before that.
func (d Document) Text() string {
	if d.Version.Content != "" {
		return d.Version.Content
	}
	return d.Version.Body
}

// Status describes the printed version in a few words, so a draft printed
// for review is never mistaken for the approved text.
func (d Document) Status() string {
	v := d.Version
	switch v.State {
	case attest.VersionPublished:
		return "published " + day(v.PublishedAt)
	case attest.VersionApproved:
		return "approved " + day(v.ApprovedAt) + ", not published yet"
	case attest.VersionSuperseded:
		return "superseded"
	case attest.VersionRetired:
		return "retired"
	case attest.VersionInReview:
		return "in review: not approved yet"
	}
	return "draft: not approved"
}

// Approval words an approver's decision for the approval block.
func Approval(a attest.Approver) string {
	var b strings.Builder
	switch a.Decision {
	case attest.DecisionApprove:
		b.WriteString("approved")
	case attest.DecisionReject:
		b.WriteString("rejected")
	default:
		b.WriteString("no decision")
	}
	if a.At != nil {
		b.WriteString(" on " + a.At.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if a.Comment != "" {
		fmt.Fprintf(&b, ": %q", a.Comment)
	}
	if a.EvidenceUID != "" {
		b.WriteString(" (evidence " + a.EvidenceUID + ")")
	}
	return b.String()
}

func day(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return t.UTC().Format(time.DateOnly)
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	if h == "" {
		return "—"
	}
	return h
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func kind(v attest.PolicyVersion) string {
	if v.Material {
		return "material"
	}
	return "minor"
}

// FileName is a safe download name for an export: the organization and the
// policy key (or "policies"), letters, digits and hyphens only; ext ""
// leaves the extension to the caller.
func FileName(org, key, ext string) string {
	name := attest.PolicyKey(org)
	if key != "" {
		name += "-" + attest.PolicyKey(key)
	} else {
		name += "-policies"
	}
	name = strings.Trim(name, "-")
	if ext == "" {
		return name
	}
	return name + "." + ext
}
