package programme_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store/storetest"
)

// An audit's results read the monitoring history of each control's tests
// inside its window: a failure fixed within the deadline passes, one left
// failing past it is a deviation with its history; a control nothing
// tested is not tested; an invited auditor of another audit reads nothing.
func TestAuditResultsFromMonitoring(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)
			db := storetest.Open(t, d, func() time.Time { return now })
			org := storetest.MustOrg(t, db, "acme")
			soc2 := func(ref string) attest.Control {
				c := storetest.Control(org, ref)
				c.Status = attest.StatusImplemented
				c.Mappings = []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1", Source: attest.SourceLibrary}}
				if err := db.CreateControl(ctx, &c); err != nil {
					t.Fatal(err)
				}
				return c
			}
			fixed, late, quiet := soc2("MFA-1"), soc2("KEY-1"), soc2("LOG-1")
			audit := attest.Audit{OrgID: org.ID, Name: "H1", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-06-30", Status: attest.AuditFieldwork}
			other := attest.Audit{OrgID: org.ID, Name: "Other", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", Status: attest.AuditFieldwork}
			for _, a := range []*attest.Audit{&audit, &other} {
				if err := db.CreateAudit(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			conn := storetest.MustConnection(t, db, org, "okta")
			col := attest.CollectionRun{OrgID: org.ID, UID: "col_1", ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: conn.Type,
				StartedAt: now, FinishedAt: now, SnapshotSHA256: "00"}
			if err := db.AddCollection(ctx, &col); err != nil {
				t.Fatal(err)
			}
			for v, ref := range map[string]string{"v-mfa": fixed.Ref, "v-key": late.Ref} {
				if _, err := db.SaveTestVersion(ctx, org.ID, v, v, []byte("{}"), []string{ref}); err != nil {
					t.Fatal(err)
				}
			}
			day := func(s string) time.Time { t, _ := time.Parse(attest.DateLayout, s); return t }
			ch := func(v, key string, to attest.ResultStatus, at string) attest.ResultChange {
				return attest.ResultChange{Test: v, TestVersion: v, Resource: attest.ResourceRef{Type: "user", Key: key}, To: to, At: day(at)}
			}
			if err := db.AddResultChanges(ctx, org.ID, conn.ID, col.ID, []attest.ResultChange{
				ch("v-mfa", "ada", attest.ResultPass, "2025-12-01"), ch("v-mfa", "ada", attest.ResultFail, "2026-02-01"), ch("v-mfa", "ada", attest.ResultPass, "2026-02-10"),
				ch("v-key", "bob", attest.ResultPass, "2025-12-01"), ch("v-key", "bob", attest.ResultFail, "2026-03-01"), ch("v-key", "bob", attest.ResultPass, "2026-05-01"),
			}); err != nil {
				t.Fatal(err)
			}
			svc := programme.Audits{DB: db, Catalog: cat, Now: func() time.Time { return now }}
			admin := attest.Principal{OrgID: org.ID, Role: attest.RoleAdmin, Label: "admin"}
			if got, err := svc.RecordRootCause(ctx, admin, audit.ID, late.ID, "  a rotation job was disabled "); err != nil || got.RootCause != "a rotation job was disabled" || got.Ref != late.Ref {
				t.Fatalf("record a root cause: %+v %v", got, err)
			}
			guest := attest.Principal{OrgID: org.ID, Label: "guest@firm.test", Grants: []attest.Grant{{Kind: attest.GrantAudit, ID: audit.ID}}}
			res, err := svc.Results(ctx, guest, audit.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]attest.ControlResult{}
			for _, c := range res.Controls {
				got[c.Ref] = c
			}
			if r := got[fixed.Ref]; r.Result != attest.AuditResultPass || r.Remediated != 1 {
				t.Errorf("a failure fixed in 9 days: %+v", r)
			}
			if r := got[late.Ref]; r.Result != attest.AuditResultDeviation || len(r.Deviations) != 1 || len(r.Deviations[0].History) != 3 ||
				r.Deviations[0].Deadline != "2026-03-31" || r.RootCause != "a rotation job was disabled" {
				t.Errorf("a failure fixed after 61 days: %+v", r)
			}
			if r := got[quiet.Ref]; r.Result != attest.AuditResultNotTested {
				t.Errorf("a control nothing tested: %+v", r)
			}
			if _, err := svc.Results(ctx, guest, other.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Errorf("the guest reads another audit's results: %v", err)
			}
			if _, err := svc.RecordRootCause(ctx, guest, audit.ID, late.ID, "x"); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Errorf("the guest records a root cause: %v", err)
			}
			// A root cause explains a deviation: none for a control that
			// passed, though clearing one stays possible.
			if _, err := svc.RecordRootCause(ctx, admin, audit.ID, fixed.ID, "x"); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "no deviation") {
				t.Errorf("a root cause for a control that passed: %v", err)
			}
			if _, err := svc.RecordRootCause(ctx, admin, audit.ID, fixed.ID, ""); err != nil {
				t.Errorf("clearing a root cause: %v", err)
			}
			if log, err := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "audit.root_cause"}); err != nil || len(log) == 0 ||
				!strings.HasPrefix(log[0].Summary, "Cleared the root cause of "+fixed.Ref) {
				t.Errorf("the activity of a cleared root cause: %+v %v", log, err)
			}

			// A root cause per deviation item, beside the control's: named
			// by the item's key, refused for an item that is no deviation
			// of the control, and out of reach of another organization.
			const key = "monitoring:v-key:user:bob:2026-03-01"
			got2, err := svc.RecordItemCause(ctx, admin, audit.ID, late.ID, key, "  bob's key was exempt from rotation ")
			if err != nil || len(got2.Deviations) != 1 || got2.Deviations[0].Key != key || got2.Deviations[0].RootCause != "bob's key was exempt from rotation" ||
				got2.RootCause != "a rotation job was disabled" {
				t.Fatalf("record an item's root cause: %+v %v", got2, err)
			}
			if res, err := svc.Results(ctx, guest, audit.ID); err != nil || !slices.ContainsFunc(res.Controls, func(c attest.ControlResult) bool {
				return c.ControlID == late.ID && len(c.Deviations) == 1 && c.Deviations[0].RootCause == "bob's key was exempt from rotation"
			}) {
				t.Errorf("the item's root cause in the results: %+v %v", res.Controls, err)
			}
			if log, err := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "audit.item_root_cause"}); err != nil || len(log) != 1 ||
				!strings.Contains(log[0].Summary, "user bob") {
				t.Errorf("the activity of an item's root cause: %+v %v", log, err)
			}
			for name, c := range map[string]struct {
				ctl  int64
				key  string
				text string
			}{
				"an unknown item":                      {late.ID, "monitoring:v-key:user:carol:2026-03-01", "x"},
				"another control's item":               {fixed.ID, key, "x"},
				"clearing the cause of an unknown one": {late.ID, "population:pop_1:p1", ""},
			} {
				var e *attest.Error
				if _, err := svc.RecordItemCause(ctx, admin, audit.ID, c.ctl, c.key, c.text); !errors.As(err, &e) || e.Code != attest.EINVALID || e.Field != "item" {
					t.Errorf("%s: %v", name, err)
				}
			}
			if _, err := svc.RecordItemCause(ctx, admin, audit.ID, late.ID, key, strings.Repeat("x", 2001)); attest.ErrorCode(err) != attest.EINVALID {
				t.Errorf("an item's root cause too long: %v", err)
			}
			if _, err := svc.RecordItemCause(ctx, guest, audit.ID, late.ID, key, "x"); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Errorf("the guest records an item's root cause: %v", err)
			}
			beta := storetest.MustOrg(t, db, "beta")
			betaAdmin := attest.Principal{OrgID: beta.ID, Role: attest.RoleAdmin, Label: "beta admin"}
			if _, err := svc.RecordItemCause(ctx, betaAdmin, audit.ID, late.ID, key, "beta's"); err == nil {
				t.Errorf("another organization recorded a root cause of acme's item")
			}
			if causes, _ := db.ItemCauses(ctx, org.ID, audit.ID); causes[late.ID][key] != "bob's key was exempt from rotation" {
				t.Errorf("acme's item causes after beta's attempt: %v", causes)
			}
			if causes, _ := db.ItemCauses(ctx, beta.ID, audit.ID); len(causes) != 0 {
				t.Errorf("beta's item causes of acme's audit: %v", causes)
			}

			// The audit after H1, once H1 is closed: a sample for a control
			// H1 found deviating is one size up without anyone saying so;
			// one for a control that passed is not.
			next := attest.Audit{OrgID: org.ID, Name: "July", Framework: "soc2", Type: attest.AuditType2, From: "2026-07-01", To: "2026-07-31", Status: attest.AuditFieldwork}
			if err := db.CreateAudit(ctx, &next); err != nil {
				t.Fatal(err)
			}
			if prior, _, err := svc.PriorAudit(ctx, admin, next.ID, late.ID); err != nil || prior.ID != 0 {
				t.Errorf("an audit still in fieldwork is a prior audit: %+v, %v", prior, err)
			}
			// The Type 1 as of H1's last day closes too, after it: both
			// end that day, and the deviation of either counts.
			for _, a := range []*attest.Audit{&audit, &other} {
				a.Status = attest.AuditClosed
				if err := db.UpdateAudit(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.RecordItemCause(ctx, admin, audit.ID, late.ID, key, "y"); attest.ErrorCode(err) != attest.ECONFLICT {
				t.Errorf("an item's root cause in a closed audit: %v", err)
			}
			if prior, deviated, err := svc.PriorAudit(ctx, admin, next.ID, late.ID); err != nil || prior.ID != audit.ID || !deviated {
				t.Fatalf("the prior audit of July for %s: %+v, %v, %v", late.Ref, prior, deviated, err)
			}
			var pulls []attest.JudgedPull
			for i := range 20 {
				pulls = append(pulls, attest.JudgedPull{PullRequest: attest.PullRequest{Repo: "acme/api", Number: i + 1, Title: "change", Author: "ada",
					MergedAt: time.Date(2026, 7, 1+i, 10, 0, 0, 0, time.UTC), MergeSHA: "s", Approvers: []string{"bob"}, ApprovedAt: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}})
			}
			ev := evidencetest.NewService(t, db)
			svc.Populations = &population.Service{DB: db, Ledger: &chain.Chain{Key: ev.Key}, Now: func() time.Time { return now },
				Changes: func(context.Context, attest.Principal, time.Time) (population.ChangeLog, error) {
					return population.ChangeLog{Undeployed: pulls}, nil
				}}
			pop, err := svc.Populations.Take(ctx, admin, population.Request{Kind: attest.PopulationChanges, AuditID: next.ID})
			if err != nil || pop.Count != 20 {
				t.Fatalf("take: %+v, %v", pop, err)
			}
			base, _ := attest.SampleSize("per-event", 20, false)
			up, _ := attest.SampleSize("per-event", 20, true)
			if up <= base {
				t.Fatalf("sizes %d and %d do not tell a prior deviation apart", base, up)
			}
			for _, c := range []struct {
				ctl   attest.Control
				size  int
				prior bool
			}{{late, up, true}, {fixed, base, false}} {
				smp, err := svc.Sample(ctx, admin, next.ID, pop.ID, population.SampleRequest{ControlID: c.ctl.ID, Frequency: "per-event"})
				if err != nil || smp.Size != c.size || smp.PriorDeviation != c.prior {
					t.Errorf("the sample for %s: size %d, prior deviation %v (%v); want %d, %v", c.ctl.Ref, smp.Size, smp.PriorDeviation, err, c.size, c.prior)
				}
			}
		})
	}
}
