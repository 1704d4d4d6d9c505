// Package attest holds Attest's domain types, roles and coded errors. It has no
// dependencies on storage or HTTP: adapters (store, web, cli) import it, never
// the other way round.
package attest

// Version is the release this binary was built from; the build may override it
// with -ldflags "-X github.com/attest-hq/attest.Version=…".
var Version = "0.1.0-dev"
