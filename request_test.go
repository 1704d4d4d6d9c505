package attest_test

import (
	"reflect"
	"testing"

	"github.com/attest-hq/attest"
)

func TestRequestTransition(t *testing.T) {
	const (
		member  = false
		auditor = true
	)
	cases := []struct {
		name     string
		from     attest.RequestStatus
		action   attest.RequestAction
		auditor  bool
		text     string
		evidence int
		want     attest.RequestStatus
		code     string // "" when allowed
	}{
		{"member submits evidence", attest.RequestOpen, attest.RequestSubmit, member, "", 1, attest.RequestSubmitted, ""},
		{"member submits an answer", attest.RequestOpen, attest.RequestSubmit, member, "we have no vendors", 0, attest.RequestSubmitted, ""},
		{"submission needs something", attest.RequestOpen, attest.RequestSubmit, member, "  ", 0, attest.RequestOpen, attest.EINVALID},
		{"resubmit after a flag", attest.RequestFlagged, attest.RequestSubmit, member, "", 2, attest.RequestSubmitted, ""},
		{"no second submission", attest.RequestSubmitted, attest.RequestSubmit, member, "", 1, attest.RequestSubmitted, attest.EINVALID},
		{"accepted stays", attest.RequestAccepted, attest.RequestSubmit, member, "", 1, attest.RequestAccepted, attest.EINVALID},
		{"auditors do not provide", attest.RequestOpen, attest.RequestSubmit, auditor, "", 1, attest.RequestOpen, attest.EFORBIDDEN},
		{"auditor accepts", attest.RequestSubmitted, attest.RequestAccept, auditor, "", 0, attest.RequestAccepted, ""},
		{"member cannot accept", attest.RequestSubmitted, attest.RequestAccept, member, "", 0, attest.RequestSubmitted, attest.EFORBIDDEN},
		{"nothing to accept", attest.RequestOpen, attest.RequestAccept, auditor, "", 0, attest.RequestOpen, attest.EINVALID},
		{"auditor flags with a reason", attest.RequestSubmitted, attest.RequestFlag, auditor, "the screenshot has no date", 0, attest.RequestFlagged, ""},
		{"a flag needs its reason", attest.RequestSubmitted, attest.RequestFlag, auditor, "", 0, attest.RequestSubmitted, attest.EINVALID},
		{"flag reopens an accepted request", attest.RequestAccepted, attest.RequestFlag, auditor, "wrong period", 0, attest.RequestFlagged, ""},
		{"nothing provided to flag", attest.RequestOpen, attest.RequestFlag, auditor, "why", 0, attest.RequestOpen, attest.EINVALID},
		{"member cannot flag", attest.RequestSubmitted, attest.RequestFlag, member, "why", 0, attest.RequestSubmitted, attest.EFORBIDDEN},
		{"not applicable with a reason", attest.RequestOpen, attest.RequestNA, auditor, "no such system", 0, attest.RequestNotApplicable, ""},
		{"not applicable needs a reason", attest.RequestOpen, attest.RequestNA, auditor, "", 0, attest.RequestOpen, attest.EINVALID},
		{"member cannot mark not applicable", attest.RequestOpen, attest.RequestNA, member, "no", 0, attest.RequestOpen, attest.EFORBIDDEN},
		{"comment keeps the status", attest.RequestFlagged, attest.RequestComment, member, "uploading tomorrow", 0, attest.RequestFlagged, ""},
		{"auditor comments", attest.RequestAccepted, attest.RequestComment, auditor, "thanks", 0, attest.RequestAccepted, ""},
		{"an empty comment", attest.RequestOpen, attest.RequestComment, member, " ", 0, attest.RequestOpen, attest.EINVALID},
		{"member assigns", attest.RequestOpen, attest.RequestAssign, member, "", 0, attest.RequestOpen, ""},
		{"auditor cannot assign", attest.RequestOpen, attest.RequestAssign, auditor, "", 0, attest.RequestOpen, attest.EFORBIDDEN},
		{"unknown action", attest.RequestOpen, "delete", member, "", 0, attest.RequestOpen, attest.EINVALID},
		{"text too long", attest.RequestOpen, attest.RequestComment, member, string(make([]byte, attest.MaxRequestText+1)), 0, attest.RequestOpen, attest.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := attest.RequestTransition(c.from, c.action, c.auditor, c.text, c.evidence)
			if attest.ErrorCode(err) != c.code {
				t.Fatalf("error %v (%s), want code %q", err, attest.ErrorCode(err), c.code)
			}
			if got != c.want {
				t.Fatalf("status %s, want %s", got, c.want)
			}
		})
	}
}

func TestRequestPeriods(t *testing.T) {
	type2 := attest.Audit{Type: attest.AuditType2, From: "2026-02-15", To: "2026-08-14"}
	labels := func(ps []attest.RequestPeriod) (out []string) {
		for _, p := range ps {
			out = append(out, p.Label+"|"+p.Due)
		}
		return out
	}
	cases := []struct {
		audit     attest.Audit
		frequency string
		want      []string
	}{
		// Quarters overlapping the window; the last is due 14 days after the window's end.
		{type2, "quarterly", []string{"2026-Q1|2026-04-14", "2026-Q2|2026-07-14", "2026-Q3|2026-08-28"}},
		{type2, "monthly", []string{"2026-02|2026-03-14", "2026-03|2026-04-14", "2026-04|2026-05-14", "2026-05|2026-06-14",
			"2026-06|2026-07-14", "2026-07|2026-08-14", "2026-08|2026-08-28"}},
		{type2, "annual", []string{"|2026-08-28"}},
		{type2, "daily", []string{"|2026-08-28"}},
		{type2, "per-event", []string{"|2026-08-28"}},
		{attest.Audit{Type: attest.AuditType1, AsOf: "2026-06-30"}, "monthly", []string{"|2026-07-14"}},
		{attest.Audit{Type: attest.AuditType2, From: "bad", To: "2026-01-01"}, "monthly", nil},
	}
	for _, c := range cases {
		if got := labels(attest.RequestPeriods(c.audit, c.frequency)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %s %s: %v, want %v", c.audit.Type, c.audit.Period(), c.frequency, got, c.want)
		}
	}
}

func TestDefaultRequests(t *testing.T) {
	a := attest.Audit{ID: 7, OrgID: 3, Type: attest.AuditType2, From: "2026-01-01", To: "2026-06-30"}
	got := attest.DefaultRequests(a, []attest.RequestControl{
		{ID: 1, Ref: "AC-1", Name: "Access reviews", Frequency: "quarterly", Evidence: []string{"review report", "sign-off"}, OwnerID: 9},
		{ID: 2, Ref: "CM-1", Name: "Change approval", Frequency: "per-event"},
	})
	var refs []string
	for _, r := range got {
		refs = append(refs, r.Ref)
		if r.AuditID != 7 || r.OrgID != 3 || r.Source != attest.RequestGenerated || r.Status != attest.RequestOpen {
			t.Errorf("%s: %+v", r.Ref, r)
		}
	}
	if want := []string{"AC-1/2026-Q1", "AC-1/2026-Q2", "CM-1"}; !reflect.DeepEqual(refs, want) {
		t.Fatalf("refs %v, want %v", refs, want)
	}
	if got[0].OwnerID != 9 || got[0].ControlID != 1 || got[0].Expected != "Evidence that the control operated: review report; sign-off" || got[0].Title != "AC-1 Access reviews (2026-Q1)" {
		t.Errorf("first request: %+v", got[0])
	}
	if got[2].Details == "" || got[2].Expected != "Evidence that the control operated as described." || got[2].Due != "2026-07-14" {
		t.Errorf("the population request: %+v", got[2])
	}
}
