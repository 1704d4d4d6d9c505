package catalog

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// soc2IDs are the 61 Trust Services Criteria identifiers (facts, not AICPA text).
func soc2IDs() []string {
	var ids []string
	series := []struct {
		prefix string
		n      int
	}{{"CC1.", 5}, {"CC2.", 3}, {"CC3.", 4}, {"CC4.", 2}, {"CC5.", 3}, {"CC6.", 8}, {"CC7.", 5}, {"CC8.", 1}, {"CC9.", 2},
		{"A1.", 3}, {"C1.", 2}, {"PI1.", 5}, {"P1.", 1}, {"P2.", 1}, {"P3.", 2}, {"P4.", 3}, {"P5.", 2}, {"P6.", 7}, {"P7.", 1}, {"P8.", 1}}
	for _, s := range series {
		for i := 1; i <= s.n; i++ {
			ids = append(ids, fmt.Sprintf("%s%d", s.prefix, i))
		}
	}
	return ids
}

func TestSOC2Catalog(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fw := c.SOC2()
	want := soc2IDs()
	if len(fw.Requirements) != 61 || len(want) != 61 {
		t.Fatalf("%d requirements, want 61", len(fw.Requirements))
	}
	for i, r := range fw.Requirements {
		if r.ID != want[i] {
			t.Errorf("requirement %d is %s, want %s", i, r.ID, want[i])
		}
		if len(strings.Fields(r.Explanation)) < 25 {
			t.Errorf("%s: explanation too thin: %q", r.ID, r.Explanation)
		}
		if strings.HasPrefix(r.ID, "CC") && r.ID < "CC6" && r.COSOPrinciple == 0 {
			t.Errorf("%s: COSO principle missing", r.ID)
		}
	}
	counts := map[string]int{}
	for _, r := range fw.Requirements {
		counts[r.Category]++
	}
	for cat, n := range map[string]int{"security": 33, "availability": 3, "processing-integrity": 5, "confidentiality": 2, "privacy": 18} {
		if counts[cat] != n {
			t.Errorf("category %s has %d criteria, want %d", cat, counts[cat], n)
		}
	}
	if sec, ok := fw.Category("security"); !ok || !sec.Required {
		t.Error("security must be a required category")
	}
	for _, cat := range fw.Categories {
		if cat.ID != "security" && cat.Required {
			t.Errorf("%s must be optional", cat.ID)
		}
		if cat.Hint == "" {
			t.Errorf("%s has no hint", cat.ID)
		}
	}
}

func TestControlLibraryCoversEveryCriterion(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Controls) < 80 {
		t.Fatalf("library has %d controls, want at least 80", len(c.Controls))
	}
	covered := map[string]int{}
	for _, lc := range c.Controls {
		for _, cr := range lc.Criteria {
			covered[cr]++
		}
		if len(lc.Evidence) == 0 || strings.TrimSpace(lc.Description) == "" || lc.OwnerRole == "" {
			t.Errorf("%s: description, owner role and expected evidence are required", lc.ID)
		}
		if !strings.HasPrefix(lc.ID, strings.SplitN(lc.ID, "-", 2)[0]+"-") {
			t.Errorf("%s: malformed id", lc.ID)
		}
	}
	for _, id := range soc2IDs() {
		if covered[id] == 0 {
			t.Errorf("no library control covers %s", id)
		}
	}
}

// TestLoadRejectsDefects proves the validation that guards the embedded files.
func TestLoadRejectsDefects(t *testing.T) {
	fw := `id: soc2
name: SOC 2
categories: [{id: security, name: Security, required: true}]
series: [{id: CC1, name: X, category: security}, {id: CC2, name: Y, category: nowhere}]
requirements:
  - {id: CC1.1, series: CC1, title: A}
  - {id: CC1.1, series: CC1, title: B}
  - {id: CC1.2, series: CC9, title: C}
  - {id: CC1.3, series: CC1, title: D, parent: CC0}
`
	lib := `controls:
  - {id: X-1, name: N, family: F, description: d, type: sometimes, frequency: hourly, owner_role: r, evidence: [e], criteria: [CC1.1, CC7.7]}
  - {id: X-1, name: N, family: F, description: d, type: preventive, frequency: daily, owner_role: r, evidence: [e], criteria: []}
`
	_, err := load(fstest.MapFS{"frameworks/soc2.yaml": {Data: []byte(fw)}, "controls/library.yaml": {Data: []byte(lib)}})
	if err == nil {
		t.Fatal("defective framework loaded")
	}
	for _, want := range []string{`requirement "CC1.1": duplicate id`, `series "CC2": category "nowhere" does not exist`,
		`requirement "CC1.2": series "CC9" does not exist`, `requirement "CC1.3": parent "CC0" does not exist`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	good := "id: soc2\nname: SOC 2\ncategories: [{id: security, name: Security}]\nseries: [{id: CC1, name: X, category: security}]\nrequirements: [{id: CC1.1, series: CC1, title: A}]\n"
	_, err = load(fstest.MapFS{"frameworks/soc2.yaml": {Data: []byte(good)}, "controls/library.yaml": {Data: []byte(lib)}})
	for _, want := range []string{"control X-1: duplicate id", `type "sometimes"`, `frequency "hourly"`, `criterion "CC7.7" does not exist`, "control X-1: maps to no criterion"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("library error lacks %q: %v", want, err)
		}
	}
	_, err = load(fstest.MapFS{"frameworks/soc2.yaml": {Data: []byte(good + "surprise: 1\n")}, "controls/library.yaml": {Data: []byte("controls: []\n")}})
	if err == nil || !strings.Contains(err.Error(), "surprise") {
		t.Errorf("unknown keys must be refused: %v", err)
	}
}

func TestInScope(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fw := c.SOC2()
	cats, reqs := fw.InScope(nil)
	if len(cats) != 1 || cats[0].ID != "security" || len(reqs) != 33 {
		t.Fatalf("security only: %d categories, %d requirements", len(cats), len(reqs))
	}
	cats, reqs = fw.InScope([]string{"availability", "confidentiality", "unknown"})
	if len(cats) != 3 || len(reqs) != 38 {
		t.Fatalf("with A and C: %d categories, %d requirements", len(cats), len(reqs))
	}
}

// TestLoadParsesOnce: every caller in a process shares one parsed catalog
// (a command, the server, each test opening the composition root).
func TestLoadParsesOnce(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatal("Load parsed the embedded catalog again")
	}
}
