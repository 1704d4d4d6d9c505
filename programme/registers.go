package programme

import (
	"context"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

// RegisterStatus is what one register says about controls for readiness,
// keyed by control: a library control ID (such as "RA-1") or an
// organization's own ref. Records counts current records that show a
// control operating; Gaps what keeps it from ready.
type RegisterStatus struct {
	Records map[string]int
	Gaps    map[string][]readiness.Gap
}

// registerSource reads one register's status for an organization on a day
// (YYYY-MM-DD). Each register adds its source from its own file in this
// package (registers_<name>.go) with an init function, reading the store
// only, so readiness never depends on the registers' services.
type registerSource func(ctx context.Context, q *store.Queries, orgID int64, today string) (RegisterStatus, error)

// registerSources are the registers feeding readiness, in the order added.
var registerSources []registerSource

// addRegister registers a source; called from init functions.
func addRegister(src registerSource) { registerSources = append(registerSources, src) }

// withRegisters reads every register and adds what it says to the input.
func withRegisters(ctx context.Context, q *store.Queries, in *readiness.Input, controls []attest.Control, orgID int64, today string) error {
	for _, src := range registerSources {
		st, err := src(ctx, q, orgID, today)
		if err != nil {
			return err
		}
		WithRegister(in, controls, st)
	}
	return nil
}

// WithRegister adds one register's status to the readiness input: records
// and gaps keyed by a library control ID reach every organization control
// adopted from it, and those keyed by a ref reach the control with that ref.
func WithRegister(in *readiness.Input, controls []attest.Control, st RegisterStatus) {
	index := map[int64]int{}
	for i, c := range in.Controls {
		index[c.ID] = i
	}
	for _, c := range controls {
		i, ok := index[c.ID]
		if !ok {
			continue
		}
		keys := []string{c.Ref}
		if c.LibraryID != "" && c.LibraryID != c.Ref {
			keys = append(keys, c.LibraryID)
		}
		for _, k := range keys {
			in.Controls[i].RegisterRecords += st.Records[k]
			for _, g := range st.Gaps[k] {
				g.Message = c.Ref + ": " + g.Message
				in.Controls[i].Registers = append(in.Controls[i].Registers, g)
			}
		}
	}
}
