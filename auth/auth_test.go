package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	ok, err := CheckPassword(h, "correct horse battery")
	if err != nil || !ok {
		t.Fatalf("right password rejected: %v %v", ok, err)
	}
	ok, err = CheckPassword(h, "correct horse battery!")
	if err != nil || ok {
		t.Fatalf("wrong password accepted: %v %v", ok, err)
	}
	h2, _ := HashPassword("correct horse battery", TestParams)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestCheckPasswordRejectsMalformed(t *testing.T) {
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		if ok, err := CheckPassword(enc, "x"); err == nil || ok {
			t.Errorf("CheckPassword(%q) = %v, %v; want error", enc, ok, err)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := NewSecret("atk_"), NewSecret("atk_")
	if a == b || !strings.HasPrefix(a, "atk_") || len(a) < 40 {
		t.Fatalf("weak secrets %q %q", a, b)
	}
	h := HashSecret(a)
	if h == HashSecret(b) || len(h) != 64 || h != HashSecret(a) {
		t.Fatal("HashSecret is not a stable SHA-256")
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	th := Throttle{Window: 15 * time.Minute, PerPair: 3, PerAccount: 6, PerAddress: 5}
	ago := func(m ...int) []time.Time {
		var ts []time.Time
		for _, x := range m {
			ts = append(ts, now.Add(-time.Duration(x)*time.Minute))
		}
		return ts
	}
	cases := []struct {
		name string
		f    Failures
		want time.Duration
	}{
		{"no failures", Failures{}, 0},
		{"below pair limit", Failures{Pair: ago(1, 2), Account: ago(1, 2), Address: ago(1, 2)}, 0},
		{"pair limit reached", Failures{Pair: ago(1, 2, 3), Account: ago(1, 2, 3), Address: ago(1, 2, 3)}, 12 * time.Minute},
		{"old failures forgotten", Failures{Pair: ago(1, 2, 20), Account: ago(1, 2, 20), Address: ago(1, 2, 20)}, 0},
		{"exactly at window edge is forgotten", Failures{Pair: ago(1, 2, 15)}, 0},
		{"unsorted input, two must expire", Failures{Pair: ago(3, 1, 10, 2)}, 12 * time.Minute},
		// Another address's failures for the account do not lock this pair...
		{"account failures from elsewhere below account limit", Failures{Pair: nil, Account: ago(1, 2, 3, 4, 5)}, 0},
		// ...until the slower account-wide limit is reached.
		{"account-wide limit reached", Failures{Account: ago(1, 2, 3, 4, 5, 8)}, 7 * time.Minute},
		{"address limit governs", Failures{Pair: ago(1), Account: ago(1), Address: ago(1, 2, 3, 4, 9)}, 6 * time.Minute},
		{"longest of all", Failures{Pair: ago(1, 2, 14), Account: ago(1, 2, 14), Address: ago(1, 2, 3, 4, 5)}, 10 * time.Minute},
	}
	for _, c := range cases {
		if got := th.RetryAfter(now, c.f); got != c.want {
			t.Errorf("%s: RetryAfter = %v, want %v", c.name, got, c.want)
		}
	}
	if got := (Throttle{Window: time.Minute}).RetryAfter(now, Failures{Pair: ago(0, 0, 0)}); got != 0 {
		t.Errorf("zero limits: RetryAfter = %v, want 0", got)
	}
	// The default lets an address that is not the attacker's sign in to an
	// account under attack until the account-wide limit.
	attacked := Failures{Account: make([]time.Time, DefaultThrottle.PerAccount-1)}
	for i := range attacked.Account {
		attacked.Account[i] = now.Add(-time.Minute)
	}
	if got := DefaultThrottle.RetryAfter(now, attacked); got != 0 {
		t.Errorf("owner locked out by failures from elsewhere: %v", got)
	}
	if DefaultThrottle.PerPair >= DefaultThrottle.PerAccount || DefaultThrottle.PerPair > DefaultThrottle.PerAddress {
		t.Errorf("default throttle: the pair limit must be the tightest: %+v", DefaultThrottle)
	}
}
