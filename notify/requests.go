package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// watchRequests tells the owner of each request of an open audit what
// needs them: a request the auditors flagged back (once per flag: a
// resubmitted and flagged-again request is told again), and one still to
// provide whose due day is three days away or past (once per due day). The
// team's channels hear of overdue requests.
func (s *Service) watchRequests(ctx context.Context, w *watcher, today string) error {
	audits, err := s.DB.Audits(ctx, w.org.ID, true, nil)
	if err != nil {
		return err
	}
	t, err := time.Parse(attest.DateLayout, today)
	if err != nil {
		return err
	}
	soon := attest.Today(t.AddDate(0, 0, 3))
	for _, a := range audits {
		if a.Status == attest.AuditClosed {
			continue
		}
		list, err := s.DB.Requests(ctx, w.org.ID, a.ID, store.RequestFilter{})
		if err != nil {
			return err
		}
		for _, r := range list {
			if r.Status != attest.RequestOpen && r.Status != attest.RequestFlagged {
				continue
			}
			link := w.link("/audits/%d/requests/%d", a.ID, r.ID)
			group := fmt.Sprintf("audit-request:%d", r.ID)
			if r.OwnerID != 0 && r.Status == attest.RequestFlagged {
				w.to(r.OwnerID, attest.Notice{Kind: attest.NoticeRequest, DedupeKey: fmt.Sprintf("audit-request:%d:flagged:%s", r.ID, r.UpdatedAt.Format(time.RFC3339Nano)),
					GroupKey: group, Line: fmt.Sprintf("%s: the auditors flagged request %s (%s) back to you", a.Name, r.Ref, r.Title), Link: link})
			}
			if r.Due == "" {
				continue
			}
			switch {
			case r.Due < today:
				if r.OwnerID != 0 {
					w.to(r.OwnerID, attest.Notice{Kind: attest.NoticeRequest, DedupeKey: fmt.Sprintf("audit-request:%d:overdue:%s", r.ID, r.Due),
						GroupKey: group, Line: fmt.Sprintf("%s: request %s (%s) was due %s", a.Name, r.Ref, r.Title, r.Due), Link: link})
				}
				w.team(attest.Notice{Kind: attest.NoticeRequest, DedupeKey: fmt.Sprintf("audit-request:%d:overdue:%s", r.ID, r.Due),
					GroupKey: group, Line: fmt.Sprintf("%s: request %s (%s) is overdue since %s", a.Name, r.Ref, r.Title, r.Due), Link: link})
			case r.Due <= soon && r.OwnerID != 0:
				w.to(r.OwnerID, attest.Notice{Kind: attest.NoticeRequest, DedupeKey: fmt.Sprintf("audit-request:%d:due:%s", r.ID, r.Due),
					GroupKey: group, Line: fmt.Sprintf("%s: request %s (%s) is due %s", a.Name, r.Ref, r.Title, r.Due), Link: link})
			}
		}
	}
	return nil
}
