package ui_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestKeptPagesGzipped asks for kept pages with and without gzip, from a
// browser on the same site, from another site and from an API client, and
// holds each answer's encoding, length and bytes to what it must be: gzip
// only where accepted and where no other site can have made the request
// (BREACH), the same page either way.
func TestKeptPagesGzipped(t *testing.T) {
	e := webtest.New(t, storetest.Dialects[0])
	browser := e.Login("admin")
	token, _ := e.Token(e.Alpha, "admin")
	// Raw bytes: the transport must not ask for gzip or undo it.
	raw := &http.Client{Jar: browser.HTTP.Jar, Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	get := func(method, path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, browser.URL(path), nil)
		for i := 0; i < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s %v: %d", method, path, header, res.StatusCode)
		}
		if n, _ := strconv.Atoi(res.Header.Get("Content-Length")); n != len(b) && method == http.MethodGet {
			t.Fatalf("%s %v: Content-Length %q for %d bytes", path, header, res.Header.Get("Content-Length"), len(b))
		}
		return res, b
	}
	gunzip := func(b []byte) []byte {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	for _, path := range []string{"/o/alpha", "/o/alpha/controls"} {
		// Rendered and kept by the first request, served kept after.
		_, plain := get("GET", path)
		_, again := get("GET", path)
		if !bytes.Equal(plain, again) {
			t.Fatalf("%s: the kept page differs from its rendering", path)
		}
		for _, tc := range []struct {
			name   string
			header []string
			gzip   bool
		}{
			{"same site, gzip accepted", []string{"Accept-Encoding", "gzip, deflate, br", "Sec-Fetch-Site", "same-origin"}, true},
			{"typed address, gzip accepted", []string{"Accept-Encoding", "gzip", "Sec-Fetch-Site", "none"}, true},
			{"same site, any coding", []string{"Accept-Encoding", "*", "Sec-Fetch-Site", "same-origin"}, true},
			{"from another site", []string{"Accept-Encoding", "gzip", "Sec-Fetch-Site", "cross-site"}, false},
			{"from a sibling subdomain", []string{"Accept-Encoding", "gzip", "Sec-Fetch-Site", "same-site"}, false},
			{"a browser that does not say where from", []string{"Accept-Encoding", "gzip"}, false},
			{"gzip refused", []string{"Accept-Encoding", "gzip;q=0, *", "Sec-Fetch-Site", "same-origin"}, false},
			{"gzip not offered", []string{"Accept-Encoding", "br", "Sec-Fetch-Site", "same-origin"}, false},
			{"no Accept-Encoding", []string{"Sec-Fetch-Site", "same-origin"}, false},
		} {
			res, b := get("GET", path, tc.header...)
			if got := res.Header.Get("Content-Encoding") == "gzip"; got != tc.gzip {
				t.Fatalf("%s, %s: gzipped %v, want %v", path, tc.name, got, tc.gzip)
			}
			if tc.gzip {
				if len(b) >= len(plain)/2 {
					t.Fatalf("%s, %s: gzipped to %d bytes of %d", path, tc.name, len(b), len(plain))
				}
				b = gunzip(b)
			}
			if !bytes.Equal(b, plain) {
				t.Fatalf("%s, %s: not the page", path, tc.name)
			}
			if v := strings.Join(res.Header.Values("Vary"), ","); !strings.Contains(v, "Accept-Encoding") || !strings.Contains(v, "Sec-Fetch-Site") {
				t.Fatalf("%s, %s: Vary %q, for an answer that varies by both", path, tc.name, v)
			}
		}
		zipped, _ := get("GET", path, "Accept-Encoding", "gzip", "Sec-Fetch-Site", "same-origin")
		res, b := get("HEAD", path, "Accept-Encoding", "gzip", "Sec-Fetch-Site", "same-origin")
		if len(b) != 0 || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Length") != zipped.Header.Get("Content-Length") {
			t.Fatalf("HEAD %s: %d bytes, encoding %q, length %q (GET's %q)", path, len(b), res.Header.Get("Content-Encoding"),
				res.Header.Get("Content-Length"), zipped.Header.Get("Content-Length"))
		}
	}

	// The API's answers are gzipped for a token, which a browser never sends
	// on another site's behalf, with or without Sec-Fetch-Site.
	api := func(header ...string) (*http.Response, []byte) {
		return get("GET", "/api/v1/orgs/alpha/readiness", append([]string{"Authorization", "Bearer " + token}, header...)...)
	}
	_, plain := api()
	res, b := api("Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(b), plain) {
		t.Fatalf("the readiness API with a token: encoding %q, or not the same report", res.Header.Get("Content-Encoding"))
	}
	if res, _ := api("Accept-Encoding", "identity"); res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("the readiness API gzipped for a client that asked for identity")
	}
}

// TestKeptPagesFollowTheSession serves one user's kept page to two of their
// sessions that see different organizations: one signed in with a password,
// which may switch to both of theirs, and one through alpha's identity
// provider, which sees alpha alone. Neither may be served the other's page.
func TestKeptPagesFollowTheSession(t *testing.T) {
	e := webtest.New(t, storetest.Dialects[0])
	admin := e.Users["admin"]
	if err := e.DB.AddMember(ctx, e.Beta.ID, admin.ID, attest.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	secret := auth.NewSecret("")
	sso := store.Session{TokenHash: auth.HashSecret(secret), UserID: admin.ID, Method: attest.MethodSSO, SSOOrgID: e.Alpha.ID,
		ExpiresAt: e.Clock.Now().Add(time.Hour)}
	if err := e.DB.CreateSession(ctx, &sso); err != nil {
		t.Fatal(err)
	}
	viaSSO := func() webtest.Response {
		req, _ := http.NewRequest("GET", e.TS.URL+"/o/alpha", nil)
		req.AddCookie(&http.Cookie{Name: "attest_session", Value: secret})
		return e.Anon().Do(req)
	}
	password := e.Login("admin")
	for range 2 { // rendered, then kept, each way, in both orders
		if res := password.Get("/o/alpha"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "/o/beta") {
			t.Fatalf("signed in with a password: %d, beta offered %v", res.StatusCode, strings.Contains(res.Text, "/o/beta"))
		}
		if res := viaSSO(); res.StatusCode != http.StatusOK || strings.Contains(res.Text, "/o/beta") {
			t.Fatalf("signed in through alpha's identity provider: %d, beta offered %v", res.StatusCode, strings.Contains(res.Text, "/o/beta"))
		}
	}
}
