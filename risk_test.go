package attest

import (
	"strings"
	"testing"
	"time"
)

func TestRiskScaleBands(t *testing.T) {
	s := RiskScale{}
	for score, want := range map[int]string{1: BandLow, 4: BandLow, 5: BandMedium, 9: BandMedium, 10: BandHigh, 19: BandHigh, 20: BandCritical, 25: BandCritical} {
		if got := s.Band(score); got != want {
			t.Errorf("5×5 band(%d) = %s, want %s", score, got, want)
		}
	}
	three := RiskScale{Likelihood: 3, Impact: 3}.Effective()
	if three.Medium != 2 || three.High != 4 || three.Critical != 8 || three.Band(9) != BandCritical || three.Band(3) != BandMedium {
		t.Errorf("3×3 defaults: %+v", three)
	}
	if err := (RiskScale{Likelihood: 5, Impact: 5, Medium: 10, High: 8}).Validate(); err == nil {
		t.Error("falling thresholds accepted")
	}
	if err := (RiskScale{Likelihood: 1, Impact: 5}).Validate(); err == nil {
		t.Error("a one-level scale accepted")
	}
}

func TestValidateRisk(t *testing.T) {
	ok := Risk{Title: "Phishing", OwnerID: 1, Likelihood: 4, Impact: 4, ResidualLikelihood: 2, ResidualImpact: 4,
		Treatment: TreatMitigate, Status: RiskOpen, ReviewDate: "2026-09-01"}
	if err := ValidateRisk(ok, RiskScale{}); err != nil {
		t.Fatal(err)
	}
	if ok.Inherent() != 16 || ok.Residual() != 8 {
		t.Fatalf("scores %d, %d", ok.Inherent(), ok.Residual())
	}
	for name, c := range map[string]struct {
		edit  func(*Risk)
		field string
	}{
		"likelihood off the scale": {func(r *Risk) { r.Likelihood = 6 }, "likelihood"},
		"impact zero":              {func(r *Risk) { r.ResidualImpact = 0 }, "residual_impact"},
		"residual above inherent":  {func(r *Risk) { r.ResidualLikelihood, r.ResidualImpact = 5, 5; r.Likelihood = 4 }, "residual_impact"},
		"no owner":                 {func(r *Risk) { r.OwnerID = 0 }, "owner"},
		"unknown treatment":        {func(r *Risk) { r.Treatment = "ignore" }, "treatment"},
		"bad review date":          {func(r *Risk) { r.ReviewDate = "soon" }, "review_date"},
		"accepted by its owner":    {func(r *Risk) { r.Treatment, r.ApproverID, r.AcceptExpires = TreatAccept, 1, "2026-12-01" }, "approver"},
		"accepted without expiry":  {func(r *Risk) { r.Treatment, r.ApproverID = TreatAccept, 2 }, "accept_expires"},
	} {
		r := ok
		c.edit(&r)
		err := ValidateRisk(r, RiskScale{})
		if e, isE := err.(*Error); !isE || e.Field != c.field {
			t.Errorf("%s: %v, want an error on %s", name, err, c.field)
		}
	}
	// A 3×3 organization refuses a 4.
	if err := ValidateRisk(ok, RiskScale{Likelihood: 3, Impact: 3}); err == nil || !strings.Contains(err.Error(), "1 to 3") {
		t.Errorf("4 on a 3×3 scale: %v", err)
	}
}

func TestRiskDates(t *testing.T) {
	r := Risk{Status: RiskOpen, Treatment: TreatAccept, ReviewDate: "2026-05-10", AcceptExpires: "2026-05-01"}
	switch {
	case r.ReviewOverdueOn("2026-05-10") || !r.ReviewOverdueOn("2026-05-11"):
		t.Error("a review is overdue the day after its date")
	case !r.ReviewDueOn("2026-04-10", 30) || r.ReviewDueOn("2026-04-09", 30):
		t.Error("a review is due within 30 days")
	case r.AcceptanceExpiredOn("2026-05-01") || !r.AcceptanceExpiredOn("2026-05-02"):
		t.Error("an acceptance expires after its last day")
	case !r.AcceptancePending():
		t.Error("an acceptance without sign-off is pending")
	}
	r.Status = RiskClosed
	if r.ReviewOverdueOn("2027-01-01") || r.AcceptanceExpiredOn("2027-01-01") {
		t.Error("a closed risk is never overdue")
	}
	a := RiskAssessment{State: AssessmentApproved, ApprovedAt: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)}
	if !a.AssessmentCurrentOn("2026-06-01") || a.AssessmentCurrentOn("2026-06-02") {
		t.Error("an assessment is current for a year")
	}
}

func TestHeatMap(t *testing.T) {
	risks := []Risk{
		{Status: RiskOpen, Likelihood: 5, Impact: 1, ResidualLikelihood: 2, ResidualImpact: 1},
		{Status: RiskOpen, Likelihood: 5, Impact: 1, ResidualLikelihood: 1, ResidualImpact: 1},
		{Status: RiskRetired, Likelihood: 5, Impact: 1, ResidualLikelihood: 1, ResidualImpact: 1},
	}
	in := HeatMap(risks, RiskScale{}, false)
	if len(in) != 5 || in[0][0].Likelihood != 5 || in[0][0].Impact != 1 || in[0][0].Count != 2 || in[0][4].Band != BandCritical || in[4][4].Band != BandMedium {
		t.Fatalf("inherent: %+v", in)
	}
	res := HeatMap(risks, RiskScale{}, true)
	if res[3][0].Count != 1 || res[4][0].Count != 1 {
		t.Fatalf("residual: %+v", res)
	}
}

func TestRiskChanges(t *testing.T) {
	a := Risk{Title: "X", Likelihood: 3, OwnerName: "Ada", Controls: []string{"AC-1"}}
	b := a
	b.Likelihood, b.OwnerName, b.Controls = 4, "Bob", []string{"AC-1", "AC-2"}
	got := RiskChanges(a, b)
	if got != `owner "Ada" → "Bob"; likelihood "3" → "4"; controls "AC-1" → "AC-1, AC-2"` {
		t.Fatalf("%s", got)
	}
	if RiskChanges(a, a) != "" {
		t.Fatal("no change described")
	}
}
