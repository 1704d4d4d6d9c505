package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/store"
)

// StaleWarning is how long before evidence goes stale its owner is told.
const StaleWarning = 7 * 24 * time.Hour

// securityActions are the activity entries the person concerned hears of at
// once: changes to how they sign in, and to their role.
var securityActions = []string{"user.mfa_enrolled", "user.mfa_removed", "user.mfa_reset", "user.passkey_added", "user.passkey_removed",
	"user.password_changed", "user.recovery_codes_replaced", "member.role_changed", "member.sessions_revoked"}

// Round records, for every organization, what happened since the last
// round as notices, gathers the notices whose cadence has come round into
// digests, and returns every message still to send (those of earlier rounds
// included, so that nothing queued before a restart is left behind).
func (s *Service) Round(ctx context.Context, now time.Time) ([]int64, error) {
	orgs, err := s.DB.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, org := range orgs {
		if err := s.watch(ctx, org, now); err != nil {
			errs = append(errs, fmt.Errorf("notices of %s: %w", org.Slug, err))
			continue
		}
		if err := s.digests(ctx, org, now); err != nil {
			errs = append(errs, fmt.Errorf("digests of %s: %w", org.Slug, err))
		}
	}
	ids, err := s.DB.QueuedDeliveries(ctx, 1000)
	return ids, errors.Join(append(errs, err)...)
}

// watcher gathers one organization's notices in one round.
type watcher struct {
	org      attest.Organization
	members  map[int64]attest.Membership
	byEmail  map[string]int64
	channels []attest.SlackChannel
	notices  []attest.Notice
}

// to records a notice for a member, if they are one.
func (w *watcher) to(userID int64, n attest.Notice) {
	if _, ok := w.members[userID]; !ok || userID == 0 {
		return
	}
	n.OrgID, n.UserID = w.org.ID, userID
	w.notices = append(w.notices, n)
}

// team records a notice for every Slack channel told of its kind.
func (w *watcher) team(n attest.Notice) {
	for _, c := range w.channels {
		for _, k := range c.Kinds {
			if k == n.Kind {
				m := n
				m.OrgID, m.ChannelID = w.org.ID, c.ID
				w.notices = append(w.notices, m)
			}
		}
	}
}

func (w *watcher) link(format string, args ...any) string {
	return "/o/" + w.org.Slug + fmt.Sprintf(format, args...)
}

// watch records an organization's notices: its state now (tasks due,
// evidence going stale, policies waiting) and what its history says
// happened since the last round (verdicts into and out of failing, security
// changes). A notice names the state it announces, so a state announced
// before is not announced again.
func (s *Service) watch(ctx context.Context, org attest.Organization, now time.Time) error {
	q := &s.DB.Queries
	wm, found, err := q.NoticeWatermark(ctx, org.ID)
	if err != nil {
		return err
	}
	if !found {
		// History before the first round is not news.
		wm.Since = now
		if wm.ChangeID, wm.ActivityID, err = q.LastIDs(ctx, org.ID); err != nil {
			return err
		}
	}
	w := &watcher{org: org, members: map[int64]attest.Membership{}, byEmail: map[string]int64{}}
	ms, err := q.Members(ctx, org.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		w.members[m.User.ID], w.byEmail[m.User.Email] = m, m.User.ID
	}
	if w.channels, err = q.SlackChannels(ctx, org.ID); err != nil {
		return err
	}
	today := attest.Today(now)
	state := s.stateDue(org.ID, now)
	if state {
		if err := s.watchTasks(ctx, w, wm, today, now); err != nil {
			return err
		}
		if err := s.watchEvidence(ctx, w, now); err != nil {
			return err
		}
	}
	if wm.ChangeID, err = s.watchTests(ctx, w, wm.ChangeID); err != nil {
		return err
	}
	if state {
		if err := s.watchPolicies(ctx, w, today); err != nil {
			return err
		}
		if err := s.watchVendors(ctx, w, today); err != nil {
			return err
		}
		if err := s.watchAccessReviews(ctx, w, today); err != nil {
			return err
		}
		if err := s.watchChecklists(ctx, w, today); err != nil {
			return err
		}
		if err := s.watchRequests(ctx, w, today); err != nil {
			return err
		}
	}
	if wm.ActivityID, err = s.watchSecurity(ctx, w, wm.ActivityID); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		for i := range w.notices {
			if _, err := tx.AddNotice(ctx, &w.notices[i]); err != nil {
				return err
			}
		}
		return tx.SetNoticeWatermark(ctx, wm)
	})
}

// stateDue reports whether a round at now reads an organization's state,
// and if so notes it. Another process reading it too is harmless: a state
// is announced once whoever notices it.
func (s *Service) stateDue(orgID int64, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, ok := s.lastState[orgID]; ok && now.Sub(last) < s.StateEvery && !now.Before(last) {
		return false
	}
	if s.lastState == nil {
		s.lastState = map[int64]time.Time{}
	}
	s.lastState[orgID] = now
	return true
}

func (s *Service) watchTasks(ctx context.Context, w *watcher, wm store.Watermark, today string, now time.Time) error {
	tasks, err := s.DB.Tasks(ctx, w.org.ID, store.TaskFilter{OpenOnly: true})
	if err != nil {
		return err
	}
	tomorrow := attest.Today(now.AddDate(0, 0, 1))
	for _, t := range tasks {
		link := w.link("/tasks/%d", t.ID)
		// One task is one line of a digest, however many of its notices
		// are new: due first, as it says more.
		group := fmt.Sprintf("task:%d", t.ID)
		var due *attest.Notice
		switch {
		case t.DueOn == "":
		case t.DueOn < today:
			due = &attest.Notice{Kind: attest.NoticeTask, DedupeKey: fmt.Sprintf("task:%d:overdue:%s", t.ID, t.DueOn), GroupKey: group,
				Line: fmt.Sprintf("Overdue since %s: %s", t.DueOn, t.Title), Link: link}
		case t.DueOn == today || t.DueOn == tomorrow:
			when := "tomorrow"
			if t.DueOn == today {
				when = "today"
			}
			due = &attest.Notice{Kind: attest.NoticeTask, DedupeKey: fmt.Sprintf("task:%d:due:%s", t.ID, t.DueOn), GroupKey: group,
				Line: fmt.Sprintf("Due %s (%s): %s", when, t.DueOn, t.Title), Link: link}
		}
		if due != nil {
			w.to(t.OwnerID, *due)
			w.team(*due)
		}
		// Assigned: only tasks changed since notices began, and not to
		// oneself.
		if t.OwnerID != 0 && t.OwnerID != t.CreatedBy && !t.UpdatedAt.Before(wm.Since) {
			w.to(t.OwnerID, attest.Notice{Kind: attest.NoticeTask, DedupeKey: fmt.Sprintf("task:%d:owner:%d", t.ID, t.OwnerID), GroupKey: group,
				Line: fmt.Sprintf("Task assigned to you: %s", t.Title), Link: link})
		}
	}
	return nil
}

func (s *Service) watchEvidence(ctx context.Context, w *watcher, now time.Time) error {
	controls, err := s.DB.Controls(ctx, w.org.ID, store.ControlFilter{})
	if err != nil {
		return err
	}
	times, err := s.DB.EvidenceTimes(ctx, w.org.ID)
	if err != nil {
		return err
	}
	for _, c := range controls {
		if c.Status == "not_applicable" || len(times[c.ID]) == 0 {
			continue // no evidence yet is a readiness gap, not news
		}
		var items []evidence.Item
		var lastExpiry time.Time
		for _, t := range times[c.ID] {
			it := evidence.Item{CollectedAt: t.CollectedAt, PeriodEnd: t.PeriodEnd}
			items = append(items, it)
			if e := evidence.ExpiresAt(it, c.Frequency); e.After(lastExpiry) {
				lastExpiry = e
			}
		}
		link := w.link("/controls/%d", c.ID)
		var n attest.Notice
		due, ok := evidence.NextDue(items, c.Frequency, now)
		switch {
		case !ok:
			day := attest.Today(lastExpiry)
			n = attest.Notice{Kind: attest.NoticeEvidence, DedupeKey: fmt.Sprintf("evidence:%d:stale:%s", c.ID, day),
				Line: fmt.Sprintf("Evidence for %s %s went stale on %s", c.Ref, c.Name, day), Link: link}
		case due.Sub(now) <= StaleWarning:
			day := attest.Today(due)
			n = attest.Notice{Kind: attest.NoticeEvidence, DedupeKey: fmt.Sprintf("evidence:%d:due:%s", c.ID, day),
				Line: fmt.Sprintf("Evidence for %s %s goes stale on %s", c.Ref, c.Name, day), Link: link}
		default:
			continue
		}
		w.to(c.OwnerID, n)
		w.team(n)
	}
	return nil
}

// watchTests records verdicts that turned to failing or back to passing
// since the last change read, for the owners of the controls each test
// supports, and returns the last change read. A digest shows one test's
// changes as one line with a count.
func (s *Service) watchTests(ctx context.Context, w *watcher, after int64) (int64, error) {
	const page = 5000
	for {
		changes, err := s.DB.FailureChangesAfter(ctx, w.org.ID, after, page)
		if err != nil {
			return after, err
		}
		last := after
		for _, ch := range changes {
			last = max(last, ch.ID)
			var state, verb string
			switch {
			case ch.To == attest.ResultFail:
				state, verb = "fail", "started failing"
			case ch.From == attest.ResultFail && ch.To == attest.ResultPass:
				state, verb = "pass", "recovered"
			default:
				continue // failing → unverifiable or removed is not a recovery
			}
			n := attest.Notice{Kind: attest.NoticeTest, DedupeKey: "test-change:" + strconv.FormatInt(ch.ID, 10),
				GroupKey: "test:" + ch.Test + ":" + state,
				Line:     fmt.Sprintf("Test %s %s — %s", ch.Test, verb, ch.Resource.Key),
				Link:     w.link("/monitoring/tests/%s", ch.Test)}
			w.to(ch.OwnerID, n)
			w.team(n) // the unique key keeps one per channel, however many controls
		}
		if len(changes) < page {
			return last, nil
		}
		// A change joined to several controls is several rows; the page may
		// end among them, so the next page starts at that change again (its
		// notices already recorded are not recorded twice).
		if last-1 <= after {
			return last, nil // one change fills a page: cannot happen with real tests
		}
		after = last - 1
	}
}

func (s *Service) watchPolicies(ctx context.Context, w *watcher, today string) error {
	st, err := policy.LoadStatus(ctx, &s.DB.Queries, w.org.ID, today, 0)
	if err != nil {
		return err
	}
	for _, pol := range st.Policies {
		if v := pol.Latest; v != nil && v.State == attest.VersionInReview {
			for _, a := range v.Approvers {
				if a.Decision == "" {
					w.to(a.UserID, attest.Notice{Kind: attest.NoticePolicy, DedupeKey: fmt.Sprintf("policy-version:%d:approve", v.ID),
						Line: fmt.Sprintf("Awaiting your approval: %s %s", pol.Title, v.Label), Link: w.link("/policies/%s", pol.Key)})
				}
			}
		}
		if pol.Published == nil {
			continue
		}
		for _, r := range st.Rows[pol.ID] {
			if r.State == attest.AckAccepted {
				continue
			}
			uid := w.byEmail[attest.NormalizeEmail(r.PersonEmail)]
			w.to(uid, attest.Notice{Kind: attest.NoticePolicy, DedupeKey: fmt.Sprintf("policy-version:%d:accept", pol.Published.ID),
				Line: fmt.Sprintf("Please read and accept %s %s (due %s)", pol.Title, pol.Published.Label, r.Due), Link: w.link("/my/policies/%s", pol.Key)})
		}
		if rb := pol.Published.ReviewBy; rb != "" && rb < today {
			n := attest.Notice{Kind: attest.NoticePolicy, DedupeKey: fmt.Sprintf("policy:%d:review:%s", pol.ID, rb),
				Line: fmt.Sprintf("%s was due for review on %s", pol.Title, rb), Link: w.link("/policies/%s", pol.Key)}
			w.to(pol.OwnerID, n)
			w.team(n)
		}
	}
	return nil
}

// watchSecurity tells people of changes to their own sign-in and role, from
// the activity log, and returns the last entry read.
func (s *Service) watchSecurity(ctx context.Context, w *watcher, after int64) (int64, error) {
	for {
		entries, last, err := s.DB.ActivityAfter(ctx, w.org.ID, after, securityActions, 1000)
		if err != nil {
			return after, err
		}
		for _, a := range entries {
			uid, err := strconv.ParseInt(a.RecordID, 10, 64)
			if err != nil || (a.RecordType != "user" && a.RecordType != "membership") {
				continue
			}
			line := a.Summary
			if a.ActorID != uid && a.ActorLabel != "" {
				line += " (by " + a.ActorLabel + ")"
			}
			w.to(uid, attest.Notice{Kind: attest.NoticeSecurity, DedupeKey: "activity:" + strconv.FormatInt(a.ID, 10),
				Line: line + " at " + a.At.UTC().Format("2006-01-02 15:04 UTC"), Link: "/account"})
		}
		if last == after {
			return after, nil
		}
		after = last
	}
}
