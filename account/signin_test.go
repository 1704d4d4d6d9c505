package account_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// burst runs n wrong-password sign-ins for one account at once, from the
// address ip(i), and counts how many were checked (a wrong password) and how
// many throttled.
func burst(t *testing.T, users *account.Users, n int, ip func(i int) string) (checked, throttled int) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, _, err := users.SignIn(context.Background(), account.Credentials{Email: "admin@acme.test", Password: fmt.Sprint("guess ", i), IP: ip(i)})
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		switch {
		case err == account.ErrBadCredentials:
			checked++
		case attest.ErrorCode(err) == attest.ETHROTTLED:
			throttled++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	return checked, throttled
}

// Concurrent attempts reserve their place before the password is checked, so
// a burst cannot get more guesses than the limit.
func TestSignInThrottleHoldsUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		th := auth.Throttle{Window: 15 * time.Minute, PerPair: 5, PerAccount: 12, PerAddress: 20}
		users := &account.Users{DB: db, PasswordParams: auth.TestParams, Throttle: th}

		// One address: the pair limit.
		checked, throttled := burst(t, users, 40, func(int) string { return "203.0.113.1" })
		if checked > th.PerPair || checked+throttled != 40 {
			t.Errorf("one address: %d checked, %d throttled; want at most %d checked", checked, throttled, th.PerPair)
		}
		_, _, err := users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "203.0.113.1"})
		wantCode(t, err, attest.ETHROTTLED, "")

		// Many addresses: the account-wide limit.
		checked, throttled = burst(t, users, 40, func(i int) string { return fmt.Sprint("198.51.100.", i) })
		if total := checked + th.PerPair; total > th.PerAccount || checked+throttled != 40 {
			t.Errorf("many addresses: %d checked (%d in all), %d throttled; want at most %d in all", checked, total, throttled, th.PerAccount)
		}
		_, _, err = users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "192.0.2.200"})
		wantCode(t, err, attest.ETHROTTLED, "")
	})
}

// Failures from one address do not lock the account's owner out from theirs,
// until the slower account-wide limit.
func TestSignInThrottleCountsPairsFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		users := &account.Users{DB: db, PasswordParams: auth.TestParams,
			Throttle: auth.Throttle{Window: 15 * time.Minute, PerPair: 3, PerAccount: 7, PerAddress: 100}}
		guess := func(ip string) error {
			_, _, err := users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: "wrong password", IP: ip})
			return err
		}
		for range 3 {
			if err := guess("203.0.113.9"); err != account.ErrBadCredentials {
				t.Fatalf("guess: %v", err)
			}
		}
		wantCode(t, guess("203.0.113.9"), attest.ETHROTTLED, "")
		// The owner, from another address, still signs in.
		if _, _, err := users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "192.0.2.1"}); err != nil {
			t.Fatalf("owner locked out by another address: %v", err)
		}
		// Guesses from more addresses reach the account-wide limit (3 + 4 = 7).
		for i := range 4 {
			if err := guess(fmt.Sprint("203.0.113.", 20+i)); err != account.ErrBadCredentials {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		_, _, err := users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "192.0.2.1"})
		wantCode(t, err, attest.ETHROTTLED, "")
	})
}

// Password checks take 64 MiB each: no more than MaxPasswordChecks run at
// once, and a sign-in that cannot start one soon is refused as busy, its
// attempt not counted.
func TestSignInBoundsConcurrentPasswordChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newFixture(t, db)
		users := &account.Users{DB: db, PasswordParams: auth.TestParams, MaxPasswordChecks: 2, PasswordCheckWait: time.Millisecond}
		var (
			mu             sync.Mutex
			inFlight, most int
			entered        = make(chan struct{}, 10)
			release        = make(chan struct{})
			releaseOnce    sync.Once
			openGate       = func() { releaseOnce.Do(func() { close(release) }) }
		)
		defer openGate()
		account.SetPasswordCheck(users, func(encoded, pw string) (bool, error) {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			n := inFlight
			mu.Unlock()
			defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
			if n <= 2 { // hold the first two; a third would be over the bound and must not block the test
				entered <- struct{}{}
				<-release
			}
			return auth.CheckPassword(encoded, pw)
		})
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				users.SignIn(ctx, account.Credentials{Email: fmt.Sprint("held", i, "@acme.test"), Password: "x", IP: fmt.Sprint("192.0.2.", 10+i)})
			})
		}
		<-entered
		<-entered
		_, _, err := users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "192.0.2.30"})
		if !account.IsBusy(err) || attest.ErrorCode(err) != attest.ETHROTTLED {
			t.Errorf("third concurrent check: %v, want busy", err)
		}
		if wait, ok := account.IsThrottled(err); !ok || wait <= 0 {
			t.Errorf("busy without a wait: %v %v", wait, ok)
		}
		f, err := db.LoginFailuresFor(ctx, "admin@acme.test", "192.0.2.30", time.Now().Add(-time.Hour))
		if err != nil || len(f.Account)+len(f.Address) != 0 {
			t.Errorf("a refused attempt was counted: %+v %v", f, err)
		}
		openGate()
		wg.Wait()
		if most > 2 {
			t.Errorf("%d password checks ran at once, want at most 2", most)
		}
		if _, _, err := users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "192.0.2.30"}); err != nil {
			t.Errorf("sign-in once checks are free: %v", err)
		}
	})
}
