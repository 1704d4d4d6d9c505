package blob

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"testing"
)

// The benchmarks stream 64 MiB per operation and report MB/s (b.SetBytes), to
// compare with `sha256sum` on the same machine: the store's overhead over
// plain hashing is the write, the fsyncs and the rename.
//
//	go test ./blob/ -run '^$' -bench . -benchtime 10x
const benchSize = 64 << 20

// BenchmarkFSPut puts a different 64 MiB each time into a filesystem store
// under the test's temporary directory, and deletes it untimed.
func BenchmarkFSPut(b *testing.B) {
	s, err := openFS(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.SetBytes(benchSize)
	var i uint64
	for b.Loop() {
		i++
		sha, _, err := s.Put(b.Context(), newBenchReader(i), "", 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Delete(b.Context(), sha)
		b.StartTimer()
	}
}

// BenchmarkSHA256 hashes the same stream with no store: the floor for Put.
func BenchmarkSHA256(b *testing.B) {
	b.SetBytes(benchSize)
	var i uint64
	for b.Loop() {
		i++
		h := sha256.New()
		io.CopyBuffer(struct{ io.Writer }{h}, newBenchReader(i), make([]byte, 1<<20))
	}
}

// benchReader yields benchSize bytes by repeating one random MiB whose first
// eight bytes are the operation's number, so that every operation stores new
// content while generating it costs nothing.
type benchReader struct {
	block []byte
	left  int
}

var benchBlock = func() []byte {
	b := make([]byte, 1<<20)
	rand.Read(b)
	return b
}()

func newBenchReader(i uint64) *benchReader {
	block := append([]byte(nil), benchBlock...)
	binary.LittleEndian.PutUint64(block, i)
	return &benchReader{block: block, left: benchSize}
}

func (r *benchReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	off := (benchSize - r.left) % len(r.block)
	n := copy(p[:min(len(p), r.left)], r.block[off:])
	r.left -= n
	return n, nil
}
