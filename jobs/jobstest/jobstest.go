// Package jobstest gives tests a database as an install's first start leaves
// it: Attest's migrations and the job queue's tables applied.
package jobstest

import (
	"context"
	"testing"

	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// installed is a SQLite database with every migration applied, built once per
// test binary and copied by URL.
var installed = storetest.SQLiteTemplate{Build: func(url string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{URL: url})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	_, err = jobs.Migrate(ctx, db)
	return err
}}

// URL returns the URL of a database of dialect d for one test, removed when it
// ends. On SQLite it is a copy of one installed once per test binary: under
// the race detector, replaying Attest's migrations and the job queue's in each
// test's first start takes seconds. On PostgreSQL it is an empty schema, which
// the first start migrates (a few hundred milliseconds). Tests of migrating
// itself start from storetest.URL, which is empty on both, or from a data
// directory's own database.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return installed.Clone(t)
	}
	return storetest.URL(t, d)
}
