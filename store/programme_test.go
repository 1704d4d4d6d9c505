package store_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestControls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		owner := storetest.MustMember(t, db, a, attest.RoleManager, "o@x.io")
		stranger := storetest.MustMember(t, db, b, attest.RoleManager, "s@x.io")

		c := storetest.Control(a, "AC-1")
		if err := db.CreateControl(ctx, &c); err != nil {
			t.Fatal(err)
		}
		dup := storetest.Control(a, "AC-1")
		if err := db.CreateControl(ctx, &dup); attest.ErrorCode(err) != attest.ECONFLICT || attest.ErrorField(err) != "ref" {
			t.Fatalf("duplicate ref: %v", err)
		}
		other := storetest.Control(b, "AC-1") // the same ref in another organization is fine
		if err := db.CreateControl(ctx, &other); err != nil {
			t.Fatal(err)
		}
		bad := storetest.Control(a, "AC-2")
		bad.Status = attest.StatusNotApplicable
		if err := db.CreateControl(ctx, &bad); attest.ErrorField(err) != "justification" {
			t.Fatalf("not applicable without justification: %v", err)
		}
		c.OwnerID = stranger.ID
		if err := db.UpdateControl(ctx, &c); attest.ErrorField(err) != "owner" {
			t.Fatalf("owner from another organization: %v", err)
		}
		c.OwnerID, c.Status, c.Evidence = owner.ID, attest.StatusImplemented, []string{"  export  ", "", "review"}
		if err := db.UpdateControl(ctx, &c); err != nil {
			t.Fatal(err)
		}
		got, err := db.Control(ctx, a.ID, c.ID)
		if err != nil || got.OwnerName != owner.Name || got.Status != attest.StatusImplemented || len(got.Evidence) != 2 || len(got.Mappings) != 1 {
			t.Fatalf("Control = %+v, %v", got, err)
		}
		if _, err := db.Control(ctx, b.ID, c.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("control read through another organization: %v", err)
		}
		other.Status = attest.StatusImplemented
		other.ID = c.ID // an ID of a's control with b's organization must not update it
		if err := db.UpdateControl(ctx, &other); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("cross-organization update: %v", err)
		}

		if err := db.Map(ctx, a.ID, c.ID, attest.Mapping{Framework: "soc2", Requirement: "CC6.2"}); err != nil {
			t.Fatal(err)
		}
		if err := db.Map(ctx, a.ID, c.ID, attest.Mapping{Framework: "soc2", Requirement: "CC6.2"}); err != nil {
			t.Fatalf("mapping twice: %v", err)
		}
		if err := db.Unmap(ctx, a.ID, c.ID, "soc2", "CC6.1"); err != nil {
			t.Fatal(err)
		}
		if err := db.Unmap(ctx, a.ID, c.ID, "soc2", "CC6.1"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("unmapping twice: %v", err)
		}
		got, _ = db.Control(ctx, a.ID, c.ID)
		if len(got.Mappings) != 1 || got.Mappings[0].Requirement != "CC6.2" || got.Mappings[0].Source != attest.SourceOrganization {
			t.Fatalf("mappings: %+v", got.Mappings)
		}

		if err := db.SetControlRetired(ctx, a.ID, c.ID, true); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.Controls(ctx, a.ID, store.ControlFilter{}); len(list) != 0 {
			t.Fatalf("retired control listed: %+v", list)
		}
		list, _ := db.Controls(ctx, a.ID, store.ControlFilter{IncludeRetired: true})
		if len(list) != 1 || !list[0].Retired() || len(list[0].Mappings) != 1 {
			t.Fatalf("with retired: %+v", list)
		}
		if list, _ := db.Controls(ctx, b.ID, store.ControlFilter{OwnerID: owner.ID}); len(list) != 0 {
			t.Fatal("owner filter leaked across organizations")
		}
	})
}

// A filtered list carries each listed control's own mappings, all of them,
// and none of the controls it leaves out (it reads only theirs).
func TestControlsFilteredKeepTheirMappings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := storetest.MustOrg(t, db, "a")
		owner := storetest.MustMember(t, db, a, attest.RoleManager, "o@x.io")
		mine := storetest.Control(a, "AC-1")
		mine.OwnerID = owner.ID
		mine.Mappings = append(mine.Mappings, attest.Mapping{Framework: "soc2", Requirement: "CC7.1", Source: attest.SourceLibrary})
		theirs := storetest.Control(a, "AC-2")
		theirs.Mappings = []attest.Mapping{{Framework: "soc2", Requirement: "CC8.1", Source: attest.SourceLibrary}}
		for _, c := range []*attest.Control{&mine, &theirs} {
			if err := db.CreateControl(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		list, err := db.Controls(ctx, a.ID, store.ControlFilter{OwnerID: owner.ID})
		if err != nil || len(list) != 1 || list[0].ID != mine.ID {
			t.Fatalf("owner's controls = %+v, %v", list, err)
		}
		var reqs []string
		for _, m := range list[0].Mappings {
			reqs = append(reqs, m.Requirement)
		}
		if strings.Join(reqs, ",") != "CC6.1,CC7.1" {
			t.Fatalf("the owner's control's mappings = %v, want CC6.1,CC7.1", reqs)
		}
		all, err := db.Controls(ctx, a.ID, store.ControlFilter{})
		if err != nil || len(all) != 2 || len(all[1].Mappings) != 1 || all[1].Mappings[0].Requirement != "CC8.1" {
			t.Fatalf("all controls = %+v, %v", all, err)
		}
		if bare, err := db.Controls(ctx, a.ID, store.ControlFilter{NoMappings: true}); err != nil || len(bare) != 2 || bare[0].Mappings != nil || bare[1].Ref != "AC-2" {
			t.Fatalf("without mappings = %+v, %v", bare, err)
		}
		if none, err := db.Controls(ctx, a.ID, store.ControlFilter{OwnerID: owner.ID, Family: "no such family"}); err != nil || len(none) != 0 {
			t.Fatalf("no control matches: %+v, %v", none, err)
		}
	})
}

func TestTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		emp := storetest.MustMember(t, db, a, attest.RoleEmployee, "e@x.io")
		c := storetest.Control(a, "AC-1")
		db.CreateControl(ctx, &c)
		bc := storetest.Control(b, "BC-1")
		db.CreateControl(ctx, &bc)

		mk := func(title, due string, owner int64) attest.Task {
			tk := attest.Task{OrgID: a.ID, Title: title, DueOn: due, OwnerID: owner, ControlID: c.ID, Requirement: "CC6.1"}
			if err := db.CreateTask(ctx, &tk); err != nil {
				t.Fatal(err)
			}
			return tk
		}
		late := mk("late", "2026-01-10", emp.ID)
		mk("undated", "", 0)
		soon := mk("soon", "2026-03-01", 0)
		if err := db.CreateTask(ctx, &attest.Task{OrgID: a.ID, Title: "x", DueOn: "31/12/2026"}); attest.ErrorField(err) != "due_on" {
			t.Fatalf("bad date: %v", err)
		}
		if err := db.CreateTask(ctx, &attest.Task{OrgID: a.ID, Title: "x", ControlID: bc.ID}); attest.ErrorField(err) != "control" {
			t.Fatalf("control of another organization: %v", err)
		}
		all, _ := db.Tasks(ctx, a.ID, store.TaskFilter{})
		if len(all) != 3 || all[0].Title != "late" || all[2].Title != "undated" || all[0].ControlRef != "AC-1" || all[0].OwnerName != emp.Name {
			t.Fatalf("order or joins: %+v", all)
		}
		overdue, _ := db.Tasks(ctx, a.ID, store.TaskFilter{OverdueOn: "2026-02-01"})
		if len(overdue) != 1 || overdue[0].ID != late.ID {
			t.Fatalf("overdue: %+v", overdue)
		}
		mine, _ := db.Tasks(ctx, a.ID, store.TaskFilter{OwnerID: emp.ID})
		if len(mine) != 1 {
			t.Fatalf("mine: %+v", mine)
		}
		soon.Status = attest.TaskDone
		if err := db.UpdateTask(ctx, &soon); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Task(ctx, a.ID, soon.ID)
		if got.CompletedAt.IsZero() || !got.Closed() {
			t.Fatalf("done task: %+v", got)
		}
		got.Status = attest.TaskOpen
		db.UpdateTask(ctx, &got)
		if got, _ = db.Task(ctx, a.ID, soon.ID); !got.CompletedAt.IsZero() {
			t.Fatal("reopened task keeps its completion time")
		}
		if _, err := db.Task(ctx, b.ID, soon.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("task through another organization: %v", err)
		}
		if open, _ := db.Tasks(ctx, a.ID, store.TaskFilter{OpenOnly: true}); len(open) != 3 {
			t.Fatalf("open: %d", len(open))
		}
		// The visibility filter narrows in SQL: to the owner, to nothing, and
		// never across tenants, whatever organization the call names.
		vis := func(v attest.Visibility) []attest.Task {
			t.Helper()
			out, err := db.Tasks(ctx, a.ID, store.TaskFilter{Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := vis(attest.Visibility{OrgID: a.ID, OwnerID: emp.ID}); len(got) != 1 || got[0].ID != late.ID {
			t.Fatalf("own tasks: %+v", got)
		}
		if got := vis(attest.Visibility{OrgID: a.ID}); len(got) != 3 {
			t.Fatalf("every task: %d", len(got))
		}
		if got := vis(attest.Visibility{OrgID: a.ID, None: true}); len(got) != 0 {
			t.Fatalf("none: %+v", got)
		}
		if got := vis(attest.Visibility{OrgID: b.ID}); len(got) != 0 {
			t.Fatalf("another tenant's filter listed %d tasks of a", len(got))
		}
	})
}

func TestScopeSubservicesCUECs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		s, err := db.Scope(ctx, a.ID)
		if err != nil || len(s.Categories) != 0 || !s.UpdatedAt.IsZero() {
			t.Fatalf("default scope: %+v %v", s, err)
		}
		s.Categories, s.SystemName = []string{"availability", "confidentiality"}, "Acme Cloud"
		if err := db.SaveScope(ctx, &s); err != nil {
			t.Fatal(err)
		}
		s.Categories = []string{"availability"}
		if err := db.SaveScope(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Scope(ctx, a.ID); len(got.Categories) != 1 || got.SystemName != "Acme Cloud" {
			t.Fatalf("scope: %+v", got)
		}
		if got, _ := db.Scope(ctx, b.ID); got.SystemName != "" {
			t.Fatal("scope leaked")
		}
		sub := attest.SubserviceOrg{OrgID: a.ID, Name: "AWS", Service: "Hosting", Method: "carve-out"}
		if err := db.AddSubservice(ctx, &sub); err != nil {
			t.Fatal(err)
		}
		if err := db.AddSubservice(ctx, &attest.SubserviceOrg{OrgID: a.ID, Name: "X", Service: "Y", Method: "both"}); attest.ErrorField(err) != "method" {
			t.Fatalf("bad method: %v", err)
		}
		if _, err := db.DeleteSubservice(ctx, b.ID, sub.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("cross-org delete: %v", err)
		}
		cu := attest.CUEC{OrgID: a.ID, Description: "Customers manage their users", Criteria: []string{"CC6.2", "CC6.3"}}
		if err := db.AddCUEC(ctx, &cu); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.CUECs(ctx, a.ID); len(list) != 1 || len(list[0].Criteria) != 2 {
			t.Fatalf("cuecs: %+v", list)
		}
		if _, err := db.DeleteCUEC(ctx, a.ID, cu.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.Subservices(ctx, a.ID); len(list) != 1 {
			t.Fatalf("subservices: %+v", list)
		}
	})
}

func TestImportedFrameworks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		fw := &catalog.Framework{ID: "tsc-licensed", Name: "Licensed TSC", Requirements: []catalog.Requirement{
			{ID: "CC", Title: "Common criteria", Depth: 1},
			{ID: "CC1.1", Title: "Licensed title", Explanation: "Licensed text", Parent: "CC", Depth: 2, Assessable: true},
		}}
		meta := store.ImportedFramework{OrgID: a.ID, Name: fw.Name, Format: "oscal", Filename: "tsc.json", SHA256: "ab"}
		if err := db.SaveImportedFramework(ctx, &meta, fw); err != nil {
			t.Fatal(err)
		}
		again := meta
		if err := db.SaveImportedFramework(ctx, &again, fw); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("second import: %v", err)
		}
		texts, _ := db.ImportedTexts(ctx, a.ID, "CC1.1")
		if len(texts) != 1 || texts[0].Text != "Licensed text" {
			t.Fatalf("texts: %+v", texts)
		}
		if texts, _ := db.ImportedTexts(ctx, b.ID, "CC1.1"); len(texts) != 0 {
			t.Fatal("imported text leaked to another organization")
		}
		_, got, err := db.ImportedFramework(ctx, a.ID, "tsc-licensed")
		if err != nil || len(got.Requirements) != 2 || !got.Requirements[1].Assessable || got.Requirements[1].Parent != "CC" {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		c := storetest.Control(a, "AC-1")
		c.Mappings = append(c.Mappings, attest.Mapping{Framework: "tsc-licensed", Requirement: "CC1.1"})
		db.CreateControl(ctx, &c)
		if _, err := db.DeleteImportedFramework(ctx, a.ID, "tsc-licensed"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Control(ctx, a.ID, c.ID); len(got.Mappings) != 1 {
			t.Fatalf("mappings to the deleted framework remain: %+v", got.Mappings)
		}
		if list, _ := db.ImportedFrameworks(ctx, a.ID); len(list) != 0 {
			t.Fatalf("frameworks: %+v", list)
		}
	})
}

func TestOwnershipRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := storetest.MustOrg(t, db, "a")
		storetest.MustMember(t, db, a, attest.RoleAdmin, "ad@x.io")
		mgr := storetest.MustMember(t, db, a, attest.RoleManager, "m@x.io")
		// The store keeps integrity only: an owner must be a member. Who may
		// own work (not an auditor) is attest.MayOwn, applied by the services.
		outsider := storetest.MustUser(t, db, "out@x.io")
		c := storetest.Control(a, "AC-1")
		c.OwnerID = outsider.ID
		if err := db.CreateControl(ctx, &c); attest.ErrorField(err) != "owner" {
			t.Fatalf("non-member as control owner: %v", err)
		}
		if err := db.CreateTask(ctx, &attest.Task{OrgID: a.ID, Title: "x", OwnerID: outsider.ID}); attest.ErrorField(err) != "owner" {
			t.Fatalf("non-member as task owner: %v", err)
		}
		c.OwnerID = mgr.ID
		if err := db.CreateControl(ctx, &c); err != nil {
			t.Fatal(err)
		}
		task := storetest.MustTask(t, db, a, "x", &mgr)
		// Removing a member leaves their work unowned and still editable.
		if err := db.RemoveMember(ctx, a.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Control(ctx, a.ID, c.ID)
		gotTask, _ := db.Task(ctx, a.ID, task.ID)
		if got.OwnerID != 0 || gotTask.OwnerID != 0 {
			t.Fatalf("owners kept after removal: control %d, task %d", got.OwnerID, gotTask.OwnerID)
		}
		got.Status = attest.StatusInProgress
		if err := db.UpdateControl(ctx, &got); err != nil {
			t.Fatalf("control of a removed owner not editable: %v", err)
		}
	})
}

// PoliciesInReview lists a policy while its newest version is in review, and
// not once a newer version is drafted or the one in review is decided.
func TestPoliciesInReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := storetest.MustOrg(t, db, "a")
		author := storetest.MustMember(t, db, a, attest.RoleAdmin, "author@x.io")
		pol := attest.Policy{OrgID: a.ID, Key: "access", Title: "Access", Audience: attest.Audience{Everyone: true}}
		if err := db.CreatePolicy(ctx, &pol); err != nil {
			t.Fatal(err)
		}
		v1 := attest.PolicyVersion{PolicyID: pol.ID, Label: "1", State: attest.VersionInReview, Body: "b", Content: "b",
			Hash: strings.Repeat("c", 64), AuthorID: author.ID, Quorum: 1, Approvers: []attest.Approver{{UserID: author.ID}}}
		if err := db.AddPolicyVersion(ctx, a.ID, &v1); err != nil {
			t.Fatal(err)
		}
		list, err := db.PoliciesInReview(ctx, a.ID)
		if err != nil || len(list) != 1 || list[0].ID != pol.ID || list[0].Latest.ID != v1.ID || len(list[0].Latest.Approvers) != 1 {
			t.Fatalf("in review = %+v, %v", list, err)
		}
		v2 := attest.PolicyVersion{PolicyID: pol.ID, Label: "2", State: attest.VersionDraft, Body: "b2", AuthorID: author.ID, Quorum: 1}
		if err := db.AddPolicyVersion(ctx, a.ID, &v2); err != nil {
			t.Fatal(err)
		}
		if list, err := db.PoliciesInReview(ctx, a.ID); err != nil || len(list) != 0 {
			t.Fatalf("with a newer draft: %+v, %v", list, err)
		}
	})
}
