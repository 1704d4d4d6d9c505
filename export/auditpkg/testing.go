package auditpkg

import (
	"fmt"

	"github.com/attest-hq/attest"
)

// TestingFile holds the audit's testing: its recorded populations (each
// retrieval record with its rows, reconciliation and census), the samples
// drawn from them with their workpapers, and the result of each control.
const TestingFile = "testing.json"

// Testing is what the audit's testing found, for the package of an audit
// record; a package of a bare period has none.
type Testing struct {
	Populations []attest.PopulationRetrieval `json:"populations"`
	Samples     []attest.PopulationSample    `json:"samples"`
	Results     []attest.ControlResult       `json:"results"`
}

// verifyTesting re-derives every sample's selection from its workpaper,
// and checks each sample's population hash is that of a population of the
// package, recomputed from its rows.
func verifyTesting(t Testing) error {
	hashes := map[int64]string{}
	for _, p := range t.Populations {
		if got := attest.PopulationHash(attest.PopulationItems(p.Rows)); got != p.Hash {
			return fmt.Errorf("audit package: %s: population %s's rows hash to %s, not %s", TestingFile, p.UID, got, p.Hash)
		}
		hashes[p.ID] = p.Hash
	}
	for _, s := range t.Samples {
		if err := attest.VerifyWorkpaper(s.Workpaper); err != nil {
			return fmt.Errorf("audit package: %s: sample %d: %w", TestingFile, s.ID, err)
		}
		if h, ok := hashes[s.PopulationID]; !ok || h != s.Workpaper.PopulationHash {
			return fmt.Errorf("audit package: %s: sample %d is not of a population of the package", TestingFile, s.ID)
		}
	}
	return nil
}
