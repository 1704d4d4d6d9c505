package auditpkg

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
)

func zipOf(t *testing.T, files map[string]string, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err == nil {
			_, err = w.Write([]byte(body))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Verify refuses what is not a package, or a package whose segment cannot be
// checked in place, before reading anything else.
func TestVerifyRefusesMalformedPackages(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	for _, c := range []struct {
		name   string
		files  map[string]string
		method uint16
		want   string
	}{
		{"a bundle", map[string]string{"index.json": "{}", "ledger.jsonl": ""}, zip.Store, "ledger/bundle.zip is missing"},
		{"compressed segment", map[string]string{LedgerFile: "x"}, zip.Deflate, "must be stored"},
		{"escaping name", map[string]string{LedgerFile: "x", "../evil": "x"}, zip.Store, "unsafe file name"},
		{"segment not a bundle", map[string]string{LedgerFile: "not a zip"}, zip.Store, "the ledger segment does not verify"},
	} {
		data := zipOf(t, c.files, c.method)
		if _, err := Verify(bytes.NewReader(data), int64(len(data)), pub); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	plain := zipOf(t, map[string]string{"index.json": "{}"}, zip.Store)
	if IsPackage(bytes.NewReader(plain), int64(len(plain))) {
		t.Error("a bundle is taken for a package")
	}
}

// The label and period name the audit when it has no ID.
func TestLabel(t *testing.T) {
	for in, want := range map[*Input]string{
		{Type: Type1, AsOf: "2026-06-30"}:                                          "soc2-type1-2026-06-30",
		{Type: Type2, Framework: "iso27001", From: "2026-01-01", To: "2026-06-30"}: "iso27001-type2-2026-01-01-2026-06-30",
		{Audit: "aud_9", Type: Type1, AsOf: "2026-06-30"}:                          "aud_9",
	} {
		if got := in.Label(); got != want {
			t.Errorf("%+v: %q, want %q", *in, got, want)
		}
	}
}
