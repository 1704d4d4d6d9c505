package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

// watchVendors tells each vendor's owner (and the channels told of vendor
// reviews) of a review due within a week or overdue, and each checklist
// item's owner (the vendor's owner when it has none) of an item past its
// due day. Each is announced once per due day.
func (s *Service) watchVendors(ctx context.Context, w *watcher, today string) error {
	vendors, err := s.DB.Vendors(ctx, w.org.ID)
	if err != nil {
		return err
	}
	t, err := time.Parse(attest.DateLayout, today)
	if err != nil {
		return err
	}
	week := attest.Today(t.AddDate(0, 0, 7))
	owner := map[int64]attest.Vendor{}
	for _, v := range vendors {
		owner[v.ID] = v
		due := v.NextReviewDue()
		if due == "" || due > week {
			continue
		}
		n := attest.Notice{Kind: attest.NoticeVendor, DedupeKey: fmt.Sprintf("vendor:%d:due:%s", v.ID, due), GroupKey: fmt.Sprintf("vendor:%d", v.ID),
			Line: fmt.Sprintf("Vendor review due %s: %s (%s)", due, v.Name, v.Criticality), Link: w.link("/vendors/%d", v.ID)}
		if due < today {
			n.DedupeKey, n.Line = fmt.Sprintf("vendor:%d:overdue:%s", v.ID, due), fmt.Sprintf("Vendor review overdue since %s: %s (%s)", due, v.Name, v.Criticality)
		}
		w.to(v.OwnerID, n)
		w.team(n)
	}
	cuecs, err := s.DB.VendorCUECs(ctx, w.org.ID, 0)
	if err != nil {
		return err
	}
	for _, c := range cuecs {
		v, ok := owner[c.VendorID]
		if !ok || v.Status == attest.VendorOffboarded || !c.OverdueOn(today) {
			continue
		}
		to := c.OwnerID
		if to == 0 {
			to = v.OwnerID
		}
		w.to(to, attest.Notice{Kind: attest.NoticeVendor, DedupeKey: fmt.Sprintf("vendor-cuec:%d:overdue:%s", c.ID, c.DueOn),
			GroupKey: fmt.Sprintf("vendor-cuec:%d", c.ID), Line: fmt.Sprintf("Overdue since %s: %s (asked by %s's report)", c.DueOn, c.Description, v.Name),
			Link: w.link("/vendors/%d#checklist", v.ID)})
	}
	return nil
}
