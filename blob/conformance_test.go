package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixture is one empty store for one conformance test, and a way to see what a
// failed Put left behind in the backend's temporary area.
type fixture struct {
	store Store
	temps func(t *testing.T) []string
}

const mib = 1 << 20

// testConformance runs the behaviour every backend must share. newFixture is
// called once per subtest and must return an empty store.
func testConformance(t *testing.T, newFixture func(t *testing.T) fixture) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		sizes := []int64{0, 1, mib + 1, partSize, 20 * mib} // partSize: S3's first multipart boundary
		want := map[string]int64{}
		for i, n := range sizes {
			sha, size, err := f.store.Put(t.Context(), gen(uint64(i), n), "", 0)
			if err != nil {
				t.Fatalf("Put %d bytes: %v", n, err)
			}
			if exp := genSHA(uint64(i), n); sha != exp || size != n {
				t.Fatalf("Put %d bytes = %s, %d; want %s, %d", n, sha, size, exp, n)
			}
			if got, err := f.store.Stat(t.Context(), sha); err != nil || got != n {
				t.Fatalf("Stat(%d bytes) = %d, %v", n, got, err)
			}
			assertContent(t, f.store, sha, n)
			want[sha] = n
		}
		if got := list(t, f.store); !equalMaps(got, want) {
			t.Fatalf("List = %v, want %v", got, want)
		}
		assertNoTemps(t, f)
	})

	t.Run("Batch", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		// One stored before, one twice in the batch, one refused, the rest new.
		if _, _, err := f.store.Put(t.Context(), gen(1, 1000), "", 0); err != nil {
			t.Fatal(err)
		}
		b := NewBatch(f.store, 6)
		want := map[string]int64{}
		for i, seed := range []uint64{1, 2, 3, 3, 4} {
			sha, size, err := b.Put(t.Context(), gen(seed, 1000*int64(seed)), "", 0)
			if err != nil || sha != genSHA(seed, 1000*int64(seed)) || size != 1000*int64(seed) {
				t.Fatalf("batch Put #%d = %s, %d, %v", i+1, sha, size, err)
			}
			want[sha] = size
		}
		if _, _, err := b.Put(t.Context(), gen(5, 100), genSHA(6, 100), 0); !errors.Is(err, ErrHashMismatch) {
			t.Fatalf("batch Put of the wrong content: %v, want ErrHashMismatch", err)
		}
		if err := b.Commit(t.Context()); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		b.Discard() // after Commit: nothing to drop
		for sha, n := range want {
			assertContent(t, f.store, sha, n)
		}
		if got := list(t, f.store); !equalMaps(got, want) {
			t.Fatalf("List = %v, want %v", got, want)
		}
		assertNoTemps(t, f)
	})

	t.Run("EmptyIsAllowed", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		sha, size, err := f.store.Put(t.Context(), strings.NewReader(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0)
		if err != nil || size != 0 {
			t.Fatalf("Put empty = %s, %d, %v", sha, size, err)
		}
		assertContent(t, f.store, sha, 0)
	})

	t.Run("Dedupe", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		var shas []string
		for i := 0; i < 3; i++ {
			want := ""
			if i == 2 {
				want = genSHA(7, 3*mib)
			}
			sha, _, err := f.store.Put(t.Context(), gen(7, 3*mib), want, 0)
			if err != nil {
				t.Fatalf("Put #%d: %v", i+1, err)
			}
			shas = append(shas, sha)
		}
		if shas[0] != shas[1] || shas[1] != shas[2] {
			t.Fatalf("same content, different names: %v", shas)
		}
		if got := list(t, f.store); len(got) != 1 {
			t.Fatalf("List after three Puts of one content = %v, want one blob", got)
		}
		assertNoTemps(t, f)
	})

	t.Run("WantMismatch", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		for _, n := range []int64{10, 10 * mib} { // one part, and S3's multipart path
			other := genSHA(99, 5)
			_, _, err := f.store.Put(t.Context(), gen(1, n), other, 0)
			if !errors.Is(err, ErrHashMismatch) {
				t.Fatalf("Put %d bytes with a wrong hash: %v, want ErrHashMismatch", n, err)
			}
			if got := genSHA(1, n); !strings.Contains(err.Error(), got) || !strings.Contains(err.Error(), other) {
				t.Fatalf("mismatch error %q does not name both %s and %s", err, got, other)
			}
		}
		assertEmpty(t, f)
	})

	t.Run("MaxSize", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		for _, n := range []int64{1000, 20 * mib} {
			_, _, err := f.store.Put(t.Context(), gen(2, n), "", n-1)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Put %d bytes with maxSize %d: %v, want ErrTooLarge", n, n-1, err)
			}
		}
		assertEmpty(t, f)
		// Exactly maxSize is allowed.
		if _, size, err := f.store.Put(t.Context(), gen(2, 1000), "", 1000); err != nil || size != 1000 {
			t.Fatalf("Put 1000 bytes with maxSize 1000 = %d, %v", size, err)
		}
		// The limit is enforced while reading: a reader that never ends is
		// stopped, not read to the end.
		_, _, err := f.store.Put(t.Context(), endless{}, "", 2*mib)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("Put of an endless reader with maxSize: %v, want ErrTooLarge", err)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		absent := genSHA(3, 3)
		if _, _, err := f.store.Open(t.Context(), absent); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Open absent: %v, want ErrNotFound", err)
		}
		if _, err := f.store.Stat(t.Context(), absent); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Stat absent: %v, want ErrNotFound", err)
		}
		if err := f.store.Delete(t.Context(), absent); err != nil {
			t.Fatalf("Delete absent: %v, want nil", err)
		}
	})

	t.Run("InvalidSHA", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		valid := genSHA(4, 4)
		for _, bad := range invalidSHAs(valid) {
			if _, _, err := f.store.Open(t.Context(), bad); !errors.Is(err, ErrInvalidSHA) {
				t.Errorf("Open(%q): %v, want ErrInvalidSHA", bad, err)
			}
			if _, err := f.store.Stat(t.Context(), bad); !errors.Is(err, ErrInvalidSHA) {
				t.Errorf("Stat(%q): %v, want ErrInvalidSHA", bad, err)
			}
			if err := f.store.Delete(t.Context(), bad); !errors.Is(err, ErrInvalidSHA) {
				t.Errorf("Delete(%q): %v, want ErrInvalidSHA", bad, err)
			}
			if bad == "" {
				continue // an empty want means "no expectation"
			}
			r := strings.NewReader("content")
			if _, _, err := f.store.Put(t.Context(), r, bad, 0); !errors.Is(err, ErrInvalidSHA) {
				t.Errorf("Put(want %q): %v, want ErrInvalidSHA", bad, err)
			}
			if r.Len() != len("content") {
				t.Errorf("Put(want %q) read the content before refusing the hash", bad)
			}
		}
		assertEmpty(t, f)
	})

	t.Run("ReaderFails", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		for _, n := range []int64{3 * mib, 10 * mib} {
			_, _, err := f.store.Put(t.Context(), io.MultiReader(gen(5, n), failing{}), "", 0)
			if !errors.Is(err, errBroken) {
				t.Fatalf("Put from a reader that fails after %d bytes: %v, want its error", n, err)
			}
		}
		assertEmpty(t, f)
	})

	t.Run("Cancelled", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		ctx, cancel := context.WithCancel(t.Context())
		r := &hook{r: gen(6, 30*mib), at: 10 * mib, fn: cancel}
		if _, _, err := f.store.Put(ctx, r, "", 0); !errors.Is(err, context.Canceled) {
			t.Fatalf("Put cancelled mid-stream: %v, want context.Canceled", err)
		}
		if _, _, err := f.store.Put(ctx, strings.NewReader("x"), "", 0); !errors.Is(err, context.Canceled) {
			t.Fatalf("Put on a cancelled context: %v, want context.Canceled", err)
		}
		assertEmpty(t, f)
	})

	t.Run("InFlightIsInvisible", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		const n = 2*partSize + mib // past S3's first parts, so parts are being uploaded
		reached, release := make(chan struct{}), make(chan struct{})
		r := io.MultiReader(gen(8, n), &gate{reached: reached, release: release})
		type result struct {
			sha string
			err error
		}
		done := make(chan result, 1)
		go func() {
			sha, _, err := f.store.Put(t.Context(), r, "", 0)
			done <- result{sha, err}
		}()
		select {
		case <-reached:
		case res := <-done:
			t.Fatalf("Put returned before reading everything: %v", res.err)
		case <-time.After(20 * time.Second):
			t.Fatal("Put did not read its content within 20 s")
		}
		if got := list(t, f.store); len(got) != 0 {
			t.Errorf("List during a Put = %v, want nothing", got)
		}
		if _, err := f.store.Stat(t.Context(), genSHA(8, n)); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat during a Put: %v, want ErrNotFound", err)
		}
		close(release)
		res := <-done
		if res.err != nil || res.sha != genSHA(8, n) {
			t.Fatalf("Put = %s, %v; want %s", res.sha, res.err, genSHA(8, n))
		}
		assertContent(t, f.store, res.sha, n)
	})

	t.Run("ConcurrentSameContent", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		const puts = 8
		var wg sync.WaitGroup
		errs := make([]error, puts)
		shas := make([]string, puts)
		for i := range puts {
			wg.Go(func() {
				shas[i], _, errs[i] = f.store.Put(t.Context(), gen(9, 3*mib), "", 0)
			})
		}
		wg.Wait()
		for i := range puts {
			if errs[i] != nil || shas[i] != genSHA(9, 3*mib) {
				t.Fatalf("concurrent Put #%d = %s, %v", i, shas[i], errs[i])
			}
		}
		if got := list(t, f.store); len(got) != 1 {
			t.Fatalf("List after %d concurrent Puts of one content = %v, want one blob", puts, got)
		}
		assertContent(t, f.store, shas[0], 3*mib)
		assertNoTemps(t, f)
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		sha, _, err := f.store.Put(t.Context(), gen(10, 100), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.Delete(t.Context(), sha); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := f.store.Stat(t.Context(), sha); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Stat after Delete: %v, want ErrNotFound", err)
		}
		assertEmpty(t, f)
		if _, _, err := f.store.Put(t.Context(), gen(10, 100), sha, 0); err != nil {
			t.Fatalf("Put after Delete: %v", err)
		}
		assertContent(t, f.store, sha, 100)
	})

	t.Run("ListEachOnce", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		want := map[string]int64{}
		for i := range 12 {
			n := int64(i * 1000)
			sha, _, err := f.store.Put(t.Context(), gen(uint64(100+i), n), "", 0)
			if err != nil {
				t.Fatal(err)
			}
			want[sha] = n
		}
		seen := map[string]int{}
		err := f.store.List(t.Context(), func(sha string, size int64) error {
			seen[sha]++
			if size != want[sha] {
				t.Errorf("List: %s has size %d, want %d", sha, size, want[sha])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for sha := range want {
			if seen[sha] != 1 {
				t.Errorf("List reported %s %d times, want once", sha, seen[sha])
			}
		}
		if len(seen) != len(want) {
			t.Errorf("List reported %d blobs, want %d", len(seen), len(want))
		}
		// An error from fn stops List and comes back as it is.
		errStop := errors.New("stop")
		calls := 0
		err = f.store.List(t.Context(), func(string, int64) error { calls++; return errStop })
		if err != errStop || calls != 1 {
			t.Fatalf("List with a failing fn = %v after %d calls, want errStop after 1", err, calls)
		}
	})

	// Walk reports what List does, with the time each blob was stored: a
	// garbage collector goes by it to spare uploads still being recorded.
	t.Run("WalkReportsTimes", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		// S3 keeps LastModified to the second, and the server's clock may
		// round either way: allow a second on each side.
		before := time.Now().Add(-time.Second)
		want := map[string]int64{}
		for i := range 3 {
			n := int64(i*100 + 1)
			sha, _, err := f.store.Put(t.Context(), gen(uint64(200+i), n), "", 0)
			if err != nil {
				t.Fatal(err)
			}
			want[sha] = n
		}
		after := time.Now().Add(time.Second)
		got := map[string]int64{}
		err := f.store.Walk(t.Context(), func(b Info) error {
			if _, dup := got[b.SHA]; dup {
				t.Errorf("Walk reported %s twice", b.SHA)
			}
			got[b.SHA] = b.Size
			if b.Modified.Before(before) || b.Modified.After(after) {
				t.Errorf("Walk: %s modified %v, want between %v and %v", b.SHA, b.Modified, before, after)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !equalMaps(got, want) {
			t.Fatalf("Walk = %v, want %v", got, want)
		}
		if err := f.store.Delete(t.Context(), genSHA(200, 1)); err != nil {
			t.Fatal(err)
		}
		delete(want, genSHA(200, 1))
		got = map[string]int64{}
		if err := f.store.Walk(t.Context(), func(b Info) error { got[b.SHA] = b.Size; return nil }); err != nil || !equalMaps(got, want) {
			t.Fatalf("Walk after Delete = %v, %v; want %v", got, err, want)
		}
		errStop := errors.New("stop")
		calls := 0
		if err := f.store.Walk(t.Context(), func(Info) error { calls++; return errStop }); err != errStop || calls != 1 {
			t.Fatalf("Walk with a failing fn = %v after %d calls, want errStop after 1", err, calls)
		}
	})
}

// gen returns n bytes of deterministic pseudo-random content for seed,
// generated as it is read, so that large content is never held in memory.
func gen(seed uint64, n int64) io.Reader {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	return io.LimitReader(rand.NewChaCha8(s), n)
}

var (
	shaCacheMu sync.Mutex
	shaCache   = map[[2]uint64]string{}
)

// genSHA is the hex SHA-256 of gen(seed, n).
func genSHA(seed uint64, n int64) string {
	key := [2]uint64{seed, uint64(n)}
	shaCacheMu.Lock()
	defer shaCacheMu.Unlock()
	if s, ok := shaCache[key]; ok {
		return s
	}
	h := sha256.New()
	io.Copy(h, gen(seed, n))
	s := hex.EncodeToString(h.Sum(nil))
	shaCache[key] = s
	return s
}

// invalidSHAs are names every method must refuse.
func invalidSHAs(valid string) []string {
	return []string{
		"",
		"abc",
		strings.ToUpper(valid),
		valid[:63],
		valid + "0",
		valid[:63] + "g",
		"../../../../../../../../etc/passwd",
		"../" + valid[3:],
		valid[:2] + "/" + valid[3:],
		valid[:63] + "\x00",
		strings.Repeat("z", 200),
	}
}

// assertContent reads the blob back and checks its size and hash.
func assertContent(t *testing.T, s Store, want string, n int64) {
	t.Helper()
	rc, size, err := s.Open(t.Context(), want)
	if err != nil {
		t.Fatalf("Open(%s): %v", want, err)
	}
	defer rc.Close()
	h := sha256.New()
	got, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("reading %s: %v", want, err)
	}
	if size != n || got != n || hex.EncodeToString(h.Sum(nil)) != want {
		t.Fatalf("Open(%s): size %d, read %d bytes hashing to %x; want %d bytes", want, size, got, h.Sum(nil), n)
	}
}

func list(t *testing.T, s Store) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	err := s.List(t.Context(), func(sha string, size int64) error {
		if _, dup := got[sha]; dup {
			t.Errorf("List reported %s twice", sha)
		}
		got[sha] = size
		return nil
	})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return got
}

func assertNoTemps(t *testing.T, f fixture) {
	t.Helper()
	if left := f.temps(t); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// assertEmpty checks that the store holds no blob and no temporary file.
func assertEmpty(t *testing.T, f fixture) {
	t.Helper()
	if got := list(t, f.store); len(got) != 0 {
		t.Fatalf("List = %v, want nothing stored", got)
	}
	assertNoTemps(t, f)
}

func equalMaps(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

var errBroken = errors.New("the upload connection broke")

// failing is a reader that fails.
type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errBroken }

// endless is a reader that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// hook calls fn once, after at bytes have been read.
type hook struct {
	r    io.Reader
	at   int64
	n    int64
	fn   func()
	once sync.Once
}

func (h *hook) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.n += int64(n)
	if h.n >= h.at {
		h.once.Do(h.fn)
	}
	return n, err
}

// gate is a reader that, when first read, closes reached and waits for
// release, then ends.
type gate struct {
	reached, release chan struct{}
}

func (g *gate) Read([]byte) (int, error) {
	close(g.reached)
	<-g.release
	return 0, io.EOF
}
