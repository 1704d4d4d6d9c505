package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

// watchAccessReviews tells each reviewer of an open access review the
// accounts waiting for them: once when the campaign gives them accounts,
// and again when its due day is three days away or past (the channels told
// of access reviews hear of an overdue one). Each is announced once per
// campaign, reviewer and due day.
func (s *Service) watchAccessReviews(ctx context.Context, w *watcher, today string) error {
	reviews, err := s.DB.AccessReviews(ctx, attest.Visibility{OrgID: w.org.ID})
	if err != nil {
		return err
	}
	t, err := time.Parse(attest.DateLayout, today)
	if err != nil {
		return err
	}
	soon := attest.Today(t.AddDate(0, 0, 3))
	for _, r := range reviews {
		if r.State != attest.AccessReviewOpen || r.Decided == r.Items {
			continue
		}
		items, err := s.DB.AccessReviewItems(ctx, attest.Visibility{OrgID: w.org.ID}, r.ID)
		if err != nil {
			return err
		}
		waiting := map[int64]int{}
		for _, it := range items {
			if it.Decision == "" && it.ReviewerID != 0 {
				waiting[it.ReviewerID]++
			}
		}
		link := w.link("/access-reviews/%d", r.ID)
		for reviewer, count := range waiting {
			group := fmt.Sprintf("access-review:%d:%d", r.ID, reviewer)
			switch {
			case r.DueOn < today:
				w.to(reviewer, attest.Notice{Kind: attest.NoticeAccess, DedupeKey: fmt.Sprintf("access-review:%d:overdue:%d:%s", r.ID, reviewer, r.DueOn),
					GroupKey: group, Line: fmt.Sprintf("Access review “%s” was due %s: %d account(s) still to decide", r.Title, r.DueOn, count), Link: link})
			case r.DueOn <= soon:
				w.to(reviewer, attest.Notice{Kind: attest.NoticeAccess, DedupeKey: fmt.Sprintf("access-review:%d:due:%d:%s", r.ID, reviewer, r.DueOn),
					GroupKey: group, Line: fmt.Sprintf("Access review “%s” is due %s: %d account(s) still to decide", r.Title, r.DueOn, count), Link: link})
			}
			// After the reminder: a digest shows a group's first line, and
			// the reminder says more.
			w.to(reviewer, attest.Notice{Kind: attest.NoticeAccess, DedupeKey: fmt.Sprintf("access-review:%d:assigned:%d", r.ID, reviewer),
				GroupKey: group, Line: fmt.Sprintf("Access review “%s”: %d account(s) to review by %s", r.Title, count, r.DueOn), Link: link})
		}
		if r.DueOn < today {
			w.team(attest.Notice{Kind: attest.NoticeAccess, DedupeKey: fmt.Sprintf("access-review:%d:overdue:%s", r.ID, r.DueOn), GroupKey: fmt.Sprintf("access-review:%d", r.ID),
				Line: fmt.Sprintf("Access review “%s” is overdue since %s: %d of %d accounts undecided", r.Title, r.DueOn, r.Items-r.Decided, r.Items), Link: link})
		}
	}
	return nil
}
