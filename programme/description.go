package programme

import (
	"regexp"
	"strings"
)

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
