// Package templates reads the policy templates Attest ships (catalog.PolicyFiles)
// and renders them: placeholders such as {{company_name}} are replaced by
// values, and the Markdown becomes sanitized HTML.
//
// Substitution is deliberately not text/template: a template is text that
// organizations will edit, so it must never execute anything. A placeholder
// is two braces around a lower-case name; anything else between double
// braces is an error naming its line.
package templates

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/policy/policyfile"
)

// Variable is a value a template needs: the company's name, the policy's
// owner, a retention period …
type Variable struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
	Default     string `yaml:"default" json:"default"`
}

// Template is one policy template: its front matter and its Markdown body.
type Template struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Version int    `json:"version"`
	// Category is the SOC 2 category that must be in scope for the template
	// to be offered (privacy, confidentiality); empty means always.
	Category  string     `json:"category,omitempty"`
	Controls  []string   `json:"controls"`
	Criteria  []string   `json:"criteria"`
	Variables []Variable `json:"variables"`
	Body      string     `json:"body"`

	file     string
	bodyLine int // line of the file on which the body starts
}

// Variable returns the template's variable with the given name.
func (t Template) Variable(name string) (Variable, bool) {
	for _, v := range t.Variables {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// frontMatter is the YAML head of a template file. A variable is either the
// name of a shared variable (variables.yaml) or a definition of its own.
type frontMatter struct {
	ID        string     `yaml:"id"`
	Title     string     `yaml:"title"`
	Summary   string     `yaml:"summary"`
	Version   int        `yaml:"version"`
	Category  string     `yaml:"category"`
	Controls  []string   `yaml:"controls"`
	Criteria  []string   `yaml:"criteria"`
	Variables []varEntry `yaml:"variables"`
}

type varEntry struct {
	Variable
	shared bool
}

func (v *varEntry) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		v.Name, v.shared = n.Value, true
		return nil
	}
	type plain Variable
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	v.Variable = Variable(p)
	return nil
}

var (
	nameRE        = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	placeholderRE = regexp.MustCompile(`\{\{(.*?)\}\}`)
)

// Load reads the shipped templates and checks each against the catalog: the
// controls and criteria it names exist, its criteria are ones its controls
// support, and its variables are exactly the placeholders it uses.
//
// Against the built-in catalog they are read once per process and shared (a
// process that builds the services more than once, as tests do with each
// install they open, reads them once; callers only read templates), each
// caller getting its own slice.
func Load(cat *catalog.Catalog) ([]Template, error) {
	if builtin, err := catalog.Load(); err == nil && cat == builtin {
		ts, err := shipped()
		return slices.Clone(ts), err
	}
	return LoadFS(catalog.PolicyFiles, "policies", cat)
}

var shipped = sync.OnceValues(func() ([]Template, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	return LoadFS(catalog.PolicyFiles, "policies", cat)
})

// LoadFS reads dir/*.md and dir/variables.yaml from fsys and checks them as
// Load does. The templates are sorted by ID.
func LoadFS(fsys fs.FS, dir string, cat *catalog.Catalog) ([]Template, error) {
	shared, err := loadShared(fsys, dir+"/variables.yaml")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, dir+"/*.md")
	if err != nil {
		return nil, err
	}
	var out []Template
	ids := map[string]string{}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := Parse(name, src, shared)
		if err != nil {
			return nil, err
		}
		if err := check(t, cat); err != nil {
			return nil, err
		}
		if prev, dup := ids[t.ID]; dup {
			return nil, fmt.Errorf("%s: id %q is also the id of %s", name, t.ID, prev)
		}
		ids[t.ID] = name
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func loadShared(fsys fs.FS, name string) (map[string]Variable, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Variables []Variable `yaml:"variables"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m := map[string]Variable{}
	for _, v := range doc.Variables {
		if !nameRE.MatchString(v.Name) || strings.TrimSpace(v.Description) == "" || v.Default == "" {
			return nil, fmt.Errorf("%s: variable %q needs a lower-case name, a description and a default", name, v.Name)
		}
		m[v.Name] = v
	}
	return m, nil
}

// Parse reads one template file: front matter between lines of "---", then
// the Markdown body. shared holds the variables a template may name without
// defining. Errors name the file and, where there is one, the line.
func Parse(file string, src []byte, shared map[string]Variable) (Template, error) {
	lines := policyfile.Lines(src)
	end, opened := policyfile.Split(lines)
	if !opened {
		return Template{}, fmt.Errorf("%s:1: a template starts with a line of three dashes (---) opening its front matter", file)
	}
	if end < 0 {
		return Template{}, fmt.Errorf("%s:1: the front matter is never closed by a line of three dashes (---)", file)
	}
	var fm frontMatter
	dec := yaml.NewDecoder(strings.NewReader(strings.Join(lines[1:end], "\n")))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil && err != io.EOF { // io.EOF: empty front matter, refused below for its fields
		line, msg := policyfile.FrontMatterError(err, lines, end)
		return Template{}, fmt.Errorf("%s:%d: front matter: %s", file, line, msg)
	}
	t := Template{ID: fm.ID, Title: fm.Title, Summary: strings.TrimSpace(fm.Summary), Version: fm.Version,
		Category: fm.Category, Controls: fm.Controls, Criteria: fm.Criteria,
		Body: strings.TrimLeft(strings.Join(lines[end+1:], "\n"), "\n"), file: file}
	t.bodyLine = end + 2
	for _, l := range lines[end+1:] {
		if l != "" {
			break
		}
		t.bodyLine++
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if !nameRE.MatchString(strings.ReplaceAll(t.ID, "-", "_")) {
		fail("id %q: want lower-case words joined by dashes", t.ID)
	}
	if strings.TrimSpace(t.Title) == "" || t.Summary == "" {
		fail("title and summary are required")
	}
	if t.Version < 1 {
		fail("version must be 1 or more")
	}
	declared := map[string]bool{}
	for _, e := range fm.Variables {
		v := e.Variable
		if s, ok := shared[e.Name]; ok {
			// A template may give a shared variable a default of its own
			// (the owner of the code of conduct is the People team).
			if v.Description == "" {
				v.Description = s.Description
			}
			if v.Default == "" {
				v.Default = s.Default
			}
		} else if e.shared {
			fail("variable %q is not a shared variable: define it here with a description and a default", e.Name)
			continue
		}
		if !nameRE.MatchString(v.Name) {
			fail("variable %q: a name is lower-case letters, digits and underscores", v.Name)
			continue
		}
		if strings.TrimSpace(v.Description) == "" || v.Default == "" {
			fail("variable %q needs a description and a default", v.Name)
		}
		if declared[v.Name] {
			fail("variable %q is declared twice", v.Name)
		}
		declared[v.Name] = true
		t.Variables = append(t.Variables, v)
	}
	used := map[string]bool{}
	for i, l := range strings.Split(t.Body, "\n") {
		for _, m := range placeholderRE.FindAllStringSubmatch(l, -1) {
			name := m[1]
			switch {
			case !nameRE.MatchString(name):
				fail("line %d: %q is not a placeholder: write {{name}} with a lower-case name", t.bodyLine+i, m[0])
			case !declared[name]:
				fail("line %d: variable %q is used but not declared in the front matter", t.bodyLine+i, name)
			default:
				used[name] = true
			}
		}
	}
	for _, v := range t.Variables {
		if !used[v.Name] {
			fail("variable %q is declared but the text never uses it", v.Name)
		}
	}
	if len(errs) > 0 {
		return Template{}, fmt.Errorf("%s: %s", file, strings.Join(errs, "; "))
	}
	return t, nil
}

// check holds a template to the catalog it will be adopted against.
func check(t Template, cat *catalog.Catalog) error {
	var errs []string
	supported := map[string]bool{}
	if len(t.Controls) == 0 {
		errs = append(errs, "maps to no control")
	}
	for _, id := range t.Controls {
		c, ok := cat.Control(id)
		if !ok {
			errs = append(errs, fmt.Sprintf("control %s is not in the control library", id))
			continue
		}
		for _, cr := range c.Criteria {
			supported[cr] = true
		}
	}
	if len(t.Criteria) == 0 {
		errs = append(errs, "maps to no criterion")
	}
	soc2 := cat.SOC2()
	for _, cr := range t.Criteria {
		if _, ok := soc2.Requirement(cr); !ok {
			errs = append(errs, fmt.Sprintf("criterion %s does not exist", cr))
		} else if !supported[cr] {
			errs = append(errs, fmt.Sprintf("criterion %s is supported by none of the template's controls", cr))
		}
	}
	if t.Category != "" {
		if c, ok := soc2.Category(t.Category); !ok || c.Required {
			errs = append(errs, fmt.Sprintf("category %q is not an optional SOC 2 category", t.Category))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s (%s): %s", t.file, t.ID, strings.Join(errs, "; "))
	}
	return nil
}

// Find returns the template with the given ID.
func Find(ts []Template, id string) (Template, bool) {
	i := slices.IndexFunc(ts, func(t Template) bool { return t.ID == id })
	if i < 0 {
		return Template{}, false
	}
	return ts[i], true
}
