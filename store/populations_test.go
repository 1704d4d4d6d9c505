package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func mustPopulation(t *testing.T, ctx context.Context, db *store.DB, w tenant) attest.PopulationRetrieval {
	t.Helper()
	r := attest.PopulationRetrieval{OrgID: w.org.ID, UID: attest.NewUID("pop_"), Kind: attest.PopulationLeavers, From: "2026-01-01", To: "2026-03-31",
		AuditID: w.audit.ID, Audit: "shared audit", RanAt: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), Count: 1, Hash: strings.Repeat("a", 64),
		RecordHash: strings.Repeat("b", 64), Tally: attest.PopulationTally{Passed: 1, Mismatches: 2}}
	must(t, db.CreatePopulation(ctx, &r, w.admin.ID))
	return r
}

func mustSample(t *testing.T, ctx context.Context, db *store.DB, w tenant) attest.PopulationSample {
	t.Helper()
	pop := mustPopulation(t, ctx, db, w)
	s := attest.PopulationSample{OrgID: w.org.ID, PopulationID: pop.ID, ControlID: w.control.ID, Frequency: "per-event", PriorDeviation: true, Size: 1,
		Seed: strings.Repeat("c", 64), DrawnAt: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC),
		Workpaper: attest.Workpaper{AuditID: "1", ControlID: w.control.Ref, Size: 1, Seed: strings.Repeat("c", 64), Selection: []string{"x1"}}}
	must(t, db.CreateSample(ctx, &s, w.admin.ID))
	return s
}

func init() {
	tenantCases = append(tenantCases,
		tenantCase{"CreatePopulation", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			pa := mustPopulation(t, ctx, db, a)
			list, err := db.Populations(ctx, b.org.ID, store.PopulationFilter{})
			if err != nil || len(list) != 0 {
				t.Fatalf("b sees a's population %d: %+v, %v", pa.ID, list, err)
			}
		}},
		tenantCase{"Populations", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			pb := mustPopulation(t, ctx, db, b)
			list, err := db.Populations(ctx, a.org.ID, store.PopulationFilter{Audit: "shared audit"})
			presence(t, "Populations", list, err, func(r attest.PopulationRetrieval) bool { return r.OrgID == a.org.ID },
				func(r attest.PopulationRetrieval) bool { return r.ID == pb.ID })
			if len(list) > 0 && (list[0].Tally.Mismatches != 2 || list[0].Kind != attest.PopulationLeavers || !list[0].RanAt.Equal(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))) {
				t.Errorf("a's population as stored: %+v", list[0])
			}
			if list, _ := db.Populations(ctx, a.org.ID, store.PopulationFilter{Kind: attest.PopulationJoiners}); len(list) != 0 {
				t.Errorf("joiners of a: %+v", list)
			}
		}},
		tenantCase{"CreateSample", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			sa := mustSample(t, ctx, db, a)
			if list, err := db.Samples(ctx, b.org.ID, a.audit.ID); err != nil || len(list) != 0 {
				t.Fatalf("b sees a's sample %d: %+v, %v", sa.ID, list, err)
			}
			// One sample per population and control.
			again := sa
			if err := db.CreateSample(ctx, &again, a.admin.ID); attest.ErrorCode(err) != attest.ECONFLICT {
				t.Fatalf("a second sample of the same control: %v", err)
			}
		}},
		tenantCase{"Samples", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			sa, sb := mustSample(t, ctx, db, a), mustSample(t, ctx, db, b)
			list, err := db.Samples(ctx, a.org.ID, a.audit.ID)
			presence(t, "Samples", list, err, func(s attest.PopulationSample) bool { return s.ID == sa.ID },
				func(s attest.PopulationSample) bool { return s.ID == sb.ID })
			if len(list) == 1 && (list[0].Workpaper.Seed != sa.Seed || list[0].Workpaper.Selection[0] != "x1" || !list[0].PriorDeviation) {
				t.Errorf("a's sample as stored: %+v", list[0])
			}
			if list, _ := db.Samples(ctx, a.org.ID, b.audit.ID); len(list) != 0 {
				t.Errorf("a's samples of b's audit: %+v", list)
			}
		}},
		tenantCase{"SetRootCause", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.SetRootCause(ctx, a.org.ID, a.audit.ID, a.control.ID, "first"))
			must(t, db.SetRootCause(ctx, a.org.ID, a.audit.ID, a.control.ID, "a reviewer was on leave"))
			if got, err := db.RootCauses(ctx, b.org.ID, a.audit.ID); err != nil || len(got) != 0 {
				t.Fatalf("b sees a's root causes: %v, %v", got, err)
			}
			if got, _ := db.RootCauses(ctx, a.org.ID, a.audit.ID); got[a.control.ID] != "a reviewer was on leave" {
				t.Fatalf("a's root cause: %v", got)
			}
			must(t, db.SetRootCause(ctx, a.org.ID, a.audit.ID, a.control.ID, ""))
			if got, _ := db.RootCauses(ctx, a.org.ID, a.audit.ID); len(got) != 0 {
				t.Fatalf("a cleared root cause: %v", got)
			}
		}},
		tenantCase{"RootCauses", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.SetRootCause(ctx, b.org.ID, b.audit.ID, b.control.ID, "b's"))
			must(t, db.SetRootCause(ctx, a.org.ID, a.audit.ID, a.control.ID, "a's"))
			got, err := db.RootCauses(ctx, a.org.ID, b.audit.ID)
			if err != nil || len(got) != 0 {
				t.Fatalf("a reads b's root causes: %v, %v", got, err)
			}
			if got, _ := db.RootCauses(ctx, a.org.ID, a.audit.ID); len(got) != 1 || got[a.control.ID] != "a's" {
				t.Fatalf("a's root causes: %v", got)
			}
		}},
		tenantCase{"SetItemCause", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			const k = "population:pop_1:p1"
			must(t, db.SetItemCause(ctx, a.org.ID, a.audit.ID, a.control.ID, k, "first"))
			must(t, db.SetItemCause(ctx, a.org.ID, a.audit.ID, a.control.ID, k, "a reviewer was on leave"))
			must(t, db.SetItemCause(ctx, a.org.ID, a.audit.ID, a.control.ID, "population:pop_1:p2", "another item"))
			// b clearing the same item of a's audit touches none of a's rows.
			must(t, db.SetItemCause(ctx, b.org.ID, a.audit.ID, a.control.ID, k, ""))
			if got, _ := db.ItemCauses(ctx, a.org.ID, a.audit.ID); got[a.control.ID][k] != "a reviewer was on leave" || len(got[a.control.ID]) != 2 {
				t.Fatalf("a's item causes: %v", got)
			}
			must(t, db.SetItemCause(ctx, a.org.ID, a.audit.ID, a.control.ID, k, ""))
			if got, _ := db.ItemCauses(ctx, a.org.ID, a.audit.ID); len(got[a.control.ID]) != 1 || got[a.control.ID]["population:pop_1:p2"] != "another item" {
				t.Fatalf("a's item causes after one was cleared: %v", got)
			}
		}},
		tenantCase{"ItemCauses", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.SetItemCause(ctx, b.org.ID, b.audit.ID, b.control.ID, "k", "b's"))
			must(t, db.SetItemCause(ctx, a.org.ID, a.audit.ID, a.control.ID, "k", "a's"))
			if got, err := db.ItemCauses(ctx, a.org.ID, b.audit.ID); err != nil || len(got) != 0 {
				t.Fatalf("a reads b's item causes: %v, %v", got, err)
			}
			if got, _ := db.ItemCauses(ctx, a.org.ID, a.audit.ID); len(got) != 1 || got[a.control.ID]["k"] != "a's" {
				t.Fatalf("a's item causes: %v", got)
			}
		}},
		tenantCase{"ControlResultChanges", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			for _, w := range []tenant{a, b} {
				conn := attest.Connection{OrgID: w.org.ID, Name: "okta-" + w.org.Slug, Type: "test", Settings: map[string]string{}, IntervalMinutes: 60}
				must(t, db.CreateConnection(ctx, &conn, []byte("sealed")))
				col := attest.CollectionRun{OrgID: w.org.ID, UID: attest.NewUID("col_"), ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: "okta",
					StartedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), SnapshotSHA256: "00"}
				must(t, db.AddCollection(ctx, &col))
				_, err := db.SaveTestVersion(ctx, w.org.ID, "v1", "mfa", []byte("{}"), []string{w.control.Ref})
				must(t, err)
				must(t, db.AddResultChanges(ctx, w.org.ID, conn.ID, col.ID, []attest.ResultChange{{Test: "mfa", TestVersion: "v1",
					Resource: attest.ResourceRef{Type: "user", Key: w.org.Slug}, To: attest.ResultFail, At: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}}))
			}
			got, _, err := db.ControlResultChanges(ctx, a.org.ID, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
			if err != nil || len(got[a.control.Ref]) != 1 || got[a.control.Ref][0].Resource.Key != a.org.Slug {
				t.Fatalf("a's history: %+v, %v", got, err)
			}
			if before, _, _ := db.ControlResultChanges(ctx, a.org.ID, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); len(before) != 0 {
				t.Fatalf("history before the first change: %+v", before)
			}
		}},
		tenantCase{"Population", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			list, _ := db.Populations(ctx, b.org.ID, store.PopulationFilter{})
			if len(list) == 0 {
				t.Fatal("b has no population")
			}
			_, err := db.Population(ctx, a.org.ID, list[0].ID)
			wantNotFound(t, "population", err)
		}},
	)
}

// An audit's results read a bounded history; when the organization has
// more changes than that, the reader is told, so that a verdict judged on
// the newest changes alone is shown as incomplete.
func TestControlResultChangesSaysWhenCut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "cut")
		ctl := storetest.MustControl(t, db, org, "CC-1", attest.StatusImplemented)
		conn := storetest.MustConnection(t, db, org, "okta")
		start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		col := attest.CollectionRun{OrgID: org.ID, UID: attest.NewUID("col_"), ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: "okta",
			StartedAt: start, FinishedAt: start, SnapshotSHA256: "00"}
		must(t, db.AddCollection(ctx, &col))
		_, err := db.SaveTestVersion(ctx, org.ID, "v1", "mfa", []byte("{}"), []string{ctl.Ref})
		must(t, err)
		changes := make([]attest.ResultChange, store.MaxAuditResultChanges)
		for i := range changes {
			changes[i] = attest.ResultChange{Test: "mfa", TestVersion: "v1", Resource: attest.ResourceRef{Type: "user", Key: "u"},
				To: []attest.ResultStatus{attest.ResultFail, attest.ResultPass}[i%2], At: start.Add(time.Duration(i) * time.Minute)}
		}
		must(t, db.AddResultChanges(ctx, org.ID, conn.ID, col.ID, changes))
		until := start.AddDate(1, 0, 0)
		got, cut, err := db.ControlResultChanges(ctx, org.ID, until)
		if err != nil || cut || len(got[ctl.Ref]) != store.MaxAuditResultChanges {
			t.Fatalf("at the bound: %d changes, cut %v, %v", len(got[ctl.Ref]), cut, err)
		}
		must(t, db.AddResultChanges(ctx, org.ID, conn.ID, col.ID, []attest.ResultChange{{Test: "mfa", TestVersion: "v1",
			Resource: attest.ResourceRef{Type: "user", Key: "u"}, To: attest.ResultFail, At: start.AddDate(0, 6, 0)}}))
		got, cut, err = db.ControlResultChanges(ctx, org.ID, until)
		if err != nil || !cut || len(got[ctl.Ref]) != store.MaxAuditResultChanges {
			t.Fatalf("past the bound: %d changes, cut %v, %v", len(got[ctl.Ref]), cut, err)
		}
	})
}
