package programme_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"github.com/attest-hq/attest/store"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store/storetest"
)

// The package of an audit record carries its populations (with their rows),
// samples (with their workpapers) and results, and still verifies; a
// changed selection does not.
func TestAuditPackageCarriesTesting(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			db := storetest.Open(t, d, clock)
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			org := storetest.MustOrg(t, db, "acme")
			ctl := storetest.Control(org, "CHG-1")
			ctl.Status, ctl.Frequency = attest.StatusImplemented, "per-event"
			ctl.Mappings = []attest.Mapping{{Framework: "soc2", Requirement: "CC8.1", Source: attest.SourceLibrary}}
			if err := db.CreateControl(ctx, &ctl); err != nil {
				t.Fatal(err)
			}
			audit := attest.Audit{OrgID: org.ID, Name: "Q1", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-03-31", Status: attest.AuditFieldwork}
			if err := db.CreateAudit(ctx, &audit); err != nil {
				t.Fatal(err)
			}
			var pulls []attest.JudgedPull
			for i := range 12 {
				pulls = append(pulls, attest.JudgedPull{PullRequest: attest.PullRequest{Repo: "acme/api", Number: i + 1, Title: "change", Author: "ada",
					MergedAt: time.Date(2026, 2, 1+i, 10, 0, 0, 0, time.UTC), MergeSHA: "s", Approvers: []string{"bob"}, ApprovedAt: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)}})
			}
			pops := &population.Service{DB: db, Ledger: ev.Ledger, Now: clock,
				Changes: func(context.Context, attest.Principal, time.Time) (population.ChangeLog, error) {
					return population.ChangeLog{Undeployed: pulls}, nil
				}}
			p := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
			pop, err := pops.Take(ctx, p, population.Request{Kind: attest.PopulationChanges, AuditID: audit.ID})
			if err != nil || pop.Count != 12 {
				t.Fatalf("take: %+v, %v", pop, err)
			}
			smp, err := pops.Sample(ctx, p, audit.ID, pop.ID, population.SampleRequest{ControlID: ctl.ID})
			if err != nil || smp.Size != 8 {
				t.Fatalf("sample: %+v, %v", smp, err)
			}
			audits := programme.Audits{DB: db, Catalog: cat, Now: clock, Populations: pops}
			pkgs := programme.AuditPackages{DB: db, Catalog: cat, Evidence: ev, Now: clock, Audits: audits}
			// The request list, with evidence provided during fieldwork,
			// after the window: it is in the package under its request.
			if n, err := audits.GenerateRequests(ctx, p, audit.ID); err != nil || n != 1 {
				t.Fatalf("requests: %d, %v", n, err)
			}
			reqs, _ := audits.Requests(ctx, p, audit.ID, store.RequestFilter{})
			late := evidencetest.MustEvidence(t, ev, org, "change tickets, exported", ctl.ID)
			if _, err := audits.ActOnRequest(ctx, p, audit.ID, reqs.Requests[0].ID, programme.RequestAct{Action: attest.RequestSubmit, Evidence: []int64{late.ID}}); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, _, err := pkgs.ExportAudit(ctx, p, audit.ID, &buf); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			files := readZip(t, data)
			var tst auditpkg.Testing
			if err := json.Unmarshal(readMember(t, files[auditpkg.TestingFile]), &tst); err != nil {
				t.Fatal(err)
			}
			if len(tst.Populations) != 1 || len(tst.Populations[0].Rows) != 12 || tst.Populations[0].RecordHash != pop.RecordHash ||
				len(tst.Samples) != 1 || tst.Samples[0].Seed != smp.Seed || len(tst.Results) != 1 || tst.Results[0].Result != attest.AuditResultPass {
				t.Fatalf("testing.json: %+v", tst)
			}
			if page := string(readMember(t, files[auditpkg.PageFile])); !strings.Contains(page, smp.Seed) || !strings.Contains(page, pop.UID) {
				t.Error("index.html leaves out the testing")
			}
			var index struct {
				Requests []auditpkg.Request  `json:"requests"`
				Evidence []auditpkg.Evidence `json:"evidence"`
			}
			if err := json.Unmarshal(readMember(t, files[auditpkg.IndexFile]), &index); err != nil {
				t.Fatal(err)
			}
			if len(index.Requests) != 1 || index.Requests[0].ID != "CHG-1" || index.Requests[0].Status != "submitted" ||
				!slices.Equal(index.Requests[0].Evidence, []string{late.UID}) || len(index.Evidence) != 1 || index.Evidence[0].ID != late.UID {
				t.Fatalf("the request list in index.json: %+v, evidence %+v", index.Requests, index.Evidence)
			}
			if _, ok := files[auditpkg.BlobPath(late.SHA256)]; !ok {
				t.Errorf("the provided evidence's file is not in the package")
			}
			pub := ev.Key.Public().(ed25519.PublicKey)
			rep, err := auditpkg.Verify(bytes.NewReader(data), int64(len(data)), pub)
			if err != nil || rep.Samples != 1 {
				t.Fatalf("verify: %+v, %v", rep, err)
			}
			// A selection changed in both places no longer re-derives.
			rewrite := func(from, to string) []byte {
				var out bytes.Buffer
				zw := zip.NewWriter(&out)
				for name, f := range files {
					body := readMember(t, f)
					if name == auditpkg.TestingFile || name == auditpkg.IndexFile {
						body = bytes.ReplaceAll(body, []byte(from), []byte(to))
					}
					w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: f.Method})
					if err != nil {
						t.Fatal(err)
					}
					w.Write(body)
				}
				zw.Close()
				return out.Bytes()
			}
			changed := rewrite(`"`+smp.Workpaper.Selection[0]+`"`, `"acme/api#99"`)
			if _, err := auditpkg.Verify(bytes.NewReader(changed), int64(len(changed)), pub); err == nil || !strings.Contains(err.Error(), auditpkg.TestingFile) {
				t.Errorf("a package with a changed selection: %v", err)
			}
			// A population the ledger never recorded (another record hash
			// in both places) is refused: testing.json answers to the chain.
			other := strings.Repeat("0", 64)
			changed = rewrite(`"`+pop.RecordHash+`"`, `"`+other+`"`)
			if _, err := auditpkg.Verify(bytes.NewReader(changed), int64(len(changed)), pub); err == nil || !strings.Contains(err.Error(), "not recorded in the ledger segment") {
				t.Errorf("a package whose population the ledger does not record: %v", err)
			}
		})
	}
}
