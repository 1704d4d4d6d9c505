package webtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
)

// Collected records a finished collection of conn by connector that saw
// resources, with its snapshot stored, as the monitor would after a run:
// what the roster and the results read.
func (e *Env) Collected(t testing.TB, conn attest.Connection, connector string, resources []attest.Resource) {
	t.Helper()
	b, sha, err := monitor.Snapshot{Connector: connector, Resources: resources}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Evidence.Blobs.Put(t.Context(), bytes.NewReader(b), sha, 1<<20); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	if err := e.DB.AddCollection(t.Context(), &attest.CollectionRun{OrgID: conn.OrgID, UID: "col_" + sha[:12], ConnectionID: conn.ID,
		ConnectionName: conn.Name, Connector: connector, StartedAt: at, FinishedAt: at, Resources: len(resources),
		SnapshotSHA256: sha, SnapshotSize: int64(len(b))}); err != nil {
		t.Fatal(err)
	}
}
