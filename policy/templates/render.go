package templates

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Render fills the template's placeholders and returns Markdown. A variable
// missing from values takes its default. A key of values the template does not
// declare is an error, as is a value spanning lines: a value is a piece of
// text, never Markdown structure, so its Markdown punctuation is escaped.
func (t Template) Render(values map[string]string) (string, error) {
	var errs []string
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := t.Variable(k); !ok {
			errs = append(errs, fmt.Sprintf("unknown variable %q: %s declares %s", k, t.ID, t.variableNames()))
		} else if strings.ContainsAny(values[k], "\r\n") {
			errs = append(errs, fmt.Sprintf("variable %q: a value is one line", k))
		}
	}
	filled := map[string]string{}
	for _, v := range t.Variables {
		val, ok := values[v.Name]
		if !ok {
			val = v.Default
		}
		if strings.TrimSpace(val) == "" {
			errs = append(errs, fmt.Sprintf("variable %q (first used on line %d) has no value", v.Name, t.firstUse(v.Name)))
		}
		filled[v.Name] = escapeMarkdown(val)
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("%s: %s", t.ID, strings.Join(errs, "; "))
	}
	// One pass: a value that itself looks like {{name}} stays as written.
	return placeholderRE.ReplaceAllStringFunc(t.Body, func(m string) string {
		return filled[m[2:len(m)-2]]
	}), nil
}

func (t Template) variableNames() string {
	var names []string
	for _, v := range t.Variables {
		names = append(names, v.Name)
	}
	return strings.Join(names, ", ")
}

// firstUse is the file line on which a variable first appears.
func (t Template) firstUse(name string) int {
	for i, l := range strings.Split(t.Body, "\n") {
		if strings.Contains(l, "{{"+name+"}}") {
			return t.bodyLine + i
		}
	}
	return t.bodyLine
}

// markdownPunct are the characters that could turn a value into Markdown or
// HTML structure (emphasis, links, raw HTML, entities, tables, headings).
const markdownPunct = "\\`*_[]<>#|~!&{}"

func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(markdownPunct, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var (
	md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
	// policy allows the structure of a document and links, nothing else: no
	// script, no styles, no images (a remote image would tell its server who
	// read the policy and when), no classes or ids.
	policy = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote",
			"pre", "code", "em", "strong", "del", "table", "thead", "tbody", "tr", "th", "td")
		p.AllowAttrs("href").OnElements("a")
		p.AllowURLSchemes("https", "http", "mailto")
		p.RequireParseableURLs(true)
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
		return p
	}()
)

// HTML turns Markdown into sanitized HTML. Raw HTML in the Markdown is never
// passed through: goldmark omits it and the sanitizer removes anything else
// outside the allowed document structure.
func HTML(markdown string) (string, error) {
	var buf bytes.Buffer
	if err := md.Convert([]byte(markdown), &buf); err != nil {
		return "", err
	}
	return policy.Sanitize(buf.String()), nil
}

// Fill replaces the placeholders of an organization's own policy text with
// values. Unlike a shipped template, the text declares nothing: every
// placeholder must have a value, and one without (or anything else between
// double braces) is an error naming its line (counted from 1). Values are
// escaped as in Render: a value is text, never Markdown structure.
func Fill(body string, values map[string]string) (string, error) {
	var errs []string
	for i, l := range strings.Split(body, "\n") {
		for _, m := range placeholderRE.FindAllStringSubmatch(l, -1) {
			name := m[1]
			val, ok := values[name]
			switch {
			case !nameRE.MatchString(name):
				errs = append(errs, fmt.Sprintf("line %d: %q is not a placeholder: write {{name}} with a lower-case name", i+1, m[0]))
			case !ok:
				errs = append(errs, fmt.Sprintf("line %d: unknown variable %q: set it in the policy settings or remove it", i+1, name))
			case strings.TrimSpace(val) == "":
				errs = append(errs, fmt.Sprintf("line %d: variable %q has no value", i+1, name))
			case strings.ContainsAny(val, "\r\n"):
				errs = append(errs, fmt.Sprintf("line %d: variable %q: a value is one line", i+1, name))
			}
			if len(errs) >= 20 {
				break
			}
		}
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return placeholderRE.ReplaceAllStringFunc(body, func(m string) string {
		return escapeMarkdown(values[m[2:len(m)-2]])
	}), nil
}

// Defaults returns the default value of every shared variable and of the
// variables the given templates declare, for an organization that has set
// none yet. A variable declared by several templates with different defaults
// takes the first.
func Defaults(ts []Template) map[string]string {
	out := map[string]string{}
	for _, t := range ts {
		for _, v := range t.Variables {
			if _, ok := out[v.Name]; !ok {
				out[v.Name] = v.Default
			}
		}
	}
	return out
}
