package cli

import (
	"archive/zip"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/ledger"
)

// TestVerifyRefusesHostileBundle: a bundle the verifier refuses exits 1, with
// an error that names the file inside the bundle.
func TestVerifyRefusesHostileBundle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.zip")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, m := range []struct{ name, data string }{
		{"index.json", `{"format":"attest-bundle-v2","org":"acme","generated_at":"","public_key":"","evidence":[],"records":[]}`},
		{"ledger.jsonl", strings.Repeat("\n", 1<<20)}, // newlines once sized an allocation
		{"checkpoints.json", "[]"},
	} {
		w, err := zw.Create(m.name)
		if err == nil {
			_, err = w.Write([]byte(m.data))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	pub, _, _ := ed25519.GenerateKey(nil)
	r := runCLI(t, map[string]string{}, "", "verify", path, "--pubkey", ledger.EncodePublicKey(pub))
	if r.code != 1 || !strings.Contains(r.stderr, "does not verify: bundle: ledger.jsonl line 1:") {
		t.Fatalf("hostile bundle: %+v", r)
	}
}
