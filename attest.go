// Package attest holds Attest's domain types, roles and coded errors. It has no
// dependencies on storage or HTTP: adapters (store, web, cli) import it, never
// the other way round.
package attest

import (
	"crypto/rand"
	"encoding/hex"
)

// Version is the release this binary was built from; the build may override it
// with -ldflags "-X github.com/attest-hq/attest.Version=…".
var Version = "0.1.0-dev"

// NewUID returns a public identifier: prefix and 20 random hex digits, such
// as "acc_3f2a…". Records are named by these in the ledger and in URLs.
func NewUID(prefix string) string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + hex.EncodeToString(b)
}
