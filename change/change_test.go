package change_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// collectGitHub collects the test server with the real GitHub connector and
// stores the snapshot as a complete collection of conn, as monitoring does.
func collectGitHub(t *testing.T, db *store.DB, blobs blob.Store, conn attest.Connection, srv *githubtest.Server, now time.Time) {
	t.Helper()
	col, err := github.New().Collect(t.Context(), attest.CollectRequest{Settings: map[string]string{"org": "northwind", "base_url": srv.URL},
		Secret: []byte("ghp_test"), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	b, sha, err := monitor.Snapshot{Connector: "github", Resources: col.Resources}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := blobs.Put(t.Context(), bytes.NewReader(b), sha, 1<<24); err != nil {
		t.Fatal(err)
	}
	run := attest.CollectionRun{OrgID: conn.OrgID, UID: attest.NewUID("col_"), ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: "github",
		StartedAt: now, FinishedAt: now, Resources: len(col.Resources), SnapshotSHA256: sha, SnapshotSize: int64(len(b))}
	if err := db.AddCollection(t.Context(), &run); err != nil {
		t.Fatal(err)
	}
}

// The report keeps what it read from a snapshot, and reads the next
// collection's: a pull request merged since shows.
func TestReportReadsEachNewCollection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ev := evidencetest.NewService(t, db)
		now := time.Now().UTC().Truncate(time.Second)
		sc := githubtest.DefaultScenario(now)
		srv := githubtest.NewServer(sc)
		defer srv.Close()
		svc := &change.Service{DB: db, Monitor: &monitor.Service{DB: db, Blobs: ev.Blobs}, Now: func() time.Time { return now }}
		org := storetest.MustOrg(t, db, "acme")
		admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "admin@acme.test")
		p := attest.Principal{UserID: admin.ID, OrgID: org.ID, Role: attest.RoleAdmin}
		conn := storetest.MustConnection(t, db, org, "github")
		collectGitHub(t, db, ev.Blobs, conn, srv, now)
		pulls := func() int {
			t.Helper()
			rep, err := svc.Report(ctx, p, 0)
			if err != nil || len(rep.Sources) != 1 {
				t.Fatalf("report: %+v, %v", rep.Sources, err)
			}
			return rep.Sources[0].Pulls
		}
		before := pulls()
		if again := pulls(); again != before {
			t.Fatalf("the same collection read twice: %d pull requests, then %d", before, again)
		}
		sc.Update(func(s *githubtest.Scenario) {
			r := s.Repo("web")
			r.Pulls = append(r.Pulls, githubtest.Pull{Number: 14, Author: "carol", MergedAt: now.Add(-time.Hour), Approvers: []string{"alice"}})
		})
		collectGitHub(t, db, ev.Blobs, conn, srv, now)
		if after := pulls(); after != before+1 {
			t.Errorf("after a collection with one more merged pull request: %d, want %d", after, before+1)
		}
	})
}

func TestReportReconcilesCollectedChangesAndTheDeployLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ev := evidencetest.NewService(t, db)
		blobs := ev.Blobs
		now := time.Now().UTC().Truncate(time.Second)
		srv := githubtest.NewServer(githubtest.DefaultScenario(now))
		defer srv.Close()
		svc := &change.Service{DB: db, Monitor: &monitor.Service{DB: db, Blobs: blobs}, Evidence: ev, Now: func() time.Time { return now }}
		org := storetest.MustOrg(t, db, "acme")
		other := storetest.MustOrg(t, db, "other")
		admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "admin@acme.test")
		p := attest.Principal{UserID: admin.ID, OrgID: org.ID, Role: attest.RoleAdmin}
		collectGitHub(t, db, blobs, storetest.MustConnection(t, db, org, "github"), srv, now)
		// Another organization's collection of the same repositories is never read.
		collectGitHub(t, db, blobs, storetest.MustConnection(t, db, other, "github"), srv, now)

		rep, err := svc.Report(ctx, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Days != 90 || len(rep.Sources) != 1 || rep.Sources[0].Repositories != 4 || rep.Sources[0].Deployments != 3 {
			t.Fatalf("report window and sources: %d days, %+v", rep.Days, rep.Sources)
		}
		got := map[string]attest.ChangeState{}
		for _, c := range rep.Changes {
			key := c.Repo + "@" + c.Source
			for _, pr := range c.Pulls {
				key += fmt.Sprintf("#%d", pr.Number)
			}
			got[key] = c.State
		}
		want := map[string]attest.ChangeState{
			"northwind/api@github#41": attest.ChangeReviewed,
			"northwind/api@github#42": attest.ChangeEmergencyReviewed, // approved five hours after merging, labelled emergency
			"northwind/api@github":    attest.ChangeNoPullRequest,     // deployment 9003: a commit from no pull request
			"northwind/web@merge#12":  attest.ChangeReviewed,          // web reports no deployments: it deploys on merge
			"northwind/web@merge#13":  attest.ChangeUnreviewed,        // approved only by its author
		}
		if len(got) != len(want) || len(rep.Changes) != len(want) {
			t.Fatalf("changes = %v", got)
		}
		for k, st := range want {
			if got[k] != st {
				t.Errorf("%s: %s, want %s (all: %v)", k, got[k], st, got)
			}
		}
		if rep.Findings != 2 || rep.Counts[attest.ChangeNoPullRequest] != 1 {
			t.Errorf("findings %d, counts %v", rep.Findings, rep.Counts)
		}

		// A deploy log adds a deployment of web: from then on web has
		// deployments, and the one logged includes both merges.
		sha := (githubtest.Pull{Number: 13}).MergeSHA("web")
		log := "repository,commit,deployed_at,environment,deployer\nnorthwind/web," + sha + "," + now.Add(-time.Hour).Format(time.RFC3339) + ",production,bob\n"
		if read, added, err := svc.ImportLog(ctx, p, strings.NewReader(log)); err != nil || read != 1 || added != 1 {
			t.Fatalf("import: %d %d %v", read, added, err)
		}
		rep, err = svc.Report(ctx, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		var web []attest.Change
		for _, c := range rep.Changes {
			if c.Repo == "northwind/web" {
				web = append(web, c)
			}
		}
		if len(web) != 1 || web[0].Source != "log" || len(web[0].Pulls) != 2 || web[0].State != attest.ChangeUnreviewed {
			t.Fatalf("web after the deploy log: %+v", web)
		}
		var csv bytes.Buffer
		if err := change.WriteCSV(&csv, rep); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(csv.String(), "\n"); lines != 1+5 { // header, api 3 deployments, web 2 pull requests
			t.Errorf("CSV has %d lines:\n%s", lines, csv.String())
		}

		// Rules: an admin sets them; the emergency label now differs, so
		// #42's late approval is only an approval after merging.
		if err := svc.SetRules(ctx, p, attest.ChangeRules{EmergencyLabel: "hotfix", EmergencyHours: 24}); err != nil {
			t.Fatal(err)
		}
		rep, _ = svc.Report(ctx, p, 0)
		if rep.Counts[attest.ChangeApprovedAfterMerge] != 1 {
			t.Errorf("with label hotfix: %v", rep.Counts)
		}
		// Banking the register stores the CSV as evidence of the change
		// controls the organization adopted, with the findings named.
		chg6 := attest.Control{OrgID: org.ID, Ref: "CHG-6", LibraryID: "CHG-6", Name: "Monthly check for review bypasses", Family: "Change management",
			Type: "detective", Frequency: "monthly", Status: attest.StatusImplemented}
		if err := db.CreateControl(ctx, &chg6); err != nil {
			t.Fatal(err)
		}
		other6 := storetest.MustControl(t, db, other, "CHG-6", attest.StatusImplemented)
		banked, rep, err := svc.Bank(ctx, p, 30)
		if err != nil {
			t.Fatal(err)
		}
		if banked.Kind != attest.KindSystem || banked.OrgID != org.ID || len(banked.Controls) != 1 || banked.Controls[0].ID != chg6.ID ||
			!banked.PeriodStart.Equal(rep.Since) || !strings.Contains(banked.Notes, "3 finding(s)") || !strings.Contains(banked.Notes, "no pull request merged") ||
			!strings.Contains(banked.Title, "4 change(s), 3 finding(s)") { // the deploy log and the hotfix rule are in force
			t.Fatalf("banked: %s, %v, %s", banked.Title, banked.Controls, banked.Notes)
		}
		if list, _ := db.EvidenceList(ctx, other.ID, store.EvidenceFilter{ControlID: other6.ID}); len(list) != 0 {
			t.Fatalf("another organization's control got the evidence: %+v", list)
		}
		emp := storetest.MustMember(t, db, org, attest.RoleEmployee, "emp@acme.test")
		ep := attest.Principal{UserID: emp.ID, OrgID: org.ID, Role: attest.RoleEmployee}
		if _, err := svc.Report(ctx, ep, 0); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee read the register: %v", err)
		}
		if _, _, err := svc.Bank(ctx, ep, 0); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee banked the register: %v", err)
		}
		if _, _, err := svc.ImportLog(ctx, ep, strings.NewReader(log)); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee imported a deploy log: %v", err)
		}
		if _, err := svc.Report(ctx, p, 400); attest.ErrorField(err) != "days" {
			t.Errorf("400 days: %v", err)
		}
	})
}

func TestParseDeployLogNamesTheLineAndColumn(t *testing.T) {
	ok := "2026-11-02T09:30:00Z"
	cases := map[string]string{
		"":                                       "is empty",
		"repository,commit\n":                    `"deployed_at" is required`,
		"repository,commit,deployed_at,branch\n": `unknown column "branch"`,
		"repository,commit,deployed_at\n":        "no deployments",
		"repository,commit,deployed_at\nacme/api,," + ok + "\n":                  "line 2: commit: is required",
		"repository,commit,deployed_at\nacme/api,abc1234," + ok + "\nacme,,\n":   "line 3: repository: must be owner/name",
		"repository,commit,deployed_at\nacme/api,xyz1234567," + ok + "\n":        "line 2: commit: must be a commit hash",
		"repository,commit,deployed_at\nacme/api,abc1234,yesterday\n":            "line 2: deployed_at: is not a time",
		"repository,commit,deployed_at\nacme/api,abc1234,2027-01-01T00:00:00Z\n": "line 2: deployed_at: is in the future",
		"repository,commit,deployed_at\nacme/api,abc1234,\"unclosed\n":           "line 2",
		"repository,commit,deployed_at\r\nacme/api,ABC1234,2026-11-02 09:30\r\n": "",
	}
	for in, want := range cases {
		deps, err := change.ParseDeployLog(strings.NewReader(in), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		if want == "" {
			if err != nil || len(deps) != 1 || deps[0].SHA != "abc1234" || deps[0].At.Hour() != 9 {
				t.Errorf("%q: %+v %v", in, deps, err)
			}
			continue
		}
		if err == nil || !strings.Contains(attest.ErrorMessage(err), want) {
			t.Errorf("%q: error %v, want it to say %q", in, err, want)
		}
	}
	big := "repository,commit,deployed_at,deployer\n" + strings.Repeat("acme/api,abc1234,"+ok+","+strings.Repeat("x", 150)+"\n", change.MaxLogSize/150)
	if _, err := change.ParseDeployLog(strings.NewReader(big), time.Now()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("an oversized log: %v", err)
	}
}
