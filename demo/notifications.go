package demo

import (
	"context"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// seedNotifications gives the demo organization a sender name, defaults for
// its members and the admin's own choices, so that the notification pages
// show what an organization sets. Email itself is the install's, set with
// `attest email set`: without it the rounds still record what each person
// would hear of, and the Notifications page lists it as not emailed.
func seedNotifications(ctx context.Context, db *store.DB, org attest.Organization, users map[attest.Role]attest.User) error {
	return db.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetMailFromName(ctx, org.ID, "Northwind Compliance"); err != nil {
			return err
		}
		for kind, c := range map[string]attest.Cadence{attest.NoticeTest: attest.CadenceHourly, attest.NoticeEvidence: attest.CadenceDaily,
			attest.NoticeTask: attest.CadenceDaily, attest.NoticePolicy: attest.CadenceDaily} {
			if err := tx.SetNoticeDefault(ctx, org.ID, kind, c); err != nil {
				return err
			}
		}
		admin := users[attest.RoleAdmin]
		if err := tx.SetNoticePref(ctx, org.ID, admin.ID, attest.NoticeTest, attest.CadenceImmediately); err != nil {
			return err
		}
		return tx.SetNoticePref(ctx, org.ID, admin.ID, attest.NoticeTask, attest.CadenceHourly)
	})
}
