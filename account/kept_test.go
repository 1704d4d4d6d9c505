package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestKeptCredentialsFollowTheDatabase keeps a session and an API token
// between requests, and changes them in the database alone, as another
// server on it would: each change shows at the next request, and a request
// with nothing changed reads only what of the session or token changes.
func TestKeptCredentialsFollowTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		users := &account.Users{DB: db, PasswordParams: auth.TestParams}
		// kept reads once and holds it to the kept credential's narrow read
		// (want 1) or to a whole read (want 0).
		kept := func(what string, want int64, read func()) {
			t.Helper()
			hits, misses := users.KeptCredentials()
			read()
			h, m := users.KeptCredentials()
			if h-hits != want || m-misses != 1-want {
				t.Fatalf("%s: %d narrow and %d whole reads, want %d and %d", what, h-hits, m-misses, want, 1-want)
			}
		}
		orgRead := func() store.OrgRead {
			rev, err := db.OrgRevision(ctx, f.org.ID)
			if err != nil {
				t.Fatal(err)
			}
			return store.OrgRead{ID: f.org.ID, Revision: rev}
		}

		// A token: read, then kept; its organization's revision read fresh.
		tok, secret, err := users.CreateToken(ctx, f.admin, account.NewToken{Name: "ci", Days: 1})
		if err != nil {
			t.Fatal(err)
		}
		authenticate := func() (store.TokenUser, error) { return users.Authenticate(ctx, secret) }
		for i, want := range []int64{0, 1} {
			kept("token", want, func() {
				if tu, err := authenticate(); err != nil || tu.Token.ID != tok.ID || tu.Org != orgRead() {
					t.Fatalf("request %d: %+v, %v (organization %+v)", i+1, tu.Token, err, orgRead())
				}
			})
		}
		storetest.MustControl(t, db, f.org, "KEPT-1", attest.StatusImplemented)
		if tu, err := authenticate(); err != nil || tu.Org != orgRead() {
			t.Fatalf("after a change to the organization's records: %+v, %v, want %+v", tu.Org, err, orgRead())
		}
		if err := db.SetPasswordHash(ctx, f.admin.UserID, "changed elsewhere"); err != nil {
			t.Fatal(err)
		}
		kept("the token after its owner changed", 0, func() {
			if tu, err := authenticate(); err != nil || tu.User.PasswordHash != "changed elsewhere" {
				t.Fatalf("the token's owner changed elsewhere: %q, %v", tu.User.PasswordHash, err)
			}
		})
		if _, err := db.RevokeToken(ctx, f.org.ID, f.admin.UserID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := authenticate(); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
			t.Fatalf("a token revoked elsewhere still works: %v", err)
		}
		// No longer kept: asked again, it is read whole (and refused).
		kept("a revoked token asked again", 0, func() {
			if _, err := authenticate(); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
				t.Fatalf("a revoked token asked again: %v", err)
			}
		})

		// A session: read, then kept.
		sec, _, err := users.StartSession(ctx, f.admin.UserID, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		session := func() (*store.Session, attest.User) {
			t.Helper()
			s, u, err := users.Session(ctx, sec, f.org.Slug)
			if err != nil {
				t.Fatal(err)
			}
			return s, u
		}
		for i, want := range []int64{0, 1} {
			kept("session", want, func() {
				if s, u := session(); s == nil || u.ID != f.admin.UserID || s.Org != orgRead() {
					t.Fatalf("request %d: %+v %+v (organization %+v)", i+1, s, u, orgRead())
				}
			})
		}
		// Kept, asked about another organization: that one's revision.
		other := storetest.MustOrg(t, db, "other")
		if s, _, err := users.Session(ctx, sec, other.Slug); err != nil || s == nil || s.Org.ID != other.ID {
			t.Fatalf("a kept session asked about %s: %+v, %v", other.Slug, s, err)
		}
		// Its method stepped up, its user's password changed, then ended,
		// elsewhere.
		if err := db.SetSessionMethod(ctx, auth.HashSecret(sec), attest.MethodTOTP); err != nil {
			t.Fatal(err)
		}
		if s, _ := session(); s == nil || s.Method != attest.MethodTOTP {
			t.Fatalf("the method stepped up elsewhere: %+v", s)
		}
		if err := db.SetPasswordHash(ctx, f.admin.UserID, "changed again"); err != nil {
			t.Fatal(err)
		}
		kept("the session after its user changed", 0, func() {
			if _, u := session(); u.PasswordHash != "changed again" {
				t.Fatalf("the user's password changed elsewhere: %q", u.PasswordHash)
			}
		})
		if err := db.DeleteSession(ctx, auth.HashSecret(sec)); err != nil {
			t.Fatal(err)
		}
		if s, _ := session(); s != nil {
			t.Fatalf("a session ended elsewhere still works: %+v", s)
		}

	})
}

// TestKeptSessionExpires holds a kept session to the expiry in the database,
// which another server may have slid, and records a session's use once a
// minute whichever server saw it used.
func TestKeptSessionExpires(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			now := time.Now().UTC()
			clock := func() time.Time { return now }
			db, err := store.Open(ctx, store.Options{URL: storetest.URL(t, d), Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, db)
			users := &account.Users{DB: db, Now: clock, SessionIdle: time.Hour}
			sec, _, err := users.StartSession(ctx, f.admin.UserID, "192.0.2.1", "test")
			if err != nil {
				t.Fatal(err)
			}
			if s, _, err := users.Session(ctx, sec, ""); s == nil || err != nil {
				t.Fatalf("a new session: %v", err)
			}
			// Another server slides it to three hours from now.
			if err := db.TouchSession(ctx, auth.HashSecret(sec), now.Add(3*time.Hour)); err != nil {
				t.Fatal(err)
			}
			now = now.Add(2 * time.Hour)
			if s, _, err := users.Session(ctx, sec, ""); s == nil || err != nil {
				t.Fatalf("a session another server slid is taken for expired: %v", err)
			}
			// Slid by this one to an hour after that, which it records once a
			// minute, not on every request.
			touched := now.Truncate(time.Microsecond) // as the databases keep it
			now = now.Add(30 * time.Second)
			if s, _, err := users.Session(ctx, sec, ""); s == nil || err != nil {
				t.Fatalf("half a minute later: %v", err)
			}
			if s, _, err := db.SessionUser(ctx, auth.HashSecret(sec), ""); err != nil || !s.LastSeenAt.Equal(touched) {
				t.Fatalf("the session's use was recorded again within the minute: last seen %v, want %v (%v)", s.LastSeenAt, touched, err)
			}
			// A second server on the database: it records the use it sees a
			// minute after the last one recorded, by either server.
			second := &account.Users{DB: db, Now: clock, SessionIdle: time.Hour}
			if s, _, err := second.Session(ctx, sec, ""); s == nil || err != nil || !s.LastSeenAt.Equal(touched) {
				t.Fatalf("the second server's first read: %+v, %v; want last seen %v", s, err, touched)
			}
			now = now.Add(40 * time.Second) // 70 s after the last use recorded
			if _, _, err := users.Session(ctx, sec, ""); err != nil {
				t.Fatal(err)
			}
			touched = now.Truncate(time.Microsecond)
			now = now.Add(30 * time.Second)
			if _, _, err := second.Session(ctx, sec, ""); err != nil {
				t.Fatal(err)
			}
			if s, _, err := db.SessionUser(ctx, auth.HashSecret(sec), ""); err != nil || !s.LastSeenAt.Equal(touched) {
				t.Fatalf("the second server recorded a use 30 s after the first server did: last seen %v, want %v (%v)", s.LastSeenAt, touched, err)
			}

			// A token's use, likewise.
			_, secret, err := users.CreateToken(ctx, f.admin, account.NewToken{Name: "ci", Days: 1})
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := users.Authenticate(ctx, secret); err != nil {
					t.Fatal(err)
				}
				now = now.Add(30 * time.Second)
			}
			if tok, err := db.TokenByHash(ctx, auth.HashSecret(secret)); err != nil || !tok.LastUsedAt.Equal(touched.Add(30*time.Second)) {
				t.Fatalf("the token's use was recorded again within the minute: last used %v, want %v (%v)", tok.LastUsedAt, touched.Add(30*time.Second), err)
			}
			// A kept token past its expiry (a day) no longer works.
			now = touched.Add(25 * time.Hour)
			if _, err := users.Authenticate(ctx, secret); attest.ErrorCode(err) != attest.EUNAUTHORIZED {
				t.Fatalf("a kept token past its expiry: %v", err)
			}
			// Past the session's expiry (an hour after its last recorded
			// use), on either server; and a late touch, from a server with a
			// later clock or a longer idle setting, does not revive it.
			now = touched.Add(61 * time.Minute)
			for _, u := range []*account.Users{users, second} {
				if s, _, err := u.Session(ctx, sec, ""); s != nil || err != nil {
					t.Fatalf("an expired session still works: %+v, %v", s, err)
				}
			}
			if err := db.TouchSession(ctx, auth.HashSecret(sec), now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if s, _, err := second.Session(ctx, sec, ""); s != nil || err != nil {
				t.Fatalf("an expired session touched late works again: %+v, %v", s, err)
			}
		})
	}
}
