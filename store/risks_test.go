package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

func init() {
	notTenantScoped["SetRiskScale"] = "writes the organization's own scale (one row per organization)"
	addRisk := func(t *testing.T, ctx context.Context, db *store.DB, w tenant, title string) attest.Risk {
		r := attest.Risk{OrgID: w.org.ID, Title: title, OwnerID: w.admin.ID, Likelihood: 2, Impact: 2, ResidualLikelihood: 1,
			ResidualImpact: 1, Treatment: attest.TreatMitigate, ReviewDate: "2026-09-01", Status: attest.RiskOpen}
		if err := db.CreateRisk(ctx, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	assess := func(t *testing.T, ctx context.Context, db *store.DB, w tenant, uid string) attest.RiskAssessment {
		a := attest.RiskAssessment{OrgID: w.org.ID, UID: attest.NewUID(uid), AsOf: "2026-03-01", State: attest.AssessmentSubmitted,
			SubmittedBy: w.admin.ID, ApproverID: w.member.ID, Scale: attest.DefaultRiskScale, Risks: []attest.AssessedRisk{}}
		if err := db.AddRiskAssessment(ctx, &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	tenantCases = append(tenantCases,
		tenantCase{"Risks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			addRisk(t, ctx, db, a, "a's risk")
			addRisk(t, ctx, db, b, "b's risk")
			list, err := db.Risks(ctx, a.org.ID)
			for _, r := range list {
				if r.OrgID != a.org.ID || r.Title == "b's risk" {
					t.Fatalf("a's risks = %+v", list)
				}
			}
			if err != nil || len(list) == 0 {
				t.Fatalf("a's risks = %+v, %v", list, err)
			}
		}},
		tenantCase{"Risk", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			for range 3 {
				addRisk(t, ctx, db, b, "b's risk")
			}
			list, _ := db.Risks(ctx, b.org.ID)
			last := list[len(list)-1]
			if r, err := db.Risk(ctx, a.org.ID, last.Ref); err == nil && r.OrgID != a.org.ID {
				t.Fatalf("a reads b's risk: %+v", r)
			}
		}},
		tenantCase{"CreateRisk", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			for range 3 {
				addRisk(t, ctx, db, b, "b's risk")
			}
			mine, _ := db.Risks(ctx, a.org.ID)
			if r := addRisk(t, ctx, db, a, "a's risk"); r.Ref != fmt.Sprintf("R-%d", len(mine)+1) {
				t.Fatalf("a's risk numbered after b's: %s (a had %d)", r.Ref, len(mine))
			}
		}},
		tenantCase{"UpdateRisk", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			r := addRisk(t, ctx, db, b, "b's risk")
			r.OrgID, r.Title = a.org.ID, "changed"
			if err := db.UpdateRisk(ctx, &r); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a updated b's risk: %v", err)
			}
		}},
		tenantCase{"RiskScale", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			if err := db.SetRiskScale(ctx, b.org.ID, attest.RiskScale{Likelihood: 4, Impact: 4}); err != nil {
				t.Fatal(err)
			}
			if s, err := db.RiskScale(ctx, a.org.ID); err != nil || s.Likelihood != 5 {
				t.Fatalf("a's scale = %+v, %v", s, err)
			}
		}},
		tenantCase{"RiskAssessments", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			assess(t, ctx, db, a, "ra_a")
			assess(t, ctx, db, b, "ra_b")
			list, err := db.RiskAssessments(ctx, a.org.ID)
			if err != nil || len(list) == 0 {
				t.Fatalf("a's assessments = %+v, %v", list, err)
			}
			for _, x := range list {
				if !strings.HasPrefix(x.UID, "ra_a") {
					t.Fatalf("a's assessments = %+v", list)
				}
			}
		}},
		tenantCase{"RiskAssessment", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			x := assess(t, ctx, db, b, "ra_b")
			if _, err := db.RiskAssessment(ctx, a.org.ID, x.UID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a reads b's assessment: %v", err)
			}
		}},
		tenantCase{"AddRiskAssessment", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			x := assess(t, ctx, db, b, "ra_b")
			list, _ := db.RiskAssessments(ctx, a.org.ID)
			for _, y := range list {
				if y.UID == x.UID {
					t.Fatalf("b's assessment listed for a: %+v", list)
				}
			}
		}},
		tenantCase{"ApproveRiskAssessment", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			s := assess(t, ctx, db, b, "ra_b")
			if _, err := db.ApproveRiskAssessment(ctx, a.org.ID, s.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a approved b's assessment: %v", err)
			}
		}},
	)
}
