// Package oidctest runs a real OpenID Connect provider on loopback for tests:
// zitadel/oidc's example provider (discovery, signed ID tokens, the
// authorization code flow with PKCE, userinfo), started per test with the
// redirect URI and the people a test needs. It is not a module dependency:
// the tests look for its binary in ATTEST_OIDC_OP, then zitadel-oidc-op on
// PATH, then in GOPATH/bin; .ci/run installs it.
package oidctest

import (
	"encoding/json"
	"fmt"
	"go/build"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/store/storetest"
)

// Install is how to get the provider's binary.
const Install = `d=$(mktemp -d) && GOBIN=$d go install github.com/zitadel/oidc/v3/example/server@v3.52.0 && mv $d/server "$(go env GOPATH)/bin/zitadel-oidc-op"`

// The clients the example provider registers, with the redirect URI given
// at start: "web" and "api", both with the secret "secret".
const (
	ClientID     = "web"
	OtherClient  = "api"
	ClientSecret = "secret"
)

// User is a person at the provider.
type User struct {
	ID            string
	Username      string // what they type at the provider's sign-in page
	Password      string
	FirstName     string
	LastName      string
	Email         string
	EmailVerified bool
}

// Provider is a running provider.
type Provider struct {
	Issuer string // http://localhost:port/
	cmd    *exec.Cmd
}

func find() (string, error) {
	if p := os.Getenv("ATTEST_OIDC_OP"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("ATTEST_OIDC_OP=%s: %v; install with: %s", p, err, Install)
		}
		return p, nil
	}
	if p, err := exec.LookPath("zitadel-oidc-op"); err == nil {
		return p, nil
	}
	gopath := build.Default.GOPATH
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		gopath = strings.TrimSpace(string(out))
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "zitadel-oidc-op")
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("the single sign-on tests need zitadel/oidc's example provider (in ATTEST_OIDC_OP, or zitadel-oidc-op on PATH or in GOPATH/bin); install with: %s", Install)
}

// Start runs a provider that sends people back to redirectURI, with users.
// Without its binary the test is skipped, or failed under ATTEST_TEST_STRICT=1.
func Start(t testing.TB, redirectURI string, users ...User) *Provider {
	t.Helper()
	bin, err := find()
	if err != nil {
		storetest.SkipOrFail(t, err.Error())
	}
	dir := t.TempDir()
	file := map[string]map[string]any{}
	for _, u := range users {
		file[u.ID] = map[string]any{"ID": u.ID, "Username": u.Username, "Password": u.Password, "FirstName": u.FirstName,
			"LastName": u.LastName, "Email": u.Email, "EmailVerified": u.EmailVerified, "PreferredLanguage": "en"}
	}
	b, _ := json.Marshal(file)
	usersFile := filepath.Join(dir, "users.json")
	if err := os.WriteFile(usersFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	// A free port is found by listening and closing, so another process can
	// take it first: try a few times.
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		p := &Provider{Issuer: "http://localhost:" + port + "/"}
		p.cmd = exec.Command(bin)
		p.cmd.Env = append(os.Environ(), "PORT="+port, "REDIRECT_URI="+redirectURI, "USERS_FILE="+usersFile)
		p.cmd.Stdout, p.cmd.Stderr = nil, nil
		if err := p.cmd.Start(); err != nil {
			t.Fatalf("start the OIDC provider: %v", err)
		}
		if p.ready() {
			t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
			return p
		}
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
	t.Fatal("the OIDC provider did not answer its discovery document")
	return nil
}

func (p *Provider) ready() bool {
	c := &http.Client{Timeout: time.Second}
	for range 100 {
		res, err := c.Get(p.Issuer + ".well-known/openid-configuration")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

var refreshRE = regexp.MustCompile(`<meta http-equiv="refresh" content="0;url=([^"]+)"`)

// SignIn follows a sign-in from its start (Attest's /login/sso/{slug}, or
// any address that leads to the provider) through the provider's sign-in
// page, as a browser would, and returns the address the provider sends the
// browser back to (the redirect URI with code and state) without following
// it. c must not follow redirects itself and should keep cookies.
func (p *Provider) SignIn(t testing.TB, c *http.Client, start, username, password string) *url.URL {
	t.Helper()
	next, err := url.Parse(start)
	if err != nil {
		t.Fatal(err)
	}
	issuer, _ := url.Parse(p.Issuer)
	for range 10 {
		var res *http.Response
		if next.Path == "/login/username" && next.Host == issuer.Host {
			id := next.Query().Get("authRequestID")
			res, err = c.PostForm(next.String(), url.Values{"username": {username}, "password": {password}, "id": {id}})
		} else {
			res, err = c.Get(next.String())
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		if res.Request.Method == http.MethodPost && res.Header.Get("Location") == "" {
			t.Fatalf("the provider refused %s's password (%d)", username, res.StatusCode)
		}
		loc := res.Header.Get("Location")
		if m := refreshRE.FindSubmatch(body); loc == "" && m != nil {
			loc = html.UnescapeString(string(m[1])) // a page that moves on by itself
		}
		if loc == "" {
			t.Fatalf("%s answered %d without a redirect", next, res.StatusCode)
		}
		to, err := next.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		if to.Host != issuer.Host {
			// Leaving the provider: back to the relying party, or onward from it.
			if next.Host == issuer.Host {
				return to
			}
		}
		next = to
	}
	t.Fatal("the sign-in went round more than 10 redirects")
	return nil
}
