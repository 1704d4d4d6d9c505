package doc

import (
	"fmt"
	"io"
	"strings"
)

// Markdown writes the set as one Markdown document: per policy its facts,
// its text, its version history and its approval block.
func Markdown(w io.Writer, s Set) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- %s policies, exported by Attest on %s -->\n\n", s.Org, s.Generated.UTC().Format("2006-01-02 15:04 UTC"))
	for i, d := range s.Docs {
		if i > 0 {
			b.WriteString("\n\n---\n\n")
		}
		p, v := d.Policy, d.Version
		fmt.Fprintf(&b, "| | |\n|---|---|\n")
		for _, row := range [][2]string{
			{"Policy", p.Title + " (" + p.Key + ")"}, {"Version", v.Label + ", " + d.Status()}, {"Owner", orDash(p.OwnerName)},
			{"Must accept", p.Audience.String()}, {"Review by", orDash(v.ReviewBy)}, {"SHA-256", "`" + orDash(v.Hash) + "`"},
		} {
			fmt.Fprintf(&b, "| %s | %s |\n", row[0], cell(row[1]))
		}
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(d.Text(), "\n"))
		b.WriteString("\n\n## Version history\n\n| Version | State | Change | Author | Approved | Published | SHA-256 |\n|---|---|---|---|---|---|---|\n")
		for _, h := range d.History {
			note := kind(h)
			if h.ChangeNote != "" {
				note += ": " + h.ChangeNote
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | `%s` |\n", h.Label, cell(h.State), cell(note), cell(orDash(h.AuthorName)),
				day(h.ApprovedAt), day(h.PublishedAt), shortHash(h.Hash))
		}
		fmt.Fprintf(&b, "\n## Approval of version %s\n\n", v.Label)
		if len(v.Approvers) == 0 {
			b.WriteString("No approvers were named.\n")
		} else {
			fmt.Fprintf(&b, "%d of %d named approvers had to approve.\n\n", v.Quorum, len(v.Approvers))
			for _, a := range v.Approvers {
				fmt.Fprintf(&b, "- %s: %s\n", cell(a.Name), cell(Approval(a)))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell keeps a value on one table row: no line breaks, no column bars.
func cell(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ", "|", "\\|").Replace(s)
}
