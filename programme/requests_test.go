package programme_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// The request list end to end on both databases: the default list from the
// controls in scope (again: only what is missing), an auditor's own
// requests and CSV list (all rows or none), and a request's round trip:
// submitted with evidence, flagged with a reason, resubmitted, accepted,
// with its whole history kept and the evidence opened by the auditor.
func TestRequestList(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 7, 2, 9, 0, 0, 0, time.UTC)
			db := storetest.Open(t, d, func() time.Time { return now })
			org := storetest.MustOrg(t, db, "acme")
			admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "admin@acme.test")
			manager := storetest.MustMember(t, db, org, attest.RoleManager, "manager@acme.test")
			employee := storetest.MustMember(t, db, org, attest.RoleEmployee, "employee@acme.test")
			control := func(ref, freq string, mapped bool) attest.Control {
				c := storetest.Control(org, ref)
				c.Status, c.Frequency, c.OwnerID = attest.StatusImplemented, freq, manager.ID
				if !mapped {
					c.Mappings = nil // outside the audit's scope
				}
				if err := db.CreateControl(ctx, &c); err != nil {
					t.Fatal(err)
				}
				return c
			}
			ac, _, outside := control("AC-1", "quarterly", true), control("CM-1", "per-event", true), control("HR-9", "annual", false)
			audit := attest.Audit{OrgID: org.ID, Name: "H1", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-06-30", Status: attest.AuditFieldwork}
			other := attest.Audit{OrgID: org.ID, Name: "Other", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", Status: attest.AuditFieldwork}
			for _, a := range []*attest.Audit{&audit, &other} {
				if err := db.CreateAudit(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			svc := programme.Audits{DB: db, Catalog: cat, Now: func() time.Time { return now }}
			ev := evidencetest.NewService(t, db)
			asAdmin := attest.Principal{UserID: admin.ID, OrgID: org.ID, Role: attest.RoleAdmin, Label: admin.Email}
			asEmployee := attest.Principal{UserID: employee.ID, OrgID: org.ID, Role: attest.RoleEmployee, Label: employee.Email}
			guest := attest.Principal{OrgID: org.ID, Label: "guest@firm.test", Grants: []attest.Grant{{Kind: attest.GrantAudit, ID: audit.ID}}}
			otherGuest := attest.Principal{OrgID: org.ID, Label: "other@firm.test", Grants: []attest.Grant{{Kind: attest.GrantAudit, ID: other.ID}}}
			code := func(err error, want string) {
				t.Helper()
				if attest.ErrorCode(err) != want {
					t.Fatalf("got %v, want code %s", err, want)
				}
			}

			// The default list: AC-1 per quarter, CM-1 once for its population; HR-9 is out of scope.
			n, err := svc.GenerateRequests(ctx, asAdmin, audit.ID)
			if err != nil || n != 3 {
				t.Fatalf("generated %d, %v", n, err)
			}
			if n, err := svc.GenerateRequests(ctx, asAdmin, audit.ID); err != nil || n != 0 {
				t.Fatalf("generated again: %d, %v", n, err)
			}
			_, err = svc.GenerateRequests(ctx, asEmployee, audit.ID)
			code(err, attest.EFORBIDDEN)
			_, err = svc.GenerateRequests(ctx, guest, audit.ID)
			code(err, attest.EFORBIDDEN)
			list, err := svc.Requests(ctx, guest, audit.ID, store.RequestFilter{})
			if err != nil || len(list.Requests) != 3 || list.Counts[attest.RequestOpen] != 3 {
				t.Fatalf("the list: %+v, %v", list, err)
			}
			q1 := list.Requests[0]
			if q1.Ref != "AC-1/2026-Q1" || q1.OwnerID != manager.ID || q1.ControlID != ac.ID || q1.Due != "2026-04-14" {
				t.Fatalf("first request: %+v", q1)
			}
			_, err = svc.Requests(ctx, otherGuest, audit.ID, store.RequestFilter{})
			code(err, attest.EFORBIDDEN)
			_, err = svc.Requests(ctx, asAdmin, audit.ID, store.RequestFilter{Status: "done"})
			code(err, attest.EINVALID)

			// The auditor's own request, numbered in the audit.
			custom, err := svc.AddRequest(ctx, guest, audit.ID, attest.AuditRequest{Title: "Board minutes for the window"})
			if err != nil || custom.Ref != "R-4" || custom.Source != attest.RequestCustom {
				t.Fatalf("custom request: %+v, %v", custom, err)
			}
			_, err = svc.AddRequest(ctx, otherGuest, audit.ID, attest.AuditRequest{Title: "x"})
			code(err, attest.EFORBIDDEN)
			_, err = svc.AddRequest(ctx, asEmployee, audit.ID, attest.AuditRequest{Title: "x"})
			code(err, attest.EFORBIDDEN)
			_, err = svc.AddRequest(ctx, asAdmin, audit.ID, attest.AuditRequest{Title: "x", OwnerID: employee.ID})
			code(err, attest.EINVALID)

			// A CSV list: a bad row refuses the whole file, naming its line.
			bad := "ref,title,control,owner,due\nPBC-1,Access list,AC-1,manager@acme.test,2026-07-20\nPBC-2,Firewall rules,NET-404,,\n"
			_, err = svc.ImportRequests(ctx, guest, audit.ID, strings.NewReader(bad))
			if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "NET-404") {
				t.Fatalf("a file with an unknown control: %v", err)
			}
			for _, f := range []struct{ file, want string }{
				{"ref,title,owner\nPBC-1,Access list,employee@acme.test\n", "line 2: owner"},
				{"ref,title\nPBC-1,Access list\nPBC-1,Again\n", "line 3: ref"},
				{"ref,title\nAC-1/2026-Q1,Twice\n", "line 2: ref"},
				{"ref,title,due\nPBC-1,Access list,July\n", "line 2: due"},
			} {
				_, err := svc.ImportRequests(ctx, guest, audit.ID, strings.NewReader(f.file))
				if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), f.want) {
					t.Fatalf("import %q: %v, want an error naming %q", f.file, err, f.want)
				}
			}
			if list, _ := svc.Requests(ctx, asAdmin, audit.ID, store.RequestFilter{}); len(list.Requests) != 4 {
				t.Fatalf("refused files left requests: %d", len(list.Requests))
			}
			if n, err := svc.ImportRequests(ctx, guest, audit.ID, strings.NewReader(strings.Replace(bad, "NET-404", "CM-1", 1))); err != nil || n != 2 {
				t.Fatalf("import: %d, %v", n, err)
			}
			imported, _ := svc.Requests(ctx, asAdmin, audit.ID, store.RequestFilter{OwnerID: manager.ID})
			if len(imported.Requests) != 4 { // AC-1 twice, CM-1, PBC-1
				t.Fatalf("the manager's requests: %+v", imported.Requests)
			}

			// A round trip: submit, flag, resubmit, accept.
			first := evidencetest.MustEvidence(t, ev, org, "access review Q1", ac.ID)
			second := evidencetest.MustEvidence(t, ev, org, "access review Q1, signed", outside.ID)
			_, err = svc.Evidence(ctx, guest, audit.ID, second.ID)
			code(err, attest.ENOTFOUND) // not in the audit until provided for it
			submit := programme.RequestAct{Action: attest.RequestSubmit, Evidence: []int64{first.ID}}
			_, err = svc.ActOnRequest(ctx, guest, audit.ID, q1.ID, submit)
			code(err, attest.EFORBIDDEN)
			_, err = svc.ActOnRequest(ctx, asEmployee, audit.ID, q1.ID, submit)
			code(err, attest.EFORBIDDEN)
			r, err := svc.ActOnRequest(ctx, asAdmin, audit.ID, q1.ID, submit)
			if err != nil || r.Status != attest.RequestSubmitted || r.Attached != 1 {
				t.Fatalf("submitted: %+v, %v", r, err)
			}
			_, err = svc.ActOnRequest(ctx, asAdmin, audit.ID, q1.ID, programme.RequestAct{Action: attest.RequestAccept})
			code(err, attest.EFORBIDDEN)
			_, err = svc.ActOnRequest(ctx, otherGuest, audit.ID, q1.ID, programme.RequestAct{Action: attest.RequestAccept})
			code(err, attest.EFORBIDDEN)
			if r, err = svc.ActOnRequest(ctx, guest, audit.ID, q1.ID, programme.RequestAct{Action: attest.RequestFlag, Text: "the review is not signed"}); err != nil || r.Status != attest.RequestFlagged {
				t.Fatalf("flagged: %+v, %v", r, err)
			}
			if _, err = svc.ActOnRequest(ctx, asAdmin, audit.ID, q1.ID, programme.RequestAct{Action: attest.RequestComment, Evidence: []int64{second.ID}, Text: "x"}); attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("evidence on a comment: %v", err)
			}
			if r, err = svc.ActOnRequest(ctx, asAdmin, audit.ID, q1.ID, programme.RequestAct{Action: attest.RequestSubmit, Evidence: []int64{second.ID}, Text: "signed copy"}); err != nil || r.Status != attest.RequestSubmitted || r.Attached != 2 {
				t.Fatalf("resubmitted: %+v, %v", r, err)
			}
			if r, err = svc.ActOnRequest(ctx, guest, audit.ID, q1.ID, programme.RequestAct{Action: attest.RequestAccept}); err != nil || r.Status != attest.RequestAccepted {
				t.Fatalf("accepted: %+v, %v", r, err)
			}
			detail, err := svc.Request(ctx, guest, audit.ID, q1.ID)
			if err != nil {
				t.Fatal(err)
			}
			var trail []string
			for _, e := range detail.Events {
				trail = append(trail, string(e.Action)+":"+string(e.Status))
			}
			if got, want := strings.Join(trail, " "), "created:open submit:submitted flag:flagged submit:submitted accept:accepted"; got != want {
				t.Fatalf("history %q, want %q", got, want)
			}
			if e := detail.Events[2]; e.Text != "the review is not signed" || !e.Auditor || e.Actor != "guest@firm.test" {
				t.Fatalf("the flag: %+v", e)
			}
			if len(detail.Evidence) != 2 || detail.Evidence[1].ID != second.ID {
				t.Fatalf("attached: %+v", detail.Evidence)
			}
			// The auditor opens what was provided, though it was collected
			// outside the window for a control outside the scope.
			if e, err := svc.Evidence(ctx, guest, audit.ID, second.ID); err != nil || e.ID != second.ID {
				t.Fatalf("the auditor opens the provided evidence: %+v, %v", e, err)
			}
			_, err = svc.Evidence(ctx, otherGuest, other.ID, second.ID)
			code(err, attest.ENOTFOUND)
			_, err = svc.Request(ctx, otherGuest, other.ID, q1.ID)
			code(err, attest.ENOTFOUND)

			// Assignment: owners are members who edit.
			owner := employee.ID
			_, err = svc.ActOnRequest(ctx, asAdmin, audit.ID, custom.ID, programme.RequestAct{Action: attest.RequestAssign, OwnerID: &owner})
			code(err, attest.EINVALID)
			owner, due := manager.ID, "2026-07-31"
			if r, err = svc.ActOnRequest(ctx, asAdmin, audit.ID, custom.ID, programme.RequestAct{Action: attest.RequestAssign, OwnerID: &owner, Due: &due}); err != nil || r.OwnerID != manager.ID || r.Due != due {
				t.Fatalf("assigned: %+v, %v", r, err)
			}
			bad2 := "31/07"
			_, err = svc.ActOnRequest(ctx, asAdmin, audit.ID, custom.ID, programme.RequestAct{Action: attest.RequestAssign, Due: &bad2})
			code(err, attest.EINVALID)
			if r, err = svc.ActOnRequest(ctx, guest, audit.ID, custom.ID, programme.RequestAct{Action: attest.RequestNA, Text: "no board this year"}); err != nil || r.Status != attest.RequestNotApplicable {
				t.Fatalf("not applicable: %+v, %v", r, err)
			}

			// A closed audit's list stays as it was.
			closed := "closed"
			if _, err := svc.Update(ctx, asAdmin, audit.ID, programme.AuditChange{Status: &closed}); err != nil {
				t.Fatal(err)
			}
			_, err = svc.ActOnRequest(ctx, asAdmin, audit.ID, custom.ID, programme.RequestAct{Action: attest.RequestComment, Text: "late"})
			code(err, attest.EINVALID)
			_, err = svc.GenerateRequests(ctx, asAdmin, audit.ID)
			code(err, attest.EINVALID)
		})
	}
}
