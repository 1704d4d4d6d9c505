package store_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

func mustRequest(t *testing.T, ctx context.Context, db *store.DB, w tenant) attest.AuditRequest {
	t.Helper()
	ref := attest.NewUID("R-") // the cases share a database
	r := attest.AuditRequest{OrgID: w.org.ID, AuditID: w.audit.ID, Ref: ref, ControlID: w.control.ID, Title: "Request of " + w.org.Slug,
		Source: attest.RequestCustom, OwnerID: w.admin.ID, Due: "2026-07-14", Status: attest.RequestOpen}
	must(t, db.CreateRequest(ctx, &r))
	return r
}

func init() {
	tenantCases = append(tenantCases,
		tenantCase{"CreateRequest", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ra := mustRequest(t, ctx, db, a)
			if list, err := db.Requests(ctx, b.org.ID, a.audit.ID, store.RequestFilter{}); err != nil || len(list) != 0 {
				t.Fatalf("b sees a's request %d: %+v, %v", ra.ID, list, err)
			}
			// A request of a's into b's audit: not found.
			x := attest.AuditRequest{OrgID: a.org.ID, AuditID: b.audit.ID, Ref: "R-9", Title: "intruder", Source: attest.RequestCustom, Status: attest.RequestOpen}
			wantNotFound(t, "audit (create request)", db.CreateRequest(ctx, &x))
			again := attest.AuditRequest{OrgID: a.org.ID, AuditID: a.audit.ID, Ref: ra.Ref, Title: "twice", Source: attest.RequestCustom, Status: attest.RequestOpen}
			if err := db.CreateRequest(ctx, &again); attest.ErrorCode(err) != attest.ECONFLICT {
				t.Fatalf("a second R-1: %v", err)
			}
		}},
		tenantCase{"Requests", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ra, rb := mustRequest(t, ctx, db, a), mustRequest(t, ctx, db, b)
			list, err := db.Requests(ctx, a.org.ID, a.audit.ID, store.RequestFilter{})
			presence(t, "Requests", list, err, func(r attest.AuditRequest) bool { return r.ID == ra.ID }, func(r attest.AuditRequest) bool { return r.ID == rb.ID })
			for _, r := range list {
				if r.ID == ra.ID && (r.Control != a.control.Ref || r.Owner == "" || r.Due != "2026-07-14" || r.Ref != ra.Ref) {
					t.Errorf("a's request as listed: %+v", r)
				}
			}
			if list, _ := db.Requests(ctx, a.org.ID, b.audit.ID, store.RequestFilter{}); len(list) != 0 {
				t.Errorf("a's requests of b's audit: %+v", list)
			}
			if list, _ := db.Requests(ctx, a.org.ID, a.audit.ID, store.RequestFilter{Status: attest.RequestAccepted}); len(list) != 0 {
				t.Errorf("accepted requests of a: %+v", list)
			}
			if list, _ := db.Requests(ctx, a.org.ID, a.audit.ID, store.RequestFilter{Status: attest.RequestOpen, OwnerID: a.admin.ID}); len(list) == 0 {
				t.Errorf("a's admin's open requests: none")
			}
			if list, _ := db.Requests(ctx, a.org.ID, a.audit.ID, store.RequestFilter{OwnerID: a.member.ID}); len(list) != 0 {
				t.Errorf("a's member's requests: %+v", list)
			}
		}},
		tenantCase{"Request", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb := mustRequest(t, ctx, db, b)
			_, err := db.Request(ctx, a.org.ID, b.audit.ID, rb.ID)
			wantNotFound(t, "request", err)
			_, err = db.Request(ctx, a.org.ID, a.audit.ID, rb.ID)
			wantNotFound(t, "request (through a's audit)", err)
		}},
		tenantCase{"UpdateRequest", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb := mustRequest(t, ctx, db, b)
			x := rb
			x.OrgID, x.AuditID, x.Status = a.org.ID, a.audit.ID, attest.RequestAccepted
			wantNotFound(t, "request (update)", db.UpdateRequest(ctx, &x))
			if got, err := db.Request(ctx, b.org.ID, b.audit.ID, rb.ID); err != nil || got.Status != attest.RequestOpen {
				t.Errorf("b's request after a's update: %+v, %v", got, err)
			}
		}},
		tenantCase{"AddRequestEvent", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ra, rb := mustRequest(t, ctx, db, a), mustRequest(t, ctx, db, b)
			wantNotFound(t, "request (event)", db.AddRequestEvent(ctx, a.org.ID, &attest.RequestEvent{RequestID: rb.ID, Actor: "x", Action: attest.RequestComment, Status: attest.RequestOpen, Text: "hi"}))
			// b's evidence is not a's to attach.
			err := db.AddRequestEvent(ctx, a.org.ID, &attest.RequestEvent{RequestID: ra.ID, Actor: "x", Action: attest.RequestSubmit, Status: attest.RequestSubmitted, Evidence: []int64{b.ev.ID}})
			if attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("a attached b's evidence: %v", err)
			}
		}},
		tenantCase{"RequestEvents", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ra, rb := mustRequest(t, ctx, db, a), mustRequest(t, ctx, db, b)
			must(t, db.AddRequestEvent(ctx, b.org.ID, &attest.RequestEvent{RequestID: rb.ID, Actor: "b", Action: attest.RequestComment, Status: attest.RequestOpen, Text: "b's"}))
			must(t, db.AddRequestEvent(ctx, a.org.ID, &attest.RequestEvent{RequestID: ra.ID, ActorID: a.admin.ID, Actor: "a", Action: attest.RequestSubmit,
				Status: attest.RequestSubmitted, Text: "here", Evidence: []int64{a.ev.ID, a.old.ID}}))
			if list, err := db.RequestEvents(ctx, a.org.ID, rb.ID); err != nil || len(list) != 0 {
				t.Fatalf("a reads b's history: %+v, %v", list, err)
			}
			list, err := db.RequestEvents(ctx, a.org.ID, ra.ID)
			if err != nil || len(list) != 1 || list[0].Text != "here" || len(list[0].Evidence) != 2 || list[0].Evidence[0] != a.ev.ID || list[0].ActorID != a.admin.ID {
				t.Fatalf("a's history: %+v, %v", list, err)
			}
		}},
		tenantCase{"RequestEvidence", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ra, rb := mustRequest(t, ctx, db, a), mustRequest(t, ctx, db, b)
			must(t, db.AddRequestEvent(ctx, b.org.ID, &attest.RequestEvent{RequestID: rb.ID, Actor: "b", Action: attest.RequestSubmit, Status: attest.RequestSubmitted, Evidence: []int64{b.ev.ID}}))
			must(t, db.AddRequestEvent(ctx, a.org.ID, &attest.RequestEvent{RequestID: ra.ID, Actor: "a", Action: attest.RequestSubmit, Status: attest.RequestSubmitted, Evidence: []int64{a.ev.ID}}))
			// Attaching the same item again keeps one link.
			must(t, db.AddRequestEvent(ctx, a.org.ID, &attest.RequestEvent{RequestID: ra.ID, Actor: "a", Action: attest.RequestSubmit, Status: attest.RequestSubmitted, Evidence: []int64{a.ev.ID}}))
			if ids, err := db.RequestEvidence(ctx, a.org.ID, rb.ID); err != nil || len(ids) != 0 {
				t.Fatalf("a reads b's attachments: %v, %v", ids, err)
			}
			if ids, err := db.RequestEvidence(ctx, a.org.ID, ra.ID); err != nil || len(ids) != 1 || ids[0] != a.ev.ID {
				t.Fatalf("a's attachments: %v, %v", ids, err)
			}
		}},
		tenantCase{"AttachedToAudit", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb := mustRequest(t, ctx, db, b)
			must(t, db.AddRequestEvent(ctx, b.org.ID, &attest.RequestEvent{RequestID: rb.ID, Actor: "b", Action: attest.RequestSubmit, Status: attest.RequestSubmitted, Evidence: []int64{b.ev.ID}}))
			for _, c := range []struct {
				org, audit, ev int64
				want           bool
			}{{a.org.ID, b.audit.ID, b.ev.ID, false}, {a.org.ID, a.audit.ID, b.ev.ID, false}, {b.org.ID, b.audit.ID, b.ev.ID, true}, {b.org.ID, b.audit.ID, b.old.ID, false}} {
				if got, err := db.AttachedToAudit(ctx, c.org, c.audit, c.ev); err != nil || got != c.want {
					t.Errorf("AttachedToAudit(%d, %d, %d) = %v, %v; want %v", c.org, c.audit, c.ev, got, err, c.want)
				}
			}
		}},
	)
}
