package catalog

import "github.com/attest-hq/attest"

// Mapping is the crosswalk mapping as an organization's control carries it
// once adopted: a library mapping with the crosswalk's type and rationale.
func (m CrosswalkMapping) Mapping() attest.Mapping {
	return attest.Mapping{Framework: m.Framework, Requirement: m.Requirement, Source: attest.SourceLibrary, Type: m.Type, Rationale: m.Rationale}
}
