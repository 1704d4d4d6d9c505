// Package blob stores evidence files by content: each file is named by the
// SHA-256 of its bytes, so identical files are stored once and a stored file can
// be checked against its name at any time.
//
// Two backends implement Store, and Open picks one from a URL, the value of
// ATTEST_BLOB_URL:
//
//	""                              <data dir>/blobs
//	file:///var/lib/attest/blobs    that directory
//	s3://bucket[/prefix]?endpoint=https://s3.example.com&region=eu-west-1&path_style=true
//
// Every Put streams: the content is hashed while it is written under a
// temporary name, and it gets its final name only once it is complete and its
// hash is known (and matches the expected one, when the caller gave one). A
// crash or an error at any point therefore leaves either no blob or a
// complete, correct one, never a partial file under a final name. What a
// failure can leave behind is a temporary file or object, which nothing reads:
//
//   - Filesystem: <root>/tmp/*.part. Opening the store removes those not
//     written to for an hour (a Put in progress writes continually, so only
//     abandoned ones age; the age lets several processes share a store).
//     Blobs are <root>/sha256/ab/cd/<hex>, files 0600 in directories 0700.
//     A symbolic link in the store is never followed out of it, and a blob
//     that is a symbolic link is refused.
//   - S3: <prefix>tmp/<random> and incomplete multipart uploads. A failed Put
//     removes both when the server lets it; as a backstop, give the bucket a
//     lifecycle rule that expires <prefix>tmp/ after one day and aborts
//     incomplete multipart uploads after one day. Blobs are
//     <prefix>sha256/ab/<hex>; each is at most 5 GiB (one CopyObject moves it
//     from its temporary key). Credentials come from the standard AWS chain
//     (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web
//     identity, the instance's role), never from the URL, and are never
//     printed.
//
// Empty content is a valid blob at this layer (its name is e3b0c442…b855); the
// evidence layer refuses empty uploads itself.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/attest-hq/attest"
)

// Store is a content-addressed store of immutable blobs. Its methods are safe
// for concurrent use, also by several processes sharing one store.
type Store interface {
	// Put streams r into the store and returns the hex SHA-256 of what it read
	// and its size. If want is not "", the content must hash to want, or
	// nothing is kept and the error wraps ErrHashMismatch and names both
	// hashes. If maxSize > 0, reading more than maxSize bytes stops the Put with
	// ErrTooLarge and nothing is kept (S3 caps every Put at 5 GiB this way).
	// Putting content that is already stored is safe and keeps one copy. The
	// content is always read and hashed, even when want names a stored blob:
	// knowing a hash must not be enough to claim its content. An error from r
	// is returned wrapped.
	Put(ctx context.Context, r io.Reader, want string, maxSize int64) (sha string, size int64, err error)
	// Open returns the content of the blob named sha and its size, or
	// ErrNotFound. The caller closes the reader.
	Open(ctx context.Context, sha string) (io.ReadCloser, int64, error)
	// Stat returns the size of the blob named sha, or ErrNotFound.
	Stat(ctx context.Context, sha string) (size int64, err error)
	// Delete removes the blob named sha. It is for blobs that no record refers
	// to any more; deleting an absent blob is not an error. Delete does not
	// coordinate with Put: a Put of the same content that runs at the same
	// time may report a blob that Delete then removes. A garbage collector
	// must therefore delete only blobs that no record refers to and that are
	// older than any upload that may still be recording them.
	Delete(ctx context.Context, sha string) error
	// List calls fn once for every blob, in no particular order, for
	// verification and garbage checks. An error from fn stops List and is
	// returned as it is.
	List(ctx context.Context, fn func(sha string, size int64) error) error
	// Walk is List with each blob's modification time, which a garbage
	// collector needs to leave young blobs alone: a blob whose upload is
	// still being recorded is not referenced yet. The time is when the blob
	// was stored: its file's last write, just before the rename that named
	// it, or its object's copy to its final key, to the second. A Put of
	// content already stored does not change it.
	Walk(ctx context.Context, fn func(Info) error) error
	// String says where the store is, without credentials.
	String() string
	// Close releases what the store holds open. The store is not usable after.
	Close() error
}

// Info describes one stored blob.
type Info struct {
	SHA      string
	Size     int64
	Modified time.Time
}

var (
	// ErrNotFound: no blob has that name.
	ErrNotFound = errors.New("blob not found")
	// ErrHashMismatch: the content does not hash to the expected SHA-256.
	ErrHashMismatch = errors.New("content does not match its expected SHA-256")
	// ErrTooLarge: the content is longer than the Put allowed.
	ErrTooLarge = errors.New("content is too large")
	// ErrInvalidSHA: a name is not 64 lower-case hexadecimal digits.
	ErrInvalidSHA = errors.New("invalid SHA-256: want 64 lower-case hexadecimal digits")
)

// ValidSHA reports whether s is a blob name: 64 lower-case hexadecimal digits.
// Every method checks names with it before building a path or a key, so a name
// can never reach outside the store.
func ValidSHA(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checkSHA returns an ErrInvalidSHA error quoting s (at most its first 80
// bytes: a name is never a secret, but it may be any length).
func checkSHA(s string) error {
	if ValidSHA(s) {
		return nil
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return fmt.Errorf("blob %q: %w", s, ErrInvalidSHA)
}

// checkWant checks Put's expected hash, which may be empty.
func checkWant(want string) error {
	if want == "" {
		return nil
	}
	if err := checkSHA(want); err != nil {
		return fmt.Errorf("expected hash: %w", err)
	}
	return nil
}

// Open opens the store named by rawURL (the value of ATTEST_BLOB_URL):
//
//   - "" is the directory blobs under dataDir;
//   - file:///absolute/path is that directory;
//   - s3://bucket[/prefix]?endpoint=URL&region=NAME&path_style=true is a
//     bucket. Every parameter is optional: endpoint defaults to AWS itself;
//     region to the AWS configuration's (AWS_REGION), else, with an endpoint,
//     us-east-1; path_style (bucket in the path rather than the host name,
//     as most S3-compatible servers want) to false.
//
// Directories are created when missing, and must be writable. An S3 bucket
// must exist: Open checks that it answers, so that a wrong endpoint, bucket or
// credential fails at start-up. Errors in the URL name ATTEST_BLOB_URL and the
// part at fault, and are *attest.Error with code EINVALID.
func Open(ctx context.Context, rawURL, dataDir string) (Store, error) {
	if rawURL == "" {
		if dataDir == "" {
			return nil, errors.New("blob store: ATTEST_BLOB_URL is empty and no data directory is set")
		}
		return openFS(filepath.Join(dataDir, "blobs"))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the whole URL, which may hold a secret someone
		// pasted into it; keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, attest.Invalid("ATTEST_BLOB_URL", "not a URL: %v", err)
	}
	if u.User != nil {
		return nil, attest.Invalid("ATTEST_BLOB_URL", "must not contain a user name or password (%s): S3 credentials come from the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE, …)", u.Redacted())
	}
	switch u.Scheme {
	case "file":
		if u.Opaque != "" {
			return nil, attest.Invalid("ATTEST_BLOB_URL", "%q: a file URL needs an absolute path, as in file:///var/lib/attest/blobs", rawURL)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, attest.Invalid("ATTEST_BLOB_URL", "%q: file URLs name a local directory; host %q is not supported (write file:///path)", rawURL, u.Host)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, attest.Invalid("ATTEST_BLOB_URL", "%q: a file URL takes no parameters", rawURL)
		}
		if u.Path == "" || u.Path == "/" {
			return nil, attest.Invalid("ATTEST_BLOB_URL", "%q: names no directory", rawURL)
		}
		return openFS(filepath.FromSlash(u.Path))
	case "s3":
		cfg, err := parseS3URL(u)
		if err != nil {
			return nil, err
		}
		return openS3(ctx, cfg)
	case "":
		return nil, attest.Invalid("ATTEST_BLOB_URL", "%q is not a URL: want file:///path or s3://bucket", u.Redacted())
	default:
		return nil, attest.Invalid("ATTEST_BLOB_URL", "unsupported scheme %q: want file:///path or s3://bucket", u.Scheme)
	}
}

// hashingReader reads from r while hashing and counting, stops with
// ErrTooLarge past max bytes (when max > 0), and stops when ctx is done. It
// remembers the first error it returned, so a backend can tell the caller's
// failure (a reader error, too large, cancelled) from its own.
type hashingReader struct {
	ctx  context.Context
	r    io.Reader
	h    hash.Hash
	n    int64
	max  int64
	why  string // what max is, for the ErrTooLarge message
	err  error
	done bool // r returned io.EOF
}

func newHashingReader(ctx context.Context, r io.Reader, max int64, why string) *hashingReader {
	return &hashingReader{ctx: ctx, r: r, h: sha256.New(), max: max, why: why}
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	if hr.err != nil {
		return 0, hr.err
	}
	if hr.done {
		return 0, io.EOF
	}
	if err := hr.ctx.Err(); err != nil {
		hr.err = err
		return 0, err
	}
	if hr.max > 0 {
		// Ask for one byte more than is allowed, so that content of exactly
		// max bytes passes and one byte more is caught.
		if rest := hr.max - hr.n + 1; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := hr.r.Read(p)
	if n > 0 {
		if hr.max > 0 && hr.n+int64(n) > hr.max {
			hr.err = fmt.Errorf("%w: more than %d bytes (%s)", ErrTooLarge, hr.max, hr.why)
			return 0, hr.err
		}
		hr.h.Write(p[:n])
		hr.n += int64(n)
	}
	switch {
	case err == io.EOF:
		hr.done = true
	case err != nil:
		hr.err = fmt.Errorf("reading the content: %w", err)
		return n, hr.err
	}
	return n, err
}

// sum returns the hex SHA-256 of everything read so far.
func (hr *hashingReader) sum() string { return hex.EncodeToString(hr.h.Sum(nil)) }

// mismatch returns the error for content that hashed to got instead of want.
func mismatch(got, want string) error {
	return fmt.Errorf("%w: it hashes to %s, the caller expected %s", ErrHashMismatch, got, want)
}

// copyBufs holds 1 MiB copy buffers: large enough that a big file costs few
// system calls, and reused so that a Put does not allocate one each time.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// trimSlashes trims leading and trailing slashes.
func trimSlashes(s string) string { return strings.Trim(s, "/") }
