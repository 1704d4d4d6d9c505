package evidence_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

var ctx = context.Background()

type fixture struct {
	db      *store.DB
	raw     *sql.DB
	dialect store.Dialect
	svc     *evidence.Service
	org     attest.Organization
	ctl     attest.Control
	dir     string
	actor   attest.Actor
}

func setup(t *testing.T, d store.Dialect) *fixture {
	t.Helper()
	url := storetest.URL(t, d)
	db, err := store.Open(ctx, store.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := evidencetest.NewService(t, db)
	f := &fixture{db: db, raw: storetest.Raw(t, url), dialect: d, svc: svc, dir: fmt.Sprint(svc.Blobs), actor: evidencetest.Actor}
	f.org = storetest.MustOrg(t, db, "acme")
	f.ctl = storetest.MustControl(t, db, f.org, "AC-2", attest.StatusImplemented)
	return f
}

func (f *fixture) add(t *testing.T, name, content string) attest.Evidence {
	t.Helper()
	ev, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindFile, Title: name, Filename: name, ControlIDs: []int64{f.ctl.ID}}, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestAddCommitsToLedgerAndMakesControlReady(t *testing.T) {
	cat, _ := catalog.Load()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			before, _ := programme.Assess(ctx, &f.db.Queries, cat, f.org.ID)
			ev := f.add(t, "mfa-report.csv", "user,mfa\nada,true\n")
			if ev.LedgerSeq != 1 || ev.SHA256 == "" || ev.Size != 18 || ev.MediaType != "text/csv; charset=utf-8" || len(ev.Record) == 0 {
				t.Fatalf("evidence: %+v", ev)
			}
			got, err := f.db.Evidence(ctx, f.org.ID, ev.ID)
			if err != nil || got.LedgerSeq != 1 || len(got.Controls) != 1 || got.Controls[0].Ref != "AC-2" || got.Source != "ada@acme.test" {
				t.Fatalf("stored: %+v %v", got, err)
			}
			entries, _ := f.db.LedgerEntries(ctx, f.org.ID)
			cps, _ := f.db.Checkpoints(ctx, f.org.ID)
			if len(entries) != 1 || entries[0].RecordHash != ev.RecordHash || len(cps) != 1 || cps[0].Seq != 1 {
				t.Fatalf("ledger %+v checkpoints %+v", entries, cps)
			}
			after, _ := programme.Assess(ctx, &f.db.Queries, cat, f.org.ID)
			if before.States[readiness.StateReady] != 0 || after.States[readiness.StateReady] != 1 {
				t.Fatalf("readiness states before %v after %v", before.States, after.States)
			}
			// The same content again is stored once but recorded twice.
			again := f.add(t, "copy.csv", "user,mfa\nada,true\n")
			if again.SHA256 != ev.SHA256 || again.LedgerSeq != 2 {
				t.Fatalf("second: %+v", again)
			}
			n := 0
			f.svc.Blobs.List(ctx, func(string, int64) error { n++; return nil })
			if n != 1 {
				t.Fatalf("%d blobs for identical content", n)
			}
			rep, err := f.svc.Verify(ctx, f.org)
			if err != nil || rep.Entries != 2 || rep.Evidence != 2 || rep.Blobs != 1 {
				t.Fatalf("verify: %+v %v", rep, err)
			}
		})
	}
}

func TestAddRefusesBadInputAndKeepsNothing(t *testing.T) {
	f := setup(t, store.SQLite)
	cases := []struct {
		name    string
		n       evidence.New
		content string
		field   string
	}{
		{"empty file", evidence.New{Kind: "file", Title: "x", Filename: "x.txt"}, "", "file"},
		{"too large", evidence.New{Kind: "file", Title: "x", Filename: "x.bin"}, strings.Repeat("a", 1<<20+1), "file"},
		{"path in name", evidence.New{Kind: "file", Title: "x", Filename: "../etc/passwd"}, "data", "filename"},
		{"control character in name", evidence.New{Kind: "file", Title: "x", Filename: "a\x07.txt"}, "data", "filename"},
		{"invisible character in name", evidence.New{Kind: "file", Title: "x", Filename: "invoice\u202egpj.exe"}, "data", "filename"},
		{"no title", evidence.New{Kind: "file", Filename: "x.txt"}, "data", "title"},
		{"bad link", evidence.New{Kind: "link", Title: "x", URL: "javascript:alert(1)"}, "", "url"},
		{"half a period", evidence.New{Kind: "file", Title: "x", Filename: "x.txt", PeriodStart: time.Now()}, "data", "period"},
		{"control of nobody", evidence.New{Kind: "file", Title: "x", Filename: "x.txt", ControlIDs: []int64{9999}}, "data", "controls"},
	}
	for _, c := range cases {
		c.n.Org, c.n.Actor = f.org, f.actor
		_, err := f.svc.Add(ctx, c.n, strings.NewReader(c.content))
		if attest.ErrorField(err) != c.field {
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
	}
	if list, _ := f.db.EvidenceList(ctx, f.org.ID, store.EvidenceFilter{IncludeReplaced: true}); len(list) != 0 {
		t.Fatalf("rows after refusals: %d", len(list))
	}
	if entries, _ := f.db.LedgerEntries(ctx, f.org.ID); len(entries) != 0 {
		t.Fatalf("ledger entries after refusals: %d", len(entries))
	}
}

func TestLinksAttestationsAndCorrections(t *testing.T) {
	f := setup(t, store.SQLite)
	link, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindLink, Title: "Policy page", URL: "https://wiki.acme.test/policy"}, nil)
	if err != nil || link.MediaType != "text/uri-list" || link.Size != int64(len("https://wiki.acme.test/policy")) {
		t.Fatalf("link: %+v %v", link, err)
	}
	att, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindAttestation, Title: "Quarterly review done"}, strings.NewReader("I reviewed access on 2026-03-31."))
	if err != nil || !strings.HasPrefix(att.MediaType, "text/plain") {
		t.Fatalf("attestation: %+v %v", att, err)
	}
	fix, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindAttestation, Title: "Quarterly review done (corrected date)", Supersedes: att.ID},
		strings.NewReader("I reviewed access on 2026-04-02."))
	if err != nil {
		t.Fatal(err)
	}
	old, _ := f.db.Evidence(ctx, f.org.ID, att.ID)
	if !old.Superseded() || old.SupersededBy != fix.ID {
		t.Fatalf("old version: %+v", old)
	}
	if _, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindAttestation, Title: "again", Supersedes: att.ID}, strings.NewReader("x")); attest.ErrorField(err) != "supersedes" {
		t.Fatalf("correcting a superseded version: %v", err)
	}
	if cur, _ := f.db.EvidenceList(ctx, f.org.ID, store.EvidenceFilter{}); len(cur) != 2 {
		t.Fatalf("current evidence: %d", len(cur))
	}
	if _, err := f.svc.Verify(ctx, f.org); err != nil {
		t.Fatal(err)
	}
}

// blobPath finds a blob's file in the filesystem store.
func (f *fixture) blobPath(t *testing.T, sha string) string {
	t.Helper()
	var found string
	filepath.WalkDir(f.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) == sha {
			found = p
		}
		return nil
	})
	if found == "" {
		t.Fatalf("blob %s not found under %s", sha, f.dir)
	}
	return found
}

// tamper runs SQL with the append-only triggers out of the way, as someone
// with direct database access could.
func (f *fixture) tamper(t *testing.T, stmts ...string) {
	t.Helper()
	if f.dialect == store.SQLite {
		for _, tr := range []string{"evidence_no_update", "evidence_no_delete", "ledger_no_update", "ledger_no_delete", "checkpoints_no_update", "checkpoints_no_delete"} {
			f.raw.Exec(`DROP TRIGGER IF EXISTS ` + tr)
		}
	} else {
		for _, tb := range []string{"evidence", "ledger_entries", "ledger_checkpoints"} {
			if _, err := f.raw.Exec(`ALTER TABLE ` + tb + ` DISABLE TRIGGER USER`); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, s := range stmts {
		if _, err := f.raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func failure(t *testing.T, err error) *ledger.Failure {
	t.Helper()
	var lf *ledger.Failure
	if !errors.As(err, &lf) {
		t.Fatalf("verify: %v, want a ledger failure", err)
	}
	return lf
}

func TestVerifyNamesTheFirstBadEntry(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			cases := []struct {
				name   string
				break_ func(f *fixture, evs []attest.Evidence)
				seq    int64
				reason string
			}{
				{"flipped byte in a blob", func(f *fixture, evs []attest.Evidence) {
					p := f.blobPath(t, evs[1].SHA256)
					b, _ := os.ReadFile(p)
					b[0] ^= 1
					os.Chmod(p, 0o600)
					os.WriteFile(p, b, 0o600)
				}, 2, "no longer matches"},
				{"deleted evidence row", func(f *fixture, evs []attest.Evidence) {
					f.tamper(t, `DELETE FROM evidence_controls WHERE evidence_id = `+itoa(evs[2].ID), `DELETE FROM evidence WHERE id = `+itoa(evs[2].ID))
				}, 3, "missing from the database"},
				{"deleted ledger entry", func(f *fixture, evs []attest.Evidence) {
					f.tamper(t, `DELETE FROM ledger_entries WHERE seq = 2`)
				}, 3, "missing"},
				{"reordered entries", func(f *fixture, evs []attest.Evidence) {
					f.tamper(t, `UPDATE ledger_entries SET seq = 100 WHERE seq = 2`, `UPDATE ledger_entries SET seq = 2 WHERE seq = 3`, `UPDATE ledger_entries SET seq = 3 WHERE seq = 100`)
				}, 2, ""},
				{"swapped blob", func(f *fixture, evs []attest.Evidence) {
					b, _ := os.ReadFile(f.blobPath(t, evs[0].SHA256))
					p := f.blobPath(t, evs[3].SHA256)
					os.Chmod(p, 0o600)
					os.WriteFile(p, b, 0o600)
				}, 4, "no longer matches"},
				{"edited title", func(f *fixture, evs []attest.Evidence) {
					f.tamper(t, `UPDATE evidence SET title = 'Nothing to see' WHERE id = `+itoa(evs[1].ID))
				}, 2, "title"},
				{"edited notes", func(f *fixture, evs []attest.Evidence) {
					f.tamper(t, `UPDATE evidence SET notes = 'added later' WHERE id = `+itoa(evs[3].ID))
				}, 4, "notes"},
				{"removed control link", func(f *fixture, evs []attest.Evidence) {
					f.tamper(t, `DELETE FROM evidence_controls WHERE evidence_id = `+itoa(evs[2].ID))
				}, 3, "control links differ"},
				{"checkpoints deleted", func(f *fixture, evs []attest.Evidence) {
					f.tamper(t, `DELETE FROM ledger_checkpoints`)
				}, 1, "no signed checkpoint"},
				{"unsigned entry appended", func(f *fixture, evs []attest.Evidence) {
					entries, _ := f.db.LedgerEntries(ctx, f.org.ID)
					e := ledger.Next(&entries[len(entries)-1], f.org.Slug, "evidence", evs[0].UID, evs[0].RecordHash, time.Now())
					f.tamper(t, `INSERT INTO ledger_entries (org_id, seq, prev, record_type, record_id, record_hash, at, hash) VALUES (`+
						itoa(f.org.ID)+`, 6, '`+e.Prev+`', 'evidence', '`+e.RecordID+`', '`+e.RecordHash+`', '`+e.At.UTC().Format("2006-01-02 15:04:05.000000")+`+00:00', '`+e.Hash+`')`)
				}, 6, "no signed checkpoint"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					f := setup(t, d)
					var evs []attest.Evidence
					for i, content := range []string{"one", "two", "three", "four", "five"} {
						evs = append(evs, f.add(t, "e"+itoa(int64(i))+".txt", content))
					}
					if _, err := f.svc.Verify(ctx, f.org); err != nil {
						t.Fatalf("before tampering: %v", err)
					}
					c.break_(f, evs)
					_, err := f.svc.Verify(ctx, f.org)
					lf := failure(t, err)
					if lf.Seq != c.seq || !strings.Contains(lf.Error(), c.reason) {
						t.Fatalf("failure at %d: %v; want entry %d and %q", lf.Seq, lf, c.seq, c.reason)
					}
					// Attest will not sign a head it did not sign before. (A gap or a
					// reordering earlier in the chain stays detectable whatever is
					// appended, because later entries commit to the original links.)
					if c.name == "checkpoints deleted" || c.name == "unsigned entry appended" {
						if _, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindAttestation, Title: "after"}, strings.NewReader("x")); err == nil || !strings.Contains(err.Error(), "changed outside Attest") {
							t.Fatalf("append on a tampered chain: %v", err)
						}
					}
				})
			}
		})
	}
}

func itoa(n int64) string { return strings.TrimSpace(strings.Repeat(" ", 0) + formatInt(n)) }

func formatInt(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func TestExportVerifiesOffline(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			f.add(t, "a.txt", "alpha")
			f.add(t, "b.txt", "alpha") // shared blob
			link, _ := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindLink, Title: "Wiki", URL: "https://wiki.acme.test/x"}, nil)
			f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindLink, Title: "Wiki (moved)", URL: "https://wiki.acme.test/y", Supersedes: link.ID}, nil)
			var buf bytes.Buffer
			n, err := f.svc.Export(ctx, f.org, &buf)
			if err != nil || n != 4 {
				t.Fatalf("export: %d %v", n, err)
			}
			pub := f.svc.Key.Public().(ed25519.PublicKey)
			rep, err := ledger.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), pub)
			if err != nil || rep.Entries != 4 || rep.Evidence != 4 || rep.Org != "acme" {
				t.Fatalf("bundle: %+v %v", rep, err)
			}
			other, _, _ := ed25519.GenerateKey(nil)
			if _, err := ledger.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), other); err == nil {
				t.Fatal("a bundle verified against another install's key")
			}
		})
	}
}
