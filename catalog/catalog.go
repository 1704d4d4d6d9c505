// Package catalog holds what must be true: frameworks (SOC 2 today, imported
// ones beside it) with their categories and requirements, and Attest's default
// control library mapped to them. The built-in catalog ships as YAML embedded in
// the binary; Load parses and validates it.
package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/attest-hq/attest"
)

//go:embed frameworks/*.yaml controls/*.yaml crosswalks/*.yaml
var files embed.FS

// Category groups requirements that are brought into scope together (SOC 2's
// Trust Services Categories). Required categories are always in scope.
type Category struct {
	ID       string `yaml:"id"`
	Name     string `yaml:"name"`
	Required bool   `yaml:"required"`
	Hint     string `yaml:"hint"`
}

// Series is a numbered group of requirements (CC6, P4, …).
type Series struct {
	ID       string `yaml:"id"`
	Name     string `yaml:"name"`
	Category string `yaml:"category"`
}

// Requirement is one node of a framework: a SOC 2 criterion, or a node of an
// imported framework (which may be hierarchical and not assessable itself).
type Requirement struct {
	ID            string `yaml:"id" json:"id"`
	Series        string `yaml:"series" json:"series,omitempty"`
	Category      string `yaml:"-" json:"category,omitempty"` // filled from the series
	COSOPrinciple int    `yaml:"coso_principle" json:"coso_principle,omitempty"`
	Title         string `yaml:"title" json:"title"`
	Explanation   string `yaml:"explanation" json:"explanation,omitempty"`
	Parent        string `yaml:"parent" json:"parent,omitempty"`
	Depth         int    `yaml:"depth" json:"depth,omitempty"`
	Assessable    bool   `yaml:"-" json:"assessable"`
	// TitleDerived marks a title the importer made (from the description or
	// the URN) because the source gave none.
	TitleDerived bool `yaml:"-" json:"title_derived,omitempty"`
	// Withdrawn marks a requirement its publisher withdrew. It is kept so
	// that references to it still resolve, but it is never assessable;
	// MovedTo lists the requirements its content went to.
	Withdrawn bool     `yaml:"-" json:"withdrawn,omitempty"`
	MovedTo   []string `yaml:"-" json:"moved_to,omitempty"`
}

// Framework is a versioned catalog of requirements.
type Framework struct {
	ID           string        `yaml:"id"`
	Name         string        `yaml:"name"`
	Title        string        `yaml:"title"`
	Version      string        `yaml:"version"`
	Categories   []Category    `yaml:"categories"`
	Series       []Series      `yaml:"series"`
	Requirements []Requirement `yaml:"requirements"`

	byID map[string]int
}

// Requirement returns the requirement with the given ID. Built-in frameworks
// are indexed when loaded; others (imported ones) on first use.
func (f *Framework) Requirement(id string) (Requirement, bool) {
	if f.byID == nil {
		f.index()
	}
	i, ok := f.byID[id]
	if !ok {
		return Requirement{}, false
	}
	return f.Requirements[i], true
}

// Category returns the category with the given ID.
func (f *Framework) Category(id string) (Category, bool) {
	for _, c := range f.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// SeriesName returns the display name of a series.
func (f *Framework) SeriesName(id string) string {
	for _, s := range f.Series {
		if s.ID == id {
			return s.Name
		}
	}
	return id
}

// index builds the lookup table and derives each requirement's category.
func (f *Framework) index() {
	f.byID = make(map[string]int, len(f.Requirements))
	seriesCat := map[string]string{}
	for _, s := range f.Series {
		seriesCat[s.ID] = s.Category
	}
	for i := range f.Requirements {
		r := &f.Requirements[i]
		if r.Category == "" {
			r.Category = seriesCat[r.Series]
		}
		f.byID[r.ID] = i
	}
}

// Control types and frequencies.
const (
	Preventive = "preventive"
	Detective  = "detective"
	Corrective = "corrective"
)

// Frequencies, from most to least often. "per-event" controls run whenever their
// trigger happens (a hire, a change, an incident).
var Frequencies = []string{"continuous", "daily", "weekly", "monthly", "quarterly", "annual", "per-event"}

// Types lists the control types.
var Types = []string{Preventive, Detective, Corrective}

// LibraryControl is a control of Attest's default library, which organizations
// adopt and then own.
type LibraryControl struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Family      string   `yaml:"family"`
	Description string   `yaml:"description"`
	Type        string   `yaml:"type"`
	Frequency   string   `yaml:"frequency"`
	OwnerRole   string   `yaml:"owner_role"`
	Automatable bool     `yaml:"automatable"`
	Evidence    []string `yaml:"evidence"`
	Criteria    []string `yaml:"criteria"`
}

// Catalog is the built-in content: frameworks, the control library and the
// crosswalk from the library to frameworks other than SOC 2.
type Catalog struct {
	Frameworks []*Framework
	Controls   []LibraryControl
	Crosswalk  []CrosswalkMapping
}

// Framework returns a built-in framework by ID.
func (c *Catalog) Framework(id string) (*Framework, bool) {
	for _, f := range c.Frameworks {
		if f.ID == id {
			return f, true
		}
	}
	return nil, false
}

// SOC2 returns the SOC 2 framework, which is always present.
func (c *Catalog) SOC2() *Framework {
	f, _ := c.Framework("soc2")
	return f
}

// Control returns a library control by ID.
func (c *Catalog) Control(id string) (LibraryControl, bool) {
	for _, lc := range c.Controls {
		if lc.ID == id {
			return lc, true
		}
	}
	return LibraryControl{}, false
}

// Load returns the embedded catalog, parsed and validated the first time a
// process asks. Every caller shares it, so it is read-only: nothing outside
// this package changes a built-in framework or control once loaded (imported
// frameworks are built apart, by catalog/importer). A CLI command, a server
// and every test opening the composition root would otherwise parse the same
// YAML again (a tenth of the CLI tests' time under the race detector).
func Load() (*Catalog, error) { return loadEmbedded() }

var loadEmbedded = sync.OnceValues(func() (*Catalog, error) { return load(files) })

func load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{}
	fwFiles, err := fs.Glob(fsys, "frameworks/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(fwFiles)
	for _, name := range fwFiles {
		var f Framework
		if err := decodeFile(fsys, name, &f); err != nil {
			return nil, err
		}
		markAssessable(&f)
		f.index()
		if err := ValidateFramework(&f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		c.Frameworks = append(c.Frameworks, &f)
	}
	ctlFiles, err := fs.Glob(fsys, "controls/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(ctlFiles)
	for _, name := range ctlFiles {
		var lib struct {
			Controls []LibraryControl `yaml:"controls"`
		}
		if err := decodeFile(fsys, name, &lib); err != nil {
			return nil, err
		}
		c.Controls = append(c.Controls, lib.Controls...)
	}
	if c.SOC2() == nil {
		return nil, fmt.Errorf("catalog: the soc2 framework is missing")
	}
	if err := c.validateLibrary(); err != nil {
		return nil, err
	}
	if err := c.loadCrosswalks(fsys); err != nil {
		return nil, err
	}
	// Load shares the catalog: without spare capacity, an append to one of
	// its lists anywhere else copies it rather than writing into it.
	c.Frameworks, c.Controls, c.Crosswalk = slices.Clip(c.Frameworks), slices.Clip(c.Controls), slices.Clip(c.Crosswalk)
	for _, f := range c.Frameworks {
		f.Categories, f.Series, f.Requirements = slices.Clip(f.Categories), slices.Clip(f.Series), slices.Clip(f.Requirements)
	}
	return c, nil
}

// markAssessable makes every built-in requirement assessable except a heading:
// one that other requirements name as their parent. ISO 27001's 6.1, 7.5, 9.2
// and 9.3 carry no requirement of their own beyond their sub-clauses, so
// assessing them too would demand a mapping that adds nothing.
func markAssessable(f *Framework) {
	parents := map[string]bool{}
	for _, r := range f.Requirements {
		if r.Parent != "" {
			parents[r.Parent] = true
		}
	}
	for i := range f.Requirements {
		f.Requirements[i].Assessable = !parents[f.Requirements[i].ID]
	}
}

func decodeFile(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// ValidateFramework checks a framework's internal consistency: unique IDs,
// series and categories that resolve, parents that exist.
func ValidateFramework(f *Framework) error {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if f.ID == "" || f.Name == "" {
		fail("framework id and name are required")
	}
	cats := map[string]bool{}
	for _, c := range f.Categories {
		if cats[c.ID] {
			fail("category %q: duplicate id", c.ID)
		}
		cats[c.ID] = true
	}
	series := map[string]bool{}
	for _, s := range f.Series {
		if series[s.ID] {
			fail("series %q: duplicate id", s.ID)
		}
		series[s.ID] = true
		if !cats[s.Category] {
			fail("series %q: category %q does not exist", s.ID, s.Category)
		}
	}
	ids := map[string]bool{}
	for _, r := range f.Requirements {
		if r.ID == "" {
			fail("a requirement has no id")
			continue
		}
		if ids[r.ID] {
			fail("requirement %q: duplicate id", r.ID)
		}
		ids[r.ID] = true
		if r.Series != "" && !series[r.Series] {
			fail("requirement %q: series %q does not exist", r.ID, r.Series)
		}
		if strings.TrimSpace(r.Title) == "" {
			fail("requirement %q: title is required", r.ID)
		}
	}
	for _, r := range f.Requirements {
		if r.Parent != "" && !ids[r.Parent] {
			fail("requirement %q: parent %q does not exist", r.ID, r.Parent)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

func (c *Catalog) validateLibrary() error {
	soc2 := c.SOC2()
	var errs []string
	ids, names := map[string]bool{}, map[string]bool{}
	for _, lc := range c.Controls {
		if ids[lc.ID] {
			errs = append(errs, fmt.Sprintf("control %s: duplicate id", lc.ID))
		}
		ids[lc.ID] = true
		if names[lc.Name] {
			errs = append(errs, fmt.Sprintf("control %s: duplicate name %q", lc.ID, lc.Name))
		}
		names[lc.Name] = true
		if !slices.Contains(Types, lc.Type) {
			errs = append(errs, fmt.Sprintf("control %s: type %q is not one of %v", lc.ID, lc.Type, Types))
		}
		if !slices.Contains(Frequencies, lc.Frequency) {
			errs = append(errs, fmt.Sprintf("control %s: frequency %q is not one of %v", lc.ID, lc.Frequency, Frequencies))
		}
		if len(lc.Criteria) == 0 {
			errs = append(errs, fmt.Sprintf("control %s: maps to no criterion", lc.ID))
		}
		for _, cr := range lc.Criteria {
			if _, ok := soc2.Requirement(cr); !ok {
				errs = append(errs, fmt.Sprintf("control %s: criterion %q does not exist", lc.ID, cr))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("control library: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Adopt turns a library control into the organization's own copy, keeping the
// library ID as its ref and the library's mappings: its SOC 2 criteria (as
// equivalent) and the crosswalk mappings given, typically
// Catalog.CrosswalkOf(lc.ID), with their type and rationale.
func (lc LibraryControl) Adopt(orgID int64, crosswalk ...CrosswalkMapping) attest.Control {
	c := attest.Control{OrgID: orgID, Ref: lc.ID, LibraryID: lc.ID, Name: lc.Name, Family: lc.Family,
		Description: strings.TrimSpace(lc.Description), Type: lc.Type, Frequency: lc.Frequency,
		Evidence: slices.Clone(lc.Evidence), Status: attest.StatusNotStarted}
	for _, cr := range lc.Criteria {
		c.Mappings = append(c.Mappings, attest.Mapping{Framework: "soc2", Requirement: cr, Source: attest.SourceLibrary, Type: attest.MappingEquivalent})
	}
	for _, m := range crosswalk {
		if m.Control == lc.ID {
			c.Mappings = append(c.Mappings, m.Mapping())
		}
	}
	return c
}

// InScope returns a framework's categories in scope (the required ones and
// those chosen) and their assessable requirements, in catalog order. Headings
// are left out: readiness would otherwise count them as gaps.
func (f *Framework) InScope(chosen []string) ([]Category, []Requirement) {
	pick := map[string]bool{}
	for _, c := range chosen {
		pick[c] = true
	}
	var cats []Category
	in := map[string]bool{}
	for _, c := range f.Categories {
		if c.Required || pick[c.ID] {
			cats = append(cats, c)
			in[c.ID] = true
		}
	}
	var reqs []Requirement
	for _, r := range f.Requirements {
		if r.Assessable && (in[r.Category] || len(f.Categories) == 0) {
			reqs = append(reqs, r)
		}
	}
	return cats, reqs
}
