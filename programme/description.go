package programme

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
)

// SystemDescription renders the scope as the start of the system description an
// auditor asks for, in Markdown. User text is escaped so that it reads as text
// wherever the Markdown is rendered.
func SystemDescription(orgName string, s attest.Scope, categories []catalog.Category, subs []attest.SubserviceOrg, cuecs []attest.CUEC, now time.Time) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	orNone := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "_Not described yet._"
		}
		return md(s)
	}
	p("# System description: %s\n\n", md(orgName))
	p("_Drafted with Attest on %s. This is the scope section of a SOC 2 system description; review and complete it before sharing._\n\n", now.UTC().Format("2 January 2006"))
	p("## System\n\n**%s**\n\n%s\n\n", orNone(s.SystemName), orNone(s.SystemSummary))
	p("## Trust Services Categories in scope\n\n")
	chosen := map[string]bool{}
	for _, c := range s.Categories {
		chosen[c] = true
	}
	for _, c := range categories {
		mark := "Out of scope"
		if c.Required || chosen[c.ID] {
			mark = "In scope"
		}
		p("- **%s**: %s\n", c.Name, mark)
	}
	p("\n## Services provided\n\n%s\n\n", orNone(s.Services))
	p("## Infrastructure\n\n%s\n\n", orNone(s.Infrastructure))
	p("## Locations\n\n%s\n\n", orNone(s.Locations))
	p("## Subservice organizations\n\n")
	if len(subs) == 0 {
		p("_None recorded._\n\n")
	} else {
		p("| Organization | Service | Method | Relied on for |\n|---|---|---|---|\n")
		for _, x := range subs {
			p("| %s | %s | %s | %s |\n", cell(x.Name), cell(x.Service), x.Method, cell(x.Controls))
		}
		p("\nUnder the carve-out method the subservice organization's controls are excluded from this report and its own SOC report is relied upon; under the inclusive method they are included.\n\n")
	}
	p("## Complementary user entity controls\n\n")
	if len(cuecs) == 0 {
		p("_None recorded._\n")
	} else {
		for _, c := range cuecs {
			crit := ""
			if len(c.Criteria) > 0 {
				crit = " (" + strings.Join(c.Criteria, ", ") + ")"
			}
			p("- %s%s\n", md(c.Description), crit)
		}
	}
	return b.String()
}

// md escapes characters that would turn user text into markup, including a
// line that would start a list or a quote.
func md(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "#", `\#`)
	lines := strings.Split(r.Replace(strings.TrimSpace(s)), "\n")
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		trimmed := strings.TrimLeft(l, " ")
		indent := strings.Repeat(" ", len(l)-len(trimmed))
		switch {
		case strings.HasPrefix(trimmed, "- ") || strings.HasPrefix(trimmed, "+ "):
			l = indent + `\` + trimmed
		case listNumber.MatchString(trimmed):
			// "1. text" becomes "1\. text": the escape goes before the marker.
			n := strings.IndexAny(trimmed, ".)")
			l = indent + trimmed[:n] + `\` + trimmed[n:]
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

var listNumber = regexp.MustCompile(`^\d+[.)] `)

// cell is md for a table cell: no pipes or line breaks.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ").Replace(md(s))
}
