package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
)

type riskScale struct {
	Likelihood, Impact, Medium, High, Critical int
}

func (s riskScale) band(score int) string {
	switch {
	case score >= s.Critical:
		return "critical"
	case score >= s.High:
		return "high"
	case score >= s.Medium:
		return "medium"
	}
	return "low"
}

type assessedRisk struct {
	Ref                string `json:"ref"`
	Likelihood         *int   `json:"likelihood"`
	Impact             *int   `json:"impact"`
	Inherent           *int   `json:"inherent"`
	ResidualLikelihood *int   `json:"residual_likelihood"`
	ResidualImpact     *int   `json:"residual_impact"`
	Residual           *int   `json:"residual"`
	Band               string `json:"band"`
}

func decodeRisk(r BundleRecord, v any) error {
	dec := json.NewDecoder(bytes.NewReader(r.Record))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	return nil
}

// checkRiskAssessment re-derives the scores and bands of an approved
// assessment, so that a snapshot whose numbers were edited before it was
// hashed, or that contradict its own scale, does not verify.
func checkRiskAssessment(_ string, r BundleRecord) error {
	var rec struct {
		Scale *riskScale      `json:"scale"`
		Risks *[]assessedRisk `json:"risks"`
	}
	if err := decodeRisk(r, &rec); err != nil {
		return err
	}
	if rec.Scale == nil || rec.Risks == nil || rec.Scale.Likelihood < 1 || rec.Scale.Impact < 1 {
		return fmt.Errorf("the record of %s %s does not carry its \"scale\" and \"risks\"", r.Type, r.ID)
	}
	s := *rec.Scale
	for _, x := range *rec.Risks {
		if x.Likelihood == nil || x.Impact == nil || x.Inherent == nil || x.ResidualLikelihood == nil || x.ResidualImpact == nil || x.Residual == nil {
			return fmt.Errorf("risk assessment %s: risk %s lacks a likelihood, impact or score", r.ID, x.Ref)
		}
		switch {
		case *x.Likelihood < 1 || *x.Likelihood > s.Likelihood || *x.ResidualLikelihood < 1 || *x.ResidualLikelihood > s.Likelihood,
			*x.Impact < 1 || *x.Impact > s.Impact || *x.ResidualImpact < 1 || *x.ResidualImpact > s.Impact:
			return fmt.Errorf("risk assessment %s: risk %s is scored outside its %d × %d scale", r.ID, x.Ref, s.Likelihood, s.Impact)
		case *x.Inherent != *x.Likelihood**x.Impact || *x.Residual != *x.ResidualLikelihood**x.ResidualImpact:
			return fmt.Errorf("risk assessment %s: risk %s states scores that are not likelihood × impact", r.ID, x.Ref)
		case *x.Residual > *x.Inherent:
			return fmt.Errorf("risk assessment %s: risk %s has a residual score above its inherent score", r.ID, x.Ref)
		case x.Band != s.band(*x.Residual):
			return fmt.Errorf("risk assessment %s: risk %s is rated %q, but its scale rates %d %q", r.ID, x.Ref, x.Band, *x.Residual, s.band(*x.Residual))
		}
	}
	return nil
}

// checkRiskAcceptance holds an acceptance's score to its likelihood and
// impact.
func checkRiskAcceptance(_ string, r BundleRecord) error {
	var rec struct {
		Likelihood, Impact, Score *int
	}
	if err := decodeRisk(r, &rec); err != nil {
		return err
	}
	switch {
	case rec.Likelihood == nil || rec.Impact == nil || rec.Score == nil:
		return fmt.Errorf("the record of %s %s does not state its likelihood, impact and score", r.Type, r.ID)
	case *rec.Score != *rec.Likelihood**rec.Impact:
		return fmt.Errorf("risk acceptance %s: its score is not likelihood × impact", r.ID)
	}
	return nil
}
