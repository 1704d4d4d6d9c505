package attest

import (
	"testing"
	"time"
)

func TestAccessReviewRules(t *testing.T) {
	emp := Principal{UserID: 4, OrgID: 5, Role: RoleEmployee}
	if v := emp.Visibility(RecordAccessItem); v.OwnerID != 4 || !v.Admits(5, 4) || v.Admits(5, 9) {
		t.Fatalf("a reviewer's visibility: %+v", v)
	}
	if v := (Principal{UserID: 1, OrgID: 5, Role: RoleAuditor}).Visibility(RecordAccessItem); !v.Admits(5, 9) {
		t.Fatalf("an auditor does not see every account: %+v", v)
	}
	mine, theirs := AccessReviewItem{ReviewerID: 4}, AccessReviewItem{ReviewerID: 9}
	if !emp.MayDecideAccessItem(mine) || emp.MayDecideAccessItem(theirs) ||
		(Principal{UserID: 4, OrgID: 5, Role: RoleAuditor}).MayDecideAccessItem(mine) ||
		!(Principal{UserID: 1, OrgID: 5, Role: RoleManager}).MayDecideAccessItem(theirs) {
		t.Fatal("who may decide an account")
	}
	for _, c := range []struct{ decision, reason, field string }{
		{"keep", "", ""}, {" Revoke ", "left", ""}, {"revoke", " ", "reason"}, {"change", "", "reason"}, {"delete", "x", "decision"},
	} {
		d, r := c.decision, c.reason
		if err := ValidateDecision(&d, &r); ErrorField(err) != c.field {
			t.Errorf("%q %q: %v, want an error on %q", c.decision, c.reason, err, c.field)
		}
	}
	decided := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rev := AccessReviewItem{ConnectionID: 3, Decision: DecisionRevoke, DecidedAt: decided}
	on := &Account{Active: true}
	off := &Account{Active: false}
	for _, c := range []struct {
		seen *Account
		at   time.Time
		want string
	}{
		{on, time.Time{}, RemovalAwaiting},
		{nil, decided.Add(-time.Hour), RemovalAwaiting}, // a collection from before the decision says nothing
		{nil, decided.Add(time.Hour), RemovalVerified},
		{off, decided.Add(time.Hour), RemovalVerified},
		{on, decided.Add(time.Hour), RemovalPresent},
	} {
		if got := RemovalOf(rev, c.seen, c.at, false); got != c.want {
			t.Errorf("seen %+v at %v: %q, want %q", c.seen, c.at, got, c.want)
		}
	}
	if RemovalOf(AccessReviewItem{Decision: DecisionRevoke}, nil, time.Time{}, true) != RemovalTaskDone ||
		RemovalOf(AccessReviewItem{Decision: DecisionKeep, ConnectionID: 3}, nil, decided.Add(time.Hour), false) != "" {
		t.Fatal("an uploaded list's removal, or a kept account's")
	}
	if due, overdue := AccessReviewDue("2026-09-10", 0, "2026-12-04"); due != "2026-12-10" || overdue {
		t.Fatalf("quarterly due: %s %v", due, overdue)
	}
	if due, overdue := AccessReviewDue("", 3, "2026-12-04"); due != "" || !overdue {
		t.Fatalf("never reviewed: %s %v", due, overdue)
	}
}
