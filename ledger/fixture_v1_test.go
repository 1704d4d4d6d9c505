package ledger

import (
	"os"
	"testing"
)

// TestWriteV1Fixture wrote testdata/bundle-v1.zip with the attest-bundle-v1
// writer, before bundle v2 existed. It runs only when asked
// (ATTEST_WRITE_V1_FIXTURE=1); the fixture is checked in so that v1 bundles
// keep verifying whatever the writer becomes.
func TestWriteV1Fixture(t *testing.T) {
	if os.Getenv("ATTEST_WRITE_V1_FIXTURE") == "" {
		t.Skip("set ATTEST_WRITE_V1_FIXTURE=1 to rewrite testdata/bundle-v1.zip")
	}
	f := newFixture(t)
	if err := os.WriteFile("testdata/bundle-v1.zip", f.write(t, f.bundle), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/bundle-v1.pubkey", []byte(EncodePublicKey(f.pub)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
