package oscal_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/export/oscal"
	"github.com/attest-hq/attest/readiness"
)

func sample() (oscal.Source, readiness.Result) {
	src := oscal.Source{Org: attest.Organization{Slug: "acme", Name: "Acme <Corp>"}, Framework: "iso27001", FrameworkTitle: "ISO/IEC 27001:2022",
		CatalogHref: "urn:attest:framework:iso27001", Generated: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	ready := readiness.ControlResult{ID: 1, Ref: "AC-1", Name: "Single sign-on", State: readiness.StateReady, Score: 1}
	late := readiness.ControlResult{ID: 2, Ref: "HR-9", Name: "Offboarding checklist", State: "implemented_no_evidence",
		Gaps: []readiness.Gap{{Code: "checklist", Message: "Lee's offboarding step was due on 2026-04-02."}}}
	res := readiness.Result{Percent: 50, Controls: []readiness.ControlResult{ready, late},
		Requirements: []readiness.RequirementResult{
			{ID: "A.5.15", Title: "Access control", Ready: true, Score: 1, Controls: []readiness.ControlResult{ready}},
			{ID: "6.1.2", Title: "Risk assessment", Score: 0.25, Controls: []readiness.ControlResult{late}, Gaps: late.Gaps},
			{ID: "A.7.4", Title: "Physical monitoring"},
		}}
	return src, res
}

func TestComponentDefinition(t *testing.T) {
	src, res := sample()
	b, err := oscal.ComponentDefinition(src, res)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		CD struct {
			Metadata struct {
				Title        string `json:"title"`
				OSCALVersion string `json:"oscal-version"`
			} `json:"metadata"`
			Components []struct {
				ControlImplementations []struct {
					Source string `json:"source"`
					Reqs   []struct {
						ControlID   string `json:"control-id"`
						Description string `json:"description"`
					} `json:"implemented-requirements"`
				} `json:"control-implementations"`
			} `json:"components"`
		} `json:"component-definition"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	reqs := doc.CD.Components[0].ControlImplementations[0].Reqs
	if doc.CD.Metadata.OSCALVersion != "1.2.1" || doc.CD.Metadata.Title != "Acme <Corp>: controls for ISO/IEC 27001:2022" || len(reqs) != 2 {
		t.Fatalf("document = %s", b)
	}
	// A clause ID becomes a valid OSCAL token; a requirement nothing
	// implements is not claimed.
	if reqs[0].ControlID != "A.5.15" || reqs[1].ControlID != "clause-6.1.2" || !strings.Contains(reqs[1].Description, "HR-9 Offboarding checklist (implemented no evidence)") {
		t.Errorf("implemented requirements = %+v", reqs)
	}
	again, _ := oscal.ComponentDefinition(src, res)
	if string(again) != string(b) {
		t.Error("the same programme exported twice differs")
	}
}

func TestAssessmentResults(t *testing.T) {
	src, res := sample()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b, err := oscal.AssessmentResults(src, res, start, src.Generated)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AR struct {
			ImportAP struct {
				Href string `json:"href"`
			} `json:"import-ap"`
			Results []struct {
				Start        string `json:"start"`
				Observations []struct {
					UUID        string `json:"uuid"`
					Description string `json:"description"`
				} `json:"observations"`
				Findings []struct {
					Target struct {
						TargetID string `json:"target-id"`
						Status   struct {
							State string `json:"state"`
						} `json:"status"`
					} `json:"target"`
					Description string `json:"description"`
					Related     []struct {
						UUID string `json:"observation-uuid"`
					} `json:"related-observations"`
				} `json:"findings"`
			} `json:"results"`
			BackMatter struct {
				Resources []struct {
					UUID string `json:"uuid"`
				} `json:"resources"`
			} `json:"back-matter"`
		} `json:"assessment-results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.AR.Results[0]
	if r.Start != "2026-01-01T00:00:00Z" || len(r.Findings) != 3 || len(r.Observations) != 2 {
		t.Fatalf("result = %+v", r)
	}
	if doc.AR.ImportAP.Href != "#"+doc.AR.BackMatter.Resources[0].UUID {
		t.Errorf("import-ap %q does not point at the back-matter plan", doc.AR.ImportAP.Href)
	}
	states := map[string]string{}
	for _, f := range r.Findings {
		states[f.Target.TargetID] = f.Target.Status.State
	}
	if states["A.5.15"] != "satisfied" || states["clause-6.1.2"] != "not-satisfied" || states["A.7.4"] != "not-satisfied" {
		t.Errorf("states = %v", states)
	}
	late := r.Findings[1]
	if !strings.Contains(late.Description, "not ready (25%)") || !strings.Contains(late.Description, "Lee's offboarding step") ||
		len(late.Related) != 1 || late.Related[0].UUID != r.Observations[1].UUID {
		t.Errorf("the late finding = %+v", late)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(r.Observations[0].UUID) {
		t.Errorf("observation UUID %q is not a version 5 UUID", r.Observations[0].UUID)
	}
}

// The schemas are really applied: a document missing a required part is
// refused, naming what is wrong.
func TestValidateRefusesInvalidDocuments(t *testing.T) {
	src, res := sample()
	b, err := oscal.AssessmentResults(src, res, src.Generated.AddDate(0, -1, 0), src.Generated)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc["assessment-results"], "import-ap")
	broken, _ := json.Marshal(doc)
	if err := oscal.Validate(oscal.KindResults, broken); err == nil || !strings.Contains(err.Error(), "import-ap") {
		t.Errorf("a document without import-ap: %v", err)
	}
	if err := oscal.Validate(oscal.KindComponent, b); err == nil {
		t.Error("assessment results validated as a component definition")
	}
	if err := oscal.Validate("catalog", b); attest.ErrorField(err) != "document" {
		t.Errorf("an unknown kind: %v", err)
	}
}

// An organization with nothing in scope yet gets a valid component
// definition, and no assessment results (nothing was assessed).
func TestEmptyProgramme(t *testing.T) {
	src, _ := sample()
	if _, err := oscal.ComponentDefinition(src, readiness.Result{}); err != nil {
		t.Errorf("component definition: %v", err)
	}
	if _, err := oscal.AssessmentResults(src, readiness.Result{}, src.Generated, src.Generated); attest.ErrorField(err) != "framework" {
		t.Errorf("assessment results of nothing: %v", err)
	}
}

// An audit's own testing is a second result over the audit's window: an
// observation per control with its result, and a finding per requirement,
// not satisfied where a control deviated, satisfied where the controls
// operated, and not satisfied for an "other" reason where nothing tested
// them. The document still validates against NIST's schema (encode checks).
func TestAssessmentResultsCarryAnAuditsTesting(t *testing.T) {
	src, res := sample()
	devs := []attest.ResultDeviation{}
	for i := range 23 {
		devs = append(devs, attest.ResultDeviation{Source: "population", Item: fmt.Sprintf("leaver-%d", i), Reason: "access removed 9 days late."})
	}
	devs[1].RootCause = "The manager left the same week."
	start, end := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC)
	src.Tested = &oscal.Tested{Audit: "SOC 2 Type 2 FY26", Start: start, End: end, Controls: []attest.ControlResult{
		{ControlID: 1, Ref: "AC-1", Name: "Single sign-on", Result: attest.AuditResultPass, Remediated: 2},
		{ControlID: 2, Ref: "HR-9", Name: "Offboarding checklist", Result: attest.AuditResultDeviation, Deviations: devs, RootCause: "The HR export ran weekly."},
		{ControlID: 3, Ref: "PH-1", Name: "Camera review", Result: attest.AuditResultNotTested},
		{ControlID: 4, Ref: "VEN-1", Name: "Vendor reviews", Result: attest.AuditResultNotOccurring},
	}, Criteria: map[int64][]string{
		// The audit's scope, not today's readiness: PH-1 meets A.7.4 in
		// the audit, and VEN-1 a requirement readiness no longer lists.
		1: {"A.5.15"}, 2: {"6.1.2"}, 3: {"A.7.4"}, 4: {"A.5.19"},
	}}
	b, err := oscal.AssessmentResults(src, res, start, end)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AR struct {
			Results []struct {
				Title        string `json:"title"`
				Start, End   string
				Observations []struct {
					UUID        string `json:"uuid"`
					Description string `json:"description"`
					Methods     []string
					Props       []struct{ Name, Value string }
				} `json:"observations"`
				Findings []struct {
					Description string `json:"description"`
					Target      struct {
						TargetID string `json:"target-id"`
						Status   struct{ State, Reason string }
					} `json:"target"`
					Related []struct {
						UUID string `json:"observation-uuid"`
					} `json:"related-observations"`
				} `json:"findings"`
			} `json:"results"`
		} `json:"assessment-results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.AR.Results) != 2 {
		t.Fatalf("%d results, want readiness and the audit's testing", len(doc.AR.Results))
	}
	r := doc.AR.Results[1]
	if r.Title != "Testing of SOC 2 Type 2 FY26" || r.Start != "2025-07-01T00:00:00Z" || r.End != "2026-06-30T23:59:59Z" || len(r.Observations) != 4 {
		t.Fatalf("the testing result: %+v", r)
	}
	hr := r.Observations[1]
	if hr.Props[0].Value != attest.AuditResultDeviation || hr.Methods[0] != "TEST" || !strings.Contains(hr.Description, "leaver-19: access removed 9 days late.") ||
		strings.Contains(hr.Description, "leaver-20:") || !strings.Contains(hr.Description, "And 3 more deviation(s).") || !strings.Contains(hr.Description, "Root cause: The HR export ran weekly.") ||
		!strings.Contains(hr.Description, "leaver-1: access removed 9 days late. Root cause of this item: The manager left the same week. Deviation") {
		t.Errorf("the deviating control's observation: %+v", hr)
	}
	if !strings.Contains(r.Observations[0].Description, "2 failure(s) fixed within their remediation deadline") {
		t.Errorf("the passing control's observation: %q", r.Observations[0].Description)
	}
	got := map[string]string{}
	for _, f := range r.Findings {
		got[f.Target.TargetID] = f.Target.Status.State + "/" + f.Target.Status.Reason
		if len(f.Related) != 1 {
			t.Errorf("finding %s relates %d observations, want its one control's", f.Target.TargetID, len(f.Related))
		}
	}
	want := map[string]string{"A.5.15": "satisfied/pass", "clause-6.1.2": "not-satisfied/fail", "A.7.4": "not-satisfied/other", "A.5.19": "not-satisfied/other"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings = %v, want %v", got, want)
	}
	// Without an audit's testing there is the readiness result alone.
	src.Tested = nil
	if b, _ := oscal.AssessmentResults(src, res, start, end); strings.Contains(string(b), "Testing of") {
		t.Error("a document without an audit's testing carries a testing result")
	}
}
