package risk

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// Assessments lists the organization's risk assessments, newest first.
func (s *Service) Assessments(ctx context.Context, p attest.Principal) ([]attest.RiskAssessment, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.RiskAssessments(ctx, p.OrgID)
}

// Assessment returns one assessment with its snapshot.
func (s *Service) Assessment(ctx context.Context, p attest.Principal, uid string) (attest.RiskAssessment, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.RiskAssessment{}, err
	}
	return s.DB.RiskAssessment(ctx, p.OrgID, uid)
}

// StartAssessment freezes today's register (every open risk with its scores,
// treatment and controls) and submits it to an approver, who must not be the
// member submitting it.
func (s *Service) StartAssessment(ctx context.Context, p attest.Principal, approverID int64, note string) (attest.RiskAssessment, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.RiskAssessment{}, err
	}
	note = strings.TrimSpace(note)
	var a attest.RiskAssessment
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		switch {
		case approverID == 0:
			return attest.Invalid("approver", "is required: an assessment is approved by someone")
		case approverID == p.UserID:
			return attest.Invalid("approver", "must be someone other than you: you submit the assessment")
		case len(note) > 5000:
			return attest.Invalid("note", "is at most 5000 characters")
		}
		name, err := checkMember(ctx, tx, p.OrgID, approverID, "approver")
		if err != nil {
			return err
		}
		scale, err := tx.RiskScale(ctx, p.OrgID)
		if err != nil {
			return err
		}
		risks, err := tx.Risks(ctx, p.OrgID)
		if err != nil {
			return err
		}
		snap := attest.Assess(risks, scale)
		if len(snap) == 0 {
			return attest.Errorf(attest.ECONFLICT, "the register has no open risks to assess")
		}
		a = attest.RiskAssessment{OrgID: p.OrgID, UID: attest.NewUID("ra_"), AsOf: s.today(), State: attest.AssessmentSubmitted,
			Note: note, SubmittedBy: p.UserID, ApproverID: approverID, ApproverName: name, Scale: scale, Risks: snap}
		if err := tx.AddRiskAssessment(ctx, &a); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("risk.assessment.submitted", "risk_assessment", a.UID,
			fmt.Sprintf("Submitted the risk assessment of %s (%d risks) to %s for approval", a.AsOf, len(a.Risks), name)))
	})
	return a, err
}

// ApproveAssessment is the named approver's approval of a submitted
// assessment. The approved snapshot is appended to the ledger.
func (s *Service) ApproveAssessment(ctx context.Context, p attest.Principal, uid string) (attest.RiskAssessment, error) {
	if err := p.Require(attest.ActWork); err != nil {
		return attest.RiskAssessment{}, err
	}
	var a attest.RiskAssessment
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if a, err = tx.RiskAssessment(ctx, p.OrgID, uid); err != nil {
			return err
		}
		switch {
		case a.State != attest.AssessmentSubmitted:
			return attest.Errorf(attest.ECONFLICT, "the assessment of %s is already %s", a.AsOf, a.State)
		case a.ApproverID != p.UserID:
			return attest.Errorf(attest.EFORBIDDEN, "only %s, the named approver, approves this assessment", a.ApproverName)
		}
		if a.ApprovedAt, err = tx.ApproveRiskAssessment(ctx, p.OrgID, a.ID); err != nil {
			return err
		}
		a.State = attest.AssessmentApproved
		org, err := tx.OrgByID(ctx, p.OrgID)
		if err != nil {
			return err
		}
		rec := map[string]any{"type": ledger.RecordTypeRiskAssessment, "org": org.Slug, "uid": a.UID, "as_of": a.AsOf,
			"submitted_by": a.SubmittedName, "approver": p.Label, "approved_at": ledger.FormatTime(a.ApprovedAt), "note": a.Note,
			"scale": map[string]any{"likelihood": a.Scale.Likelihood, "impact": a.Scale.Impact, "medium": a.Scale.Medium,
				"high": a.Scale.High, "critical": a.Scale.Critical},
			"risks": assessedRecords(a.Risks)}
		if err := s.Ledger.AppendRecord(ctx, tx, org, ledger.RecordTypeRiskAssessment, a.UID, rec); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("risk.assessment.approved", "risk_assessment", a.UID,
			fmt.Sprintf("Approved the risk assessment of %s (%d risks)", a.AsOf, len(a.Risks))))
	})
	return a, err
}

// assessedRecords writes the risks of an assessment as the ledger record's
// "risks" (see ledger/doc.go).
func assessedRecords(risks []attest.AssessedRisk) []any {
	out := make([]any, 0, len(risks))
	for _, r := range risks {
		ctl := make([]any, len(r.Controls))
		for i, c := range r.Controls {
			ctl[i] = c
		}
		out = append(out, map[string]any{"ref": r.Ref, "title": r.Title, "category": r.Category, "owner": r.Owner,
			"likelihood": r.Likelihood, "impact": r.Impact, "inherent": r.Inherent, "residual_likelihood": r.ResidualLikelihood,
			"residual_impact": r.ResidualImpact, "residual": r.Residual, "band": r.Band, "treatment": r.Treatment,
			"controls": ctl, "review_date": r.ReviewDate, "accept_expires": r.AcceptExpires})
	}
	return out
}
