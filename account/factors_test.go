package account_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// clockAt is a settable clock for the services and the store.
type clockAt struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clockAt) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clockAt) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newBox(t *testing.T) *secret.Box {
	t.Helper()
	k, err := secret.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	b, err := secret.New(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// enrol sets up an authenticator app for p and returns its secret and the
// recovery codes.
func enrol(t *testing.T, f *fixture, p attest.Principal, sessionHash string, now time.Time) (string, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := f.users.StartTOTP(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := auth.TOTPCode(e.Secret, now)
	codes, err := f.users.ConfirmTOTP(ctx, p, sessionHash, code)
	if err != nil {
		t.Fatal(err)
	}
	return e.Secret, codes
}

func TestTwoStepEnrolmentSignInAndRecovery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &clockAt{t: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
		db = db.WithClock(clock.Now)
		f := newFixture(t, db)
		f.users.Now, f.users.Box = clock.Now, newBox(t)
		beta, _ := f.orgs.Create(ctx, system, attest.Organization{Slug: "beta", Name: "Beta"})
		f.users.Add(ctx, attest.SystemPrincipal(beta.ID, "system", attest.ViaSystem), account.NewMember{Email: f.admin.Label, Role: attest.RoleEmployee})
		creds := account.Credentials{Email: f.admin.Label, Password: password, IP: "192.0.2.1", UserAgent: "test"}

		// Before: a password alone signs in, and the sign-in is logged everywhere.
		_, here, err := f.users.SignIn(ctx, creds)
		if err != nil {
			t.Fatal(err)
		}
		_, there, _ := f.users.SignIn(ctx, creds)
		sess, _, _ := f.users.Session(ctx, here, "")
		if sess.Method != attest.MethodPassword {
			t.Fatalf("method %q", sess.Method)
		}
		for _, org := range []int64{f.org.ID, beta.ID} {
			if a := last(t, db, org); a.Action != "user.signed_in" || a.Summary != "admin@acme.test signed in with a password" || a.IP != "192.0.2.1" {
				t.Errorf("sign-in entry in org %d: %+v", org, a)
			}
		}

		// Setting up: a pending secret is not asked for at sign-in, and a
		// wrong code does not turn it on.
		e, err := f.users.StartTOTP(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := url.Parse(e.URL); err != nil || u.Scheme != "otpauth" || u.Query().Get("secret") != e.Secret || !strings.Contains(u.Path, "admin@acme.test") {
			t.Fatalf("enrolment URL %q", e.URL)
		}
		again, err := f.users.PendingTOTP(ctx, f.admin)
		if err != nil || again.Secret != e.Secret || again.URL != e.URL {
			t.Fatalf("pending enrolment shown again: %+v %v", again, err)
		}
		if _, _, err := f.users.SignIn(ctx, creds); err != nil {
			t.Fatalf("an unconfirmed app was asked for: %v", err)
		}
		wrong, _ := auth.TOTPCode(e.Secret, clock.Now().Add(-5*time.Minute))
		if _, err := f.users.ConfirmTOTP(ctx, f.admin, sess.TokenHash, wrong); attest.ErrorField(err) != "code" {
			t.Fatalf("old code confirmed the app: %v", err)
		}
		stored, _ := db.TOTPFor(ctx, f.admin.UserID)
		if strings.Contains(string(stored.Sealed), e.Secret) {
			t.Fatal("the authenticator secret is stored in the clear")
		}
		code, _ := auth.TOTPCode(e.Secret, clock.Now())
		codes, err := f.users.ConfirmTOTP(ctx, f.admin, sess.TokenHash, code)
		if err != nil || len(codes) != account.RecoveryCodeCount {
			t.Fatalf("confirm: %d codes, %v", len(codes), err)
		}
		if _, err := f.users.StartTOTP(ctx, f.admin); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("a second app replaced the first: %v", err)
		}
		// The session that set it up now counts as two-step; the other was signed out.
		if s, _, _ := f.users.Session(ctx, here, ""); s == nil || s.Method != attest.MethodTOTP {
			t.Fatalf("enrolling session: %+v", s)
		}
		if s, _, _ := f.users.Session(ctx, there, ""); s != nil {
			t.Fatal("another session survived turning two-step on")
		}
		wantEntry(t, last(t, db, beta.ID), f.admin, "user.mfa_enrolled", "user", fmt.Sprint(f.admin.UserID),
			"admin@acme.test turned on two-step verification with an authenticator app; other sessions were signed out")

		// Signing in now takes a second step; the password alone starts nothing.
		clock.Add(time.Minute)
		_, secret, err := f.users.SignIn(ctx, creds)
		challenge, ok := account.NeedsSecondFactor(err)
		if !ok || secret != "" || attest.ErrorCode(err) != attest.EUNAUTHORIZED {
			t.Fatalf("password alone: %q %v", secret, err)
		}
		step := account.SecondStep{Challenge: challenge, IP: "192.0.2.1", UserAgent: "test"}
		step.Code = "000000"
		if _, _, err := f.users.VerifySecondFactor(ctx, step); err != account.ErrBadCode {
			t.Fatalf("wrong code: %v", err)
		}
		if a := last(t, db, f.org.ID); a.Action != "user.signin_failed" {
			t.Errorf("wrong code not logged: %+v", a)
		}
		step.Code, _ = auth.TOTPCode(e.Secret, clock.Now())
		u, s1, err := f.users.VerifySecondFactor(ctx, step)
		if err != nil || u.ID != f.admin.UserID || s1 == "" {
			t.Fatalf("right code: %v", err)
		}
		if s, _, _ := f.users.Session(ctx, s1, ""); s == nil || s.Method != attest.MethodTOTP {
			t.Fatalf("session after the code: %+v", s)
		}
		// The challenge is spent, and the code cannot be used again.
		if _, _, err := f.users.VerifySecondFactor(ctx, step); err != account.ErrChallengeGone {
			t.Fatalf("replayed challenge: %v", err)
		}
		_, _, err = f.users.SignIn(ctx, creds)
		challenge, _ = account.NeedsSecondFactor(err)
		step.Challenge = challenge
		if _, _, err := f.users.VerifySecondFactor(ctx, step); err != account.ErrBadCode {
			t.Fatalf("a used code worked again: %v", err)
		}

		// A recovery code works once, as typed on paper.
		step.Code = strings.ToUpper(codes[0])
		if _, s2, err := f.users.VerifySecondFactor(ctx, step); err != nil {
			t.Fatalf("recovery code: %v", err)
		} else if s, _, _ := f.users.Session(ctx, s2, ""); s.Method != attest.MethodRecovery {
			t.Fatalf("method %q", s.Method)
		}
		if a := last(t, db, f.org.ID); a.Summary != "admin@acme.test signed in with a password and a recovery code (9 left)" {
			t.Errorf("recovery sign-in entry: %+v", a)
		}
		_, _, err = f.users.SignIn(ctx, creds)
		step.Challenge, _ = account.NeedsSecondFactor(err)
		if _, _, err := f.users.VerifySecondFactor(ctx, step); err != account.ErrBadCode {
			t.Fatalf("a used recovery code worked again: %v", err)
		}
		// A challenge expires.
		clock.Add(account.ChallengeTTL + time.Second)
		step.Code, _ = auth.TOTPCode(e.Secret, clock.Now())
		if _, _, err := f.users.VerifySecondFactor(ctx, step); err != account.ErrChallengeGone {
			t.Fatalf("expired challenge: %v", err)
		}

		// New recovery codes and turning off need the password again.
		if _, err := f.users.RegenerateRecoveryCodes(ctx, f.admin, "wrong"); attest.ErrorField(err) != "password" {
			t.Fatalf("regenerate without the password: %v", err)
		}
		fresh, err := f.users.RegenerateRecoveryCodes(ctx, f.admin, password)
		if err != nil || len(fresh) != account.RecoveryCodeCount {
			t.Fatal(err)
		}
		if fs, _ := f.users.Factors(ctx, f.admin); !fs.TOTP || fs.RecoveryCodes != account.RecoveryCodeCount {
			t.Fatalf("factors: %+v", fs)
		}
		if err := f.users.DisableTOTP(ctx, f.admin, "wrong"); attest.ErrorField(err) != "password" {
			t.Fatalf("disable without the password: %v", err)
		}
		if err := f.users.DisableTOTP(ctx, f.admin, password); err != nil {
			t.Fatal(err)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "user.mfa_removed", "user", fmt.Sprint(f.admin.UserID), "admin@acme.test turned off two-step verification")
		if _, s, err := f.users.SignIn(ctx, creds); err != nil || s == "" {
			t.Fatalf("after turning off, the password alone: %v", err)
		}
		if fs, _ := f.users.Factors(ctx, f.admin); fs.TOTP || fs.RecoveryCodes != 0 {
			t.Fatalf("factors left after turning off: %+v", fs)
		}
	})
}

// Wrong codes are limited per account, whatever the address, and concurrent
// guesses each see the ones before them.
func TestSecondStepThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &clockAt{t: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
		db = db.WithClock(clock.Now)
		f := newFixture(t, db)
		f.users.Now, f.users.Box = clock.Now, newBox(t)
		_, here, _ := f.users.SignIn(ctx, account.Credentials{Email: f.admin.Label, Password: password, IP: "192.0.2.1"})
		sess, _, _ := f.users.Session(ctx, here, "")
		secret, _ := enrol(t, f, f.admin, sess.TokenHash, clock.Now())
		clock.Add(time.Minute)

		_, _, err := f.users.SignIn(ctx, account.Credentials{Email: f.admin.Label, Password: password, IP: "192.0.2.1"})
		challenge, _ := account.NeedsSecondFactor(err)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wrong, throttled := 0, 0
		for i := range 12 {
			wg.Go(func() {
				_, _, err := f.users.VerifySecondFactor(ctx, account.SecondStep{Challenge: challenge, Code: fmt.Sprintf("%06d", i), IP: fmt.Sprintf("198.51.100.%d", i)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == account.ErrBadCode:
					wrong++
				case attest.ErrorCode(err) == attest.ETHROTTLED:
					throttled++
				default:
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		if wrong != account.DefaultSecondStepThrottle.PerAccount || throttled != 12-wrong {
			t.Fatalf("%d codes checked, %d throttled; want %d checked", wrong, throttled, account.DefaultSecondStepThrottle.PerAccount)
		}
		// Even the right code waits until the window passes.
		code, _ := auth.TOTPCode(secret, clock.Now())
		if _, _, err := f.users.VerifySecondFactor(ctx, account.SecondStep{Challenge: challenge, Code: code}); attest.ErrorCode(err) != attest.ETHROTTLED {
			t.Fatalf("right code while throttled: %v", err)
		}
		clock.Add(account.DefaultSecondStepThrottle.Window + time.Second)
		_, _, err = f.users.SignIn(ctx, account.Credentials{Email: f.admin.Label, Password: password, IP: "192.0.2.1"})
		challenge, _ = account.NeedsSecondFactor(err)
		code, _ = auth.TOTPCode(secret, clock.Now())
		if _, _, err := f.users.VerifySecondFactor(ctx, account.SecondStep{Challenge: challenge, Code: code}); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestRequireMFAAndRevokeSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.users.Box = newBox(t)
		emp := f.member(t, f.org, "emp@acme.test", attest.RoleEmployee)
		mgr := f.member(t, f.org, "mgr@acme.test", attest.RoleManager)

		// An admin without a second factor cannot require one; only admins may.
		if _, err := f.orgs.SetRequireMFA(ctx, f.admin, true); attest.ErrorField(err) != "require_mfa" {
			t.Fatalf("required by an admin without two-step: %v", err)
		}
		if _, err := f.orgs.SetRequireMFA(ctx, mgr, false); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("a manager changed the rule: %v", err)
		}
		_, here, _ := f.users.SignIn(ctx, account.Credentials{Email: f.admin.Label, Password: password})
		sess, _, _ := f.users.Session(ctx, here, "")
		enrol(t, f, f.admin, sess.TokenHash, time.Now())
		org, err := f.orgs.SetRequireMFA(ctx, f.admin, true)
		if err != nil || !org.RequireMFA {
			t.Fatalf("require: %+v %v", org, err)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "org.mfa_required", "organization", "acme", "Required two-step verification of every member")
		if stored, _ := db.OrgByID(ctx, f.org.ID); !stored.RequireMFA {
			t.Fatal("the rule was not stored")
		}
		if err := attest.SignInAllowed(org, attest.SessionProof{Method: attest.MethodPassword}); attest.ErrorCode(err) != attest.EENROL {
			t.Fatalf("a password session was allowed: %v", err)
		}
		for _, m := range []attest.SignInMethod{attest.MethodTOTP, attest.MethodRecovery} {
			if err := attest.SignInAllowed(org, attest.SessionProof{Method: m}); err != nil {
				t.Fatalf("%s refused: %v", m, err)
			}
		}

		// The admin sees who has what, and signs a member out everywhere.
		f.users.SignIn(ctx, account.Credentials{Email: "emp@acme.test", Password: password})
		f.users.SignIn(ctx, account.Credentials{Email: "emp@acme.test", Password: password})
		sec, err := f.members.Security(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]account.MemberSecurity{}
		for _, m := range sec {
			got[m.User.Email] = m
		}
		if a := got["admin@acme.test"]; !a.Factors.TOTP || a.Factors.RecoveryCodes != account.RecoveryCodeCount || a.Sessions != 1 {
			t.Errorf("admin: %+v", a)
		}
		if e := got["emp@acme.test"]; e.Factors.TOTP || e.Sessions != 2 {
			t.Errorf("employee: %+v", e)
		}
		if _, err := f.members.Security(ctx, mgr); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("a manager saw members' factors: %v", err)
		}
		if _, _, err := f.members.RevokeSessions(ctx, mgr, emp.UserID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("a manager revoked sessions: %v", err)
		}
		_, n, err := f.members.RevokeSessions(ctx, f.admin, emp.UserID)
		if err != nil || n != 2 {
			t.Fatalf("revoke: %d %v", n, err)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "member.sessions_revoked", "membership", fmt.Sprint(emp.UserID), "Signed emp@acme.test out of every session (2)")
		if s, _ := db.MemberSessions(ctx, f.org.ID); s[emp.UserID] != 0 || s[f.admin.UserID] != 1 {
			t.Fatalf("sessions after revoking: %v", s)
		}
		// Another organization's admin cannot reach a non-member.
		other, _ := f.orgs.Create(ctx, system, attest.Organization{Slug: "other", Name: "Other"})
		otherAdmin := f.member(t, other, "boss@other.test", attest.RoleAdmin)
		if _, _, err := f.members.RevokeSessions(ctx, otherAdmin, emp.UserID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("revoked a non-member's sessions: %v", err)
		}
	})
}
