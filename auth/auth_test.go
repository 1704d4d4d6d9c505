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
	th := Throttle{Window: 15 * time.Minute, PerAccount: 3, PerAddress: 5}
	ago := func(m ...int) []time.Time {
		var ts []time.Time
		for _, x := range m {
			ts = append(ts, now.Add(-time.Duration(x)*time.Minute))
		}
		return ts
	}
	cases := []struct {
		name       string
		acct, addr []time.Time
		want       time.Duration
	}{
		{"no failures", nil, nil, 0},
		{"below account limit", ago(1, 2), ago(1, 2), 0},
		{"account limit reached", ago(1, 2, 3), ago(1, 2, 3), 12 * time.Minute},
		{"old failures forgotten", ago(1, 2, 20), ago(1, 2, 20), 0},
		{"exactly at window edge is forgotten", ago(1, 2, 15), nil, 0},
		{"unsorted input, two must expire", ago(3, 1, 10, 2), nil, 12 * time.Minute},
		{"address limit governs", ago(1), ago(1, 2, 3, 4, 9), 6 * time.Minute},
		{"longer of both", ago(1, 2, 14), ago(1, 2, 3, 4, 5), 10 * time.Minute},
	}
	for _, c := range cases {
		if got := th.RetryAfter(now, c.acct, c.addr); got != c.want {
			t.Errorf("%s: RetryAfter = %v, want %v", c.name, got, c.want)
		}
	}
}
