package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// isoClauseIDs are the requirement-bearing clauses of ISO/IEC 27001:2022 and
// their sub-clauses, in order (numbers are facts, not ISO text).
var isoClauseIDs = []string{
	"4.1", "4.2", "4.3", "4.4",
	"5.1", "5.2", "5.3",
	"6.1", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3",
	"7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3",
	"8.1", "8.2", "8.3",
	"9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3",
	"10.1", "10.2",
}

// isoHeadings are the clauses whose content lies wholly in their sub-clauses.
var isoHeadings = []string{"6.1", "7.5", "9.2", "9.3"}

// isoAnnexA lists the 93 Annex A control IDs: 37, 8, 14 and 34 per theme.
func isoAnnexA() []string {
	var ids []string
	for _, th := range []struct{ theme, n int }{{5, 37}, {6, 8}, {7, 14}, {8, 34}} {
		for i := 1; i <= th.n; i++ {
			ids = append(ids, fmt.Sprintf("A.%d.%d", th.theme, i))
		}
	}
	return ids
}

func loadISO(t *testing.T) (*Catalog, *Framework) {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fw, ok := c.Framework("iso27001")
	if !ok {
		t.Fatal("the iso27001 framework is missing")
	}
	return c, fw
}

func TestISO27001Catalog(t *testing.T) {
	_, fw := loadISO(t)
	if fw.Name != "ISO 27001" || fw.Version != "2022" || !strings.Contains(fw.Title, "27001:2022") {
		t.Errorf("framework metadata: %q %q %q", fw.Name, fw.Version, fw.Title)
	}
	annex := isoAnnexA()
	if len(annex) != 93 {
		t.Fatalf("the expected list has %d Annex A controls", len(annex))
	}
	want := append(slices.Clone(isoClauseIDs), annex...)
	var got []string
	for _, r := range fw.Requirements {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("requirement IDs:\n got %v\nwant %v", got, want)
	}

	perCat := map[string]int{}
	for _, r := range fw.Requirements {
		perCat[r.Category]++
		if strings.TrimSpace(r.Title) == "" || strings.TrimSpace(r.Explanation) == "" {
			t.Errorf("%s: title and explanation are required", r.ID)
		}
		if n := len(strings.Fields(r.Explanation)); n < 8 || n > 80 {
			t.Errorf("%s: explanation has %d words, want a plain 1–3 sentences", r.ID, n)
		}
		heading := slices.Contains(isoHeadings, r.ID)
		if r.Assessable == heading {
			t.Errorf("%s: assessable = %v, want %v", r.ID, r.Assessable, !heading)
		}
		// Sub-clauses hang under their clause; everything else is top level.
		if parts := strings.Split(r.ID, "."); !strings.HasPrefix(r.ID, "A.") && len(parts) == 3 {
			if r.Parent != parts[0]+"."+parts[1] || r.Depth != 2 {
				t.Errorf("%s: parent %q depth %d", r.ID, r.Parent, r.Depth)
			}
		} else if r.Parent != "" || r.Depth != 1 {
			t.Errorf("%s: parent %q depth %d, want a top-level node", r.ID, r.Parent, r.Depth)
		}
	}
	for cat, n := range map[string]int{"management-system": 34, "organizational": 37, "people": 8, "physical": 14, "technological": 34} {
		if perCat[cat] != n {
			t.Errorf("category %s has %d requirements, want %d", cat, perCat[cat], n)
		}
	}
	if len(fw.Categories) != 5 {
		t.Errorf("%d categories, want 5", len(fw.Categories))
	}
	for _, cat := range fw.Categories {
		if !cat.Required || cat.Hint == "" {
			t.Errorf("category %s: required %v, hint %q; every ISO theme is required and explained", cat.ID, cat.Required, cat.Hint)
		}
	}
}

// Explanations are written for Attest, one per requirement: a copied or
// repeated explanation says nothing about the requirement it sits on.
func TestExplanationsAreDistinct(t *testing.T) {
	c, _ := loadISO(t)
	for _, fw := range c.Frameworks {
		seen := map[string]string{}
		titles := map[string]string{}
		for _, r := range fw.Requirements {
			e := strings.Join(strings.Fields(strings.ToLower(r.Explanation)), " ")
			if e == "" {
				t.Errorf("%s %s: no explanation", fw.ID, r.ID)
				continue
			}
			if other, dup := seen[e]; dup {
				t.Errorf("%s: %s repeats the explanation of %s", fw.ID, r.ID, other)
			}
			seen[e] = r.ID
			if other, dup := titles[strings.ToLower(r.Title)]; dup {
				t.Errorf("%s: %s repeats the title of %s", fw.ID, r.ID, other)
			}
			titles[strings.ToLower(r.Title)] = r.ID
		}
	}
}

// Headings are never in scope: readiness would otherwise demand a mapping to
// 6.1 on top of those to 6.1.1–6.1.3.
func TestISOHeadingsAreNotInScope(t *testing.T) {
	_, fw := loadISO(t)
	_, reqs := fw.InScope(nil)
	if len(reqs) != len(fw.Requirements)-len(isoHeadings) {
		t.Errorf("%d requirements in scope, want %d", len(reqs), len(fw.Requirements)-len(isoHeadings))
	}
	for _, r := range reqs {
		if slices.Contains(isoHeadings, r.ID) {
			t.Errorf("heading %s is in scope", r.ID)
		}
	}
	for _, id := range isoHeadings {
		if fw.RequirementInScope(nil, id) {
			t.Errorf("RequirementInScope(%s) = true for a heading", id)
		}
	}
	if !fw.RequirementInScope(nil, "6.1.2") || !fw.RequirementInScope(nil, "A.8.34") {
		t.Error("assessable ISO requirements must be in scope")
	}
}
