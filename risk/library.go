package risk

import (
	"fmt"
	"io/fs"
	"slices"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
)

// LibraryRisk is a common risk Attest ships, to adopt into a register.
type LibraryRisk struct {
	ID          string   `yaml:"id" json:"id"`
	Title       string   `yaml:"title" json:"title"`
	Category    string   `yaml:"category" json:"category"`
	Description string   `yaml:"description" json:"description"`
	Likelihood  int      `yaml:"likelihood" json:"likelihood"`
	Impact      int      `yaml:"impact" json:"impact"`
	Controls    []string `yaml:"controls" json:"controls"` // library control IDs that reduce it
}

// LoadLibrary reads the shipped library (catalog/risks) and checks each
// risk's fields on the default scale. It is read once per process (which may
// build the services more than once, as tests do) and shared; callers only
// read it, each getting its own slice.
func LoadLibrary() ([]LibraryRisk, error) {
	lib, err := shippedLibrary()
	return slices.Clone(lib), err
}

var shippedLibrary = sync.OnceValues(func() ([]LibraryRisk, error) { return loadLibrary(catalog.RiskFiles) })

func loadLibrary(fsys fs.FS) ([]LibraryRisk, error) {
	names, err := fs.Glob(fsys, "risks/*.yaml")
	if err != nil {
		return nil, err
	}
	var out []LibraryRisk
	seen := map[string]bool{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Risks []LibraryRisk `yaml:"risks"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, l := range doc.Risks {
			scale := attest.DefaultRiskScale
			switch {
			case l.ID == "" || seen[l.ID]:
				return nil, fmt.Errorf("%s: risk %q: an ID is required and unique", name, l.ID)
			case l.Title == "" || l.Description == "":
				return nil, fmt.Errorf("%s: %s: title and description are required", name, l.ID)
			case !slices.Contains(attest.RiskCategories, l.Category):
				return nil, fmt.Errorf("%s: %s: unknown category %q", name, l.ID, l.Category)
			case scale.CheckLevel("likelihood", l.Likelihood, scale.Likelihood) != nil || scale.CheckLevel("impact", l.Impact, scale.Impact) != nil:
				return nil, fmt.Errorf("%s: %s: likelihood and impact are 1 to 5", name, l.ID)
			case len(l.Controls) == 0:
				return nil, fmt.Errorf("%s: %s: name the controls that reduce it", name, l.ID)
			}
			seen[l.ID] = true
			out = append(out, l)
		}
	}
	return out, nil
}
