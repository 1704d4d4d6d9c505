package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// Layout of a filesystem store, relative to its root.
const (
	fsBlobDir = "sha256" // sha256/ab/cd/<hex>: two levels of 256 keep directories small
	fsTempDir = "tmp"    // Put's temporary files; same filesystem, so rename is atomic
)

// staleTemp is how old a temporary file must be before openFS removes it. A
// Put writes its temporary file continually, so its modification time stays
// fresh; an hour without a write means the process that wrote it is gone. The
// age, rather than "every temporary file", is what lets several processes
// share one store: each removes only what the others cannot still be writing.
const staleTemp = time.Hour

// fsStore keeps blobs in a directory:
//
//	<root>/sha256/ab/cd/<hex>   the blob whose SHA-256 is abcd…, mode 0600
//	<root>/tmp/<random>.part    a Put in progress, or one a crash interrupted
//
// Directories it creates are 0700. Every access goes through an os.Root, so
// no name, and no symbolic link planted in the store, can reach a file outside
// it; a blob that is a symbolic link at all is refused.
type fsStore struct {
	dir  string // absolute, for messages
	root *os.Root
}

// openFS opens (creating if needed) the store in dir, removes temporary files
// older than staleTemp, and proves the store is writable, so that a read-only
// or full directory fails at start-up with its name rather than at the first
// upload.
//
// Crash safety: Put writes to <root>/tmp, fsyncs the file, renames it to its
// final name and fsyncs the directory. A crash before the rename leaves only a
// temporary file, removed by a later openFS; a crash after it leaves the
// complete blob. No partial file is ever under a final name.
func openFS(dir string) (*fsStore, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob store %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("blob store %s: %w", abs, err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("blob store %s: %w", abs, err)
	}
	s := &fsStore{dir: abs, root: root}
	for _, d := range []string{fsBlobDir, fsTempDir} {
		if err := root.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			root.Close()
			return nil, s.fail("creating "+d, err)
		}
	}
	if err := s.removeStaleTemps(time.Now().Add(-staleTemp)); err != nil {
		root.Close()
		return nil, err
	}
	name, f, err := s.createTemp()
	if err != nil {
		root.Close()
		return nil, s.fail("it is not writable", err)
	}
	f.Close()
	if err := root.Remove(name); err != nil {
		root.Close()
		return nil, s.fail("removing "+name, err)
	}
	return s, nil
}

func (s *fsStore) String() string { return s.dir }

func (s *fsStore) Close() error { return s.root.Close() }

// blobName is the blob's path relative to the root. sha must be valid.
func blobName(sha string) string {
	return path.Join(fsBlobDir, sha[0:2], sha[2:4], sha)
}

// fail wraps err with the store's name and what was being done. A full disk
// gets a message of its own, because it is what an operator must act on.
func (s *fsStore) fail(doing string, err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("blob store %s is full (no space left on device), %s: %w", s.dir, doing, err)
	}
	return fmt.Errorf("blob store %s: %s: %w", s.dir, doing, err)
}

// createTemp creates a new, empty temporary file, mode 0600.
func (s *fsStore) createTemp() (string, *os.File, error) {
	var b [16]byte
	rand.Read(b[:])
	name := path.Join(fsTempDir, hex.EncodeToString(b[:])+".part")
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	return name, f, err
}

func (s *fsStore) removeStaleTemps(before time.Time) error {
	entries, err := fs.ReadDir(s.root.FS(), fsTempDir)
	if err != nil {
		return s.fail("listing temporary files", err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(before) {
			continue // gone already, or perhaps still being written
		}
		if err := s.root.Remove(path.Join(fsTempDir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return s.fail("removing a stale temporary file", err)
		}
	}
	return nil
}

func (s *fsStore) Put(ctx context.Context, r io.Reader, want string, maxSize int64) (string, int64, error) {
	tmp, sha, size, err := s.writeTemp(ctx, r, want, maxSize, true)
	if err != nil {
		return "", 0, err
	}
	dirs, err := s.place(tmp, sha, size)
	if err != nil {
		return "", 0, err
	}
	for _, d := range dirs {
		if err := s.syncDir(d); err != nil {
			return "", 0, err
		}
	}
	return sha, size, nil
}

// writeTemp streams r into a new temporary file, checks its hash against
// want, and returns the file's name, the content's SHA-256 and size. With
// sync, the content is on disk when it returns: it must be before the
// rename makes it visible, or a crash could leave a final name pointing at
// missing data (a batch syncs the whole filesystem instead). On error the
// temporary file is gone.
func (s *fsStore) writeTemp(ctx context.Context, r io.Reader, want string, maxSize int64, sync bool) (string, string, int64, error) {
	if err := checkWant(want); err != nil {
		return "", "", 0, err
	}
	if err := ctx.Err(); err != nil {
		return "", "", 0, err
	}
	tmp, f, err := s.createTemp()
	if err != nil {
		return "", "", 0, s.fail("creating a temporary file", err)
	}
	closed, kept := false, false
	defer func() {
		if !closed {
			f.Close()
		}
		if !kept {
			s.root.Remove(tmp)
		}
	}()

	hr := newHashingReader(ctx, r, maxSize, "the limit for this upload")
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	// Hide the file's ReadFrom: io.CopyBuffer would use it, and it copies
	// through a 32 KiB buffer of its own instead of ours.
	_, err = io.CopyBuffer(struct{ io.Writer }{f}, hr, *buf)
	if hr.err != nil {
		return "", "", 0, hr.err // the caller's reader, the size limit or ctx
	}
	if err != nil {
		return "", "", 0, s.fail("writing "+tmp, err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return "", "", 0, s.fail("syncing "+tmp, err)
		}
	}
	closed = true
	if err := f.Close(); err != nil {
		return "", "", 0, s.fail("closing "+tmp, err)
	}
	sha, size := hr.sum(), hr.n
	if want != "" && sha != want {
		return "", "", 0, mismatch(sha, want)
	}
	kept = true
	return tmp, sha, size, nil
}

// place renames the complete temporary file tmp to the blob's name, or
// removes it when the blob is stored already, and returns the directories
// to sync for the rename to be durable: the one holding the new name, and
// the parent of each directory it created.
func (s *fsStore) place(tmp, sha string, size int64) (dirs []string, err error) {
	name := blobName(sha)
	if fi, err := s.root.Lstat(name); err == nil && fi.Mode().IsRegular() && fi.Size() == size {
		s.root.Remove(tmp)
		// Already stored, perhaps by a Put whose directory syncs have not
		// happened yet: sync its directories here too (the two it may have
		// created, and the one holding the name) before reporting it stored.
		return []string{path.Dir(name), path.Dir(path.Dir(name)), fsBlobDir}, nil
	}
	// Anything else under the name (nothing, a truncated file, a symbolic
	// link) is replaced: what we have is complete and verified.
	created, err := s.mkdirs(path.Dir(name))
	if err != nil {
		s.root.Remove(tmp)
		return nil, err
	}
	if err := s.root.Rename(tmp, name); err != nil {
		s.root.Remove(tmp)
		return nil, s.fail("renaming "+tmp+" to "+name, err)
	}
	dirs = []string{path.Dir(name)}
	for _, d := range created {
		dirs = append(dirs, path.Dir(d))
	}
	return dirs, nil
}

// mkdirs creates dir and its missing parents (mode 0700) and returns those it
// created. Another Put may create the same directories at the same time.
func (s *fsStore) mkdirs(dir string) ([]string, error) {
	var created []string
	for _, d := range []string{path.Dir(dir), dir} {
		err := s.root.Mkdir(d, 0o700)
		switch {
		case err == nil:
			created = append(created, d)
		case !errors.Is(err, fs.ErrExist):
			return nil, s.fail("creating "+d, err)
		}
	}
	return created, nil
}

func (s *fsStore) syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing there; NTFS journals renames
	}
	d, err := s.root.Open(dir)
	if err != nil {
		return s.fail("opening "+dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return s.fail("syncing "+dir, err)
	}
	return nil
}

// lstat returns the blob's file information, ErrNotFound, or an error for a
// name that is not a regular file (a symbolic link, a directory).
func (s *fsStore) lstat(sha string) (fs.FileInfo, error) {
	if err := checkSHA(sha); err != nil {
		return nil, err
	}
	fi, err := s.root.Lstat(blobName(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s in %s: %w", sha, s.dir, ErrNotFound)
	}
	if err != nil {
		return nil, s.fail("blob "+sha, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("blob store %s: %s is not a regular file (%s); refusing it", s.dir, blobName(sha), fi.Mode().Type())
	}
	return fi, nil
}

func (s *fsStore) Open(ctx context.Context, sha string) (io.ReadCloser, int64, error) {
	// The name could be swapped for a symbolic link between lstat and open,
	// so the file opened must be the one checked. Two first Puts of the same
	// content also replace it, legitimately; a few attempts cover that.
	for range 3 {
		fi, err := s.lstat(sha)
		if err != nil {
			return nil, 0, err
		}
		f, err := s.root.Open(blobName(sha))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted or replaced since lstat
		}
		if err != nil {
			return nil, 0, s.fail("opening blob "+sha, err)
		}
		st, err := f.Stat()
		if err == nil && os.SameFile(fi, st) {
			return f, st.Size(), nil
		}
		f.Close()
	}
	return nil, 0, fmt.Errorf("blob store %s: %s kept changing while being opened; refusing it", s.dir, blobName(sha))
}

func (s *fsStore) Stat(ctx context.Context, sha string) (int64, error) {
	fi, err := s.lstat(sha)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// Delete removes the blob's file. It leaves the fan-out directories: a
// concurrent Put may be about to rename into them.
func (s *fsStore) Delete(ctx context.Context, sha string) error {
	if err := checkSHA(sha); err != nil {
		return err
	}
	if err := s.root.Remove(blobName(sha)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return s.fail("deleting blob "+sha, err)
	}
	return nil
}

// List reports what Walk does, without the times.
func (s *fsStore) List(ctx context.Context, fn func(sha string, size int64) error) error {
	return s.Walk(ctx, func(b Info) error { return fn(b.SHA, b.Size) })
}

// Walk walks sha256/ without following symbolic links and reports each
// regular file whose name and place fit the layout; anything else is not a
// blob and is skipped.
func (s *fsStore) Walk(ctx context.Context, fn func(Info) error) error {
	return fs.WalkDir(s.root.FS(), fsBlobDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return s.fail("listing "+p, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		sha := d.Name()
		if !ValidSHA(sha) || p != blobName(sha) {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted during the walk
		}
		if err != nil {
			return s.fail("listing "+p, err)
		}
		return fn(Info{SHA: sha, Size: info.Size(), Modified: info.ModTime()})
	})
}
