package email_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify/email"
	"github.com/attest-hq/attest/notify/mailpittest"
)

const from = "attest@acme.example"

// sender returns a Sender for srv with the given security.
func sender(srv *mailpittest.Server, security email.Security) *email.Sender {
	return &email.Sender{
		Settings: email.Settings{Host: srv.SMTPHost, Port: srv.SMTPPort, Security: security, Username: srv.Username, Password: srv.Password, From: from},
		RootCAs:  srv.CA,
	}
}

func plain() email.Message {
	return email.Message{
		FromName:  "Acme via Attest",
		To:        "dana@acme.example",
		Subject:   "Your daily digest",
		Text:      "2 tasks are due tomorrow.\n\n.A line that starts with a dot.\n",
		MessageID: "<digest-41.dana@acme.example>",
		Date:      time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC),
	}
}

func multipartMessage() email.Message {
	m := plain()
	m.FromName = "Acmé via Attest"
	m.Subject = "Prüfung fällig: 3 Aufgaben — heute"
	m.Text = "Drei Aufgaben sind fällig.\n"
	m.HTML = "<p>Drei Aufgaben sind <b>fällig</b>.</p>\n"
	m.Unsubscribe = "https://attest.acme.example/unsubscribe/tok-123?kind=task"
	return m
}

// sendError returns err as a SendError of the email channel.
func sendError(t *testing.T, err error) *attest.SendError {
	t.Helper()
	var e *attest.SendError
	if !errors.As(err, &e) {
		t.Fatalf("got %T %v, want *attest.SendError", err, err)
	}
	if e.Channel != "email" {
		t.Errorf("Channel = %q, want email", e.Channel)
	}
	return e
}

func TestSendPlainText(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{})
	m := plain()
	if err := sender(srv, email.None).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	list := srv.WaitFor(t, 1, 5*time.Second)
	got := srv.Message(t, list[0].ID)
	if got.Subject != m.Subject || got.MessageID != "digest-41.dana@acme.example" {
		t.Errorf("subject %q, Message-ID %q", got.Subject, got.MessageID)
	}
	if got.From.Name != "Acme via Attest" || got.From.Address != from {
		t.Errorf("From = %+v", got.From)
	}
	if len(got.To) != 1 || got.To[0].Address != m.To {
		t.Errorf("To = %+v", got.To)
	}
	if want := "2 tasks are due tomorrow.\r\n\r\n.A line that starts with a dot.\r\n"; got.Text != want {
		t.Errorf("Text = %q, want %q", got.Text, want)
	}
	if got.HTML != "" {
		t.Errorf("HTML = %q, want none", got.HTML)
	}
	if !got.Date.Equal(m.Date) {
		t.Errorf("Date = %s, want %s", got.Date, m.Date)
	}
	if ct := first(got.Headers, "Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if h := got.Headers["List-Unsubscribe"]; h != nil {
		t.Errorf("List-Unsubscribe = %q without an unsubscribe URL", h)
	}
}

func TestSendMultipart(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{})
	m := multipartMessage()
	if err := sender(srv, email.None).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	id := srv.WaitFor(t, 1, 5*time.Second)[0].ID
	checkLines(t, srv.Raw(t, id))
	got := srv.Message(t, id)
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if raw := first(got.Headers, "Subject"); !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("raw Subject %q is not Q-encoded", raw)
	}
	if got.From.Name != m.FromName {
		t.Errorf("From name = %q, want %q", got.From.Name, m.FromName)
	}
	if strings.TrimSpace(got.Text) != strings.TrimSpace(m.Text) || strings.TrimSpace(got.HTML) != strings.TrimSpace(m.HTML) {
		t.Errorf("Text %q, HTML %q", got.Text, got.HTML)
	}
	if ct := first(got.Headers, "Content-Type"); !strings.HasPrefix(ct, "multipart/alternative; boundary=") {
		t.Errorf("Content-Type = %q", ct)
	}
	lu := got.ListUnsubscribe
	if lu.Header != "<"+m.Unsubscribe+">" || lu.HeaderPost != "List-Unsubscribe=One-Click" || lu.Errors != "" {
		t.Errorf("List-Unsubscribe = %+v", lu)
	}
	if len(lu.Links) != 1 || lu.Links[0] != m.Unsubscribe {
		t.Errorf("Mailpit found unsubscribe links %q", lu.Links)
	}
	if got.MessageID != strings.Trim(m.MessageID, "<>") {
		t.Errorf("Message-ID = %q", got.MessageID)
	}
}

func TestSendSTARTTLSWithAuth(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{TLS: mailpittest.StartTLS, Auth: true})
	if err := sender(srv, email.STARTTLS).Send(context.Background(), plain()); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, 1, 5*time.Second); got[0].Username != srv.Username {
		t.Errorf("sent as %q, want %q", got[0].Username, srv.Username)
	}
}

func TestSendImplicitTLSWithAuth(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{TLS: mailpittest.ImplicitTLS, Auth: true})
	if err := sender(srv, email.TLS).Send(context.Background(), plain()); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, 1, 5*time.Second); got[0].Username != srv.Username {
		t.Errorf("sent as %q, want %q", got[0].Username, srv.Username)
	}
}

func TestSendAuthWithoutTLSOnLoopback(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{Auth: true})
	if err := sender(srv, email.None).Send(context.Background(), plain()); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, 1, 5*time.Second); got[0].Username != srv.Username {
		t.Errorf("sent as %q, want %q", got[0].Username, srv.Username)
	}
}

func TestWrongPasswordIsPermanent(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{TLS: mailpittest.StartTLS, Auth: true})
	const wrong = "Wr0ng-pa55word-zebra"
	s := sender(srv, email.STARTTLS)
	s.Settings.Password = wrong
	for name, err := range map[string]error{
		"Send":  s.Send(context.Background(), plain()),
		"Check": s.Check(context.Background()),
	} {
		e := sendError(t, err)
		if !e.Permanent || !strings.Contains(e.Reason, "refused the username or password") || !strings.Contains(e.Reason, "535") {
			t.Errorf("%s: got %+v, want a permanent 535", name, e)
		}
		if strings.Contains(e.Error(), wrong) {
			t.Errorf("%s: the error shows the password: %v", name, e)
		}
	}
	if n := len(srv.Messages(t)); n != 0 {
		t.Errorf("the server holds %d messages", n)
	}
}

func TestPasswordIsNotSentUnencryptedToARemoteHost(t *testing.T) {
	s := &email.Sender{Settings: email.Settings{Host: "mail.acme.example", Port: 25, Security: email.None, Username: "attest", Password: "s3cret-value", From: from}}
	e := sendError(t, s.Send(context.Background(), plain()))
	if !e.Permanent || !strings.Contains(e.Reason, "unencrypted") || strings.Contains(e.Error(), "s3cret-value") {
		t.Errorf("got %+v, want a permanent refusal to send the password in clear", e)
	}
}

func TestUntrustedCertificateIsPermanent(t *testing.T) {
	for name, tc := range map[string]struct {
		mode     mailpittest.TLSMode
		security email.Security
	}{
		"STARTTLS":     {mailpittest.StartTLS, email.STARTTLS},
		"implicit TLS": {mailpittest.ImplicitTLS, email.TLS},
	} {
		t.Run(name, func(t *testing.T) {
			srv := mailpittest.Start(t, mailpittest.Options{TLS: tc.mode})
			s := sender(srv, tc.security)
			s.RootCAs = nil // the system's roots do not know the test server
			e := sendError(t, s.Send(context.Background(), plain()))
			if !e.Permanent || !strings.Contains(e.Reason, "certificate that is not trusted") {
				t.Errorf("got %+v, want a permanent certificate error", e)
			}
		})
	}
}

func TestSTARTTLSNotOfferedIsPermanent(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{})
	for name, err := range map[string]error{
		"Send":  sender(srv, email.STARTTLS).Send(context.Background(), plain()),
		"Check": sender(srv, email.STARTTLS).Check(context.Background()),
	} {
		if e := sendError(t, err); !e.Permanent || !strings.Contains(e.Reason, "does not offer STARTTLS") {
			t.Errorf("%s: got %+v, want a permanent error naming STARTTLS", name, e)
		}
	}
}

func TestImplicitTLSAgainstPlainServerIsPermanent(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{})
	e := sendError(t, sender(srv, email.TLS).Send(context.Background(), plain()))
	if !e.Permanent || !strings.Contains(e.Reason, "does not speak TLS") {
		t.Errorf("got %+v, want a permanent error about TLS", e)
	}
}

func TestPlainAgainstServerRequiringSTARTTLSIsPermanent(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{TLS: mailpittest.StartTLS})
	e := sendError(t, sender(srv, email.None).Send(context.Background(), plain()))
	if !e.Permanent || !strings.Contains(e.Reason, "530") {
		t.Errorf("got %+v, want the server's permanent 530", e)
	}
}

func TestRejectedRecipientIsPermanent(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{AllowedRecipients: `@acme\.example$`})
	m := plain()
	m.To = "someone@elsewhere.example"
	e := sendError(t, sender(srv, email.None).Send(context.Background(), m))
	if !e.Permanent || !strings.Contains(e.Reason, "550") || !strings.Contains(e.Reason, "recipient someone@elsewhere.example") {
		t.Errorf("got %+v, want a permanent 550 for the recipient", e)
	}
}

func TestSMTPCodesDecidePermanence(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{Auth: true, Chaos: true})
	for _, tc := range []struct {
		name      string
		chaos     mailpittest.Chaos
		permanent bool
		want      string
	}{
		{"recipient deferred", mailpittest.Chaos{Recipient: mailpittest.Trigger{ErrorCode: 451, Probability: 100}}, false, "deferred the recipient"},
		{"recipient refused", mailpittest.Chaos{Recipient: mailpittest.Trigger{ErrorCode: 550, Probability: 100}}, true, "refused the recipient"},
		{"sender deferred", mailpittest.Chaos{Sender: mailpittest.Trigger{ErrorCode: 421, Probability: 100}}, false, "deferred the sending address"},
		{"sender refused", mailpittest.Chaos{Sender: mailpittest.Trigger{ErrorCode: 554, Probability: 100}}, true, "refused the sending address"},
		{"authentication deferred", mailpittest.Chaos{Authentication: mailpittest.Trigger{ErrorCode: 454, Probability: 100}}, false, "deferred authentication"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.SetChaos(t, tc.chaos)
			e := sendError(t, sender(srv, email.None).Send(context.Background(), plain()))
			if e.Permanent != tc.permanent || !strings.Contains(e.Reason, tc.want) {
				t.Errorf("got %+v, want permanent %v and %q", e, tc.permanent, tc.want)
			}
		})
	}
	srv.SetChaos(t, mailpittest.Chaos{})
	if err := sender(srv, email.None).Send(context.Background(), plain()); err != nil {
		t.Fatalf("after the failures stop: %v", err)
	}
	if n := len(srv.WaitFor(t, 1, 5*time.Second)); n != 1 {
		t.Errorf("the server holds %d messages, want 1", n)
	}
}

func TestConnectionRefusedIsRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	s := &email.Sender{Settings: email.Settings{Host: "127.0.0.1", Port: port, Security: email.None, From: from}}
	e := sendError(t, s.Send(context.Background(), plain()))
	if e.Permanent || !strings.Contains(e.Reason, "could not connect") {
		t.Errorf("got %+v, want a retryable connection error", e)
	}
}

// silentServer accepts connections and never greets; each accepted
// connection is sent on the returned channel.
func silentServer(t *testing.T) (port int, accepted <-chan net.Conn) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			ch <- c
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, ch
}

func TestCancelledSend(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		srv := mailpittest.Start(t, mailpittest.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := sender(srv, email.None).Send(ctx, plain())
		if e := sendError(t, err); e.Permanent || !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v, want a retryable context.Canceled", e)
		}
		if n := len(srv.Messages(t)); n != 0 {
			t.Errorf("the server holds %d messages", n)
		}
	})
	t.Run("while waiting for the server", func(t *testing.T) {
		port, accepted := silentServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-accepted; cancel() }()
		s := &email.Sender{Settings: email.Settings{Host: "127.0.0.1", Port: port, Security: email.None, From: from}}
		err := s.Send(ctx, plain())
		if e := sendError(t, err); e.Permanent || !errors.Is(err, context.Canceled) || e.Reason != "sending was cancelled" {
			t.Errorf("got %+v, want a retryable context.Canceled", e)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		port, _ := silentServer(t)
		s := &email.Sender{Settings: email.Settings{Host: "127.0.0.1", Port: port, Security: email.None, From: from}, Timeout: 100 * time.Millisecond}
		err := s.Send(context.Background(), plain())
		if e := sendError(t, err); e.Permanent || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(e.Reason, "did not finish within 100ms") {
			t.Errorf("got %+v, want a retryable timeout", e)
		}
	})
}

func TestCheck(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{TLS: mailpittest.StartTLS, Auth: true})
	if err := sender(srv, email.STARTTLS).Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages(t)); n != 0 {
		t.Errorf("Check sent %d messages", n)
	}
}

func TestSendRefusesAnInvalidMessage(t *testing.T) {
	srv := mailpittest.Start(t, mailpittest.Options{})
	m := plain()
	m.Subject = "Hello\r\nBcc: everyone@acme.example"
	err := sender(srv, email.None).Send(context.Background(), m)
	if e := sendError(t, err); !e.Permanent || attest.ErrorField(err) != "subject" {
		t.Errorf("got %+v (field %q), want a permanent error naming the subject", e, attest.ErrorField(err))
	}
	s := sender(srv, email.None)
	s.Settings.Port = 0
	err = s.Send(context.Background(), plain())
	if e := sendError(t, err); !e.Permanent || attest.ErrorField(err) != "port" {
		t.Errorf("got %+v (field %q), want a permanent error naming the port", e, attest.ErrorField(err))
	}
	if n := len(srv.Messages(t)); n != 0 {
		t.Errorf("the server holds %d messages", n)
	}
}

func TestBuildPlain(t *testing.T) {
	m := plain()
	m.Text = strings.Repeat("long line ", 200) + "\nünïcode\n"
	raw, err := email.Build(from, m)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, raw)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	for k, want := range map[string]string{
		"From":                      `"Acme via Attest" <attest@acme.example>`,
		"To":                        "<dana@acme.example>",
		"Subject":                   "Your daily digest",
		"Date":                      "Fri, 04 Dec 2026 09:30:00 +0000",
		"Message-Id":                "<digest-41.dana@acme.example>",
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if h.Get("List-Unsubscribe") != "" || h.Get("List-Unsubscribe-Post") != "" {
		t.Error("unsubscribe headers without an unsubscribe URL")
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(m.Text, "\n", "\r\n"); string(body) != want {
		t.Errorf("body = %q, want %q", body, want)
	}
}

func TestBuildMultipart(t *testing.T) {
	m := multipartMessage()
	raw, err := email.Build(from, m)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, raw)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if subject, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || subject != m.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, m.Subject)
	}
	fromAddr, err := msg.Header.AddressList("From")
	if err != nil || len(fromAddr) != 1 || fromAddr[0].Name != m.FromName || fromAddr[0].Address != from {
		t.Errorf("From = %v (%v)", fromAddr, err)
	}
	if got := msg.Header.Get("List-Unsubscribe"); got != "<"+m.Unsubscribe+">" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := msg.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	var parts []string
	for {
		p, err := r.NextRawPart() // raw: NextPart would decode quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if cte := p.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("part %s is %q", p.Header.Get("Content-Type"), cte)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p.Header.Get("Content-Type")+"|"+string(body))
	}
	want := []string{
		"text/plain; charset=utf-8|" + strings.ReplaceAll(m.Text, "\n", "\r\n"),
		"text/html; charset=utf-8|" + strings.ReplaceAll(m.HTML, "\n", "\r\n"),
	}
	if strings.Join(parts, "\n--\n") != strings.Join(want, "\n--\n") {
		t.Errorf("parts:\n%q\nwant:\n%q", parts, want)
	}
}

// checkLines checks that every line ends in CRLF and fits SMTP's limit.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	for i, line := range strings.SplitAfter(string(raw), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasSuffix(line, "\r\n") {
			t.Errorf("line %d does not end in CRLF: %q", i+1, line)
		}
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes long", i+1, len(line))
		}
	}
}

func TestBuildRefusesHeaderInjection(t *testing.T) {
	for _, field := range []string{"from_name", "to", "subject", "message_id", "unsubscribe"} {
		for _, nl := range []string{"\r\n", "\n", "\r"} {
			m := multipartMessage()
			evil := nl + "Bcc: everyone@acme.example"
			switch field {
			case "from_name":
				m.FromName += evil
			case "to":
				m.To += evil
			case "subject":
				m.Subject += evil
			case "message_id":
				m.MessageID += evil
			case "unsubscribe":
				m.Unsubscribe += evil
			}
			raw, err := email.Build(from, m)
			if got := attest.ErrorField(err); got != field || attest.ErrorCode(err) != attest.EINVALID {
				t.Errorf("%s with %q: got field %q (%v), want %q", field, nl, got, err, field)
			}
			if raw != nil {
				t.Errorf("%s with %q: Build returned a message", field, nl)
			}
		}
	}
	if _, err := email.Build(from+"\r\nBcc: x@y.example", plain()); attest.ErrorField(err) != "from" {
		t.Errorf("from with CRLF: %v", err)
	}
}

func TestBuildValidates(t *testing.T) {
	for _, tc := range []struct {
		field  string
		from   string
		change func(*email.Message)
	}{
		{"to", from, func(m *email.Message) { m.To = "" }},
		{"to", from, func(m *email.Message) { m.To = "dana@acme.example, eve@acme.example" }},
		{"to", from, func(m *email.Message) { m.To = "not an address" }},
		{"text", from, func(m *email.Message) { m.Text = " \n" }},
		{"message_id", from, func(m *email.Message) { m.MessageID = "" }},
		{"message_id", from, func(m *email.Message) { m.MessageID = "digest-41@acme.example" }},
		{"message_id", from, func(m *email.Message) { m.MessageID = "<digest 41@acme.example>" }},
		{"message_id", from, func(m *email.Message) { m.MessageID = "<digest-41>" }},
		{"unsubscribe", from, func(m *email.Message) { m.Unsubscribe = "/unsubscribe/tok" }},
		{"unsubscribe", from, func(m *email.Message) { m.Unsubscribe = "mailto:unsub@acme.example" }},
		{"unsubscribe", from, func(m *email.Message) { m.Unsubscribe = "https://acme.example/a>b" }},
		{"from", "Attest <attest@acme.example>", func(m *email.Message) {}},
		{"from", "", func(m *email.Message) {}},
	} {
		m := plain()
		tc.change(&m)
		if _, err := email.Build(tc.from, m); attest.ErrorField(err) != tc.field {
			t.Errorf("%+v: got %v, want an error naming %s", m, err, tc.field)
		}
	}
	// A display name in To is kept.
	m := plain()
	m.To = "Dana Díaz <dana@acme.example>"
	raw, err := email.Build(from, m)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := mail.ReadMessage(bytes.NewReader(raw))
	if to, err := msg.Header.AddressList("To"); err != nil || to[0].Name != "Dana Díaz" {
		t.Errorf("To = %v (%v)", to, err)
	}
}

func TestSettingsValidate(t *testing.T) {
	good := email.Settings{Host: "smtp.acme.example", Port: 587, Security: email.STARTTLS, Username: "attest", Password: "pw", From: from}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field  string
		change func(*email.Settings)
	}{
		{"host", func(s *email.Settings) { s.Host = "" }},
		{"host", func(s *email.Settings) { s.Host = "smtp.acme.example:587" }},
		{"host", func(s *email.Settings) { s.Host = "smtp acme" }},
		{"port", func(s *email.Settings) { s.Port = 0 }},
		{"port", func(s *email.Settings) { s.Port = 65536 }},
		{"security", func(s *email.Settings) { s.Security = "" }},
		{"security", func(s *email.Settings) { s.Security = "ssl" }},
		{"from", func(s *email.Settings) { s.From = "" }},
		{"from", func(s *email.Settings) { s.From = "Attest <attest@acme.example>" }},
		{"from", func(s *email.Settings) { s.From = "a@acme.example, b@acme.example" }},
		{"username", func(s *email.Settings) { s.Password = "" }},
		{"username", func(s *email.Settings) { s.Username = "" }},
	} {
		s := good
		tc.change(&s)
		if err := s.Validate(); attest.ErrorField(err) != tc.field || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("%+v: got %v, want an error naming %s", s, err, tc.field)
		}
	}
	for _, ok := range []func(*email.Settings){
		func(s *email.Settings) { s.Host = "127.0.0.1" },
		func(s *email.Settings) { s.Host = "::1" },
		func(s *email.Settings) { s.Username, s.Password = "", "" },
		func(s *email.Settings) { s.Security, s.Port = email.TLS, 465 },
		func(s *email.Settings) { s.Security, s.Port = email.None, 25 },
	} {
		s := good
		ok(&s)
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestSettingsNeverMarshalThePassword(t *testing.T) {
	b, err := json.Marshal(email.Settings{Host: "smtp.acme.example", Port: 587, Security: email.STARTTLS, Username: "attest", Password: "hunter2-secret", From: from})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "hunter2-secret") || strings.Contains(string(b), "assword") {
		t.Errorf("marshalled %s", b)
	}
}

func first(h map[string][]string, k string) string {
	if v := h[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}
