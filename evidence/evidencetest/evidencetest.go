// Package evidencetest builds evidence services and evidence for tests. It is
// apart from storetest because evidence imports store: storetest cannot
// import evidence back.
package evidencetest

import (
	"crypto/ed25519"
	"strings"
	"sync"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
)

// MaxSize is the largest content the services NewService builds accept.
const MaxSize = 1 << 20

// Actor is who adds the evidence MustEvidence creates.
var Actor = attest.Actor{Label: "ada@acme.test", Via: attest.ViaCLI}

// NewService returns an evidence service on db that keeps blobs in a
// directory of the test's own (fmt.Sprint(svc.Blobs) names it) and signs with
// a fresh key; criteria on its exports are titled from the built-in catalog.
func NewService(tb testing.TB, db *store.DB) *evidence.Service {
	tb.Helper()
	blobs, err := blob.Open(tb.Context(), "", tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { blobs.Close() })
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := loadCatalog()
	if err != nil {
		tb.Fatal(err)
	}
	return &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: MaxSize, Catalog: cat}
}

// loadCatalog parses the built-in catalog once for every service built.
var loadCatalog = sync.OnceValues(catalog.Load)

// MustEvidence adds a file named title, whose content is title, to org's
// evidence for the given controls, as Actor.
func MustEvidence(tb testing.TB, svc *evidence.Service, org attest.Organization, title string, controlIDs ...int64) attest.Evidence {
	tb.Helper()
	ev, err := svc.Add(tb.Context(), evidence.New{Org: org, Actor: Actor, Kind: attest.KindFile, Title: title,
		Filename: title, ControlIDs: controlIDs}, strings.NewReader(title))
	if err != nil {
		tb.Fatalf("add evidence %q: %v", title, err)
	}
	return ev
}
