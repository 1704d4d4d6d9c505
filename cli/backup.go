package cli

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
)

// backupManifest is the archive's first entry: what it holds and the SHA-256
// of every other entry, which restore checks before keeping anything.
type backupManifest struct {
	Format        int               `json:"format"`
	Version       string            `json:"version"`
	SchemaVersion int64             `json:"schema_version"`
	CreatedAt     time.Time         `json:"created_at"`
	Blobs         string            `json:"blobs"` // "included" or why not
	Files         map[string]string `json:"files"` // archive path → sha256
}

const (
	backupManifestName = "manifest.json"
	maxManifestSize    = 64 << 20
	maxBackupEntry     = 1 << 40
)

// runBackup writes a consistent copy of an SQLite install (database, file
// blobs, keys) into one tar.gz, readable only by its owner.
func runBackup(e *env, args []string) error {
	f := newFlags("backup", e)
	out := f.fs.String("out", "", "the archive to write (tar.gz, created with mode 0600)")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *out == "" {
		return usagef("--out: name the archive to write")
	}
	if strings.HasPrefix(f.str("database-url"), "postgres") {
		return usagef("--database-url is PostgreSQL: back up the database with pg_dump (pg_dump --format=custom) and the blob bucket with its own tooling, and keep the ledger signing key and secrets key with them; attest backup covers the embedded SQLite install only (see docs/backup.md)")
	}
	s, err := f.open(e.ctx, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	if s.DB.Dialect() != store.SQLite {
		return usagef("attest backup covers the embedded SQLite install only; see docs/backup.md for PostgreSQL")
	}
	schema, _, err := s.DB.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	dataDir := f.str("data-dir")
	work, err := os.MkdirTemp(filepath.Dir(*out), ".attest-backup-*")
	if err != nil {
		return fmt.Errorf("--out %s: %w", *out, err)
	}
	defer os.RemoveAll(work)
	if err := os.Chmod(work, 0o700); err != nil {
		return err
	}
	// VACUUM INTO is SQLite's consistent online copy: it reads in one
	// transaction while serve may keep writing, and never copies the live file.
	dbCopy := filepath.Join(work, "attest.db")
	if _, err := s.DB.Handle().ExecContext(e.ctx, "VACUUM INTO ?", dbCopy); err != nil {
		return fmt.Errorf("copying the database: %w", err)
	}
	files := map[string]string{"attest.db": dbCopy} // archive path → source
	m := backupManifest{Format: 1, Version: attest.Version, SchemaVersion: schema, CreatedAt: time.Now().UTC(), Blobs: "included", Files: map[string]string{}}
	// The ledger heads verify saved: restored with the database, verify
	// goes on comparing the ledgers against them.
	if err := addTree(files, "heads", filepath.Join(dataDir, "heads")); err != nil {
		return fmt.Errorf("reading saved ledger heads: %w", err)
	}
	blobURL := f.str("blob-url")
	switch {
	case blobURL == "" || strings.HasPrefix(blobURL, "file://"):
		dir := filepath.Join(dataDir, "blobs")
		if blobURL != "" {
			dir = strings.TrimPrefix(blobURL, "file://")
		}
		err := addTree(files, "blobs", dir)
		if err != nil {
			return fmt.Errorf("reading blobs: %w", err)
		}
	default:
		m.Blobs = "not included: the blob store is " + redactURL(blobURL) + "; back the bucket up with its own tooling"
	}
	keys := map[string]string{
		"keys/ledger-ed25519.key": app.SigningKeyPath(dataDir, f.str("signing-key")),
		"keys/secrets-aes256.key": secret.KeyFilePath(dataDir, f.str("secret-key-file")),
	}
	for name, p := range keys {
		if _, err := os.Stat(p); err == nil {
			files[name] = p
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("key %s: %w", p, err)
		}
	}
	names := make([]string, 0, len(files))
	for name, p := range files {
		sum, err := hashFile(p)
		if err != nil {
			return err
		}
		m.Files[name] = sum
		names = append(names, name)
	}
	sort.Strings(names)
	tmp := filepath.Join(work, "archive.tar.gz")
	if err := writeBackup(tmp, m, names, files); err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return fmt.Errorf("--out %s: %w", *out, err)
	}
	fmt.Fprintf(e.stdout, "backed up %s (schema %d, %d files; blobs %s) to %s; it holds the install's keys: store it like a key\n",
		s.DB, schema, len(names), m.Blobs, *out)
	return nil
}

// addTree adds the regular files under dir (absent: none) as prefix/….
func addTree(files map[string]string, prefix, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dir {
			return nil
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[prefix+"/"+filepath.ToSlash(rel)] = p
		return nil
	})
}

func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

func hashFile(p string) (string, error) {
	fh, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func writeBackup(tmp string, m backupManifest, names []string, files map[string]string) error {
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: backupManifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(mb); err != nil {
		return err
	}
	for _, name := range names {
		if err := addFile(tw, name, files[name], m.CreatedAt); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

func addFile(tw *tar.Writer, name, p string, at time.Time) error {
	fh, err := os.Open(p)
	if err != nil {
		return err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: fi.Size(), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, fh, fi.Size()); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

// runRestore unpacks a backup into an empty data directory. The archive is
// hostile input: only regular entries named in the manifest, inside the
// directory, with the manifest's hash, are kept; anything else refuses the
// whole restore, which lands by one rename.
func runRestore(e *env, args []string) error {
	f := newFlags("restore", e)
	from := f.fs.String("from", "", "the archive written by attest backup")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *from == "" {
		return usagef("--from: name the archive to restore")
	}
	if strings.HasPrefix(f.str("database-url"), "postgres") {
		return usagef("--database-url is PostgreSQL: restore the database with pg_restore; attest restore covers the embedded SQLite install only (see docs/backup.md)")
	}
	target := filepath.Clean(f.str("data-dir"))
	if ents, err := os.ReadDir(target); err == nil && len(ents) > 0 {
		return usagef("--data-dir %s is not empty: restore only into a new, empty data directory", target)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("--data-dir %s: %w", target, err)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	work, err := os.MkdirTemp(filepath.Dir(target), ".attest-restore-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	m, err := unpackBackup(*from, work)
	if err != nil {
		return fmt.Errorf("--from %s: %w", *from, err)
	}
	if err := os.Chmod(work, 0o700); err != nil {
		return err
	}
	os.Remove(target) // empty or absent, checked above
	if err := os.Rename(work, target); err != nil {
		return fmt.Errorf("--data-dir %s: %w", target, err)
	}
	fmt.Fprintf(e.stdout, "restored %d files (schema %d, backed up %s; blobs %s) into %s\n",
		len(m.Files), m.SchemaVersion, m.CreatedAt.Format(time.RFC3339), m.Blobs, target)
	return nil
}

func unpackBackup(archive, dir string) (backupManifest, error) {
	var m backupManifest
	fh, err := os.Open(archive)
	if err != nil {
		return m, err
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		return m, fmt.Errorf("not a gzip archive: %w", err)
	}
	tr := tar.NewReader(gz)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != backupManifestName || hdr.Typeflag != tar.TypeReg || hdr.Size > maxManifestSize {
		return m, fmt.Errorf("the first entry must be %s, a regular file under %d bytes", backupManifestName, maxManifestSize)
	}
	dec := json.NewDecoder(io.LimitReader(tr, maxManifestSize))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%s: %w", backupManifestName, err)
	}
	if m.Format != 1 {
		return m, fmt.Errorf("%s: format %d is not one this version reads", backupManifestName, m.Format)
	}
	if _, ok := m.Files["attest.db"]; !ok {
		return m, fmt.Errorf("%s: lists no attest.db", backupManifestName)
	}
	seen := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("reading the archive: %w", err)
		}
		name := hdr.Name
		want, listed := m.Files[name]
		switch {
		case hdr.Typeflag != tar.TypeReg:
			return m, fmt.Errorf("entry %q: not a regular file (links and directories are refused)", name)
		case !safeEntryName(name):
			return m, fmt.Errorf("entry %q: path leaves the data directory or is not clean", name)
		case !listed:
			return m, fmt.Errorf("entry %q: not in the manifest", name)
		case seen[name]:
			return m, fmt.Errorf("entry %q: appears twice", name)
		case hdr.Size < 0 || hdr.Size > maxBackupEntry:
			return m, fmt.Errorf("entry %q: size %d is out of bounds", name, hdr.Size)
		}
		seen[name] = true
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return m, err
		}
		out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return m, fmt.Errorf("entry %q: %w", name, err)
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(tr, hdr.Size))
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil || n != hdr.Size {
			return m, fmt.Errorf("entry %q: truncated or unreadable: %v", name, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			return m, fmt.Errorf("entry %q: SHA-256 %s does not match the manifest's %s", name, got, want)
		}
	}
	for name := range m.Files {
		if !seen[name] {
			return m, fmt.Errorf("entry %q: listed in the manifest but missing from the archive", name)
		}
	}
	return m, nil
}

// safeEntryName admits only clean relative slash paths under the known
// top-level names.
func safeEntryName(name string) bool {
	if name == "" || strings.Contains(name, "\\") || path.Clean(name) != name || path.IsAbs(name) || strings.HasPrefix(name, "../") || name == ".." {
		return false
	}
	return name == "attest.db" || strings.HasPrefix(name, "blobs/") || strings.HasPrefix(name, "heads/") || name == "keys/ledger-ed25519.key" || name == "keys/secrets-aes256.key"
}
