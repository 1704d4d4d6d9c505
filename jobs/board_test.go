package jobs

import (
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

// TestLostRule: a process is lost once silent for longer than LostAfter,
// not at it (the SQL that requeues its jobs asks seen_at < now - lost);
// the board applies LostAfter as a Jobs would, the default when zero.
func TestLostRule(t *testing.T) {
	for _, c := range []struct {
		silent, after time.Duration
		lost          bool
	}{{59 * time.Second, time.Minute, false}, {time.Minute, time.Minute, false}, {time.Minute + time.Millisecond, time.Minute, true},
		{2 * time.Minute, 5 * time.Minute, false}} {
		if got := Lost(c.silent, c.after); got != c.lost {
			t.Errorf("Lost(%s, %s) = %v, want %v", c.silent, c.after, got, c.lost)
		}
	}
	for _, c := range []struct{ set, want time.Duration }{{0, DefaultLostAfter}, {90 * time.Second, 90 * time.Second}, {time.Millisecond, 30 * time.Millisecond}} {
		if got := (Board{LostAfter: c.set}).lostAfter(); got != c.want {
			t.Errorf("a board given %s judges by %s, want %s", c.set, got, c.want)
		}
	}
	alive, lost := Tally([]Process{{Lost: true}, {}, {}, {Lost: true}, {Lost: true}})
	if alive != 2 || lost != 3 {
		t.Errorf("Tally: %d alive, %d lost; want 2 and 3", alive, lost)
	}
}

// TestOverviewForAdminsOnly: the board refuses a member who is not an
// admin before it reads anything (the board here has no database: a read
// would panic).
func TestOverviewForAdminsOnly(t *testing.T) {
	for _, role := range []attest.Role{attest.RoleManager, attest.RoleEmployee, attest.RoleAuditor} {
		_, err := Board{}.OverviewFor(t.Context(), attest.Principal{OrgID: 1, UserID: 2, Role: role})
		if attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", role, err)
		}
	}
}
