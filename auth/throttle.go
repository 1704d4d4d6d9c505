package auth

import (
	"slices"
	"time"
)

// Throttle limits failed logins. Failures are counted per account (stops guessing
// one password) and per client address (stops spraying many accounts).
type Throttle struct {
	Window     time.Duration // failures older than this are forgotten
	PerAccount int           // failures per account within Window before it is locked
	PerAddress int           // failures per address within Window before it is locked
}

// DefaultThrottle allows 5 failures per account and 20 per address in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 20}

// RetryAfter returns how long a login must wait given the failure times recorded
// for the account and for the address; zero means it may proceed. Failures must be
// within the window; older ones are ignored. The lock ends when enough of the
// failures age out of the window to drop below the limit.
func (t Throttle) RetryAfter(now time.Time, accountFailures, addressFailures []time.Time) time.Duration {
	return max(wait(now, t.Window, t.PerAccount, accountFailures), wait(now, t.Window, t.PerAddress, addressFailures))
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
