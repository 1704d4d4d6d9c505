package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/policy/templates"
)

// loadTemplates reads the shipped policy templates, checked against the
// built-in catalog. No database: the templates are part of the binary.
func loadTemplates() ([]templates.Template, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	return templates.Load(cat)
}

// runPolicyTemplates lists the policy templates with what they map to.
func runPolicyTemplates(e *env, args []string) error {
	f := newFlags("policy templates", e)
	asJSON := f.fs.Bool("json", false, "print one JSON object per template, with its variables and body")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	ts, err := loadTemplates()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	for _, t := range ts {
		if *asJSON {
			if err := enc.Encode(t); err != nil {
				return err
			}
			continue
		}
		scope := ""
		if t.Category != "" {
			scope = " (when " + t.Category + " is in scope)"
		}
		fmt.Fprintf(e.stdout, "%-26s %s%s\n%26s controls %s; criteria %s\n", t.ID, t.Title, scope, "",
			strings.Join(t.Controls, ", "), strings.Join(t.Criteria, ", "))
	}
	if !*asJSON {
		fmt.Fprintf(e.stdout, "%d templates\n", len(ts))
	}
	return nil
}

// runPolicyRender prints one template filled with values, as Markdown or as
// sanitized HTML.
func runPolicyRender(e *env, args []string) error {
	f := newFlags("policy render", e)
	id := f.fs.String("template", "", "the template's ID (see attest policy templates)")
	set := settingFlags{}
	f.fs.Var(set, "set", "a variable as KEY=VALUE; repeat for each; the others take their defaults")
	format := f.fs.String("format", "markdown", "markdown or html (sanitized)")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *id == "" {
		return usagef("--template is required")
	}
	if *format != "markdown" && *format != "html" {
		return usagef("--format: want markdown or html, got %q", *format)
	}
	ts, err := loadTemplates()
	if err != nil {
		return err
	}
	t, ok := templates.Find(ts, *id)
	if !ok {
		return usagef("--template: no template %q (see attest policy templates)", *id)
	}
	out, err := t.Render(set)
	if err != nil {
		return usageError{err}
	}
	if *format == "html" {
		if out, err = templates.HTML(out); err != nil {
			return err
		}
	}
	_, err = fmt.Fprint(e.stdout, out)
	return err
}
