package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/notify/email"
	"github.com/attest-hq/attest/notify/mailpittest"
)

// TestInvitationArrivesByEmail: with the install's email set up, the admin
// invites a new member from the settings page; the invitation arrives at a
// real SMTP server, sent by the server's own jobs, and the link in the email
// lets the new member join in their own browser. The settings page's log
// shows the message sent.
func TestInvitationArrivesByEmail(t *testing.T) {
	t.Parallel()
	mail := mailpittest.Start(t, mailpittest.Options{})
	b := startBrowser(t)
	s := startServer(t)
	if err := s.App.Services.Notify.SetMail(t.Context(), email.Settings{Host: mail.SMTPHost, Port: mail.SMTPPort,
		Security: email.None, From: "attest@acme.test"}); err != nil {
		t.Fatal(err)
	}
	admin := b.person()
	setUp(t, s, admin)
	orgURL := s.Base + "/o/" + testOrg.Slug

	admin.open(orgURL + "/settings")
	admin.choose("#f-role", "employee")
	if st := admin.submit(`form[action="/o/`+testOrg.Slug+`/invitations"] button[type="submit"]`, "email", testEmployee.Email); st != http.StatusCreated {
		t.Fatalf("invite: status %d; page:\n%s", st, admin.body())
	}
	if flash := admin.text(".flash-ok"); !strings.Contains(flash, "It is on its way by email") {
		t.Errorf("the invitation page says %q", flash)
	}

	got := mail.WaitFor(t, 1, 30*time.Second)
	m := mail.Message(t, got[0].ID)
	if len(m.To) != 1 || m.To[0].Address != testEmployee.Email || !strings.Contains(m.Subject, testOrg.Name) {
		t.Fatalf("invitation email to %v, subject %q", m.To, m.Subject)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(s.Base) + `/invitations/\S+`).FindString(m.Text)
	if link == "" {
		t.Fatalf("no invitation link in the email:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("the HTML part has no button to %s:\n%s", link, m.HTML)
	}

	p := b.person()
	if st := p.open(link); st != http.StatusOK {
		t.Fatalf("opening the emailed link: status %d; page:\n%s", st, p.body())
	}
	if st := p.submit(`main form button[type="submit"]`, "name", testEmployee.Name, "password", testEmployee.Password); st != http.StatusOK {
		t.Fatalf("accepting: status %d; page:\n%s", st, p.body())
	}
	if loc := p.location(); loc != orgURL {
		t.Fatalf("after accepting at %s, want %s", loc, orgURL)
	}

	// The log shows the message sent; the new member finds their
	// notification preferences in the navigation.
	admin.open(orgURL + "/settings/notifications")
	if row := admin.text(`tr[data-delivery]`); !strings.Contains(row, testEmployee.Email) || !strings.Contains(row, "sent") {
		t.Errorf("the delivery log row says %q", row)
	}
	p.open(orgURL)
	if nav := p.sidebar(); !strings.Contains(strings.Join(nav, ","), "Notifications") {
		t.Errorf("the employee's navigation %v has no Notifications", nav)
	}
	if st := p.open(orgURL + "/notifications"); st != http.StatusOK {
		t.Fatalf("the employee's notifications page: %d", st)
	}
	if n := p.count(`select[name="task"]`); n != 1 {
		t.Errorf("the employee's notifications page has %d task cadence choices", n)
	}
}
