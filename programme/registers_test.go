package programme_test

import (
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
)

func TestWithRegisterReachesAdoptedAndOwnControls(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	controls := []attest.Control{
		{ID: 1, Ref: "RISK-1", LibraryID: "RA-1", Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC3.1"}}},
		{ID: 2, Ref: "OWN-7", Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC9.2"}}},
		{ID: 3, Ref: "OTHER", Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC9.2"}}},
	}
	in := programme.Input(cat.SOC2(), nil, controls, nil, time.Now())
	programme.WithRegister(&in, controls, programme.RegisterStatus{
		Records: map[string]int{"RA-1": 1, "OWN-7": 2},
		Gaps:    map[string][]readiness.Gap{"OWN-7": {{Code: readiness.GapVendorReview, Message: "the review of Acme is overdue"}}},
	})
	if c := in.Controls[0]; c.RegisterRecords != 1 || len(c.Registers) != 0 {
		t.Fatalf("adopted control keyed by library ID: %+v", c)
	}
	if c := in.Controls[1]; c.RegisterRecords != 2 || len(c.Registers) != 1 || c.Registers[0].Message != "OWN-7: the review of Acme is overdue" {
		t.Fatalf("own control keyed by ref: %+v", c)
	}
	if c := in.Controls[2]; c.RegisterRecords != 0 || len(c.Registers) != 0 {
		t.Fatalf("an unnamed control is untouched: %+v", c)
	}
	if got := readiness.ControlState(in.Controls[1]); got.State != readiness.StateImplementedNoEvidence || got.Gaps[0].Code != readiness.GapVendorReview {
		t.Fatalf("the register gap keeps the control from ready: %+v", got)
	}
}
