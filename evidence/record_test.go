package evidence_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// addByUser adds evidence as a signed-in user, so that the record names one.
func (f *fixture) addByUser(t *testing.T) (attest.Evidence, attest.User) {
	t.Helper()
	u := attest.User{Email: "grace@acme.test", Name: "Grace Hopper", PasswordHash: "x"}
	if err := f.db.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	ev, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: attest.Actor{UserID: u.ID, Label: "Grace Hopper <grace@acme.test>", Via: attest.ViaUI},
		Kind: attest.KindFile, Title: "Access review", Filename: "review.csv"}, strings.NewReader("user,ok\n"))
	if err != nil {
		t.Fatal(err)
	}
	return ev, u
}

func TestRecordV2CommitsToWhoAndWhen(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			f.actor.Label = "unused" // the user adds below
			ev, u := f.addByUser(t)
			var rec map[string]any
			if err := ledger.DecodeRecord(ev.Record, &rec); err != nil {
				t.Fatal(err)
			}
			if rec["version"] != float64(2) || rec["added_by"] != "Grace Hopper <grace@acme.test>" || rec["added_by_id"] != float64(u.ID) ||
				rec["stored_at"] != ledger.FormatTime(ev.CreatedAt) {
				t.Fatalf("record: %s", ev.Record)
			}
			if _, err := f.svc.Verify(ctx, f.org); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ name, set, field string }{
				{"added_by", "added_by = (SELECT MAX(id) FROM users)", "added_by_id"},
				{"added_by removed", "added_by = NULL", "added_by_id"},
				{"created_at", "created_at = collected_at", "stored_at"},
			} {
				t.Run(c.name, func(t *testing.T) {
					g := setup(t, d)
					ev, _ := g.addByUser(t)
					other := attest.User{Email: "mallory@acme.test", Name: "Mallory", PasswordHash: "x"}
					if err := g.db.CreateUser(ctx, &other); err != nil {
						t.Fatal(err)
					}
					g.tamper(t, fmt.Sprintf(`UPDATE evidence SET %s WHERE id = %d`, c.set, ev.ID))
					_, err := g.svc.Verify(ctx, g.org)
					lf := failure(t, err)
					if lf.Seq != 1 || !strings.Contains(lf.Error(), c.field) {
						t.Fatalf("verify after editing %s: %v; want entry 1 and %q", c.name, lf, c.field)
					}
				})
			}
		})
	}
}

func TestRecordV1RowsStillVerify(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			f.add(t, "new.txt", "v2 record")
			// A row as Attest wrote it before record version 2.
			e := attest.Evidence{OrgID: f.org.ID, UID: "ev_v1", Kind: attest.KindFile, Title: "Old", Source: "ada", Filename: "old.txt",
				MediaType: "text/plain", CollectedAt: f.db.Now()}
			sha, size, err := f.svc.Blobs.Put(ctx, strings.NewReader("v1 record"), "", 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			e.SHA256, e.Size = sha, size
			err = f.db.Update(ctx, func(tx *store.Queries) error {
				e.RecordHash, e.Record, err = ledger.HashRecord(evidence.Record(1, f.org.Slug, e, "", "ignored"))
				if err != nil {
					return err
				}
				if err := tx.CreateEvidence(ctx, &e); err != nil {
					return err
				}
				_, err := f.svc.Chain().Append(ctx, tx, f.org, chain.Record{Type: ledger.RecordTypeEvidence, ID: e.UID, Hash: e.RecordHash})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(e.Record, []byte("added_by")) || bytes.Contains(e.Record, []byte("version")) {
				t.Fatalf("a v1 record: %s", e.Record)
			}
			rep, err := f.svc.Verify(ctx, f.org)
			if err != nil || rep.Evidence != 2 {
				t.Fatalf("verify with a v1 row: %+v %v", rep, err)
			}
			// A v1 record does not commit to created_at: that is the gap v2 closes.
			f.tamper(t, fmt.Sprintf(`UPDATE evidence SET title = 'Changed' WHERE id = %d`, e.ID))
			if lf := failure(t, func() error { _, err := f.svc.Verify(ctx, f.org); return err }()); lf.Seq != 2 || !strings.Contains(lf.Error(), "title") {
				t.Fatalf("v1 row edited: %v", lf)
			}
		})
	}
}

func TestBundleAddedByIsBound(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			f.addByUser(t)
			// Renaming the user later does not change what the bundle says.
			f.tamper(t, `UPDATE users SET name = 'Grace B. Hopper'`)
			var buf bytes.Buffer
			if _, err := f.svc.Export(ctx, f.org, &buf); err != nil {
				t.Fatal(err)
			}
			pub := f.svc.Key.Public().(ed25519.PublicKey)
			if _, err := ledger.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), pub); err != nil {
				t.Fatal(err)
			}
			edited := editZip(t, buf.Bytes(), "index.json", func(s string) string {
				return strings.Replace(s, `"added_by":"Grace Hopper <grace@acme.test>"`, `"added_by":"Mallory"`, 1)
			})
			if _, err := ledger.VerifyBundle(bytes.NewReader(edited), int64(len(edited)), pub); err == nil || !strings.Contains(err.Error(), "added_by") {
				t.Fatalf("a bundle with added_by edited in index.json: %v", err)
			}
		})
	}
}

func TestVerifyFindsACutBack(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			heads := chain.DirHeads{Dir: filepath.Join(f.dir, "heads")}
			f.svc = &evidence.Service{DB: f.db, Blobs: f.svc.Blobs, Key: f.svc.Key, MaxSize: f.svc.MaxSize, Heads: []chain.HeadStore{heads}}
			var evs []attest.Evidence
			for i := range 4 {
				evs = append(evs, f.add(t, fmt.Sprintf("e%d.txt", i), fmt.Sprint("content ", i)))
			}
			if _, err := os.Stat(filepath.Join(heads.Dir, "acme.json")); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Verify(ctx, f.org); err != nil {
				t.Fatal(err)
			}
			// Entries 3 and 4 go, with their checkpoints, rows and links.
			f.tamper(t, `DELETE FROM ledger_checkpoints WHERE seq > 2`, `DELETE FROM ledger_entries WHERE seq > 2`,
				fmt.Sprintf(`DELETE FROM evidence_controls WHERE evidence_id IN (%d, %d)`, evs[2].ID, evs[3].ID),
				fmt.Sprintf(`DELETE FROM evidence WHERE id IN (%d, %d)`, evs[2].ID, evs[3].ID))
			_, err := f.svc.Verify(ctx, f.org)
			if err == nil || !strings.Contains(err.Error(), "the database ends at entry 2") || !strings.Contains(err.Error(), "entries 3–4 are missing") {
				t.Fatalf("verify after a cut-back: %v", err)
			}
		})
	}
}

// editZip rewrites one file of a zip archive with edit, keeping the others.
func editZip(t *testing.T, data []byte, name string, edit func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			edited := edit(string(b))
			if edited == string(b) {
				t.Fatalf("the edit changed nothing in %s", name)
			}
			b = []byte(edited)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestRecordGolden pins the bytes of both record versions, as ledger/doc.go
// specifies them: a changed byte would stop every stored record verifying.
func TestRecordGolden(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 500_000_000, time.UTC)
	e := attest.Evidence{UID: "ev_00112233445566778899", Kind: attest.KindFile, Title: "MFA <report>", Source: "Ada <ada@acme.test>",
		Filename: "mfa.csv", MediaType: "text/csv; charset=utf-8", SHA256: strings.Repeat("ab", 32), Size: 18, CollectedAt: at,
		AddedBy: 3, CreatedAt: at.Add(250 * time.Millisecond), Controls: []attest.ControlRef{{Ref: "AC-2"}, {Ref: "AC-1"}}}
	v1 := `{"collected_at":"2026-03-01T12:00:00.500000Z","controls":["AC-2","AC-1"],"filename":"mfa.csv","kind":"file",` +
		`"media_type":"text/csv; charset=utf-8","notes":"","org":"acme","sha256":"` + e.SHA256 + `","size":18,` +
		`"source":"Ada <ada@acme.test>","supersedes":"","title":"MFA <report>","type":"evidence","uid":"ev_00112233445566778899","url":""}`
	v2 := `{"added_by":"Ada <ada@acme.test>","added_by_id":3,"collected_at":"2026-03-01T12:00:00.500000Z","controls":["AC-2","AC-1"],` +
		`"filename":"mfa.csv","kind":"file","media_type":"text/csv; charset=utf-8","notes":"","org":"acme","sha256":"` + e.SHA256 + `",` +
		`"size":18,"source":"Ada <ada@acme.test>","stored_at":"2026-03-01T12:00:00.750000Z","supersedes":"","title":"MFA <report>",` +
		`"type":"evidence","uid":"ev_00112233445566778899","url":"","version":2}`
	for version, want := range map[int]string{1: v1, 2: v2} {
		_, got, err := ledger.HashRecord(evidence.Record(version, "acme", e, "", "Ada <ada@acme.test>"))
		if err != nil || string(got) != want {
			t.Errorf("version %d record:\n got %s\nwant %s (%v)", version, got, want, err)
		}
	}
}
