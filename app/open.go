package app

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
)

// Needs says what a caller of Open uses beyond the database and the catalog.
type Needs struct {
	// Evidence opens the blob store and the install's signing key, for
	// anything that adds, verifies or exports evidence.
	Evidence bool
	// CreateKey lets Open create a missing signing key. Only `attest serve`
	// sets it: any other command stops when the key is missing, so that a
	// mistyped --data-dir cannot start a second, unrelated ledger key.
	CreateKey bool
	// Secrets opens the key that seals connection credentials (from
	// ATTEST_SECRET_KEY or the key file), for anything that adds, checks or
	// collects connections. CreateKey also creates a missing key file.
	Secrets bool
}

// Open is the composition root: it validates the configuration, opens and
// migrates the database, loads the built-in catalog, opens the blob store and
// the signing key when needed, and builds every use-case service once. serve,
// every CLI command, the demo and tests start here; Close releases it all.
func Open(ctx context.Context, cfg Config, needs Needs) (*Services, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	warnOpenDataDir(cfg.Log, cfg.DataDir)
	if len(applied) > 0 {
		cfg.Log.Info("database migrated", "database", db.String(), "versions", applied)
	}
	// River, the job queue, keeps its own tables beside Attest's.
	if applied, err := jobs.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	} else if len(applied) > 0 {
		cfg.Log.Info("job queue tables migrated", "database", db.String(), "river_versions", applied)
	}
	cat, err := catalog.Load()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("built-in catalog: %w", err)
	}
	var (
		blobs blob.Store
		key   ed25519.PrivateKey
	)
	if needs.Evidence || needs.CreateKey {
		keyPath := SigningKeyPath(cfg.DataDir, cfg.SigningKeyFile)
		var created bool
		if key, created, err = LoadSigningKey(keyPath, needs.CreateKey); err != nil {
			db.Close()
			return nil, err
		}
		if created {
			cfg.Log.Info("created the install's ledger signing key", "path", keyPath, "key_id", ledger.KeyID(key.Public().(ed25519.PublicKey)))
		}
		if blobs, err = blob.Open(ctx, cfg.BlobURL, cfg.DataDir); err != nil {
			db.Close()
			return nil, err
		}
	}
	set := cfg.settings()
	if needs.Secrets || needs.CreateKey {
		box, err := openSecrets(cfg, needs.CreateKey)
		if err != nil {
			if blobs != nil {
				blobs.Close()
			}
			db.Close()
			return nil, err
		}
		set.Secrets = box
	}
	s := NewServices(db, blobs, key, cat, set)
	s.metricsAddr = cfg.MetricsAddr
	if err := s.openJobs(cfg); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openSecrets loads the keys that seal connection credentials: from
// ATTEST_SECRET_KEY when set, otherwise from the key file, which `attest
// serve` creates on first start. Losing the key loses every stored
// credential, hence the warning when it is made.
func openSecrets(cfg Config, create bool) (*secret.Box, error) {
	path := secret.KeyFilePath(cfg.DataDir, cfg.SecretKeyFile)
	keys, created, err := secret.Load(cfg.SecretKey, path, create)
	if err != nil {
		return nil, err
	}
	if created {
		cfg.Log.Warn("created the install's secret key, which seals connection credentials: back it up with the database, since without it they cannot be opened",
			"path", path, "key_id", keys[0].ID())
	}
	return secret.New(keys...)
}

// Close releases the blob store and the database.
func (s *Services) Close() error {
	if s.Blobs != nil {
		s.Blobs.Close()
	}
	return s.DB.Close()
}
