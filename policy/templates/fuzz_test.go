package templates

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest/policy/policyfile"
)

// lineRef finds the line numbers an error gives: after the file name, and
// where Parse or yaml name one ("; line 9: …", "at line 9"), but not a
// number in the file's own text that a message quotes.
var lineRef = regexp.MustCompile(`(?:^fuzz\.md:|(?:^fuzz\.md: |: |; )line |defined at line )(\d+)(?::|;|$)`)

// withinLines fails t if msg names a line outside a text of n lines.
func withinLines(t *testing.T, msg string, n int) {
	t.Helper()
	for _, m := range lineRef.FindAllStringSubmatch(msg, -1) {
		if l, _ := strconv.Atoi(m[1]); l < 1 || l > n {
			t.Fatalf("names line %d of a %d-line text: %s", l, n, msg)
		}
	}
}

// FuzzParse reads hostile template files (front matter and body). A refused
// file is an error naming the file and only lines inside it. A parsed one
// has a dashed lower-case ID, a title, a version of 1 or more, variables
// with distinct lower-case names, a description and a default, and a body
// that is the file's text from BodyLine on.
func FuzzParse(f *testing.F) {
	shared := map[string]Variable{"company_name": {Name: "company_name", Description: "The company's name.", Default: "Example Co."}}
	for _, s := range []string{
		"---\nid: access-control\ntitle: Access Control Policy\nsummary: Who may use which system.\nversion: 2\ncontrols: [AC-1]\ncriteria: [CC6.1]\nvariables:\n  - company_name\n  - {name: review_days, description: Days between access reviews., default: \"90\"}\n---\n\n# Access control\n\n{{company_name}} reviews access every {{review_days}} days.\n",
		"---\nid: x\ntitle: X\nsummary: S\nversion: 1\ncategory: privacy\n---\n{{ Bad }}\n", "---\nid: x\n", "# no front matter\n",
		"---\nvariables: [company_name, company_name]\n---\n{{company_name}}\n", "---\n\r\r\r0\n---",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := len(strings.Split(string(src), "\n"))
		tpl, err := Parse("fuzz.md", src, shared)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.md") {
				t.Fatalf("error does not name the file: %v", err)
			}
			withinLines(t, err.Error(), lines)
			return
		}
		if !nameRE.MatchString(strings.ReplaceAll(tpl.ID, "-", "_")) || strings.TrimSpace(tpl.Title) == "" || tpl.Version < 1 {
			t.Fatalf("parsed %q %q version %d", tpl.ID, tpl.Title, tpl.Version)
		}
		names := map[string]bool{}
		for _, v := range tpl.Variables {
			if !nameRE.MatchString(v.Name) || names[v.Name] || strings.TrimSpace(v.Description) == "" || v.Default == "" {
				t.Fatalf("variable %+v (others %v)", v, names)
			}
			names[v.Name] = true
		}
		if tpl.bodyLine < 3 || tpl.bodyLine > lines+1 {
			t.Fatalf("body on line %d of %d", tpl.bodyLine, lines)
		}
		if rest := strings.Join(policyfile.Lines(src)[tpl.bodyLine-1:], "\n"); tpl.Body != "" && tpl.Body != rest {
			t.Fatalf("body %q is not the text from line %d, %q", tpl.Body, tpl.bodyLine, rest)
		}
	})
}

// FuzzFill fills hostile policy text, which members write, with a hostile
// value, then renders it. A refusal names only lines of the text; filled
// text keeps no placeholder of the value and the value's Markdown
// punctuation is escaped; no tag of the HTML is a script, style, image,
// frame or form, or has an event handler or a javascript: link, whatever the
// text or the value.
func FuzzFill(f *testing.F) {
	f.Add("# {{company_name}} security policy\n\n{{company_name}} reviews access **quarterly**.\n", "Acme *Corp*")
	f.Add("<script>alert(1)</script>\n[x](javascript:alert(1))\n![i](https://t.example/p.png)\n{{company_name}}", "<img src=x onerror=alert(1)>")
	f.Add("{{Bad Name}} {{nobody}}\n{{company_name}}", " ")
	f.Add("| a | b |\n|---|---|\n| {{company_name}} | <iframe src=x> |\n", "{{company_name}}")
	tags := regexp.MustCompile(`<[^>]*>`) // text is escaped: every < left opens a tag
	bad := regexp.MustCompile(`(?i)<\s*(script|style|img|iframe|object|embed|svg|form|input)|\son[a-z]+\s*=|javascript:`)
	f.Fuzz(func(t *testing.T, body, value string) {
		values := map[string]string{"company_name": value}
		out, err := Fill(body, values)
		if err != nil {
			withinLines(t, err.Error(), len(strings.Split(body, "\n")))
			return
		}
		if strings.Contains(body, "{{company_name}}") && !strings.Contains(out, escapeMarkdown(value)) {
			t.Fatalf("filled %q with %q: %q", body, value, out)
		}
		html, err := HTML(out)
		if err != nil {
			t.Fatalf("HTML: %v", err)
		}
		for _, tag := range tags.FindAllString(html, -1) {
			if bad.MatchString(tag) {
				t.Fatalf("HTML keeps the tag %q: %s", tag, html)
			}
		}
		if bytes.Contains([]byte(html), []byte("\x00")) {
			t.Fatalf("HTML keeps a NUL byte: %q", html)
		}
	})
}
