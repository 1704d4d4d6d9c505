package account_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

const password = "a long enough password"

var system = attest.SystemPrincipal(0, "system", attest.ViaSystem)

// fixture is an organization with one admin, and the services over one database.
type fixture struct {
	db      *store.DB
	orgs    *account.Orgs
	members *account.Members
	users   *account.Users
	org     attest.Organization
	admin   attest.Principal
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{
		db:      db,
		orgs:    &account.Orgs{DB: db, PasswordParams: auth.TestParams},
		members: &account.Members{DB: db, PasswordParams: auth.TestParams},
		users:   &account.Users{DB: db, PasswordParams: auth.TestParams, Throttle: auth.Throttle{Window: 15 * time.Minute, PerAccount: 3, PerAddress: 100}},
	}
	var err error
	if f.org, err = f.orgs.Create(context.Background(), system, attest.Organization{Slug: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	f.admin = f.member(t, f.org, "admin@acme.test", attest.RoleAdmin)
	return f
}

// member adds a member of org with a role and returns them as a UI principal.
func (f *fixture) member(t *testing.T, org attest.Organization, email string, role attest.Role) attest.Principal {
	t.Helper()
	m, _, err := f.users.Add(context.Background(), attest.SystemPrincipal(org.ID, "system", attest.ViaSystem),
		account.NewMember{Email: email, Role: role, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return attest.Principal{UserID: m.User.ID, Label: m.User.Email, OrgID: org.ID, Role: role, IP: "192.0.2.1", Via: attest.ViaUI}
}

// last returns the newest activity entry of an organization.
func last(t *testing.T, db *store.DB, orgID int64) attest.Activity {
	t.Helper()
	acts, err := db.Activity(context.Background(), orgID, attest.ActivityFilter{Limit: 1})
	if err != nil || len(acts) == 0 {
		t.Fatalf("no activity: %v", err)
	}
	return acts[0]
}

func count(t *testing.T, db *store.DB, orgID int64) int {
	t.Helper()
	acts, err := db.Activity(context.Background(), orgID, attest.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(acts)
}

func wantEntry(t *testing.T, a attest.Activity, p attest.Principal, action, recordType, recordID, summary string) {
	t.Helper()
	if a.Action != action || a.RecordType != recordType || a.RecordID != recordID || a.Summary != summary ||
		a.ActorID != p.UserID || a.ActorLabel != p.Label || a.Via != p.Via || a.IP != p.IP {
		t.Errorf("activity entry %+v, want %s %s %s %q by %+v", a, action, recordType, recordID, summary, p)
	}
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if attest.ErrorCode(err) != code || attest.ErrorField(err) != field {
		t.Errorf("error %v: want code %q field %q", err, code, field)
	}
}

func TestSetUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		orgs := &account.Orgs{DB: db, PasswordParams: auth.TestParams}
		secret := auth.NewSecret("")
		if err := db.Update(ctx, func(tx *store.Queries) error {
			return tx.CreateSetupToken(ctx, auth.HashSecret(secret), time.Now().Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		if err := orgs.CheckSetUp(ctx, secret); err != nil {
			t.Fatal(err)
		}
		wantCode(t, orgs.CheckSetUp(ctx, "wrong"), attest.ENOTFOUND, "")
		anon := attest.Principal{Label: "anonymous", IP: "192.0.2.9", Via: attest.ViaUI}
		in := account.SetUp{Token: secret, OrgSlug: "acme", OrgName: "Acme", Name: "Ada", Email: "Ada@Acme.test", Password: "short"}
		_, _, err := orgs.SetUp(ctx, anon, in)
		wantCode(t, err, attest.EINVALID, "password")
		in.Password, in.OrgSlug = password, "Bad Slug"
		_, _, err = orgs.SetUp(ctx, anon, in)
		wantCode(t, err, attest.EINVALID, "org_slug")
		in.OrgSlug = "acme"
		org, u, err := orgs.SetUp(ctx, anon, in)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := db.Membership(ctx, org.ID, u.ID); err != nil || m.Role != attest.RoleAdmin || u.Email != "ada@acme.test" {
			t.Fatalf("membership %+v %v", m, err)
		}
		wantEntry(t, last(t, db, org.ID), attest.Principal{UserID: u.ID, Label: u.Email, IP: anon.IP, Via: attest.ViaUI},
			"org.created", "organization", "acme", "Created the organization Acme with ada@acme.test as its first admin")
		// The link works once.
		in.OrgSlug = "beta"
		_, _, err = orgs.SetUp(ctx, anon, in)
		wantCode(t, err, attest.ENOTFOUND, "")
		if _, err := db.OrgBySlug(ctx, "beta"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("second set-up created an organization: %v", err)
		}
	})
}

func TestOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		wantEntry(t, must(db.Activity(ctx, f.org.ID, attest.ActivityFilter{Action: "org.created"}))[0], system,
			"org.created", "organization", "acme", "Created the organization Acme")

		cli := attest.SystemPrincipal(0, "cli:ops", attest.ViaCLI)
		org, err := f.orgs.Create(ctx, cli, attest.Organization{Slug: " beta ", Name: " Beta "})
		if err != nil || org.Slug != "beta" || org.ID == 0 {
			t.Fatalf("create: %+v %v", org, err)
		}
		wantEntry(t, last(t, db, org.ID), cli, "org.created", "organization", "beta", "Created the organization Beta from the command line")
		_, err = f.orgs.Create(ctx, cli, attest.Organization{Slug: "beta", Name: "Again"})
		wantCode(t, err, attest.ECONFLICT, "slug")
		// Members, even admins, and the UI do not create organizations.
		_, err = f.orgs.Create(ctx, f.admin, attest.Organization{Slug: "gamma", Name: "Gamma"})
		wantCode(t, err, attest.EFORBIDDEN, "")
		_, err = f.orgs.Create(ctx, attest.SystemPrincipal(0, "x", attest.ViaUI), attest.Organization{Slug: "gamma", Name: "Gamma"})
		wantCode(t, err, attest.EFORBIDDEN, "")

		manager := f.member(t, f.org, "m@acme.test", attest.RoleManager)
		n := count(t, db, f.org.ID)
		_, err = f.orgs.Rename(ctx, manager, "Taken over")
		wantCode(t, err, attest.EFORBIDDEN, "")
		_, err = f.orgs.Rename(ctx, f.admin, "  ")
		wantCode(t, err, attest.EINVALID, "org_name")
		if count(t, db, f.org.ID) != n {
			t.Errorf("refused renames were logged")
		}
		got, err := f.orgs.Rename(ctx, f.admin, " Acme Corp ")
		if err != nil || got.Name != "Acme Corp" {
			t.Fatalf("rename: %+v %v", got, err)
		}
		if o, _ := db.OrgByID(ctx, f.org.ID); o.Name != "Acme Corp" {
			t.Errorf("stored name %q", o.Name)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "org.renamed", "organization", "acme", `Renamed the organization from "Acme" to "Acme Corp"`)
		// Saving the settings unchanged is no rename.
		n = count(t, db, f.org.ID)
		if _, err := f.orgs.Rename(ctx, f.admin, "Acme Corp "); err != nil {
			t.Fatalf("unchanged save: %v", err)
		}
		if count(t, db, f.org.ID) != n {
			t.Errorf("an unchanged save was logged as a rename")
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestInvitations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		manager := f.member(t, f.org, "m@acme.test", attest.RoleManager)
		anon := attest.Principal{Label: "anonymous", IP: "198.51.100.7", Via: attest.ViaUI}

		_, _, err := f.members.Invite(ctx, manager, "new@acme.test", "employee")
		wantCode(t, err, attest.EFORBIDDEN, "")
		_, _, err = f.members.Invite(ctx, f.admin, "new@acme.test", "owner")
		wantCode(t, err, attest.EINVALID, "role")
		_, _, err = f.members.Invite(ctx, f.admin, "M@acme.test", "employee")
		wantCode(t, err, attest.ECONFLICT, "email")

		inv, secret, err := f.members.Invite(ctx, f.admin, "New@Acme.test", "employee")
		if err != nil || secret == "" || inv.Email != "new@acme.test" || inv.InvitedBy != f.admin.UserID {
			t.Fatalf("invite: %+v %q %v", inv, secret, err)
		}
		if d := time.Until(inv.ExpiresAt); d < 6*24*time.Hour || d > 8*24*time.Hour {
			t.Errorf("default lifetime: expires %v", inv.ExpiresAt)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "member.invited", "invitation", fmt.Sprint(inv.ID), "Invited new@acme.test as employee")
		if pending, err := f.members.Pending(ctx, f.admin); err != nil || len(pending) != 1 {
			t.Errorf("pending: %+v %v", pending, err)
		}

		v, err := f.members.Invitation(ctx, anon, secret)
		if err != nil || v.HasAccount || v.WrongUser || v.Org.ID != f.org.ID {
			t.Fatalf("invitation: %+v %v", v, err)
		}
		// An expired link is not found.
		later := &account.Members{DB: db, Now: func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }}
		_, err = later.Invitation(ctx, anon, secret)
		wantCode(t, err, attest.ENOTFOUND, "")

		_, _, err = f.members.Accept(ctx, anon, secret, "Newt", "short")
		wantCode(t, err, attest.EINVALID, "password")
		_, _, err = f.members.Accept(ctx, anon, secret, "", password)
		wantCode(t, err, attest.EINVALID, "name")
		org, u, err := f.members.Accept(ctx, anon, secret, "Newt", password)
		if err != nil || org.ID != f.org.ID || u.ID == 0 || u.Name != "Newt" {
			t.Fatalf("accept: %+v %+v %v", org, u, err)
		}
		if m, err := db.Membership(ctx, f.org.ID, u.ID); err != nil || m.Role != attest.RoleEmployee {
			t.Fatalf("membership %+v %v", m, err)
		}
		wantEntry(t, last(t, db, f.org.ID), attest.Principal{UserID: u.ID, Label: u.Email, IP: anon.IP, Via: attest.ViaUI},
			"member.joined", "membership", fmt.Sprint(u.ID), "new@acme.test accepted an invitation and joined as employee")
		_, _, err = f.members.Accept(ctx, anon, secret, "Newt", password)
		wantCode(t, err, attest.ENOTFOUND, "")

		// Someone with an account signs in first, as themselves.
		beta, _ := f.orgs.Create(ctx, system, attest.Organization{Slug: "beta", Name: "Beta"})
		betaAdmin := f.member(t, beta, "b@beta.test", attest.RoleAdmin)
		inv, secret, err = f.members.Invite(ctx, betaAdmin, "m@acme.test", "auditor")
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := f.members.Invitation(ctx, anon, secret); !v.HasAccount {
			t.Errorf("an existing account is not reported: %+v", v)
		}
		_, _, err = f.members.Accept(ctx, anon, secret, "", "")
		wantCode(t, err, attest.EUNAUTHORIZED, "")
		_, _, err = f.members.Accept(ctx, f.admin, secret, "", "")
		wantCode(t, err, attest.EFORBIDDEN, "")
		liar := f.admin
		liar.Label = "m@acme.test" // the account decides, not the label
		_, _, err = f.members.Accept(ctx, liar, secret, "", "")
		wantCode(t, err, attest.EFORBIDDEN, "")
		signedIn := attest.Principal{UserID: manager.UserID, Label: manager.Label, IP: "203.0.113.3", Via: attest.ViaUI}
		if _, _, err := f.members.Accept(ctx, signedIn, secret, "", ""); err != nil {
			t.Fatal(err)
		}
		if m, err := db.Membership(ctx, beta.ID, manager.UserID); err != nil || m.Role != attest.RoleAuditor {
			t.Fatalf("membership %+v %v", m, err)
		}
		wantEntry(t, last(t, db, beta.ID), signedIn, "member.joined", "membership", fmt.Sprint(manager.UserID), "m@acme.test accepted an invitation and joined as auditor")

		// Withdrawing: admins of the invitation's organization only.
		inv, secret, _ = f.members.Invite(ctx, f.admin, "late@acme.test", "manager")
		_, err = f.members.RevokeInvitation(ctx, betaAdmin, inv.ID)
		wantCode(t, err, attest.ENOTFOUND, "")
		_, err = f.members.RevokeInvitation(ctx, manager, inv.ID)
		wantCode(t, err, attest.EFORBIDDEN, "")
		if _, err := f.members.RevokeInvitation(ctx, f.admin, inv.ID); err != nil {
			t.Fatal(err)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "member.invitation_revoked", "invitation", fmt.Sprint(inv.ID), "Withdrew the invitation of late@acme.test")
		_, _, err = f.members.Accept(ctx, anon, secret, "Late", password)
		wantCode(t, err, attest.ENOTFOUND, "")
	})
}

func TestRolesAndRemoval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		emp := f.member(t, f.org, "e@acme.test", attest.RoleEmployee)
		manager := f.member(t, f.org, "m@acme.test", attest.RoleManager)
		beta, _ := f.orgs.Create(ctx, system, attest.Organization{Slug: "beta", Name: "Beta"})
		outsider := f.member(t, beta, "o@beta.test", attest.RoleAdmin)

		_, err := f.members.ChangeRole(ctx, manager, emp.UserID, "admin")
		wantCode(t, err, attest.EFORBIDDEN, "")
		_, err = f.members.ChangeRole(ctx, f.admin, outsider.UserID, "employee")
		wantCode(t, err, attest.ENOTFOUND, "")
		_, err = f.members.ChangeRole(ctx, f.admin, outsider.UserID, "boss")
		wantCode(t, err, attest.ENOTFOUND, "")
		_, err = f.members.ChangeRole(ctx, f.admin, emp.UserID, "boss")
		wantCode(t, err, attest.EINVALID, "role")
		n := count(t, db, f.org.ID)
		// The last admin cannot step down, nor be removed.
		_, err = f.members.ChangeRole(ctx, f.admin, f.admin.UserID, "manager")
		wantCode(t, err, attest.EINVALID, "role")
		_, err = f.members.Remove(ctx, f.admin, f.admin.UserID)
		wantCode(t, err, attest.EINVALID, "role")
		if count(t, db, f.org.ID) != n {
			t.Errorf("refused changes were logged")
		}
		if m, _ := db.Membership(ctx, f.org.ID, f.admin.UserID); m.Role != attest.RoleAdmin {
			t.Errorf("last admin is %s", m.Role)
		}

		m, err := f.members.ChangeRole(ctx, f.admin, emp.UserID, "manager")
		if err != nil || m.Role != attest.RoleManager || m.User.Email != "e@acme.test" {
			t.Fatalf("change role: %+v %v", m, err)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "member.role_changed", "membership", fmt.Sprint(emp.UserID), "Changed the role of e@acme.test from employee to manager")

		// Removal revokes the member's tokens there, not elsewhere.
		emp.Role = attest.RoleManager
		tok, secret, err := f.users.CreateToken(ctx, emp, account.NewToken{Name: "ci", Days: 30})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.members.Remove(ctx, manager, emp.UserID)
		wantCode(t, err, attest.EFORBIDDEN, "")
		_, err = f.members.Remove(ctx, f.admin, outsider.UserID)
		wantCode(t, err, attest.ENOTFOUND, "")
		m, err = f.members.Remove(ctx, f.admin, emp.UserID)
		if err != nil || m.Role != attest.RoleManager {
			t.Fatalf("remove: %+v %v", m, err)
		}
		if _, err := db.Membership(ctx, f.org.ID, emp.UserID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("still a member: %v", err)
		}
		if got, _ := db.TokenByHash(ctx, auth.HashSecret(secret)); got.ID != tok.ID || got.Active(time.Now()) {
			t.Errorf("token survived removal: %+v", got)
		}
		wantEntry(t, last(t, db, f.org.ID), f.admin, "member.removed", "membership", fmt.Sprint(emp.UserID),
			"Removed e@acme.test (manager), revoked their API tokens and unassigned their controls and tasks")

		// With a second admin, the first may step down.
		second := f.member(t, f.org, "a2@acme.test", attest.RoleAdmin)
		if _, err := f.members.ChangeRole(ctx, second, f.admin.UserID, "auditor"); err != nil {
			t.Fatal(err)
		}
		if ms, err := f.members.List(ctx, second); err != nil || len(ms) != 3 {
			t.Errorf("members: %d %v", len(ms), err)
		}
		_, err = f.members.List(ctx, manager)
		wantCode(t, err, attest.EFORBIDDEN, "")
	})
}

func TestAddUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		manager := f.member(t, f.org, "m@acme.test", attest.RoleManager)
		cli := attest.SystemPrincipal(f.org.ID, "cli:ops", attest.ViaCLI)

		_, _, err := f.users.Add(ctx, manager, account.NewMember{Email: "x@acme.test", Role: attest.RoleEmployee, Password: password})
		wantCode(t, err, attest.EFORBIDDEN, "")
		_, _, err = f.users.Add(ctx, cli, account.NewMember{Email: "x@acme.test", Role: attest.RoleEmployee})
		wantCode(t, err, attest.EINVALID, "password")
		_, _, err = f.users.Add(ctx, cli, account.NewMember{Email: "x@acme.test", Role: attest.RoleEmployee, Password: "short"})
		wantCode(t, err, attest.EINVALID, "password")
		_, _, err = f.users.Add(ctx, cli, account.NewMember{Email: "not an email", Role: attest.RoleEmployee, Password: password})
		wantCode(t, err, attest.EINVALID, "email")

		m, created, err := f.users.Add(ctx, cli, account.NewMember{Email: " X@Acme.test", Role: attest.RoleEmployee, Password: password})
		if err != nil || !created || m.User.Email != "x@acme.test" || m.User.Name != "x" || m.Role != attest.RoleEmployee {
			t.Fatalf("add: %+v %v %v", m, created, err)
		}
		wantEntry(t, last(t, db, f.org.ID), cli, "member.added", "membership", fmt.Sprint(m.User.ID), "Added x@acme.test as employee from the command line")
		_, _, err = f.users.Add(ctx, cli, account.NewMember{Email: "x@acme.test", Role: attest.RoleAdmin})
		wantCode(t, err, attest.ECONFLICT, "")

		// An existing account joins another organization; its password stays.
		beta, _ := f.orgs.Create(ctx, system, attest.Organization{Slug: "beta", Name: "Beta"})
		m2, created, err := f.users.Add(ctx, attest.SystemPrincipal(beta.ID, "cli:ops", attest.ViaCLI), account.NewMember{Email: "x@acme.test", Role: attest.RoleAuditor, Password: "another long password"})
		if err != nil || created || m2.User.ID != m.User.ID || m2.User.PasswordHash != m.User.PasswordHash {
			t.Fatalf("add existing: %+v %v %v", m2, created, err)
		}
	})
}

func TestPasswordsAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		beta, _ := f.orgs.Create(ctx, system, attest.Organization{Slug: "beta", Name: "Beta"})
		if _, _, err := f.users.Add(ctx, attest.SystemPrincipal(beta.ID, "system", attest.ViaSystem), account.NewMember{Email: f.admin.Label, Role: attest.RoleEmployee}); err != nil {
			t.Fatal(err)
		}
		creds := account.Credentials{Email: "Admin@Acme.test", Password: password, IP: "192.0.2.1", UserAgent: "test"}
		u, here, err := f.users.SignIn(ctx, creds)
		if err != nil || u.ID != f.admin.UserID || here == "" {
			t.Fatalf("sign in: %+v %q %v", u, here, err)
		}
		_, there, _ := f.users.SignIn(ctx, creds)
		sess, su, err := f.users.Session(ctx, here, "")
		if err != nil || sess == nil || su.ID != u.ID || sess.IP != "192.0.2.1" {
			t.Fatalf("session: %+v %+v %v", sess, su, err)
		}
		if s, _, err := f.users.Session(ctx, "nonsense", ""); s != nil || err != nil {
			t.Errorf("unknown session: %+v %v", s, err)
		}

		p := attest.Principal{UserID: u.ID, Label: u.Email, IP: "192.0.2.1", Via: attest.ViaUI}
		wantCode(t, f.users.ChangePassword(ctx, p, sess.TokenHash, "wrong password", "a new long password", "a new long password"), attest.EINVALID, "current")
		wantCode(t, f.users.ChangePassword(ctx, p, sess.TokenHash, password, "short", "short"), attest.EINVALID, "password")
		wantCode(t, f.users.ChangePassword(ctx, p, sess.TokenHash, password, "a new long password", "a new long passwort"), attest.EINVALID, "confirm")
		wantCode(t, f.users.ChangePassword(ctx, attest.Principal{}, "", password, "a new long password", "a new long password"), attest.EUNAUTHORIZED, "")
		if err := f.users.ChangePassword(ctx, p, sess.TokenHash, password, "a new long password", "a new long password"); err != nil {
			t.Fatal(err)
		}
		// This session stays; the other one is signed out.
		if s, _, _ := f.users.Session(ctx, here, ""); s == nil {
			t.Error("the session that changed the password was signed out")
		}
		if s, _, _ := f.users.Session(ctx, there, ""); s != nil {
			t.Error("another session survived the password change")
		}
		for _, org := range []int64{f.org.ID, beta.ID} {
			wantEntry(t, last(t, db, org), p, "user.password_changed", "user", fmt.Sprint(u.ID), "admin@acme.test changed their password; other sessions were signed out")
		}
		if _, _, err := f.users.SignIn(ctx, creds); err != account.ErrBadCredentials {
			t.Errorf("old password: %v", err)
		}
		creds.Password = "a new long password"
		if _, _, err := f.users.SignIn(ctx, creds); err != nil {
			t.Errorf("new password: %v", err)
		}

		if err := f.users.EndSession(ctx, sess.TokenHash); err != nil {
			t.Fatal(err)
		}
		if s, _, _ := f.users.Session(ctx, here, ""); s != nil {
			t.Error("signed-out session still works")
		}
	})
}

func TestSessionExpirySlides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		now := time.Now()
		users := &account.Users{DB: db, Now: func() time.Time { return now }, SessionIdle: time.Hour, SessionMax: 90 * time.Minute}
		secret, sess, err := users.StartSession(ctx, f.admin.UserID, "192.0.2.1", "test")
		if err != nil || sess.ExpiresAt.Sub(now) > time.Hour+time.Second || sess.ExpiresAt.Sub(now) < time.Hour-time.Second {
			t.Fatalf("start: %+v %v", sess, err)
		}
		now = now.Add(2 * time.Minute)
		s, _, err := users.Session(ctx, secret, "")
		if err != nil || s == nil || s.ExpiresAt.Sub(now) < 59*time.Minute {
			t.Fatalf("slid: %+v %v", s, err)
		}
		// Never past the maximum age.
		now = now.Add(50 * time.Minute)
		s, _, _ = users.Session(ctx, secret, "")
		if s == nil || s.ExpiresAt.After(sess.CreatedAt.Add(90*time.Minute).Add(time.Second)) {
			t.Fatalf("past max: %+v (created %v)", s, sess.CreatedAt)
		}
	})
}

func TestSignInThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.member(t, f.org, "other@acme.test", attest.RoleEmployee)
		// An unknown email fails like a wrong password.
		if _, _, err := f.users.SignIn(ctx, account.Credentials{Email: "nobody@acme.test", Password: password, IP: "192.0.2.1"}); err != account.ErrBadCredentials {
			t.Errorf("unknown email: %v", err)
		}
		bad := account.Credentials{Email: "admin@acme.test", Password: "wrong password", IP: "192.0.2.1"}
		for i := range 3 {
			if _, _, err := f.users.SignIn(ctx, bad); attest.ErrorCode(err) != attest.EUNAUTHORIZED || err.Error() != "The email or password is incorrect." {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		// Locked: even the right password is refused, with how long to wait.
		_, secret, err := f.users.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "192.0.2.1"})
		wait, ok := account.IsThrottled(err)
		if !ok || attest.ErrorCode(err) != attest.ETHROTTLED || secret != "" || wait <= 0 || wait > 15*time.Minute ||
			!strings.HasPrefix(attest.ErrorMessage(err), "Too many failed sign-in attempts. Try again in ") {
			t.Fatalf("throttled: %v %v %v", err, wait, ok)
		}
		// The lock is per account: another account from the same address signs in.
		if _, _, err := f.users.SignIn(ctx, account.Credentials{Email: "other@acme.test", Password: password, IP: "192.0.2.1"}); err != nil {
			t.Errorf("other account: %v", err)
		}
		// After the window, the account signs in and its failures are forgotten.
		later := &account.Users{DB: db, PasswordParams: auth.TestParams, Throttle: f.users.Throttle, Now: func() time.Time { return time.Now().Add(16 * time.Minute) }}
		if _, _, err := later.SignIn(ctx, account.Credentials{Email: "admin@acme.test", Password: password, IP: "192.0.2.1"}); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		if n, _ := db.LoginFailures(ctx, store.ScopeAccount, "admin@acme.test", time.Now().Add(-time.Hour)); len(n) != 0 {
			t.Errorf("failures kept after success: %d", len(n))
		}
		// The address limit applies across accounts.
		strict := &account.Users{DB: db, PasswordParams: auth.TestParams, Throttle: auth.Throttle{Window: 15 * time.Minute, PerAccount: 100, PerAddress: 2}}
		for _, email := range []string{"a@x.test", "b@x.test"} {
			strict.SignIn(ctx, account.Credentials{Email: email, Password: "x", IP: "198.51.100.1"})
		}
		_, _, err = strict.SignIn(ctx, account.Credentials{Email: "other@acme.test", Password: password, IP: "198.51.100.1"})
		wantCode(t, err, attest.ETHROTTLED, "")
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		auditor := f.member(t, f.org, "aud@acme.test", attest.RoleAuditor)
		emp := f.member(t, f.org, "e@acme.test", attest.RoleEmployee)

		tok, secret, err := f.users.CreateToken(ctx, auditor, account.NewToken{Name: " ci ", Days: 30})
		if err != nil || !strings.HasPrefix(secret, "atk_") || tok.Prefix != secret[:12] || tok.Name != "ci" || tok.UserID != auditor.UserID || tok.OrgID != f.org.ID {
			t.Fatalf("create: %+v %q %v", tok, secret, err)
		}
		if d := time.Until(tok.ExpiresAt); d < 29*24*time.Hour || d > 31*24*time.Hour {
			t.Errorf("30 days: expires %v", tok.ExpiresAt)
		}
		if got, err := db.TokenByHash(ctx, auth.HashSecret(secret)); err != nil || got.ID != tok.ID {
			t.Errorf("lookup: %+v %v", got, err)
		}
		wantEntry(t, last(t, db, f.org.ID), auditor, "token.created", "api_token", fmt.Sprint(tok.ID), "Created API token ci ("+tok.Prefix+"…)")
		never, _, err := f.users.CreateToken(ctx, auditor, account.NewToken{Name: "forever"})
		if err != nil || !never.ExpiresAt.IsZero() {
			t.Errorf("never: %+v %v", never, err)
		}

		n := count(t, db, f.org.ID)
		_, _, err = f.users.CreateToken(ctx, auditor, account.NewToken{Name: "", Days: 30})
		wantCode(t, err, attest.EINVALID, "name")
		_, _, err = f.users.CreateToken(ctx, auditor, account.NewToken{Name: "x", Days: -1})
		wantCode(t, err, attest.EINVALID, "expires")
		_, _, err = f.users.CreateToken(ctx, auditor, account.NewToken{Name: "x", Days: account.MaxTokenDays + 1})
		wantCode(t, err, attest.EINVALID, "expires")
		// Members, even admins, make their own tokens only.
		_, _, err = f.users.CreateToken(ctx, f.admin, account.NewToken{UserID: emp.UserID, Name: "x"})
		wantCode(t, err, attest.EFORBIDDEN, "")
		_, _, err = f.users.CreateToken(ctx, attest.Principal{UserID: emp.UserID, Label: emp.Label}, account.NewToken{Name: "x"})
		wantCode(t, err, attest.EFORBIDDEN, "")
		if count(t, db, f.org.ID) != n {
			t.Errorf("refused tokens were logged")
		}

		// An operator makes one for a member, and names them.
		cli := attest.SystemPrincipal(f.org.ID, "cli:ops", attest.ViaCLI)
		op, _, err := f.users.CreateToken(ctx, cli, account.NewToken{UserID: emp.UserID, Name: "deploy", Days: 7})
		if err != nil || op.UserID != emp.UserID {
			t.Fatalf("operator: %+v %v", op, err)
		}
		wantEntry(t, last(t, db, f.org.ID), cli, "token.created", "api_token", fmt.Sprint(op.ID), "Created API token deploy ("+op.Prefix+"…) for e@acme.test")
		beta, _ := f.orgs.Create(ctx, system, attest.Organization{Slug: "beta", Name: "Beta"})
		_, _, err = f.users.CreateToken(ctx, attest.SystemPrincipal(beta.ID, "cli:ops", attest.ViaCLI), account.NewToken{UserID: emp.UserID, Name: "x"})
		wantCode(t, err, attest.ENOTFOUND, "")
		_, _, err = f.users.CreateToken(ctx, cli, account.NewToken{Name: "x"})
		wantCode(t, err, attest.EINVALID, "user")

		if toks, err := f.users.Tokens(ctx, auditor); err != nil || len(toks) != 2 {
			t.Errorf("tokens: %+v %v", toks, err)
		}
		// Someone else's token is not found; one's own is revoked and logged.
		_, err = f.users.RevokeToken(ctx, f.admin, tok.ID)
		wantCode(t, err, attest.ENOTFOUND, "")
		got, err := f.users.RevokeToken(ctx, auditor, tok.ID)
		if err != nil || got.RevokedAt.IsZero() {
			t.Fatalf("revoke: %+v %v", got, err)
		}
		if got, _ := db.TokenByHash(ctx, auth.HashSecret(secret)); got.Active(time.Now()) {
			t.Error("revoked token is active")
		}
		wantEntry(t, last(t, db, f.org.ID), auditor, "token.revoked", "api_token", fmt.Sprint(tok.ID), "Revoked API token ci ("+tok.Prefix+"…)")
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		tok, secret, err := f.users.CreateToken(ctx, f.admin, account.NewToken{Name: "ci", Days: 1})
		if err != nil {
			t.Fatal(err)
		}
		tu, err := f.users.Authenticate(ctx, secret)
		got, u := tu.Token, tu.User
		access, _ := db.AccessRevision(ctx)
		if err != nil || got.ID != tok.ID || u.ID != f.admin.UserID || u.Email != "admin@acme.test" || tu.Access != access {
			t.Fatalf("authenticate: %+v %+v %v", got, u, err)
		}
		if used, _ := db.TokenByHash(ctx, auth.HashSecret(secret)); used.LastUsedAt.IsZero() {
			t.Error("the token's use was not recorded")
		}

		_, err = f.users.Authenticate(ctx, "atk_unknown")
		wantCode(t, err, attest.EUNAUTHORIZED, "")
		later := &account.Users{DB: db, Now: func() time.Time { return time.Now().Add(48 * time.Hour) }}
		_, err = later.Authenticate(ctx, secret)
		wantCode(t, err, attest.EUNAUTHORIZED, "")
		if _, err := f.users.RevokeToken(ctx, f.admin, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.users.Authenticate(ctx, secret)
		wantCode(t, err, attest.EUNAUTHORIZED, "")
	})
}
