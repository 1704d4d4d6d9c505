package jobs

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

// memNotifier is a Notifier whose round hands over the IDs it is given,
// and whose deliveries answer as told, counting attempts per ID.
type memNotifier struct {
	mu       sync.Mutex
	queued   []int64
	rounds   int
	attempts map[int64][]bool // per delivery, the final flag of each attempt
	answer   func(id int64, n int) error
}

func (m *memNotifier) Round(context.Context, time.Time) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rounds++
	return slices.Clone(m.queued), nil
}

func (m *memNotifier) Deliver(_ context.Context, id int64, final bool) error {
	m.mu.Lock()
	m.attempts[id] = append(m.attempts[id], final)
	n := len(m.attempts[id])
	answer := m.answer
	m.mu.Unlock()
	if answer != nil {
		return answer(id, n)
	}
	return nil
}

func (m *memNotifier) tries(id int64) []bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.attempts[id])
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDeliveriesAreRetriedCancelledOrSnoozed(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db := openDB(t, url)
		n := &memNotifier{attempts: map[int64][]bool{}, queued: []int64{1, 2, 3, 4}}
		n.answer = func(id int64, try int) error {
			switch id {
			case 2: // a server down: tried until the last attempt
				return &attest.SendError{Channel: "email", Reason: "connection refused"}
			case 3: // a removed webhook: never tried again
				return &attest.SendError{Channel: "slack", Reason: "no_service", Permanent: true}
			case 4: // throttled once, then fine
				if try == 1 {
					return &attest.SendError{Channel: "slack", Reason: "rate_limited", RetryAfter: 50 * time.Millisecond}
				}
			}
			return nil
		}
		cfg := fast
		cfg.Notifier, cfg.MaxAttempts, cfg.NotifyEvery = n, 3, time.Hour
		j := newJobs(t, db, cfg, runner{&recorder{}, "a"}, nil)
		start(t, j)
		waitFor(t, "every delivery to settle", func() bool {
			return len(n.tries(1)) == 1 && len(n.tries(2)) == 3 && len(n.tries(3)) == 1 && len(n.tries(4)) == 2
		})
		if got := n.tries(2); !slices.Equal(got, []bool{false, false, true}) {
			t.Errorf("retried delivery's final flags = %v; want the last attempt marked final", got)
		}
		// The round handed over every delivery again at start; none was
		// queued twice while queued or running.
		time.Sleep(200 * time.Millisecond)
		if len(n.tries(1)) != 1 || len(n.tries(3)) != 1 {
			t.Errorf("attempts after settling: 1→%v 3→%v", n.tries(1), n.tries(3))
		}
	})
}

func TestQueueDeliveryDoesNotQueueTwice(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db := openDB(t, url)
		n := &memNotifier{attempts: map[int64][]bool{}}
		cfg := fast
		cfg.Notifier, cfg.NotifyEvery = n, time.Hour
		j := newJobs(t, db, cfg, runner{&recorder{}, "a"}, nil)
		for range 3 {
			if err := j.QueueDelivery(t.Context(), 9); err != nil {
				t.Fatal(err)
			}
		}
		start(t, j)
		waitFor(t, "the delivery", func() bool { return len(n.tries(9)) == 1 })
		time.Sleep(200 * time.Millisecond)
		if got := n.tries(9); len(got) != 1 {
			t.Fatalf("delivered %d times; want once", len(got))
		}
		// The round runs at start (once this process leads), then every
		// NotifyEvery (an hour here).
		waitFor(t, "the round at start", func() bool { n.mu.Lock(); defer n.mu.Unlock(); return n.rounds == 1 })
		// A process without a notifier refuses to queue messages.
		plain := newJobs(t, db, fast, runner{&recorder{}, "b"}, nil)
		if err := plain.QueueDelivery(t.Context(), 1); err == nil {
			t.Fatal("queued a message without a notifier")
		}
	})
}
