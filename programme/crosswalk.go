package programme

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
)

// Crosswalk mappings reach organizations two ways. A control adopted from the
// library brings them along (catalog.LibraryControl.Adopt). A control adopted
// before the crosswalk existed, or before it grew, gets them from
// SyncCrosswalk, which the server runs for every organization at start-up and
// the programme runs when a framework is brought into scope. The sync is
// idempotent: it adds the crosswalk mappings a library control lacks, except
// those the organization removed, and brings the type and rationale of library
// mappings up to the library's; a mapping whose type the organization changed
// is its own and stays as it is.

// Synced counts what SyncCrosswalk changed.
type Synced struct{ Added, Updated int }

// SyncCrosswalk applies the catalog's crosswalk to the organization's
// controls adopted from the library, in tx.
func SyncCrosswalk(ctx context.Context, tx *store.Queries, cat *catalog.Catalog, orgID int64) (Synced, error) {
	var out Synced
	if len(cat.Crosswalk) == 0 {
		return out, nil
	}
	controls, err := tx.Controls(ctx, orgID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		return out, err
	}
	removed, err := tx.MappingRemovals(ctx, orgID)
	if err != nil {
		return out, err
	}
	for _, c := range controls {
		if c.LibraryID == "" {
			continue
		}
		have := map[[2]string]attest.Mapping{}
		for _, m := range c.Mappings {
			have[[2]string{m.Framework, m.Requirement}] = m
		}
		for _, cw := range cat.CrosswalkOf(c.LibraryID) {
			m := cw.Mapping()
			if old, ok := have[[2]string{m.Framework, m.Requirement}]; ok {
				// Compared here first: the start-up sync of an unchanged
				// crosswalk then writes nothing.
				if old.Source != attest.SourceLibrary || (old.Type == m.Type && old.Rationale == m.Rationale) {
					continue
				}
				changed, err := tx.RefreshLibraryMapping(ctx, orgID, c.ID, m)
				if err != nil {
					return out, err
				}
				if changed {
					out.Updated++
				}
				continue
			}
			if removed[store.MappingRemoval{ControlID: c.ID, Framework: m.Framework, Requirement: m.Requirement}] {
				continue
			}
			if err := tx.Map(ctx, orgID, c.ID, m); err != nil {
				return out, err
			}
			out.Added++
		}
	}
	return out, nil
}

// logSync records a sync that changed something, as p.
func logSync(ctx context.Context, tx *store.Queries, p attest.Principal, s Synced) error {
	if s.Added == 0 && s.Updated == 0 {
		return nil
	}
	return tx.Log(ctx, p.Record("controls.crosswalk_synced", "control", "library",
		fmt.Sprintf("Brought the control library's crosswalk to the controls: %d mappings added, %d updated", s.Added, s.Updated)))
}

// SyncAllCrosswalks runs SyncCrosswalk for every organization, one
// transaction each, recording a change in the organization's activity as the
// system. The server calls it at start-up.
func SyncAllCrosswalks(ctx context.Context, db *store.DB, cat *catalog.Catalog) error {
	orgs, err := db.Orgs(ctx)
	if err != nil {
		return err
	}
	for _, org := range orgs {
		err := db.Update(ctx, func(tx *store.Queries) error {
			s, err := SyncCrosswalk(ctx, tx, cat, org.ID)
			if err != nil {
				return err
			}
			return logSync(ctx, tx, attest.SystemPrincipal(org.ID, "system", attest.ViaSystem), s)
		})
		if err != nil {
			return fmt.Errorf("crosswalk for %s: %w", org.Slug, err)
		}
	}
	return nil
}
