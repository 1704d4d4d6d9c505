package storetest_test

import (
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestBuilders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		m := storetest.MustMember(t, db, org, attest.RoleManager, "max@acme.test")
		if ok, err := auth.CheckPassword(m.PasswordHash, storetest.Password); !ok || err != nil {
			t.Fatalf("the member's password is not storetest.Password: %v %v", ok, err)
		}
		if got, err := db.Membership(ctx, org.ID, m.ID); err != nil || got.Role != attest.RoleManager {
			t.Fatalf("membership %+v, %v", got, err)
		}
		c := storetest.MustControl(t, db, org, "AC-1", attest.StatusImplemented)
		if got, err := db.Control(ctx, org.ID, c.ID); err != nil || got.Status != attest.StatusImplemented || len(got.Mappings) != 1 {
			t.Fatalf("control %+v, %v", got, err)
		}
		task := storetest.MustTask(t, db, org, "Review access", &m)
		if got, err := db.Task(ctx, org.ID, task.ID); err != nil || got.OwnerID != m.ID || got.Status != attest.TaskOpen {
			t.Fatalf("task %+v, %v", got, err)
		}
		since := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		storetest.MustFailing(t, db, org, c, since)
		history, _, err := db.ControlResultChanges(ctx, org.ID, since.AddDate(0, 6, 0))
		h := history[c.Ref] // newest first
		if err != nil || len(h) != 2 || h[0].To != attest.ResultFail || !h[0].At.Equal(since) || h[1].To != attest.ResultPass {
			t.Fatalf("the failing history of %s: %+v, %v", c.Ref, h, err)
		}
	})
}
