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

// githubLogins are the demo GitHub organization's members (see githubtest's
// default scenario) and the people who hold them: GitHub shows no email, so
// the links are made by hand, as an admin would. Dana is Liam's login, and
// Liam left a month ago: the roster's leaver with access.
var githubLogins = map[string]string{"alice": "admin@demo.attest.test", "bob": "noor@demo.attest.test",
	"carol": "employee@demo.attest.test", "dana": "liam@demo.attest.test", "erin": "tomas@demo.attest.test"}

// seedRoster links the demo GitHub members to their people, once the
// connection exists.
func seedRoster(ctx context.Context, db *store.DB, org attest.Organization) error {
	return db.Update(ctx, func(tx *store.Queries) error {
		conns, err := tx.Connections(ctx, org.ID)
		if err != nil {
			return err
		}
		for _, c := range conns {
			if c.Name != demoConnection {
				continue
			}
			for login, email := range githubLogins {
				p, err := tx.PersonByEmail(ctx, org.ID, email)
				if attest.ErrorCode(err) == attest.ENOTFOUND {
					continue
				}
				if err != nil {
					return err
				}
				if err := tx.LinkAccount(ctx, org.ID, attest.AccountLink{ConnectionID: c.ID, Key: "northwind/" + login, PersonID: p.ID}, 0); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
