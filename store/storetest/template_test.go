package storetest_test

import (
	"database/sql"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestPostgresTemplateCopiesAreIndependent(t *testing.T) {
	tmpl := storetest.PostgresTemplate{Build: func(url string) error {
		db, err := store.Open(t.Context(), store.Options{URL: url})
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.Migrate(t.Context()); err != nil {
			return err
		}
		storetest.MustOrg(t, db, "acme")
		return nil
	}}
	t.Cleanup(tmpl.Close) // after the copies' cleanups: it drops them
	orgs := func(url string) (n int, db *sql.DB) {
		db = storetest.Raw(t, url)
		if err := db.QueryRow(`SELECT count(*) FROM organizations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n, db
	}
	a, b := tmpl.Clone(t), tmpl.Clone(t)
	if a == b {
		t.Fatalf("two copies share the URL %s", a)
	}
	n, dbA := orgs(a)
	if n != 1 {
		t.Fatalf("a copy holds %d organizations, want the template's 1", n)
	}
	if _, err := dbA.Exec(`DELETE FROM organizations`); err != nil {
		t.Fatal(err)
	}
	if n, _ := orgs(b); n != 1 {
		t.Fatalf("deleting in one copy left %d organizations in the other, want 1", n)
	}
}
