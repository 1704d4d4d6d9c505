package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// A request the auditors flagged back reaches its owner, once per flag; an
// overdue one reaches them too; accepted requests and ones due later do
// not; a closed audit's requests are quiet.
func TestRequestsAreAnnounced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		now := time.Now().UTC()
		audit := attest.Audit{OrgID: w.org.ID, Name: "FY audit", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", Status: attest.AuditFieldwork}
		if err := db.CreateAudit(ctx, &audit); err != nil {
			t.Fatal(err)
		}
		add := func(ref string, st attest.RequestStatus, due string) attest.AuditRequest {
			r := attest.AuditRequest{OrgID: w.org.ID, AuditID: audit.ID, Ref: ref, Title: "Title " + ref, Source: attest.RequestCustom, OwnerID: w.lead.ID, Due: due, Status: st}
			if err := db.CreateRequest(ctx, &r); err != nil {
				t.Fatal(err)
			}
			return r
		}
		yesterday, later := attest.Today(now.AddDate(0, 0, -1)), attest.Today(now.AddDate(0, 1, 0))
		flagged := add("R-1", attest.RequestFlagged, later)
		add("R-2", attest.RequestOpen, yesterday)
		add("R-3", attest.RequestAccepted, yesterday)
		add("R-4", attest.RequestOpen, later)
		w.round(t, now)
		m := w.mail.Message(t, w.mail.WaitFor(t, 1, 10*time.Second)[0].ID)
		for _, want := range []string{"FY audit: the auditors flagged request R-1 (Title R-1) back to you", "FY audit: request R-2 (Title R-2) was due " + yesterday} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the digest lacks %q:\n%s", want, m.Text)
			}
		}
		for _, not := range []string{"R-3", "R-4"} {
			if strings.Contains(m.Text, not) {
				t.Errorf("the digest names %s:\n%s", not, m.Text)
			}
		}
		w.mail.Clear(t)
		if ids := w.round(t, now.Add(24*time.Hour)); len(ids) != 0 {
			t.Fatalf("the same requests were announced again: %v", ids)
		}
		// Resubmitted and flagged again: a new flag, told again.
		time.Sleep(2 * time.Millisecond)
		flagged.Status = attest.RequestSubmitted
		if err := db.UpdateRequest(ctx, &flagged); err != nil {
			t.Fatal(err)
		}
		flagged.Status = attest.RequestFlagged
		if err := db.UpdateRequest(ctx, &flagged); err != nil {
			t.Fatal(err)
		}
		if ids := w.round(t, now.Add(48*time.Hour)); len(ids) != 1 {
			t.Fatalf("a second flag was announced %d times, want once", len(ids))
		}
		w.mail.Clear(t)
		// A closed audit is quiet.
		audit.Status = attest.AuditClosed
		if err := db.UpdateAudit(ctx, &audit); err != nil {
			t.Fatal(err)
		}
		flagged.Due = yesterday
		if err := db.UpdateRequest(ctx, &flagged); err != nil {
			t.Fatal(err)
		}
		if ids := w.round(t, now.Add(72*time.Hour)); len(ids) != 0 {
			t.Fatalf("a closed audit's request was announced: %v", ids)
		}
	})
}
