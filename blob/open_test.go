package blob

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
)

func TestValidSHA(t *testing.T) {
	valid := sha256hex("x")
	if !ValidSHA(valid) {
		t.Errorf("ValidSHA(%q) = false", valid)
	}
	for _, bad := range invalidSHAs(valid) {
		if ValidSHA(bad) {
			t.Errorf("ValidSHA(%q) = true", bad)
		}
	}
}

func TestOpenFilesystem(t *testing.T) {
	dataDir := t.TempDir()
	s, err := Open(t.Context(), "", dataDir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if want := filepath.Join(dataDir, "blobs"); s.String() != want {
		t.Errorf("default store is %s, want %s", s, want)
	}
	dir := filepath.Join(t.TempDir(), "a", "b")
	for _, u := range []string{"file://" + dir, "file://localhost" + dir} {
		s, err := Open(t.Context(), u, dataDir)
		if err != nil {
			t.Fatalf("Open(%s): %v", u, err)
		}
		s.Close()
		if s.String() != dir {
			t.Errorf("Open(%s) is %s, want %s", u, s, dir)
		}
	}
	if _, err := Open(t.Context(), "", ""); err == nil || !strings.Contains(err.Error(), "ATTEST_BLOB_URL") {
		t.Errorf("Open with neither a URL nor a data directory: %v", err)
	}
}

// Bad URLs fail before anything is contacted, with an error that names
// ATTEST_BLOB_URL and the part at fault, and never shows a secret.
func TestOpenBadURL(t *testing.T) {
	const secret = "s3cr3t-9d1e"
	cases := []struct{ url, want string }{
		{"gs://bucket", `unsupported scheme "gs"`},
		{"http://127.0.0.1:7070/bucket", `unsupported scheme "http"`},
		{"/var/lib/blobs", "is not a URL"},
		{"file:relative/dir", "absolute path"},
		{"file://server/share", `host "server"`},
		{"file:///", "names no directory"},
		{"file:///tmp/x?sync=1", "no parameters"},
		{"s3://", "names no bucket"},
		{"s3:///prefix", "names no bucket"},
		{"s3://bucket:9000", "has a port"},
		{"s3://bucket/a//b", "segment"},
		{"s3://bucket/a/../b", "segment"},
		{"s3://bucket?region=", "region is empty"},
		{"s3://bucket?path_style=maybe", `path_style "maybe"`},
		{"s3://bucket?endpoint=127.0.0.1:9000", "want http://host[:port]"},
		{"s3://bucket?endpoint=ftp://host", "want http://host[:port]"},
		{"s3://bucket?endpoint=http://", "names no host"},
		{"s3://bucket?endpoint=http://host/path", "only scheme, host and port"},
		{"s3://bucket?endpoint=http://host&endpoint=http://other", "given 2 times"},
		{"s3://bucket?secret_key=" + secret, `unknown parameter "secret_key"`},
		{"s3://bucket?%zz", "parameters"},
		{"s3://AKIA:" + secret + "@bucket", "must not contain a user name or password"},
		{"s3://bucket?endpoint=http://AKIA:" + secret + "@host", "must not contain a user name or password"},
		{"s3://bucket?endpoint=AKIA:" + secret + "@host", "want http://host[:port]"},
		{"s3://bu cket:" + secret + "@x%zz", "not a URL"},
	}
	for _, c := range cases {
		_, err := Open(t.Context(), c.url, t.TempDir())
		if err == nil {
			t.Errorf("Open(%q) succeeded", c.url)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "ATTEST_BLOB_URL") || !strings.Contains(msg, c.want) {
			t.Errorf("Open(%q): %q, want ATTEST_BLOB_URL and %q", c.url, msg, c.want)
		}
		if strings.Contains(msg, secret) {
			t.Errorf("Open(%q): the error shows the secret: %q", c.url, msg)
		}
		if attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("Open(%q): code %q, want %q", c.url, attest.ErrorCode(err), attest.EINVALID)
		}
	}
}

func TestParseS3URL(t *testing.T) {
	cases := []struct {
		url  string
		want s3Config
	}{
		{"s3://b", s3Config{bucket: "b"}},
		{"s3://b/", s3Config{bucket: "b"}},
		{"s3://b/attest/prod/", s3Config{bucket: "b", prefix: "attest/prod/"}},
		{"s3://b/p?endpoint=https://s3.example.com:9000/&region=eu-west-1&path_style=true",
			s3Config{bucket: "b", prefix: "p/", endpoint: "https://s3.example.com:9000", region: "eu-west-1", pathStyle: true}},
		{"s3://b?path_style=0", s3Config{bucket: "b"}},
	}
	for _, c := range cases {
		u, err := url.Parse(c.url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseS3URL(u)
		if err != nil || got != c.want {
			t.Errorf("parseS3URL(%q) = %+v, %v; want %+v", c.url, got, err, c.want)
		}
	}
}

// Against AWS itself (no endpoint) a region is required; with an endpoint it
// defaults to us-east-1. Neither case contacts a server before failing.
func TestS3RegionRequiredForAWS(t *testing.T) {
	_, err := Open(t.Context(), "s3://bucket", "")
	if err == nil || !strings.Contains(err.Error(), "no region") || !strings.Contains(err.Error(), "ATTEST_BLOB_URL") {
		t.Fatalf("Open(s3://bucket) without a region: %v", err)
	}
}
