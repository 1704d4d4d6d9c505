package programme

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/catalog/importer"
	"github.com/attest-hq/attest/store"
)

// Frameworks imports and deletes the frameworks an organization adds beside
// the built-in ones.
type Frameworks struct {
	DB      Transactor // *store.DB
	Catalog *catalog.Catalog
}

// Import parses a framework file (a CISO Assistant library or an OSCAL
// catalog) and stores it in the organization with its provenance: all of it,
// or nothing. Parse errors are *importer.Error listing every defect; a key
// already imported is ECONFLICT.
func (s Frameworks) Import(ctx context.Context, p attest.Principal, filename string, data []byte) (store.ImportedFramework, error) {
	if err := require(p, attest.ActEdit); err != nil {
		return store.ImportedFramework{}, err
	}
	return importFramework(ctx, s.DB, s.Catalog, p.Actor(), p.OrgID, filename, data)
}

// Delete removes imported framework key, its requirements and the
// organization's mappings to it; an unknown key is ENOTFOUND.
func (s Frameworks) Delete(ctx context.Context, p attest.Principal, key string) (store.ImportedFramework, error) {
	if err := require(p, attest.ActEdit); err != nil {
		return store.ImportedFramework{}, err
	}
	var f store.ImportedFramework
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if f, err = tx.DeleteImportedFramework(ctx, p.OrgID, key); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("framework.deleted", "framework", f.Key, "Deleted the imported framework "+f.Name+" and its mappings"))
	})
	return f, err
}

func importFramework(ctx context.Context, db Transactor, cat *catalog.Catalog, actor attest.Actor, orgID int64, filename string, data []byte) (store.ImportedFramework, error) {
	fw, format, err := importer.Parse(filename, data)
	if err != nil {
		return store.ImportedFramework{}, err
	}
	if _, builtIn := cat.Framework(fw.ID); builtIn {
		fw.ID += "-imported" // never shadow a built-in framework's key
	}
	sum := sha256.Sum256(data)
	meta := store.ImportedFramework{OrgID: orgID, Name: fw.Name, Version: fw.Version, Format: string(format),
		Filename: filepath.Base(filename), SHA256: hex.EncodeToString(sum[:]), ImportedBy: actor.UserID}
	err = db.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveImportedFramework(ctx, &meta, fw); err != nil {
			return err
		}
		return tx.Log(ctx, actor.Record(orgID, "framework.imported", "framework", meta.Key,
			fmt.Sprintf("Imported %s %s from %s (%s, %d requirements, sha256 %s)", meta.Name, meta.Version, meta.Filename, meta.Format, meta.Count, meta.SHA256)))
	})
	return meta, err
}
