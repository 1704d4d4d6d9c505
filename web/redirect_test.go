package web_test

import (
	"testing"

	"github.com/attest-hq/attest/web"
)

// SafeNext keeps a destination only when a browser cannot read it as another
// origin: one leading slash, then neither slash nor backslash, and no control
// character anywhere, raw or percent-encoded (once or more).
func TestSafeNextAcceptsOnlyLocalPaths(t *testing.T) {
	for next, want := range map[string]string{
		"/":                           "/",
		"/o/alpha/tasks":              "/o/alpha/tasks",
		"/o/alpha/tasks?status=open":  "/o/alpha/tasks?status=open",
		"/o/alpha/controls/CC1.1#a":   "/o/alpha/controls/CC1.1#a",
		"/o/alpha/tasks?q=100%25":     "/o/alpha/tasks?q=100%25",
		"":                            "/",
		"o/alpha":                     "/",
		"//evil.example/x":            "/",
		"/\\evil.example/x":           "/",
		"\\\\evil.example":            "/",
		"/%2fevil.example":            "/",
		"/%2Fevil.example":            "/",
		"/%5cevil.example":            "/",
		"/%5Cevil.example":            "/",
		"/%252fevil.example":          "/",
		"/%255cevil.example":          "/",
		"/\t/127.0.0.1:8080/x":        "/",
		"/%09/127.0.0.1:8080/x":       "/",
		"/%0a/evil.example":           "/",
		"/%0d/evil.example":           "/",
		"/%2509/evil.example":         "/",
		"/%25250a/evil.example":       "/",
		"/o/alpha\r\nSet-Cookie: x=1": "/",
		"/o/alpha%0d%0aSet-Cookie:x":  "/",
		"/o/alpha\x00":                "/",
		"/o/alpha%00":                 "/",
		"/o/alpha\x7f":                "/",
		"/o/alpha\u0085":              "/",
		"/o/a\\b":                     "/",
		"https://evil.example/":       "/",
		"http:evil.example":           "/",
		"//":                          "/",
		"javascript:alert(1)":         "/",
		"/javascript:alert(1)":        "/javascript:alert(1)",
		" /o/alpha":                   "/",
		"%2f%2fevil.example":          "/",
		"/%":                          "/",
	} {
		if got := web.SafeNext(next); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
