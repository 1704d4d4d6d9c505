package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/attest-hq/attest/catalog"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustParse parses a document that must import cleanly, and checks that the
// result passes the catalog's own validation.
func mustParse(t *testing.T, name string, data []byte, want Format) *catalog.Framework {
	t.Helper()
	fw, f, err := Parse(name, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if f != want {
		t.Errorf("format = %q, want %q", f, want)
	}
	if err := catalog.ValidateFramework(fw); err != nil {
		t.Errorf("ValidateFramework: %v", err)
	}
	if len(fw.Categories) != 0 || len(fw.Series) != 0 {
		t.Errorf("imports carry no categories or series; got %v, %v", fw.Categories, fw.Series)
	}
	for _, r := range fw.Requirements {
		if r.Series != "" || r.Category != "" {
			t.Errorf("requirement %s: series %q, category %q; want none", r.ID, r.Series, r.Category)
		}
	}
	return fw
}

// wantProblem is an expected problem: exact node and field, and a fragment
// of the message.
type wantProblem struct {
	node, field, msg string
}

// mustFail parses a document that must be refused, and checks that nothing
// is returned and that exactly the expected problems are reported, in order.
func mustFail(t *testing.T, name string, data []byte, wantFormat Format, want []wantProblem) *Error {
	t.Helper()
	fw, f, err := Parse(name, data)
	if fw != nil {
		t.Errorf("Parse(%s) returned a framework with an error: all-or-nothing broken", name)
	}
	if f != wantFormat {
		t.Errorf("format = %q, want %q", f, wantFormat)
	}
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("Parse(%s) error = %v (%T), want *Error", name, err, err)
	}
	if ie.Filename != name || ie.Format != wantFormat {
		t.Errorf("Error{Filename: %q, Format: %q}, want %q, %q", ie.Filename, ie.Format, name, wantFormat)
	}
	ok := len(ie.Problems) == len(want)
	for i := 0; ok && i < len(want); i++ {
		p, w := ie.Problems[i], want[i]
		ok = p.Node == w.node && p.Field == w.field && strings.Contains(p.Message, w.msg)
	}
	if !ok {
		var got strings.Builder
		for _, p := range ie.Problems {
			got.WriteString("\n\t")
			got.WriteString(p.Node + " | " + p.Field + " | " + p.Message)
		}
		var exp strings.Builder
		for _, w := range want {
			exp.WriteString("\n\t")
			exp.WriteString(w.node + " | " + w.field + " | …" + w.msg + "…")
		}
		t.Errorf("Parse(%s) problems:%s\nwant:%s", name, got.String(), exp.String())
	}
	return ie
}

func TestCISOAssistantValid(t *testing.T) {
	fw := mustParse(t, "ciso-valid.yaml", readTestdata(t, "ciso-valid.yaml"), CISOAssistant)
	if fw.ID != "acme-baseline-v2" || fw.Name != "Acme Cloud Baseline" || fw.Title != "Acme Cloud Baseline library" || fw.Version != "3" {
		t.Errorf("framework = {ID %q, Name %q, Title %q, Version %q}", fw.ID, fw.Name, fw.Title, fw.Version)
	}
	want := []catalog.Requirement{
		{ID: "GOV", Title: "Governance", Explanation: "How security is steered.", Depth: 1},
		{ID: "GOV.1", Title: "Security policy", Explanation: "A security policy is written, approved and published.\n\nReview it at least once a year.", Parent: "GOV", Depth: 2, Assessable: true},
		{ID: "GOV.2", Title: "Roles and responsibilities", Explanation: "Security roles are assigned:\n- an owner for the programme;\n- a deputy.", Parent: "GOV", Depth: 2, Assessable: true},
		// A ref_id and no name: the ref_id is the title.
		{ID: "GOV.3", Title: "GOV.3", Explanation: "A ref_id and no name; the ref_id becomes the title.", Parent: "GOV", Depth: 2, Assessable: true},
		{ID: "ACC", Title: "Access", Depth: 1},
		{ID: "ACC.1", Title: "Unique accounts", Explanation: "Every person has their own account.", Parent: "ACC", Depth: 2, Assessable: true},
		{ID: "ACC.2", Title: "Multi-factor authentication", Parent: "ACC", Depth: 2, Assessable: true},
		// A name and no ref_id: the ID is the URN's last segment; its
		// parent_urn differs from the parent's URN only in case.
		{ID: "node-intro", Title: "Notes on access reviews", Explanation: "A name and no ref_id; its id comes from the URN.", Parent: "ACC", Depth: 2},
		// Unquoted ref_ids keep their text: 7.10 is not the number 7.1.
		{ID: "7", Title: "Operations", Depth: 1},
		{ID: "7.10", Title: "Backups", Explanation: "Backups are taken daily and restored quarterly.", Parent: "7", Depth: 2, Assessable: true},
	}
	if !reflect.DeepEqual(fw.Requirements, want) {
		t.Errorf("requirements:\n got %+v\nwant %+v", fw.Requirements, want)
	}
}

func TestCISOAssistantMappingSetsBesideFrameworkIgnored(t *testing.T) {
	base := readTestdata(t, "ciso-valid.yaml")
	withMappings := string(base) + `  requirement_mapping_sets:
  - urn: urn:attest:risk:req_mapping_set:x
    source_framework_urn: urn:attest:risk:framework:acme-baseline
    target_framework_urn: urn:attest:risk:framework:nowhere
    requirement_mappings:
    - source_requirement_urn: urn:attest:risk:req_node:acme-baseline:does-not-exist
      target_requirement_urn: urn:nowhere
      relationship: equal
`
	a := mustParse(t, "a.yaml", base, CISOAssistant)
	b := mustParse(t, "b.yaml", []byte(withMappings), CISOAssistant)
	if !reflect.DeepEqual(a.Requirements, b.Requirements) {
		t.Error("mapping sets beside the framework changed the import")
	}
}

func TestCISOAssistantDefective(t *testing.T) {
	const u = "urn:attest:risk:req_node:broken:"
	ie := mustFail(t, "ciso-defective.yaml", readTestdata(t, "ciso-defective.yaml"), CISOAssistant, []wantProblem{
		{"A.1 (" + u + "a.1-again)", "ref_id", "duplicate of node at position 2"},
		{"B.1 (" + u + "b.1)", "parent_urn", "no node has URN " + u + "b"},
		// A malformed ref_id is not used to name the node.
		{u + "tab", "ref_id", `contains a control character: "A.\t2"`},
		{"A.9 (at position 7)", "urn", "missing"},
		{"A-bis (" + u + "A)", "urn", "duplicate of node at position 1"},
		{"A.3 (" + u + "a.3)", "depth", "is 3, but its parent A is at depth 1, so it should be 2"},
		{"X (" + u + "x)", "parent_urn", "parent cycle: X → Y → X"},
		{"A.4 (" + u + "a.4)", "assessable", "must be true or false"},
	})
	msg := ie.Error()
	for _, frag := range []string{
		"import ciso-defective.yaml (ciso-assistant): 8 problems:",
		"\n  node A.1 (" + u + "a.1-again): ref_id: duplicate of node at position 2",
	} {
		if !strings.Contains(msg, frag) {
			t.Errorf("Error() = %q, want it to contain %q", msg, frag)
		}
	}
}

func TestCISOAssistantMappingLibrary(t *testing.T) {
	mustFail(t, "map.yaml", readTestdata(t, "ciso-mapping-only.yaml"), CISOAssistant, []wantProblem{
		{"", "objects", "this is a mapping library, not a framework"},
	})
}

// cisoDoc builds a small library around the given requirement_nodes text.
func cisoDoc(nodes string) []byte {
	return []byte(`urn: urn:t:library:t
ref_id: T
name: T library
version: 1
objects:
  framework:
    urn: urn:t:framework:t
    ref_id: T
    name: T
    requirement_nodes:
` + nodes)
}

func TestCISOAssistantOtherDefects(t *testing.T) {
	long := strings.Repeat("x", 101)
	tests := []struct {
		name string
		doc  []byte
		want []wantProblem
	}{
		{"no framework", []byte("urn: urn:t:library:t\nname: T\nobjects:\n  risk_matrix: []\n"),
			[]wantProblem{{"", "objects.framework", "missing"}}},
		{"no objects", []byte("urn: urn:t:library:t\nname: T\n"),
			[]wantProblem{{"", "objects.framework", "missing"}}},
		{"zero nodes", cisoDoc("      []\n"),
			[]wantProblem{{"", "objects.framework.requirement_nodes", "no requirement nodes"}}},
		{"nodes absent", []byte("urn: u\nobjects:\n  framework:\n    ref_id: T\n    name: T\n"),
			[]wantProblem{{"", "objects.framework.requirement_nodes", "no requirement nodes"}}},
		{"ref_id too long", cisoDoc("    - {urn: 'urn:t:n:1', depth: 1, ref_id: " + long + "}\n"),
			[]wantProblem{{"urn:t:n:1", "ref_id", "is 101 characters long; at most 100"}}},
		{"ref_id blank", cisoDoc("    - {urn: 'urn:t:n:1', depth: 1, ref_id: '  ', name: N}\n"),
			[]wantProblem{{"urn:t:n:1", "ref_id", "is empty"}}},
		{"node not a mapping", cisoDoc("    - just a string\n"),
			[]wantProblem{{"at position 1", "", "must be a mapping"}}},
		{"wrong types", cisoDoc("    - {urn: 'urn:t:n:1', depth: two, ref_id: A, name: [x]}\n"),
			[]wantProblem{{"A (urn:t:n:1)", "name", "must be a string"}, {"A (urn:t:n:1)", "depth", "must be a whole number"}}},
		{"root not at depth 1", cisoDoc("    - {urn: 'urn:t:n:1', depth: 2, ref_id: A}\n"),
			[]wantProblem{{"A (urn:t:n:1)", "depth", "a node without parent_urn is at depth 1"}}},
		{"own parent", cisoDoc("    - {urn: 'urn:t:n:1', depth: 1, ref_id: A, parent_urn: 'urn:t:n:1'}\n"),
			[]wantProblem{{"A (urn:t:n:1)", "parent_urn", "parent cycle: A → A"}}},
		{"duplicate key", cisoDoc("    - {urn: 'urn:t:n:1', depth: 1, ref_id: A, ref_id: B}\n"),
			[]wantProblem{{"A (urn:t:n:1)", "ref_id", "appears more than once"}}},
		{"no ref_id, no urn, no name", cisoDoc("    - {depth: 1}\n"),
			[]wantProblem{{"at position 1", "urn", "missing"}}},
		{"two documents", []byte(string(cisoDoc("    - {urn: 'urn:t:n:1', ref_id: A}\n")) + "---\nurn: x\n"),
			[]wantProblem{{"", "", "more than one YAML document"}}},
		{"framework without any id", []byte("urn: 'urn:'\nobjects:\n  framework:\n    name: T\n    requirement_nodes:\n    - {urn: 'urn:t:n:1', ref_id: A}\n"),
			[]wantProblem{{"", "objects.framework.ref_id", "needs an identifier"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustFail(t, tt.name, tt.doc, CISOAssistant, tt.want)
		})
	}
}

func TestCISOAssistantDerivedIDs(t *testing.T) {
	// A node without ref_id takes its URN's last segment, made unique when
	// that is another node's ref_id; without depth, depth follows the tree.
	fw := mustParse(t, "d.yaml", cisoDoc(`    - {urn: 'urn:t:n:a', ref_id: a, name: A}
    - {urn: 'urn:t:n:x:a', parent_urn: 'urn:t:n:a', name: Second A}
    - {urn: 'urn:t:n:', parent_urn: 'urn:t:n:x:a', name: Empty tail}
`), CISOAssistant)
	got := [][3]any{}
	for _, r := range fw.Requirements {
		got = append(got, [3]any{r.ID, r.Parent, r.Depth})
	}
	want := [][3]any{{"a", "", 1}, {"a-2", "a", 2}, {"node-3", "a-2", 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCISOAssistantAsJSON(t *testing.T) {
	// JSON is YAML: a library saved as JSON imports the same way.
	doc := `{"urn": "urn:t:library:t", "version": "1.0", "name": "T",
	  "objects": {"framework": {"urn": "urn:t:framework:t", "ref_id": "T", "name": "T",
	    "requirement_nodes": [{"urn": "urn:t:n:1", "ref_id": "1", "name": "One", "assessable": true, "depth": 1}]}}}`
	fw := mustParse(t, "t.json", []byte(doc), CISOAssistant)
	if fw.Version != "1.0" || len(fw.Requirements) != 1 || fw.Requirements[0].ID != "1" || !fw.Requirements[0].Assessable {
		t.Errorf("got %+v", fw)
	}
}

func TestOSCALValid(t *testing.T) {
	fw := mustParse(t, "oscal-valid.json", readTestdata(t, "oscal-valid.json"), OSCAL)
	if fw.ID != "acme-control-catalog" || fw.Name != "Acme Control Catalog" || fw.Title != "Acme Control Catalog" || fw.Version != "2.1" {
		t.Errorf("framework = {ID %q, Name %q, Title %q, Version %q}", fw.ID, fw.Name, fw.Title, fw.Version)
	}
	ac1 := "The organization:\n" +
		"a. Writes an access policy and gives it to [organization-defined personnel]; and\n" +
		"  1. Names an owner for it;\n" +
		"b. Reviews it [Selection (one or more): yearly; after an incident involving [organization-defined personnel]] and [no-such-param].\n" +
		"\n" +
		"A short policy that people read beats a long one."
	want := []catalog.Requirement{
		{ID: "ac", Title: "Access Control", Depth: 1},
		// The label prop without a class is preferred to the zero-padded one.
		{ID: "AC-1", Title: "Access Policy", Explanation: ac1, Parent: "ac", Depth: 2, Assessable: true},
		// An enhancement sits under its control.
		{ID: "AC-1(1)", Title: "Policy Attestation", Explanation: "Staff attest to the policy each year.", Parent: "AC-1", Depth: 3, Assessable: true},
		// No label: the control's id.
		{ID: "ac-2", Title: "Account Management", Explanation: "Accounts are created on request and removed on departure.", Parent: "ac", Depth: 2, Assessable: true},
		// A group without id: a slug of its title.
		{ID: "operations-recovery", Title: "Operations & Recovery", Depth: 1},
		{ID: "op-bk", Title: "Backups", Parent: "operations-recovery", Depth: 2},
		{ID: "OP-BK-1", Title: "Daily Backups", Parent: "op-bk", Depth: 3, Assessable: true},
	}
	if !reflect.DeepEqual(fw.Requirements, want) {
		t.Errorf("requirements:\n got %#v\nwant %#v", fw.Requirements, want)
	}
}

func TestOSCALLabelUsedOnlyWhenUnique(t *testing.T) {
	doc := `{"catalog": {"uuid": "0b6e3c44-7d2a-4f0e-9a51-3c2f6d8e1a14",
	  "metadata": {"title": "L", "last-modified": "2025-01-31T12:00:00Z", "version": "1", "oscal-version": "1.2.1"},
	  "controls": [
	    {"id": "a-1", "title": "A", "props": [{"name": "label", "value": "X-1"}]},
	    {"id": "a-2", "title": "B", "props": [{"name": "label", "value": "X-1"}]},
	    {"id": "a-3", "title": "C", "props": [{"name": "label", "value": "a-4"}]},
	    {"id": "a-4", "title": "D", "props": [{"name": "label", "value": "D-4"}]},
	    {"id": "a-5", "title": "E", "props": [{"name": "label", "ns": "https://example.com/ns", "value": "E-5"}]},
	    {"id": "contrôle-6", "title": "F"}
	  ]}}`
	fw := mustParse(t, "l.json", []byte(doc), OSCAL)
	var ids []string
	for _, r := range fw.Requirements {
		ids = append(ids, r.ID)
	}
	// a-1, a-2 share a label; a-3's label is a-4's id; a-5's label is in
	// another namespace. contrôle-6 passes the schema's \p{L} token pattern
	// (Go's regexp engine handles Unicode classes).
	if want := []string{"a-1", "a-2", "a-3", "D-4", "a-5", "contrôle-6"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
}

func TestOSCALSchemaInvalid(t *testing.T) {
	mustFail(t, "oscal-schema-invalid.json", readTestdata(t, "oscal-schema-invalid.json"), OSCAL, []wantProblem{
		{"/catalog", "metadata", "missing (required by the OSCAL catalog schema)"},
		{"ac-1 (/catalog/groups/0/controls/0)", "title", "missing (required by the OSCAL catalog schema)"},
		{"ac 2 (/catalog/groups/0/controls/1)", "id", `"ac 2" is not a valid OSCAL token`},
	})
}

func TestOSCALSchemaInvalidCapped(t *testing.T) {
	var controls []string
	for i := 0; i < 80; i++ {
		controls = append(controls, `{"id": "c`+strings.Repeat("x", i)+`"}`)
	}
	doc := `{"catalog": {"uuid": "0b6e3c44-7d2a-4f0e-9a51-3c2f6d8e1a15",
	  "metadata": {"title": "L", "last-modified": "2025-01-31T12:00:00Z", "version": "1", "oscal-version": "1.2.1"},
	  "controls": [` + strings.Join(controls, ",") + `]}}`
	_, _, err := Parse("many.json", []byte(doc))
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	if len(ie.Problems) != maxSchemaProblems+1 || !strings.Contains(ie.Problems[maxSchemaProblems].Message, "30 more schema violations not listed") {
		t.Errorf("got %d problems, last %v", len(ie.Problems), ie.Problems[len(ie.Problems)-1])
	}
}

func TestOSCALSemanticInvalid(t *testing.T) {
	mustFail(t, "oscal-semantic-invalid.json", readTestdata(t, "oscal-semantic-invalid.json"), OSCAL, []wantProblem{
		{"ac-1 (/catalog/groups/0/controls/1)", "id", "duplicate of /catalog/groups/0/controls/0"},
		{"ac-3 (/catalog/groups/0/controls/2)", "title", "is blank"},
		{"ac-3 (/catalog/groups/1)", "id", "duplicate of /catalog/groups/0/controls/2"},
	})
}

func TestOSCALNISTBasicCatalog(t *testing.T) {
	// NIST's own example (OSCAL 1.1.2 content) against the 1.2.1 schema.
	fw := mustParse(t, "nist-basic-catalog.json", readTestdata(t, "nist-basic-catalog.json"), OSCAL)
	if fw.ID != "sample-security-catalog-for-demonstration-and-testing" || fw.Version != "1.1" {
		t.Errorf("framework = {ID %q, Version %q}", fw.ID, fw.Version)
	}
	var groups, controls int
	for _, r := range fw.Requirements {
		if r.Assessable {
			controls++
		} else {
			groups++
		}
	}
	if groups != 4 || controls != 4 {
		t.Errorf("%d groups, %d controls; want 4 and 4", groups, controls)
	}
	r, ok := find(fw, "1.1.1")
	if !ok {
		t.Fatalf("control 1.1.1 (by its label) missing: %+v", fw.Requirements)
	}
	if r.Title != "Information security roles and responsibilities" || r.Parent != "s1.1" || r.Depth != 3 || !r.Assessable {
		t.Errorf("1.1.1 = %+v", r)
	}
	if !strings.HasPrefix(r.Explanation, "All information security responsibilities should be defined and allocated.\n\nA value has been assigned to [a choice from a selection].") {
		t.Errorf("1.1.1 explanation = %q", r.Explanation)
	}
	if !strings.Contains(r.Explanation, "\n\nAllocation of information security responsibilities") {
		t.Errorf("1.1.1 explanation lacks its guidance paragraph: %q", r.Explanation)
	}
}

func find(fw *catalog.Framework, id string) (catalog.Requirement, bool) {
	for _, r := range fw.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return catalog.Requirement{}, false
}

func TestDeepStructures(t *testing.T) {
	// A 2,000-node parent chain: depths follow the chain.
	var sb strings.Builder
	for i := 0; i < 2000; i++ {
		if i == 0 {
			sb.WriteString("    - {urn: 'u:0', ref_id: R0}\n")
			continue
		}
		fmt.Fprintf(&sb, "    - {urn: 'u:%d', ref_id: R%d, parent_urn: 'u:%d', depth: %d}\n", i, i, i-1, i+1)
	}
	fw := mustParse(t, "chain.yaml", cisoDoc(sb.String()), CISOAssistant)
	if last := fw.Requirements[1999]; last.Depth != 2000 || last.Parent != "R1998" {
		t.Errorf("last node = %+v", last)
	}

	// A control without title under 300 nested groups is reported where it
	// is, not as a vague failure higher up.
	var js strings.Builder
	js.WriteString(`{"catalog": {"uuid": "0b6e3c44-7d2a-4f0e-9a51-3c2f6d8e1a16", "metadata": {"title": "L", "last-modified": "2025-01-31T12:00:00Z", "version": "1", "oscal-version": "1.2.1"}, "groups": [`)
	ptr := "/catalog"
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&js, `{"id": "g%d", "title": "G", "groups": [`, i)
		ptr += "/groups/0"
	}
	js.WriteString(`{"title": "Leaf", "controls": [{"id": "c"}]}`)
	js.WriteString(strings.Repeat("]}", 300) + "]}}")
	mustFail(t, "deep.json", []byte(js.String()), OSCAL, []wantProblem{
		{"c (" + ptr + "/groups/0/controls/0)", "title", "missing"},
	})
}

func TestProblemsCapped(t *testing.T) {
	doc := cisoDoc(strings.Repeat("    - {depth: 1, name: N}\n", maxProblems+25))
	_, _, err := Parse("many.yaml", doc)
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	if len(ie.Problems) != maxProblems+1 || ie.Problems[maxProblems].Message != "25 more problems not listed" {
		t.Errorf("got %d problems, last %v", len(ie.Problems), ie.Problems[len(ie.Problems)-1])
	}
}

func TestRefusesOtherDocuments(t *testing.T) {
	tests := []struct {
		name   string
		doc    []byte
		format Format
		msg    string
	}{
		{"empty", nil, "", "file is empty"},
		{"blank", []byte(" \n\t\n"), "", "file is empty"},
		{"not UTF-8", []byte("urn: \xff\xfe"), "", "not valid UTF-8"},
		{"bad JSON", []byte(`{"catalog": `), "", "not a valid JSON document"},
		{"other JSON", []byte(`{"hello": "world"}`), "", `expected an OSCAL catalog (a top-level "catalog" object)`},
		{"OSCAL profile", []byte(`{"profile": {}}`), "", "this is an OSCAL profile, not an OSCAL catalog"},
		{"OSCAL SSP", []byte(`{"system-security-plan": {}}`), "", "this is an OSCAL system-security-plan"},
		{"catalog not an object", []byte(`{"catalog": []}`), OSCAL, "must be an object"},
		{"JSON array", []byte(`[1, 2]`), "", "unrecognised document"},
		{"YAML scalar", []byte("hello\n"), "", "unrecognised document"},
		{"YAML list", []byte("- a\n- b\n"), "", "unrecognised document"},
		{"YAML without objects", []byte("name: x\nversion: 1\n"), "", "unrecognised document"},
		{"bad YAML", []byte("urn: [\n"), "", "not valid YAML or JSON"},
		{"OSCAL in YAML", []byte("catalog:\n  uuid: x\n"), "", "only OSCAL catalogs in JSON are accepted"},
		{"too large", make([]byte, MaxInputSize+1), "", "the largest accepted is 33554432 bytes (32 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw, f, err := Parse(tt.name, tt.doc)
			var ie *Error
			if fw != nil || !errors.As(err, &ie) {
				t.Fatalf("Parse = %v, %v; want nil, *Error", fw, err)
			}
			if f != tt.format {
				t.Errorf("format = %q, want %q", f, tt.format)
			}
			if len(ie.Problems) != 1 || !strings.Contains(ie.Problems[0].Message, tt.msg) {
				t.Errorf("problems = %v, want one containing %q", ie.Problems, tt.msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	one := &Error{Filename: "f.yaml", Format: CISOAssistant, Problems: []Problem{{Node: "CC1.1 (urn:x:cc1.1)", Field: "ref_id", Message: "duplicate of node at position 3"}}}
	if got, want := one.Error(), "import f.yaml (ciso-assistant): node CC1.1 (urn:x:cc1.1): ref_id: duplicate of node at position 3"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	two := &Error{Filename: "f.json", Problems: []Problem{{Message: "file is empty"}, {Node: "/catalog", Message: "bad"}}}
	if got, want := two.Error(), "import f.json: 2 problems:\n  file is empty\n  node /catalog: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"ACME Baseline v2":          "acme-baseline-v2",
		"  --ISO/IEC 27001:2022-- ": "iso-iec-27001-2022",
		"Équipe Sécurité":           "quipe-s-curit",
		"日本語":                       "",
		strings.Repeat("a", 70):     strings.Repeat("a", 64),
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse checks that no input makes the importer panic, and that every
// result is either a valid framework or a non-empty *Error. It calls parse,
// not Parse, so that Parse's recover cannot hide a panic. Run it with
// go test -fuzz=FuzzParse ./catalog/importer/; plain go test runs the seeds.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"ciso-valid.yaml", "ciso-defective.yaml", "ciso-mapping-only.yaml", "oscal-valid.json", "oscal-schema-invalid.json", "oscal-semantic-invalid.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte("{}"))
	f.Add([]byte(`{"catalog": {}}`))
	f.Add([]byte("objects:\n  framework:\n    requirement_nodes:\n    - &a {urn: x, parent_urn: x}\n    - *a\n"))
	f.Add([]byte("urn: x\nobjects: {framework: {requirement_nodes: [{urn: a, parent_urn: b}, {urn: b, parent_urn: a}]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, _, err := parse("fuzz", data)
		if err != nil {
			if fw != nil {
				t.Fatal("framework returned with an error")
			}
			if len(err.Problems) == 0 {
				t.Fatal("error without problems")
			}
			_ = err.Error()
			return
		}
		if fw == nil {
			t.Fatal("no framework and no error")
		}
		if verr := catalog.ValidateFramework(fw); verr != nil {
			t.Fatalf("imported framework fails validation: %v", verr)
		}
	})
}
