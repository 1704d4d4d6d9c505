package email

import (
	"net/smtp"
	"strings"
	"testing"
)

// TestLoginAuth: the LOGIN mechanism answers the server's two challenges,
// and refuses to start on an unencrypted connection to another host, as
// net/smtp's PLAIN does.
func TestLoginAuth(t *testing.T) {
	a := &loginAuth{user: "attest@example.com", pass: "s3cret", host: "smtp.example.com"}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "smtp.example.com", TLS: false}); err == nil {
		t.Fatal("LOGIN started without TLS to a remote host")
	}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "evil.example.com", TLS: true}); err == nil {
		t.Fatal("LOGIN started with another host's name")
	}
	mech, first, err := a.Start(&smtp.ServerInfo{Name: "smtp.example.com", TLS: true})
	if err != nil || mech != "LOGIN" || first != nil {
		t.Fatalf("start = %q %q %v", mech, first, err)
	}
	for challenge, want := range map[string]string{"Username:": "attest@example.com", "Password:": "s3cret"} {
		got, err := a.Next([]byte(challenge), true)
		if err != nil || string(got) != want {
			t.Errorf("Next(%q) = %q, %v; want %q", challenge, got, err, want)
		}
	}
	if _, err := a.Next([]byte("Favourite colour:"), true); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("an unknown challenge: %v", err)
	}
	if got, err := a.Next(nil, false); got != nil || err != nil {
		t.Errorf("Next after the last challenge = %q, %v", got, err)
	}
}
