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
	if err := p.Require(attest.ActEdit); err != nil {
		return store.ImportedFramework{}, err
	}
	return importFramework(ctx, s.DB, s.Catalog, p.Actor(), p.OrgID, filename, data)
}

// Delete removes imported framework key, its requirements and the
// organization's mappings to it; an unknown key is ENOTFOUND.
func (s Frameworks) Delete(ctx context.Context, p attest.Principal, key string) (store.ImportedFramework, error) {
	if err := p.Require(attest.ActEdit); err != nil {
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

// Replaced is the outcome of Frameworks.Replace.
type Replaced struct {
	store.ImportedFramework
	// Replaced is true when a framework with the same key was replaced,
	// false when the file was simply imported.
	Replaced bool
	// KeptMappings counts the organization's mappings to the framework
	// kept because their requirement ID exists in the new version;
	// DroppedMappings those removed because it does not.
	KeptMappings, DroppedMappings int
}

// Replace imports a framework file like Import, but when the organization
// already has a framework with the same key it replaces it, in the same
// transaction: if anything fails, the old framework is untouched. Mappings
// to requirement IDs the new version still has are kept (a withdrawn
// requirement still has its ID); the others are dropped, and the result and
// the activity entry say how many of each. A non-empty key is the framework
// the caller means to replace: a file whose framework has another key is
// refused (EINVALID on "file").
func (s Frameworks) Replace(ctx context.Context, p attest.Principal, key, filename string, data []byte) (Replaced, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return Replaced{}, err
	}
	fw, meta, err := parseFramework(s.Catalog, p.Actor(), p.OrgID, filename, data)
	if err != nil {
		return Replaced{}, err
	}
	if key != "" && fw.ID != key {
		return Replaced{}, attest.Invalid("file", "holds the framework with the key %q, not %q", fw.ID, key)
	}
	out := Replaced{}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		old, err := tx.DropImportedFramework(ctx, p.OrgID, fw.ID)
		switch attest.ErrorCode(err) {
		case attest.ENOTFOUND:
			return saveFramework(ctx, tx, p.Actor(), &meta, fw)
		case "":
		default:
			return err
		}
		if err := tx.SaveImportedFramework(ctx, &meta, fw); err != nil {
			return err
		}
		out.Replaced = true
		out.KeptMappings, out.DroppedMappings, err = tx.PruneFrameworkMappings(ctx, p.OrgID, meta.Key, func(ref string) bool {
			_, ok := fw.Requirement(ref)
			return ok
		})
		if err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("framework.replaced", "framework", meta.Key,
			fmt.Sprintf("Replaced %s %s with %s %s from %s (%s, %d requirements, sha256 %s); kept %d mappings, dropped %d whose requirement is gone",
				old.Name, old.Version, meta.Name, meta.Version, meta.Filename, meta.Format, meta.Count, meta.SHA256, out.KeptMappings, out.DroppedMappings)))
	})
	out.ImportedFramework = meta
	return out, err
}

// parseFramework parses a framework file and prepares its provenance.
func parseFramework(cat *catalog.Catalog, actor attest.Actor, orgID int64, filename string, data []byte) (*catalog.Framework, store.ImportedFramework, error) {
	fw, format, err := importer.Parse(filename, data)
	if err != nil {
		return nil, store.ImportedFramework{}, err
	}
	if _, builtIn := cat.Framework(fw.ID); builtIn {
		fw.ID += "-imported" // never shadow a built-in framework's key
	}
	sum := sha256.Sum256(data)
	meta := store.ImportedFramework{OrgID: orgID, Name: fw.Name, Version: fw.Version, Format: string(format),
		Filename: filepath.Base(filename), SHA256: hex.EncodeToString(sum[:]), ImportedBy: actor.UserID}
	return fw, meta, nil
}

func saveFramework(ctx context.Context, tx *store.Queries, actor attest.Actor, meta *store.ImportedFramework, fw *catalog.Framework) error {
	if err := tx.SaveImportedFramework(ctx, meta, fw); err != nil {
		return err
	}
	return tx.Log(ctx, actor.Record(meta.OrgID, "framework.imported", "framework", meta.Key,
		fmt.Sprintf("Imported %s %s from %s (%s, %d requirements, sha256 %s)", meta.Name, meta.Version, meta.Filename, meta.Format, meta.Count, meta.SHA256)))
}

func importFramework(ctx context.Context, db Transactor, cat *catalog.Catalog, actor attest.Actor, orgID int64, filename string, data []byte) (store.ImportedFramework, error) {
	fw, meta, err := parseFramework(cat, actor, orgID, filename, data)
	if err != nil {
		return store.ImportedFramework{}, err
	}
	err = db.Update(ctx, func(tx *store.Queries) error {
		return saveFramework(ctx, tx, actor, &meta, fw)
	})
	return meta, err
}
