package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// oscalDoc builds a small OSCAL catalog with one group holding the given
// controls (JSON values).
func oscalDoc(controls ...string) []byte {
	return []byte(`{"catalog": {"uuid": "0b6e3c44-7d2a-4f0e-9a51-3c2f6d8e1a11",
  "metadata": {"title": "T", "last-modified": "2025-01-31T12:00:00Z", "version": "1", "oscal-version": "1.2.1"},
  "groups": [{"id": "g", "title": "G", "controls": [` + strings.Join(controls, ",") + `]}]}}`)
}

// amplifier is a control whose parameters each offer n choices that all
// insert the next parameter, depth levels deep: its text grows as n^depth.
func amplifier(id string, n, depth int) string {
	var params []string
	for d := 0; d < depth; d++ {
		next := fmt.Sprintf("{{ insert: param, %s_p%d }}", id, d+1)
		if d == depth-1 {
			next = "end"
		}
		choices := make([]string, n)
		for i := range choices {
			choices[i] = next
		}
		b, _ := json.Marshal(choices)
		params = append(params, fmt.Sprintf(`{"id": "%s_p%d", "select": {"choice": %s}}`, id, d, b))
	}
	return fmt.Sprintf(`{"id": %q, "title": "Amplified", "params": [%s],
	  "parts": [{"id": "%s_smt", "name": "statement", "prose": "Do {{ insert: param, %s_p0 }}."}]}`,
		id, strings.Join(params, ","), id, id)
}

func TestOSCALParameterAmplifierRefused(t *testing.T) {
	// 20 choices four levels deep would make 20^4 × "end; " = 800 KB of
	// text from a document of under 2 KB.
	old := maxRequirementText
	maxRequirementText = 4 << 10
	t.Cleanup(func() { maxRequirementText = old })
	doc := oscalDoc(`{"id": "ok-1", "title": "Fine", "parts": [{"id": "ok-1_smt", "name": "statement", "prose": "Plain."}]}`, amplifier("amp-1", 20, 4))
	ie := mustFail(t, "amp.json", doc, OSCAL, []wantProblem{
		{"amp-1 (/catalog/groups/0/controls/1)", "parts", "inserting parameter amp-1_p0 makes the control's text longer than 4096 bytes"},
	})
	if ie.Count != 1 {
		t.Errorf("Count = %d, want 1", ie.Count)
	}
}

func TestOSCALParameterTextPerImportBounded(t *testing.T) {
	// Each control stays within its own bound, but together they pass what
	// the import may store: the control at which the total passes is named.
	oldR, oldI := maxRequirementText, maxImportText
	maxRequirementText, maxImportText = 1<<20, 6<<10
	t.Cleanup(func() { maxRequirementText, maxImportText = oldR, oldI })
	var controls []string
	for i := range 10 {
		controls = append(controls, amplifier(fmt.Sprintf("c-%d", i), 6, 3)) // ~1 KB each
	}
	_, _, err := Parse("many.json", oscalDoc(controls...))
	var ie *Error
	if !errors.As(err, &ie) || len(ie.Problems) != 1 {
		t.Fatalf("err = %v, want one problem", err)
	}
	p := ie.Problems[0]
	if !strings.HasPrefix(p.Node, "c-") || !strings.Contains(p.Message, "parameter c-") || p.Node == "c-0 (/catalog/groups/0/controls/0)" {
		t.Errorf("problem = %v; want a later control and its parameter named", p)
	}
	// Within the bounds the same parameters import as before.
	maxImportText = 64 << 20
	fw := mustParse(t, "many.json", oscalDoc(controls...), OSCAL)
	if r, _ := find(fw, "c-0"); !strings.HasPrefix(r.Explanation, "Do [Selection: [Selection: [Selection: end; end") {
		t.Errorf("c-0 text = %.80q", r.Explanation)
	}
}

func TestCISOAssistantAliasesBounded(t *testing.T) {
	// One 20 KB string named by alias in 100 nodes' description and
	// annotation: a file of 24 KB that would store 4 MB.
	long := strings.Repeat("x", 20<<10)
	var sb strings.Builder
	fmt.Fprintf(&sb, "    - {urn: 'urn:t:n:0', ref_id: R0, name: N, description: &big %s}\n", long)
	for i := 1; i < 100; i++ {
		fmt.Fprintf(&sb, "    - {urn: 'urn:t:n:%d', ref_id: R%d, name: N, description: *big, annotation: *big}\n", i, i)
	}
	doc := cisoDoc(sb.String())
	// Relative bound: 4× the input plus the slack is reached at the fifth
	// or sixth node.
	_, _, err := Parse("alias.yaml", doc)
	var ie *Error
	if !errors.As(err, &ie) || len(ie.Problems) != 1 {
		t.Fatalf("err = %v, want one problem", err)
	}
	if p := ie.Problems[0]; !strings.HasPrefix(p.Node, "R") || p.Node == "R99 (urn:t:n:99)" || !strings.Contains(p.Message, "more than the") {
		t.Errorf("problem = %v", p)
	}
	// Absolute bound, whatever the ratio.
	oldI, oldR := maxImportText, maxTextRatio
	maxImportText, maxTextRatio = 100<<10, 1000
	t.Cleanup(func() { maxImportText, maxTextRatio = oldI, oldR })
	mustFail(t, "alias.yaml", doc, CISOAssistant, []wantProblem{
		{"R2 (urn:t:n:2)", "", "more than the 102400 bytes allowed"},
	})
	// Per requirement.
	maxImportText, maxRequirementText = 64<<20, 30<<10
	t.Cleanup(func() { maxRequirementText = 1 << 20 })
	mustFail(t, "alias.yaml", doc, CISOAssistant, []wantProblem{
		{"R1 (urn:t:n:1)", "", "one requirement may hold at most 30720"},
	})
}

func TestProblemCountExcludesSummaryLine(t *testing.T) {
	old := maxProblems
	maxProblems = 3
	t.Cleanup(func() { maxProblems = old })
	_, _, err := Parse("many.yaml", cisoDoc(strings.Repeat("    - {depth: 1, name: N}\n", 5)))
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	if len(ie.Problems) != 4 || ie.Count != 5 || ie.Problems[3].Message != "2 more problems not listed" {
		t.Errorf("Count %d, problems %v", ie.Count, ie.Problems)
	}
	if !strings.Contains(ie.Error(), ": 5 problems:") {
		t.Errorf("Error() = %q", ie.Error())
	}
}

func TestInvalidUTF8Offset(t *testing.T) {
	doc := append(cisoDoc("    - {urn: 'urn:t:n:1', ref_id: A}\n"), 0xff, '\n')
	at := len(doc) - 2
	mustFail(t, "bad.yaml", doc, "", []wantProblem{
		{"", "", fmt.Sprintf("byte offset %d (line 12)", at)},
	})
}

func TestYAMLMergeKeysRefused(t *testing.T) {
	doc := cisoDoc(`    - &base {urn: 'urn:t:n:1', ref_id: A, name: N}
    - <<: *base
      urn: 'urn:t:n:2'
      ref_id: B
`)
	mustFail(t, "merge.yaml", doc, CISOAssistant, []wantProblem{
		{"", "<<", "line 12: YAML merge keys are not supported"},
	})
}

func TestOSCALParameterAmplifierAtDefaultLimits(t *testing.T) {
	// The case at full scale: 100 choices, each inserting the next
	// parameter, four levels deep (10^8 insertions if expanded). Refused
	// once the text passes what a file of this size may store, long before
	// it is built (less what the group g, "G", stored before it).
	doc := oscalDoc(amplifier("amp-1", 100, 4))
	_, _, err := Parse("amp.json", doc)
	var ie *Error
	if !errors.As(err, &ie) || len(ie.Problems) != 1 || !strings.Contains(ie.Problems[0].Message, "inserting parameter amp-1_p0") ||
		!strings.Contains(ie.Problems[0].Message, fmt.Sprintf("longer than %d bytes", textBudget(len(doc))-len("gG"))) {
		t.Fatalf("err = %v", err)
	}
}
