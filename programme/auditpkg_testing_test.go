package programme_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// testingPackage is the package of an audit record with testing: a
// population of twelve merged changes (the last merged without an approval,
// a deviation; none deployed, twelve reconciliation findings), a sample of
// it, and a request answered with late evidence.
type testingPackage struct {
	data []byte
	pub  ed25519.PublicKey
	pop  attest.PopulationRetrieval
	smp  attest.PopulationSample
	late attest.Evidence
}

func newTestingPackage(t *testing.T, d store.Dialect) testingPackage {
	t.Helper()
	ctx := t.Context()
	// Nanoseconds, as a real clock has: the database may keep more digits
	// of a time than the ledger record, which keeps microseconds.
	now := time.Date(2026, 4, 10, 9, 0, 0, 123456789, time.UTC)
	clock := func() time.Time { return now }
	cat, db, ev, org := auditWorld(t, d, clock)
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
		pr := attest.PullRequest{Repo: "acme/api", Number: i + 1, Title: "change", Author: "ada",
			MergedAt: time.Date(2026, 2, 1+i, 10, 0, 0, 0, time.UTC), MergeSHA: "s", Approvers: []string{"bob"}, ApprovedAt: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)}
		if i == 11 {
			pr.Approvers, pr.ApprovedAt = nil, time.Time{}
		}
		pulls = append(pulls, attest.JudgedPull{PullRequest: pr})
	}
	pops := &population.Service{DB: db, Ledger: ev.Ledger, Now: clock,
		Changes: func(context.Context, attest.Principal, time.Time) (population.ChangeLog, error) {
			return population.ChangeLog{Undeployed: pulls}, nil
		}}
	p := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
	pop, err := pops.Take(ctx, p, population.Request{Kind: attest.PopulationChanges, AuditID: audit.ID})
	if err != nil || pop.Count != 12 || pop.Tally.Deviations != 1 || pop.Tally.Mismatches != 12 {
		t.Fatalf("take: %+v, %v", pop, err)
	}
	smp, err := pops.Sample(ctx, p, audit.ID, pop.ID, population.SampleRequest{ControlID: ctl.ID})
	if err != nil || smp.Size != 8 {
		t.Fatalf("sample: %+v, %v", smp, err)
	}
	audits := programme.Audits{DB: db, Catalog: cat, Now: clock, Populations: pops}
	pkgs := programme.AuditPackages{DB: db, Catalog: cat, Evidence: ev, Now: clock, Audits: audits}
	// The request list, with evidence provided during fieldwork, after the
	// window: it is in the package under its request.
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
	return testingPackage{data: buf.Bytes(), pub: ev.Key.Public().(ed25519.PublicKey), pop: pop, smp: smp, late: late}
}

// auditWorld is a database of dialect d on clock, with the catalog, an
// evidence service with its ledger, and the organization acme.
func auditWorld(t *testing.T, d store.Dialect, clock func() time.Time) (*catalog.Catalog, *store.DB, *evidence.Service, attest.Organization) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, d, clock)
	ev := evidencetest.NewService(t, db)
	ev.Ledger = &chain.Chain{Key: ev.Key}
	return cat, db, ev, storetest.MustOrg(t, db, "acme")
}

// verify runs auditpkg.Verify on a package.
func (tp testingPackage) verify(data []byte) (auditpkg.Report, error) {
	return auditpkg.Verify(bytes.NewReader(data), int64(len(data)), tp.pub)
}

// rewritePackage returns the package data with each member's body passed
// through edit, as someone holding the package (not the key) could.
func rewritePackage(t *testing.T, data []byte, edit func(name string, body []byte) []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for name, f := range readZip(t, data) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: f.Method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(edit(name, readMember(t, f)))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// replaceInTesting replaces from with to in testing.json and index.json.
func replaceInTesting(t *testing.T, data []byte, from, to string) []byte {
	t.Helper()
	return rewritePackage(t, data, func(name string, body []byte) []byte {
		if name == auditpkg.TestingFile || name == auditpkg.IndexFile {
			body = bytes.ReplaceAll(body, []byte(from), []byte(to))
		}
		return body
	})
}

// editTesting returns the package data with its testing edited
// consistently in testing.json and under testing in index.json.
func editTesting(t *testing.T, data []byte, edit func(*auditpkg.Testing)) []byte {
	t.Helper()
	var tst auditpkg.Testing
	if err := json.Unmarshal(readMember(t, readZip(t, data)[auditpkg.TestingFile]), &tst); err != nil {
		t.Fatal(err)
	}
	edit(&tst)
	edited, err := json.Marshal(tst)
	if err != nil {
		t.Fatal(err)
	}
	return rewritePackage(t, data, func(name string, body []byte) []byte {
		switch name {
		case auditpkg.TestingFile:
			return edited
		case auditpkg.IndexFile:
			var idx map[string]json.RawMessage
			if err := json.Unmarshal(body, &idx); err != nil {
				t.Fatal(err)
			}
			idx["testing"] = edited
			out, err := json.Marshal(idx)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		return body
	})
}

// The package of an audit record carries its populations (with their rows),
// samples (with their workpapers) and results, and still verifies; a
// changed selection does not.
func TestAuditPackageCarriesTesting(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			tp := newTestingPackage(t, d)
			pop, smp, late := tp.pop, tp.smp, tp.late
			files := readZip(t, tp.data)
			var tst auditpkg.Testing
			if err := json.Unmarshal(readMember(t, files[auditpkg.TestingFile]), &tst); err != nil {
				t.Fatal(err)
			}
			if len(tst.Populations) != 1 || len(tst.Populations[0].Rows) != 12 || tst.Populations[0].RecordHash != pop.RecordHash ||
				len(tst.Samples) != 1 || tst.Samples[0].Seed != smp.Seed || len(tst.Results) != 1 || tst.Results[0].Result != attest.AuditResultDeviation {
				t.Fatalf("testing.json: %+v", tst)
			}
			if page := string(readMember(t, files[auditpkg.PageFile])); !strings.Contains(page, smp.Seed) || !strings.Contains(page, pop.UID) {
				t.Error("index.html leaves out the testing")
			}
			// The OSCAL assessment results carry the audit's testing: CC8.1
			// not satisfied, its control having deviated.
			var ar struct {
				AR struct {
					Results []struct {
						Title    string `json:"title"`
						Findings []struct {
							Target struct {
								TargetID string `json:"target-id"`
								Status   struct{ State, Reason string }
							} `json:"target"`
						} `json:"findings"`
					} `json:"results"`
				} `json:"assessment-results"`
			}
			if err := json.Unmarshal(readMember(t, files[auditpkg.ResultsFile]), &ar); err != nil {
				t.Fatal(err)
			}
			if r := ar.AR.Results; len(r) != 2 || !strings.HasPrefix(r[1].Title, "Testing of ") || len(r[1].Findings) != 1 ||
				r[1].Findings[0].Target.TargetID != "CC8.1" || r[1].Findings[0].Target.Status.Reason != "fail" {
				t.Errorf("the OSCAL assessment results of the audit: %+v", ar.AR.Results)
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
			rep, err := tp.verify(tp.data)
			if err != nil || rep.Samples != 1 {
				t.Fatalf("verify: %+v, %v", rep, err)
			}
			// A selection changed in both places no longer re-derives.
			changed := replaceInTesting(t, tp.data, `"`+smp.Workpaper.Selection[0]+`"`, `"acme/api#99"`)
			if _, err := tp.verify(changed); err == nil || !strings.Contains(err.Error(), auditpkg.TestingFile) {
				t.Errorf("a package with a changed selection: %v", err)
			}
			// A population the ledger never recorded (another record hash
			// in both places) is refused: testing.json answers to the chain.
			other := strings.Repeat("0", 64)
			changed = replaceInTesting(t, tp.data, `"`+pop.RecordHash+`"`, `"`+other+`"`)
			if _, err := tp.verify(changed); err == nil || !strings.Contains(err.Error(), "not recorded in the ledger segment") {
				t.Errorf("a package whose population the ledger does not record: %v", err)
			}
		})
	}
}

// testing.json answers to index.json and to the ledger record of each of
// its populations: an edit made in both files, as someone holding the
// package but not the key could, is refused, naming the population and what
// differs. Each case edits what one check guards and nothing that an
// earlier check would catch.
func TestAuditPackageTestingAnswersToTheLedger(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			tp := newTestingPackage(t, d)
			uid := tp.pop.UID
			deviation := slices.IndexFunc(tp.pop.Results, func(r attest.ItemResult) bool { return r.Result == attest.ItemDeviation })
			if deviation < 0 {
				t.Fatalf("no deviation in %+v", tp.pop.Results)
			}
			item := tp.pop.Results[deviation].Item
			// Rewriting alone changes nothing verify reads.
			if _, err := tp.verify(editTesting(t, tp.data, func(*auditpkg.Testing) {})); err != nil {
				t.Fatalf("an unedited rewrite: %v", err)
			}
			pop := func(edit func(p *attest.PopulationRetrieval)) []byte {
				return editTesting(t, tp.data, func(tst *auditpkg.Testing) { edit(&tst.Populations[0]) })
			}
			for _, c := range []struct {
				name string
				data []byte
				want string
			}{
				{"testing.json alone edited",
					rewritePackage(t, tp.data, func(name string, body []byte) []byte {
						if name == auditpkg.TestingFile {
							body = bytes.Replace(body, []byte(`"`+uid+`"`), []byte(`"pop_00000000000000000000"`), 1)
						}
						return body
					}),
					"testing.json differs from the testing of index.json"},
				{"the testing left out of index.json",
					rewritePackage(t, tp.data, func(name string, body []byte) []byte {
						if name != auditpkg.IndexFile {
							return body
						}
						var idx map[string]any
						if err := json.Unmarshal(body, &idx); err != nil {
							t.Fatal(err)
						}
						delete(idx, "testing")
						out, _ := json.Marshal(idx)
						return out
					}),
					"testing.json is in the package, but index.json has no testing"},
				// Rows changed with their hash, in both places: they hash to
				// it, but it is not the hash the ledger banked. The sample,
				// drawn from the banked hash, goes too.
				{"the rows and their hash changed", editTesting(t, tp.data, func(tst *auditpkg.Testing) {
					p := &tst.Populations[0]
					p.Rows[0].Summary = "a change never merged"
					p.Hash = attest.PopulationHash(attest.PopulationItems(p.Rows))
					tst.Samples = nil
				}), "population " + uid + " hashes to "},
				// The hash covers a row's ID, time and summary; the facts the
				// census tests are held to the record too.
				{"a row's facts changed", pop(func(p *attest.PopulationRetrieval) { p.Rows[0].Change.MergeSHA = "forged" }),
					"population " + uid + " row 1 (" + tp.pop.Rows[0].ID + ") differs from the one its ledger record holds"},
				{"a deviation turned into a pass", pop(func(p *attest.PopulationRetrieval) {
					p.Results[deviation].Result, p.Results[deviation].Reason = attest.ItemPass, "approved by bob, not its author ada, before it merged"
					p.Tally.Passed, p.Tally.Deviations = p.Tally.Passed+1, p.Tally.Deviations-1
				}), "population " + uid + " says item " + item + " is pass (approved by bob, not its author ada, before it merged), but its ledger record says " + item + " is deviation"},
				{"a deviation left out", pop(func(p *attest.PopulationRetrieval) {
					p.Results = slices.Delete(p.Results, deviation, deviation+1)
					p.Tally.Deviations--
				}), "population " + uid + " has 11 census results, but its ledger record 12"},
				{"the reconciliation's findings removed", pop(func(p *attest.PopulationRetrieval) {
					p.Reconciliation.Findings = []attest.PopulationFinding{}
					p.Tally.Mismatches = 0
				}), "population " + uid + " has 0 reconciliation findings, but its ledger record 12"},
				{"a finding explained away", pop(func(p *attest.PopulationRetrieval) {
					p.Reconciliation.Findings[0].Why = "deployed by hand"
				}), "population " + uid + " says reconciliation finding 1 is " + tp.pop.Reconciliation.Findings[0].Item + " (deployed by hand), but its ledger record says"},
				{"the reconciliation declared clean", pop(func(p *attest.PopulationRetrieval) {
					p.Reconciliation.Note = "0 mismatch(es)"
				}), "population " + uid + " says its reconciliation against deploy history is reconciled true (\"0 mismatch(es)\"), but its ledger record says"},
				// What the retrieval was is the record's too.
				{"the kind changed", pop(func(p *attest.PopulationRetrieval) { p.Kind = attest.PopulationJoiners }),
					"population " + uid + ` says its kind is "joiners", but its ledger record says "changes"`},
				{"the window widened", pop(func(p *attest.PopulationRetrieval) { p.From = "2025-10-01" }),
					"population " + uid + ` says its from is "2025-10-01", but its ledger record says "2026-01-01"`},
				{"the query reworded", pop(func(p *attest.PopulationRetrieval) { p.Query = "every change" }),
					"population " + uid + ` says its query is "every change", but its ledger record says`},
				{"the tally's deviations dropped", pop(func(p *attest.PopulationRetrieval) { p.Tally.Deviations, p.Tally.Passed = 0, 12 }),
					"population " + uid + " has the tally {Passed:12 Deviations:0 NotTestable:0 Mismatches:12}, but its results and findings count {Passed:11 Deviations:1 NotTestable:0 Mismatches:12}"},
			} {
				t.Run(c.name, func(t *testing.T) {
					if _, err := tp.verify(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
						t.Errorf("verify: %v\nwant an error containing %q", err, c.want)
					}
				})
			}
		})
	}
}

// A configuration capture taken within the window speaks for the controls
// its tests map to, each for its own rows, in the audit's results; its
// package verifies, and a capture row edited in both places (a failing
// setting shown passing) is refused against its ledger record.
func TestAuditPackageHoldsACaptureToItsRecord(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 6, 20, 9, 0, 0, 123456789, time.UTC)
			clock := func() time.Time { return now }
			cat, db, ev, org := auditWorld(t, d, clock)
			for _, ref := range []string{"CHG-1", "IAM-1"} {
				ctl := storetest.Control(org, ref)
				ctl.Status = attest.StatusImplemented
				ctl.Mappings = []attest.Mapping{{Framework: "soc2", Requirement: map[string]string{"CHG-1": "CC8.1", "IAM-1": "CC6.1"}[ref], Source: attest.SourceLibrary}}
				if err := db.CreateControl(ctx, &ctl); err != nil {
					t.Fatal(err)
				}
			}
			audit := attest.Audit{OrgID: org.ID, Name: "FY26 H1", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-06-30", Status: attest.AuditFieldwork}
			if err := db.CreateAudit(ctx, &audit); err != nil {
				t.Fatal(err)
			}
			col := attest.CollectionRun{UID: "col_00000000000000000001", StartedAt: now.Add(-20 * time.Minute), SnapshotSHA256: strings.Repeat("a", 64)}
			res := func(test, key string, status attest.ResultStatus, since time.Time) attest.TestResult {
				return attest.TestResult{Test: test, Resource: attest.ResourceRef{Type: "github.repository", Key: key}, Status: status,
					Message: string(status), Since: since, Collection: col.UID}
			}
			conn := attest.CaptureConnection{Connection: attest.Connection{Name: "github", Type: "github", IntervalMinutes: 60}, Latest: col, Complete: col,
				Collections: map[string]attest.CollectionRun{col.UID: col},
				Results: []attest.TestResult{
					res("t.protected", "acme/api", attest.ResultFail, now.AddDate(0, -2, 0)), // a deviation of CHG-1
					res("t.mfa", "acme/api", attest.ResultPass, now.AddDate(0, -2, 0)),
				},
				Tests: map[string]attest.CaptureTest{"t.protected": {Title: "Default branch protected", Controls: []string{"CHG-1"}},
					"t.mfa": {Title: "MFA", Controls: []string{"IAM-1"}}}}
			pops := &population.Service{DB: db, Ledger: ev.Ledger, Now: clock,
				Capture: func(context.Context, attest.Principal) ([]attest.CaptureConnection, error) {
					return []attest.CaptureConnection{conn}, nil
				}}
			p := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
			pop, err := pops.Take(ctx, p, population.Request{Kind: attest.PopulationConfiguration, AuditID: audit.ID})
			if err != nil || pop.Count != 2 || pop.Tally.Deviations != 1 || pop.Tally.Passed != 1 {
				t.Fatalf("take: %+v, %v", pop.Tally, err)
			}
			audits := programme.Audits{DB: db, Catalog: cat, Now: clock, Populations: pops}
			results, err := audits.Results(ctx, p, audit.ID)
			if err != nil {
				t.Fatal(err)
			}
			byRef := map[string]attest.ControlResult{}
			for _, c := range results.Controls {
				byRef[c.Ref] = c
			}
			if c := byRef["CHG-1"]; c.Result != attest.AuditResultDeviation || c.Populations != 1 || len(c.Deviations) != 1 ||
				!strings.Contains(c.Deviations[0].Item, "t.protected") {
				t.Errorf("CHG-1: %+v", c)
			}
			if c := byRef["IAM-1"]; c.Result != attest.AuditResultPass || c.Populations != 1 || len(c.Deviations) != 0 {
				t.Errorf("IAM-1, whose only setting passes: %+v", c)
			}

			pkgs := programme.AuditPackages{DB: db, Catalog: cat, Evidence: ev, Now: clock, Audits: audits}
			var buf bytes.Buffer
			if _, _, err := pkgs.ExportAudit(ctx, p, audit.ID, &buf); err != nil {
				t.Fatal(err)
			}
			tp := testingPackage{data: buf.Bytes(), pub: ev.Key.Public().(ed25519.PublicKey), pop: pop}
			if _, err := tp.verify(tp.data); err != nil {
				t.Fatalf("verify a package with a capture: %v", err)
			}
			i := 0
			if pop.Rows[0].Capture.Status != string(attest.ResultFail) {
				i = 1
			}
			edited := editTesting(t, tp.data, func(tst *auditpkg.Testing) {
				tst.Populations[0].Rows[i].Capture.Status = string(attest.ResultPass)
			})
			want := "population " + pop.UID + " row " + string(rune('1'+i)) + " (" + pop.Rows[i].ID + ") differs from the one its ledger record holds"
			if _, err := tp.verify(edited); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("a capture row edited: %v, want %q", err, want)
			}
		})
	}
}
