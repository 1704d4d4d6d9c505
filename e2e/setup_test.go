package e2e

import (
	"bytes"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetupLink: the link printed at start creates the organization and its
// admin, signs the admin in, and works only once.
func TestSetupLink(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	admin := b.person()

	setUp(t, s, admin)
	if flash := admin.text(".flash"); !strings.Contains(flash, "Welcome to Attest") {
		t.Errorf("dashboard flash %q, want the welcome message", flash)
	}
	if org := admin.text(".topbar .org-name"); org != testOrg.Name {
		t.Errorf("top bar shows organization %q, want %q", org, testOrg.Name)
	}
	if role := admin.text(".topbar .role-badge"); role != "Admin" {
		t.Errorf("top bar shows role %q, want Admin", role)
	}
	if who := admin.text(".topbar .account a"); who != testAdmin.Name {
		t.Errorf("top bar shows user %q, want %q", who, testAdmin.Name)
	}
	saveScreenshot(t, admin, "setup-dashboard.png", 800)

	// The link is spent: neither the new admin nor a stranger can use it again.
	for name, p := range map[string]*tab{"the admin": admin, "a stranger": b.person()} {
		if st := p.open(s.SetupLink); st != http.StatusNotFound {
			t.Errorf("%s reopening the set-up link: status %d, want 404", name, st)
		}
		body := p.body()
		if !strings.Contains(body, "Not Found") || !strings.Contains(body, "already") {
			t.Errorf("%s reopening the set-up link sees:\n%s\nwant an error saying the link was already used", name, body)
		}
		if n := p.count(`input[name="org_name"], input[name="password"]`); n != 0 {
			t.Errorf("%s reopening the set-up link still gets a form", name)
		}
	}
}

// saveScreenshot captures the page, checks that it is a real image at least
// minWidth pixels wide, and writes it as name into the artifacts folder (see
// artifactsDir) for a person to look at.
func saveScreenshot(t *testing.T, p *tab, name string, minWidth int) {
	t.Helper()
	data := p.screenshot()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() < minWidth || r.Dy() < 400 {
		t.Errorf("screenshot %s is %dx%d, want at least %dx400", name, r.Dx(), r.Dy(), minWidth)
	}
	path := filepath.Join(artifactsDir(t), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("write screenshot: %v", err)
	}
	t.Logf("screenshot: %s", path)
}

// artifactsDir is the folder where browser tests leave screenshots:
// $ATTEST_SCREENSHOTS when set, else e2e/artifacts (which git ignores).
func artifactsDir(t *testing.T) string {
	t.Helper()
	d := os.Getenv("ATTEST_SCREENSHOTS")
	if d == "" {
		d = "artifacts" // tests run in the package's folder, e2e/
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatalf("screenshots folder: %v", err)
	}
	return d
}
