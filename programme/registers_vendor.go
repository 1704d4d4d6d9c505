package programme

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

func init() { addRegister(vendorRegister) }

// Library controls the vendor register speaks for: the annual review of
// vendors and the review before relying on one (CC9.2), and processors'
// privacy commitments (P6.4) for vendors receiving personal data.
const (
	vendorReviewControl  = "VEND-4"
	vendorOnboardControl = "VEND-2"
	vendorPrivacyControl = "PRIV-14"
)

// vendorRegister says what the vendor register shows on today: each vendor
// with a completed review within its cadence is a record; a high or
// critical vendor without one, an overdue review, an open checklist item
// past its due day and a report's qualified or adverse opinion (or a
// disclaimer) without a recorded response are gaps.
func vendorRegister(ctx context.Context, q *store.Queries, orgID int64, today string) (RegisterStatus, error) {
	st := RegisterStatus{Records: map[string]int{}, Gaps: map[string][]readiness.Gap{}}
	vendors, err := q.Vendors(ctx, orgID)
	if err != nil {
		return st, err
	}
	reviews, err := q.VendorReviews(ctx, orgID, 0)
	if err != nil {
		return st, err
	}
	cuecs, err := q.VendorCUECs(ctx, orgID, 0)
	if err != nil {
		return st, err
	}
	gap := func(v attest.Vendor, format string, args ...any) {
		g := readiness.Gap{Code: readiness.GapVendorReview, Message: fmt.Sprintf(format, args...)}
		st.Gaps[vendorReviewControl] = append(st.Gaps[vendorReviewControl], g)
		if v.PersonalData() {
			st.Gaps[vendorPrivacyControl] = append(st.Gaps[vendorPrivacyControl], g)
		}
	}
	byID := map[int64]attest.Vendor{}
	for _, v := range vendors {
		byID[v.ID] = v
		if v.Status == attest.VendorOffboarded {
			continue
		}
		switch {
		case v.ReviewCurrentOn(today):
			st.Records[vendorReviewControl]++
			st.Records[vendorOnboardControl]++
			if v.PersonalData() {
				st.Records[vendorPrivacyControl]++
			}
		case v.ReviewOverdueOn(today):
			gap(v, "The review of %s was due on %s.", v.Name, v.NextReviewDue())
		case v.Critical():
			gap(v, "%s is a %s vendor without a completed review.", v.Name, v.Criticality)
		}
	}
	latest := map[int64]bool{}  // vendors whose newest review with a report was seen
	for _, r := range reviews { // newest first
		v, ok := byID[r.VendorID]
		if !ok || v.Status == attest.VendorOffboarded || r.ReportType == attest.ReportNone || latest[r.VendorID] {
			continue
		}
		latest[r.VendorID] = true
		if r.NeedsResponse() {
			gap(v, "The %s report of %s carries a %s opinion and no recorded response.", attest.ReportTypeLabel(r.ReportType), v.Name, r.Opinion)
		}
	}
	for _, c := range cuecs {
		v, ok := byID[c.VendorID]
		if ok && v.Status != attest.VendorOffboarded && c.OverdueOn(today) {
			gap(v, "The user entity control %q that %s's report asks of us was due on %s and is not done.", c.Description, v.Name, c.DueOn)
		}
	}
	return st, nil
}
