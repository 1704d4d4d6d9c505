package evidence_test

import (
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// world is what the tests of kept values work in: an organization with
// implemented controls, on one database whose clock the test moves, and an
// evidence service over it.
type world struct {
	db       *store.DB
	svc      *evidence.Service
	org      attest.Organization
	controls []attest.Control

	mu  sync.Mutex
	now time.Time
}

func newWorld(t *testing.T, d store.Dialect, now time.Time, refs ...string) *world {
	w := &world{now: now}
	w.db = storetest.Open(t, d, w.clock)
	w.svc = evidencetest.NewService(t, w.db)
	w.org = storetest.MustOrg(t, w.db, "acme")
	for _, ref := range refs {
		w.controls = append(w.controls, storetest.MustControl(t, w.db, w.org, ref, attest.StatusImplemented))
	}
	return w
}

func (w *world) clock() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }

func (w *world) set(t time.Time) { w.mu.Lock(); defer w.mu.Unlock(); w.now = t }
