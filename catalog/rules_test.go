package catalog

import (
	"testing"

	"github.com/attest-hq/attest"
)

func TestRequirementRules(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fw := c.SOC2()
	if err := fw.Criterion("criterion", "CC6.1"); err != nil {
		t.Fatal(err)
	}
	if err := fw.Criterion("cuec_criteria", "CC9.9"); attest.ErrorField(err) != "cuec_criteria" || attest.ErrorMessage(err) != `cuec_criteria: "CC9.9" is not a SOC 2 criterion` {
		t.Fatalf("unknown criterion: %v", err)
	}
	if err := fw.MappingTarget("requirement", "CC99.9"); attest.ErrorField(err) != "requirement" || attest.ErrorMessage(err) != `requirement: "CC99.9" is not a requirement of SOC 2` {
		t.Fatalf("unknown mapping target: %v", err)
	}
	for _, tc := range []struct {
		chosen []string
		id     string
		want   bool
	}{
		{nil, "CC6.1", true},
		{nil, "A1.2", false},
		{[]string{"availability"}, "A1.2", true},
		{[]string{"confidentiality"}, "A1.2", false},
		{[]string{"availability"}, "CC99", false},
	} {
		if got := fw.RequirementInScope(tc.chosen, tc.id); got != tc.want {
			t.Errorf("RequirementInScope(%v, %s) = %v", tc.chosen, tc.id, got)
		}
	}
	// It agrees with InScope for every requirement and choice.
	for _, chosen := range [][]string{nil, {"availability"}, {"availability", "confidentiality", "processing-integrity", "privacy"}} {
		_, reqs := fw.InScope(chosen)
		in := map[string]bool{}
		for _, r := range reqs {
			in[r.ID] = true
		}
		for _, r := range fw.Requirements {
			if got := fw.RequirementInScope(chosen, r.ID); got != in[r.ID] {
				t.Errorf("%s with %v: RequirementInScope %v, InScope %v", r.ID, chosen, got, in[r.ID])
			}
		}
	}
}
