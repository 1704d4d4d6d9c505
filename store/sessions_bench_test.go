package store_test

import (
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// BenchmarkCredentialReads compares what a request reads to know its caller
// when no earlier request read the session or token (its row, its user and
// the revisions) with what it reads when one did (what of it changes, and
// the revisions: account keeps the rest).
func BenchmarkCredentialReads(b *testing.B) {
	db := storetest.Open(b, store.SQLite, nil)
	org := storetest.MustOrg(b, db, "acme")
	u := storetest.MustUser(b, db, "pat@acme.test")
	if err := db.CreateSession(ctx, &store.Session{TokenHash: "s1", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour), UserAgent: "Mozilla/5.0 (X11; Linux x86_64)"}); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateToken(ctx, &attest.APIToken{OrgID: org.ID, UserID: u.ID, Name: "ci", Prefix: "atk_1", ExpiresAt: time.Now().Add(time.Hour)}, "t1"); err != nil {
		b.Fatal(err)
	}
	if err := db.TouchToken(ctx, 1); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		read func() error
	}{
		{"session/whole", func() error { _, _, err := db.SessionUser(ctx, "s1", "acme"); return err }},
		{"session/state", func() error { _, err := db.SessionState(ctx, "s1", "acme"); return err }},
		{"token/whole", func() error { _, err := db.TokenUserByHash(ctx, "t1"); return err }},
		{"token/state", func() error { _, err := db.TokenState(ctx, "t1"); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
