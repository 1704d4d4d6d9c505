package auth

import (
	"slices"
	"time"
)

// Throttle limits failed sign-ins. Failures are counted first per account and
// address pair: someone guessing one account's password from one address is
// stopped after a few tries, while the account's owner, from their own address,
// is not locked out by the guesser. A slower account-wide limit stops guessing
// one account from many addresses, and a per-address limit stops one address
// spraying many accounts (it locks only that address).
type Throttle struct {
	Window     time.Duration // failures older than this are forgotten
	PerPair    int           // failures for one account from one address within Window; 0: no limit
	PerAccount int           // failures for one account from any address within Window; 0: no limit
	PerAddress int           // failures from one address for any account within Window; 0: no limit
}

// DefaultThrottle allows, within 15 minutes, 5 failures for one account from
// one address, 50 for one account from all addresses, and 20 from one address.
// Locking an account out for everyone thus takes 50 guesses from at least 3
// addresses (each address stops at 20), and still allows only 50 guesses per
// 15 minutes against it.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerPair: 5, PerAccount: 50, PerAddress: 20}

// Failures are the recent failure times that concern one sign-in attempt.
type Failures struct {
	Pair    []time.Time // for this account from this address
	Account []time.Time // for this account from any address
	Address []time.Time // from this address for any account
}

// RetryAfter returns how long a sign-in must wait given the recorded failures;
// zero means it may proceed. Failures older than the window are ignored. A lock
// ends when enough failures age out of the window to drop below its limit; with
// several limits reached, the longest wait applies.
func (t Throttle) RetryAfter(now time.Time, f Failures) time.Duration {
	return max(wait(now, t.Window, t.PerPair, f.Pair), wait(now, t.Window, t.PerAccount, f.Account),
		wait(now, t.Window, t.PerAddress, f.Address))
}

func wait(now time.Time, window time.Duration, limit int, failures []time.Time) time.Duration {
	if limit <= 0 {
		return 0
	}
	var recent []time.Time
	for _, f := range failures {
		if now.Sub(f) < window {
			recent = append(recent, f)
		}
	}
	if len(recent) < limit {
		return 0
	}
	// Once the (len-limit+1)th newest failure ages out, the count drops below limit.
	slices.SortFunc(recent, time.Time.Compare)
	release := recent[len(recent)-limit].Add(window)
	return release.Sub(now)
}
