package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// What the server does for every request: security headers, cross-origin
// refusal, static files and the not-found page.

func TestCrossOriginPostsAreRefused(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	for name, hdr := range map[string]map[string]string{
		"fetch metadata": {"Sec-Fetch-Site": "cross-site"},
		"origin":         {"Origin": "https://evil.example"},
	} {
		req, _ := http.NewRequest("POST", e.TS.URL+"/o/alpha/invitations", strings.NewReader("email=spy%40evil.test&role=admin"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res := admin.Do(req)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Text, "cross-site request forgery") {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	if pend, _ := e.DB.PendingInvitations(ctx, e.Alpha.ID); len(pend) != 0 {
		t.Fatalf("a cross-origin post created an invitation: %+v", pend)
	}
	req, _ := http.NewRequest("POST", e.TS.URL+"/o/alpha/invitations", strings.NewReader("email=ok%40x.test&role=employee"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := admin.Do(req); res.StatusCode != http.StatusCreated {
		t.Fatalf("same-origin post refused: %d", res.StatusCode)
	}
}

func TestPagesEscapeUserText(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	admin.Post("/o/alpha/settings", url.Values{"org_name": {`<script>alert(1)</script>`}})
	res := admin.Get("/o/alpha/settings")
	if strings.Contains(res.Text, "<script>alert(1)") || !strings.Contains(res.Text, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatal("organization name rendered unescaped")
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("security headers: %v", res.Header)
	}
}

func TestHealthAndNotFound(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c := e.Anon()
	if res := c.Get("/healthz"); res.StatusCode != 200 || res.Text != "ok\n" {
		t.Fatalf("healthz: %d %q", res.StatusCode, res.Text)
	}
	if res := c.Get("/readyz"); res.StatusCode != 200 {
		t.Fatalf("readyz: %d", res.StatusCode)
	}
	if res := c.Get("/static/app.css"); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("css: %d", res.StatusCode)
	}
	if res := e.Login("admin").Get("/no/such/page"); res.StatusCode != 404 || !strings.Contains(res.Text, "Not Found") || !strings.Contains(res.Text, "Sign out") {
		t.Fatalf("404 page: %d", res.StatusCode)
	}
	e.DB.Close()
	if res := c.Get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database closed: %d", res.StatusCode)
	}
}
