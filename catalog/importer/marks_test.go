package importer

import (
	"reflect"
	"strings"
	"testing"

	"github.com/attest-hq/attest/catalog"
)

func TestCISOAssistantNodesWithOnlyURN(t *testing.T) {
	// CISO Assistant requires only a URN; its GDPR, DORA and NIST SP 800-171
	// libraries have such nodes. Their title is derived and marked so.
	long := strings.Repeat("word ", 30)
	fw := mustParse(t, "urn-only.yaml", cisoDoc(`    - {urn: 'urn:t:n:art-1', description: "Processing shall be lawful. Further text follows.\nSecond line."}
    - {urn: 'urn:t:n:art-1:a', parent_urn: 'urn:t:n:art-1', assessable: true}
    - {urn: 'urn:t:n:art-1:b', parent_urn: 'urn:t:n:art-1', assessable: true, description: "`+long+`"}
    - {urn: 'urn:t:n:art-2', ref_id: '2', name: Named}
`), CISOAssistant)
	type row struct {
		ID, Title string
		Derived   bool
	}
	var got []row
	for _, r := range fw.Requirements {
		got = append(got, row{r.ID, r.Title, r.TitleDerived})
	}
	want := []row{
		{"art-1", "Processing shall be lawful.", true},
		{"a", "a", true},
		{"b", strings.TrimSpace(strings.Repeat("word ", 16)) + "…", true},
		{"2", "Named", false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestDerivedTitleBounded(t *testing.T) {
	for _, tt := range []struct{ desc, urn, want string }{
		{"", "urn:x:y:z", "z"},
		{"", "urn:x:", "id"},
		{"  One line\nanother", "", "One line"},
		{strings.Repeat("é", 200), "", strings.Repeat("é", maxDerivedTitle) + "…"},
	} {
		if got := derivedTitle(tt.desc, tt.urn, "id"); got != tt.want {
			t.Errorf("derivedTitle(%.20q, %q) = %q, want %q", tt.desc, tt.urn, got, tt.want)
		}
	}
}

func TestOSCALWithdrawnControlsKept(t *testing.T) {
	doc := oscalDoc(
		`{"id": "ac-1", "title": "Policy", "props": [{"name": "label", "value": "AC-1"}],
		  "parts": [{"id": "ac-1_smt", "name": "statement", "prose": "Have a policy."}]}`,
		`{"id": "ac-2", "title": "Accounts", "props": [{"name": "label", "value": "AC-2"}],
		  "parts": [{"id": "ac-2_smt", "name": "statement", "prose": "Manage accounts."}]}`,
		`{"id": "ac-3", "title": "Automated Audit Actions",
		  "props": [{"name": "label", "value": "AC-3"}, {"name": "status", "value": "withdrawn"}],
		  "links": [{"href": "#ac-2", "rel": "incorporated-into"}, {"href": "#ac-1", "rel": "moved-to"},
		            {"href": "#ac-2", "rel": "incorporated-into"}, {"href": "#nowhere", "rel": "moved-to"},
		            {"href": "#ac-1", "rel": "related"}]}`,
	)
	fw := mustParse(t, "withdrawn.json", doc, OSCAL)
	r, ok := find(fw, "AC-3")
	if !ok {
		t.Fatal("withdrawn control AC-3 was not kept")
	}
	want := catalog.Requirement{ID: "AC-3", Title: "Automated Audit Actions", Parent: "g", Depth: 2, Withdrawn: true, MovedTo: []string{"AC-2", "AC-1"}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("AC-3 = %+v\nwant  %+v", r, want)
	}
	if live, _ := find(fw, "AC-2"); !live.Assessable || live.Withdrawn {
		t.Errorf("AC-2 = %+v; want assessable", live)
	}
	// Not counted toward readiness, and not a mapping target.
	if fw.RequirementInScope(nil, "AC-3") {
		t.Error("a withdrawn requirement is in scope")
	}
	if err := fw.MappingTarget("requirement", "AC-3"); err == nil || !strings.Contains(err.Error(), "withdrawn; map to AC-2, AC-1") {
		t.Errorf("MappingTarget(AC-3) = %v", err)
	}
}
