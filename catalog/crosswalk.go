package catalog

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
)

// Relations between a library control and a requirement of another
// framework, read from the control's side.
const (
	// RelEquivalent: the control meets the requirement as written.
	RelEquivalent = "equivalent"
	// RelSubset: the control meets part of the requirement; other controls
	// must meet the rest.
	RelSubset = "subset"
	// RelSuperset: the control meets the requirement and does more.
	RelSuperset = "superset"
	// RelRelated: same topic, not enough on its own. It never counts.
	RelRelated = "related"
)

// Relations lists the crosswalk relation types, strongest first.
var Relations = []string{RelEquivalent, RelSubset, RelSuperset, RelRelated}

// Counts reports whether a mapping of this relation lets the control count
// toward the requirement in readiness: every valid relation but related.
func Counts(rel string) bool {
	return rel != RelRelated && slices.Contains(Relations, rel)
}

// CrosswalkMapping ties a library control to a requirement of a framework
// other than SOC 2 (whose mappings are the controls' own criteria), with the
// strength of the tie and why.
type CrosswalkMapping struct {
	Control     string `yaml:"control" json:"control"`
	Framework   string `yaml:"framework,omitempty" json:"framework"`
	Requirement string `yaml:"requirement" json:"requirement"`
	Type        string `yaml:"type" json:"type"`
	Rationale   string `yaml:"rationale" json:"rationale"`
}

// CrosswalkTo returns the mappings to a framework, in file order.
func (c *Catalog) CrosswalkTo(framework string) []CrosswalkMapping {
	return c.crosswalkWhere(func(m CrosswalkMapping) bool { return m.Framework == framework })
}

// CrosswalkOf returns the mappings of one library control, to every framework.
func (c *Catalog) CrosswalkOf(controlID string) []CrosswalkMapping {
	return c.crosswalkWhere(func(m CrosswalkMapping) bool { return m.Control == controlID })
}

// crosswalkWhere returns a fresh slice, so callers cannot alter the catalog.
func (c *Catalog) crosswalkWhere(keep func(CrosswalkMapping) bool) []CrosswalkMapping {
	var out []CrosswalkMapping
	for _, m := range c.Crosswalk {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

// loadCrosswalks reads every crosswalks/*.yaml file. Each names one framework
// at its top; a mapping takes that framework and may repeat it, not change it.
// Every defect of every file is collected before the error is returned.
func (c *Catalog) loadCrosswalks(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "crosswalks/*.yaml")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var errs []string
	seen := map[[3]string]bool{}
	for _, name := range names {
		var file struct {
			Framework string             `yaml:"framework"`
			Mappings  []CrosswalkMapping `yaml:"mappings"`
		}
		if err := decodeFile(fsys, name, &file); err != nil {
			return err
		}
		fw, ok := c.Framework(file.Framework)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: framework %q does not exist", name, file.Framework))
		}
		for i, m := range file.Mappings {
			fail := func(format string, args ...any) {
				errs = append(errs, fmt.Sprintf("%s: mapping %d (%s to %s): %s", name, i+1, m.Control, m.Requirement, fmt.Sprintf(format, args...)))
			}
			if m.Framework != "" && m.Framework != file.Framework {
				fail("framework %q differs from the file's %q", m.Framework, file.Framework)
			}
			m.Framework = file.Framework
			if _, ok := c.Control(m.Control); !ok {
				fail("control %q is not in the library", m.Control)
			}
			if fw != nil {
				if r, ok := fw.Requirement(m.Requirement); !ok {
					fail("requirement %q does not exist in %s", m.Requirement, fw.ID)
				} else if !r.Assessable {
					fail("requirement %q is a heading; map to the requirements under it", m.Requirement)
				}
			}
			if !slices.Contains(Relations, m.Type) {
				fail("type %q is not one of %v", m.Type, Relations)
			}
			if strings.TrimSpace(m.Rationale) == "" {
				fail("rationale is required")
			}
			key := [3]string{m.Framework, m.Control, m.Requirement}
			if seen[key] {
				fail("duplicate mapping of %s to %s", m.Control, m.Requirement)
			}
			seen[key] = true
			m.Rationale = strings.TrimSpace(m.Rationale)
			c.Crosswalk = append(c.Crosswalk, m)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("crosswalk: %s", strings.Join(errs, "; "))
	}
	return nil
}
