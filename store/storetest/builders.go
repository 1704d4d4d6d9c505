package storetest

import (
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// Builders create the records most tests start from, straight in the database,
// and fail the test if the store refuses. Each fills in plausible values for
// what the caller does not name; a test that cares about a field sets it
// itself (build with Control, change, then create).

// Password is the password of every user the builders create, so a test can
// sign in as any of them.
const Password = "correct horse battery staple"

// MustOrg creates the organization slug, named "Org slug".
func MustOrg(tb testing.TB, db *store.DB, slug string) attest.Organization {
	tb.Helper()
	o := attest.Organization{Slug: slug, Name: "Org " + slug}
	if err := db.CreateOrg(tb.Context(), &o); err != nil {
		tb.Fatalf("create organization %s: %v", slug, err)
	}
	return o
}

// MustCreateUser creates u with password hashed cheaply (auth.TestParams).
// Use it when a test needs a particular name or password; MustUser otherwise.
func MustCreateUser(tb testing.TB, db *store.DB, u attest.User, password string) attest.User {
	tb.Helper()
	hash, err := auth.HashPassword(password, auth.TestParams)
	if err != nil {
		tb.Fatal(err)
	}
	u.PasswordHash = hash
	if u.Name == "" {
		u.Name = u.Email
	}
	if err := db.CreateUser(tb.Context(), &u); err != nil {
		tb.Fatalf("create user %s: %v", u.Email, err)
	}
	return u
}

// MustUser creates a user named after their email, with Password.
func MustUser(tb testing.TB, db *store.DB, email string) attest.User {
	tb.Helper()
	return MustCreateUser(tb, db, attest.User{Email: email}, Password)
}

// MustAddMember makes an existing user a member of org with role.
func MustAddMember(tb testing.TB, db *store.DB, org attest.Organization, u attest.User, role attest.Role) {
	tb.Helper()
	if err := db.AddMember(tb.Context(), org.ID, u.ID, role); err != nil {
		tb.Fatalf("add %s to %s as %s: %v", u.Email, org.Slug, role, err)
	}
}

// MustMember creates a user (as MustUser) who is a member of org with role.
func MustMember(tb testing.TB, db *store.DB, org attest.Organization, role attest.Role, email string) attest.User {
	tb.Helper()
	u := MustUser(tb, db, email)
	MustAddMember(tb, db, org, u, role)
	return u
}

// Control returns an unsaved, not-started quarterly control ref of org, mapped
// to SOC 2 CC6.1 from the library.
func Control(org attest.Organization, ref string) attest.Control {
	return attest.Control{OrgID: org.ID, Ref: ref, Name: "Control " + ref, Family: "Access control", Description: "d",
		Type: "preventive", Frequency: "quarterly", Status: attest.StatusNotStarted, Evidence: []string{"one", "two"},
		Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1", Source: attest.SourceLibrary}}}
}

// MustControl creates Control(org, ref) with status (for example
// attest.StatusImplemented, which readiness counts).
func MustControl(tb testing.TB, db *store.DB, org attest.Organization, ref, status string) attest.Control {
	tb.Helper()
	c := Control(org, ref)
	c.Status = status
	if err := db.CreateControl(tb.Context(), &c); err != nil {
		tb.Fatalf("create control %s: %v", ref, err)
	}
	return c
}

// MustTask creates an open, medium-priority task of org owned by owner (nil:
// unassigned).
func MustTask(tb testing.TB, db *store.DB, org attest.Organization, title string, owner *attest.User) attest.Task {
	tb.Helper()
	t := attest.Task{OrgID: org.ID, Title: title, Priority: "medium", Status: attest.TaskOpen}
	if owner != nil {
		t.OwnerID = owner.ID
	}
	if err := db.CreateTask(tb.Context(), &t); err != nil {
		tb.Fatalf("create task %q: %v", title, err)
	}
	return t
}

// MustConnection creates an enabled, hourly connection of org named name, of
// type "test" with setting org=name. Its sealed credential is the bytes
// "sealed NAME": the store keeps them as they are, and tests of sealing use
// the connection service.
func MustConnection(tb testing.TB, db *store.DB, org attest.Organization, name string) attest.Connection {
	tb.Helper()
	c := attest.Connection{OrgID: org.ID, Type: "test", Name: name, Settings: map[string]string{"org": name}, IntervalMinutes: 60, Enabled: true}
	if err := db.CreateConnection(tb.Context(), &c, []byte("sealed "+name)); err != nil {
		tb.Fatalf("create connection %s: %v", name, err)
	}
	return c
}

// MustPerson records a person of org with the given work email, an employee
// since 2025-01-06.
func MustPerson(tb testing.TB, db *store.DB, org attest.Organization, name, email string) attest.Person {
	tb.Helper()
	p := attest.Person{OrgID: org.ID, Name: name, Email: email, StartDate: "2025-01-06"}
	if err := db.CreatePerson(tb.Context(), &p); err != nil {
		tb.Fatalf("create person %s: %v", email, err)
	}
	return p
}

// MustFailing has a test linked to ctl (by its reference) pass on a resource
// a month before since and fail from since on, never fixed: the monitoring
// history an audit whose window holds since plus attest.RemediationDays
// judges a deviation of ctl. Its connection, collection and test are named
// after ctl's reference.
func MustFailing(tb testing.TB, db *store.DB, org attest.Organization, ctl attest.Control, since time.Time) {
	tb.Helper()
	ctx := tb.Context()
	conn := MustConnection(tb, db, org, "idp-"+ctl.Ref)
	col := attest.CollectionRun{OrgID: org.ID, UID: "col_" + ctl.Ref, ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: conn.Type,
		StartedAt: since, FinishedAt: since, SnapshotSHA256: "00"}
	if err := db.AddCollection(ctx, &col); err != nil {
		tb.Fatalf("collection for %s: %v", ctl.Ref, err)
	}
	test := "test-" + ctl.Ref
	if _, err := db.SaveTestVersion(ctx, org.ID, test, test, []byte("{}"), []string{ctl.Ref}); err != nil {
		tb.Fatalf("test version for %s: %v", ctl.Ref, err)
	}
	res := attest.ResourceRef{Type: "user", Key: "ada"}
	if err := db.AddResultChanges(ctx, org.ID, conn.ID, col.ID, []attest.ResultChange{
		{Test: test, TestVersion: test, Resource: res, To: attest.ResultPass, At: since.AddDate(0, -1, 0)},
		{Test: test, TestVersion: test, Resource: res, To: attest.ResultFail, At: since},
	}); err != nil {
		tb.Fatalf("results for %s: %v", ctl.Ref, err)
	}
}
