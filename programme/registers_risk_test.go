package programme

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestRiskRegisterFeedsReadiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		u := storetest.MustMember(t, db, org, attest.RoleAdmin, "ada@acme.test")
		v := storetest.MustMember(t, db, org, attest.RoleAdmin, "bob@acme.test")
		gaps := func(st RegisterStatus, id string) string {
			var out []string
			for _, g := range st.Gaps[id] {
				if g.Code != readiness.GapRiskReview {
					t.Fatalf("gap code %s", g.Code)
				}
				out = append(out, g.Message)
			}
			return strings.Join(out, " | ")
		}
		st, err := riskRegister(ctx, &db.Queries, org.ID, "2026-03-02")
		if err != nil || gaps(st, "RISK-1") != "no risk register and no approved risk assessment yet" || st.Records["RISK-1"] != 0 {
			t.Fatalf("empty register: %+v, %v", st, err)
		}
		r := attest.Risk{OrgID: org.ID, Title: "Phishing", OwnerID: u.ID, Likelihood: 4, Impact: 4, ResidualLikelihood: 2,
			ResidualImpact: 2, Treatment: attest.TreatAccept, ApproverID: v.ID, AcceptExpires: "2026-02-01", ReviewDate: "2026-09-01", Status: attest.RiskOpen}
		if err := db.CreateRisk(ctx, &r); err != nil {
			t.Fatal(err)
		}
		r2 := r
		r2.Title, r2.Treatment, r2.ReviewDate = "Flood", attest.TreatTransfer, "2026-03-01"
		if err := db.CreateRisk(ctx, &r2); err != nil {
			t.Fatal(err)
		}
		a := attest.RiskAssessment{OrgID: org.ID, UID: "ra_1", AsOf: "2025-03-01", State: attest.AssessmentSubmitted, SubmittedBy: u.ID,
			ApproverID: v.ID, Scale: attest.DefaultRiskScale, Risks: []attest.AssessedRisk{}}
		if err := db.AddRiskAssessment(ctx, &a); err != nil {
			t.Fatal(err)
		}
		st, _ = riskRegister(ctx, &db.Queries, org.ID, "2026-03-02")
		if gaps(st, "RISK-1") != "no risk assessment has been approved" ||
			gaps(st, "RISK-2") != "the acceptance of R-1 Phishing expired on 2026-02-01 | the review of R-2 Flood was due 2026-03-01" {
			t.Fatalf("submitted only, one expired, one overdue: %+v", st.Gaps)
		}
		// An approval dated at the database clock counts for a year.
		if _, err := db.ApproveRiskAssessment(ctx, org.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		approved := attest.Today(db.Now())
		day, _ := time.Parse(attest.DateLayout, approved)
		st, _ = riskRegister(ctx, &db.Queries, org.ID, day.AddDate(1, 0, 0).Format(attest.DateLayout))
		if gaps(st, "RISK-1") != "" || st.Records["RISK-1"] != 1 || st.Records["RISK-2"] != 1 || st.Records["RISK-3"] != 1 {
			t.Fatalf("a current assessment: %+v", st)
		}
		st, _ = riskRegister(ctx, &db.Queries, org.ID, day.AddDate(1, 0, 1).Format(attest.DateLayout))
		if !strings.Contains(gaps(st, "RISK-1"), "is more than a year old") || st.Records["RISK-1"] != 0 {
			t.Fatalf("a stale assessment: %+v", st)
		}
	})
}
