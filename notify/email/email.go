// Package email delivers notifications by SMTP, with the standard library's
// net/smtp: it renders a message (Build), hands it to the organization's mail
// server (Sender.Send) and tells apart the failures worth retrying from those
// only a person changing the settings can fix (attest.SendError).
package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

// Security is how the connection to the mail server is protected.
type Security string

const (
	STARTTLS Security = "starttls" // plain connection upgraded before anything is sent (usually port 587)
	TLS      Security = "tls"      // implicit TLS from the first byte (usually port 465)
	None     Security = "none"     // no encryption: only sensible on loopback or a trusted relay
)

// Settings say which mail server sends for Attest, and as whom.
type Settings struct {
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security Security `json:"security"`
	Username string   `json:"username,omitempty"`
	Password string   `json:"-"`    // a secret: stored sealed, never marshalled
	From     string   `json:"from"` // the sending address, e.g. attest@example.com
}

// Validate checks the settings without connecting. Its errors name the
// field at fault.
func (s Settings) Validate() error {
	if s.Host == "" {
		return attest.Invalid("host", "the mail server's host name is required")
	}
	if net.ParseIP(s.Host) == nil && !hostName(s.Host) {
		return attest.Invalid("host", "%q is neither a host name nor an IP address", s.Host)
	}
	if s.Port < 1 || s.Port > 65535 {
		return attest.Invalid("port", "want a port from 1 to 65535, got %d", s.Port)
	}
	switch s.Security {
	case STARTTLS, TLS, None:
	default:
		return attest.Invalid("security", "want starttls, tls or none, got %q", s.Security)
	}
	if _, err := plainAddress(s.From); err != nil {
		return attest.Invalid("from", "%v", err)
	}
	if s.Username == "" && s.Password != "" {
		return attest.Invalid("username", "a password needs a username")
	}
	if s.Username != "" && s.Password == "" {
		return attest.Invalid("username", "a username needs a password")
	}
	return nil
}

// hostName reports whether s is a syntactically valid DNS name: letters,
// digits, hyphens and underscores in dot-separated labels.
func hostName(s string) bool {
	if len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// plainAddress accepts one bare address (no display name, no angle
// brackets), as SMTP's MAIL FROM needs.
func plainAddress(s string) (string, error) {
	if s == "" {
		return "", errors.New("the sending address is required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", fmt.Errorf("want one plain address such as attest@example.com, got %q", s)
	}
	return a.Address, nil
}

// Message is one email to one person.
type Message struct {
	FromName string // display name, e.g. "Acme via Attest"; the address comes from Settings
	To       string // one address
	Subject  string
	Text     string // plain text body (required)
	HTML     string // optional HTML alternative
	// MessageID is "<unique@domain>". The caller derives it from the
	// delivery, so that a send retried after a lost answer carries the
	// same ID and mail clients can recognise the duplicate.
	MessageID string
	// Unsubscribe is an optional one-click unsubscribe URL (RFC 8058).
	Unsubscribe string
	Date        time.Time // zero: now
}

// Build renders m as an RFC 5322 message from the address from: text/plain,
// or multipart/alternative with text/plain then text/html when m has HTML;
// both UTF-8 and quoted-printable, so no line exceeds SMTP's limit whatever
// the body. A header value with CR or LF is refused (attest.Invalid naming
// the field), never written: it would let the value add headers of its own.
func Build(from string, m Message) ([]byte, error) {
	for _, h := range []struct{ field, value string }{
		{"from_name", m.FromName}, {"to", m.To}, {"subject", m.Subject},
		{"message_id", m.MessageID}, {"unsubscribe", m.Unsubscribe}, {"from", from},
	} {
		if strings.ContainsAny(h.value, "\r\n") {
			return nil, attest.Invalid(h.field, "must be one line: it goes in a mail header")
		}
	}
	sender, err := plainAddress(from)
	if err != nil {
		return nil, attest.Invalid("from", "%v", err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, attest.Invalid("to", "want one address, got %q", m.To)
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, attest.Invalid("text", "a message needs a plain text body")
	}
	if !messageID(m.MessageID) {
		return nil, attest.Invalid("message_id", "want <unique@domain>, got %q", m.MessageID)
	}
	if m.Unsubscribe != "" && !unsubscribeURL(m.Unsubscribe) {
		return nil, attest.Invalid("unsubscribe", "want an absolute https or http URL without spaces or angle brackets")
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}

	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("From", (&mail.Address{Name: m.FromName, Address: sender}).String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", m.MessageID)
	if m.Unsubscribe != "" {
		header("List-Unsubscribe", "<"+m.Unsubscribe+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	// Out-of-office replies and the like must not answer a notification
	// (RFC 3834).
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	textPart := textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}}
	if m.HTML == "" {
		for _, k := range []string{"Content-Type", "Content-Transfer-Encoding"} {
			header(k, textPart.Get(k))
		}
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b) // writes nothing until a part is created
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	htmlPart := textproto.MIMEHeader{"Content-Type": {"text/html; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}}
	// The last alternative is the preferred one (RFC 2046), so HTML goes
	// last and plain text stays for clients that cannot show it.
	for _, p := range []struct {
		h    textproto.MIMEHeader
		body string
	}{{textPart, m.Text}, {htmlPart, m.HTML}} {
		w, err := mw.CreatePart(p.h)
		if err != nil {
			return nil, fmt.Errorf("building the message: %w", err)
		}
		if err := writeQP(w, p.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("building the message: %w", err)
	}
	return b.Bytes(), nil
}

func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, s); err != nil {
		return fmt.Errorf("encoding the body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return fmt.Errorf("encoding the body: %w", err)
	}
	return nil
}

// messageID accepts <left@right> in printable ASCII with no spaces or
// further angle brackets.
func messageID(s string) bool {
	if len(s) < 5 || s[0] != '<' || s[len(s)-1] != '>' {
		return false
	}
	inner := s[1 : len(s)-1]
	left, right, ok := strings.Cut(inner, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return false
	}
	return printable(inner, "<> ")
}

// unsubscribeURL accepts an absolute http(s) URL that can sit between the
// angle brackets of List-Unsubscribe as it is.
func unsubscribeURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return false
	}
	return printable(s, `<> "`)
}

// printable reports whether s is printable ASCII without any of except.
func printable(s, except string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e || strings.IndexByte(except, s[i]) >= 0 {
			return false
		}
	}
	return true
}

// Sender sends through one mail server.
type Sender struct {
	Settings  Settings
	RootCAs   *x509.CertPool // nil: the system pool; tests pass the test server's CA
	Timeout   time.Duration  // for the whole conversation; 0: 30 s
	LocalName string         // the name given in EHLO; "": localhost
}

// Send delivers m. Every failure is an *attest.SendError.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := Build(s.Settings.From, m)
	if err != nil {
		return &attest.SendError{Channel: "email", Reason: "the message cannot be sent: " + err.Error(), Permanent: true, Err: err}
	}
	to, _ := mail.ParseAddress(m.To) // Build parsed it
	return s.converse(ctx, func(c *smtp.Client) (string, error) {
		if err := c.Mail(s.Settings.From); err != nil {
			return "the sending address " + s.Settings.From, err
		}
		if err := c.Rcpt(to.Address); err != nil {
			return "the recipient " + to.Address, err
		}
		w, err := c.Data()
		if err != nil {
			return "the message", err
		}
		if _, err := w.Write(msg); err != nil {
			return "the message", err
		}
		// Close ends the data and reads the server's verdict on it.
		if err := w.Close(); err != nil {
			return "the message", err
		}
		// The server has taken the message: a failing QUIT must not make
		// the caller send it again.
		c.Quit()
		return "", nil
	})
}

// Check connects, negotiates TLS and signs in as Send would, then says
// goodbye without sending anything: for a "check settings" button.
func (s *Sender) Check(ctx context.Context) error {
	return s.converse(ctx, func(c *smtp.Client) (string, error) {
		return "goodbye (QUIT)", c.Quit()
	})
}

// converse connects, greets, secures and authenticates, then hands the
// client to do, which names the step that failed. The connection is closed
// on return.
func (s *Sender) converse(parent context.Context, do func(*smtp.Client) (step string, err error)) error {
	if err := s.Settings.Validate(); err != nil {
		return &attest.SendError{Channel: "email", Reason: "the email settings are incomplete: " + err.Error(), Permanent: true, Err: err}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	conv := &conversation{Sender: s, parent: parent, timeout: timeout, deadline: time.Now().Add(timeout)}

	host := s.Settings.Host
	addr := net.JoinHostPort(host, strconv.Itoa(s.Settings.Port))
	// net/smtp sends a password over plain text only to these names and
	// refuses others with a bare error: say so before connecting, and why.
	if s.Settings.Username != "" && s.Settings.Security == None && host != "localhost" && host != "127.0.0.1" && host != "::1" {
		return &attest.SendError{Channel: "email", Permanent: true,
			Reason: fmt.Sprintf("refusing to send the password to %s unencrypted; choose STARTTLS or TLS as the security", addr)}
	}
	tlsConfig := &tls.Config{ServerName: host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
	var conn net.Conn
	var err error
	if s.Settings.Security == TLS {
		conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return conv.fail(ctx, "", err)
	}
	defer conn.Close()
	// The deadline bounds every read and write; cancelling ctx moves it to
	// now, which wakes whatever is blocked on the connection.
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return conv.fail(ctx, "the connection", err)
	}
	localName := s.LocalName
	if localName == "" {
		localName = "localhost"
	}
	if err := c.Hello(localName); err != nil {
		return conv.fail(ctx, "the greeting (EHLO)", err)
	}
	if s.Settings.Security == STARTTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &attest.SendError{Channel: "email", Permanent: true,
				Reason: fmt.Sprintf("the mail server at %s does not offer STARTTLS; check the port (587 usually offers it) and the security setting", addr)}
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return conv.fail(ctx, "STARTTLS", err)
		}
	}
	if s.Settings.Username != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok {
			return &attest.SendError{Channel: "email", Permanent: true,
				Reason: fmt.Sprintf("the mail server at %s does not offer authentication here; leave the username empty, or use STARTTLS or TLS", addr)}
		}
		offered := strings.Fields(strings.ToUpper(mechs))
		var auth smtp.Auth
		switch {
		case slices.Contains(offered, "PLAIN"):
			auth = smtp.PlainAuth("", s.Settings.Username, s.Settings.Password, host)
		case slices.Contains(offered, "LOGIN"):
			// Some servers (Microsoft 365 among them) offer LOGIN and not PLAIN.
			auth = &loginAuth{user: s.Settings.Username, pass: s.Settings.Password, host: host}
		default:
			return &attest.SendError{Channel: "email", Permanent: true,
				Reason: fmt.Sprintf("the mail server at %s accepts neither AUTH PLAIN nor AUTH LOGIN (it offers %s)", addr, mechs)}
		}
		if err := c.Auth(auth); err != nil {
			return conv.fail(ctx, "authentication", err)
		}
	}
	if step, err := do(c); err != nil {
		return conv.fail(ctx, step, err)
	}
	return nil
}

type conversation struct {
	*Sender
	parent   context.Context // the caller's context
	timeout  time.Duration   // our own limit on the conversation
	deadline time.Time       // when it runs out
}

// fail turns err, met during step ("" while connecting), into a SendError
// whose Reason a person can act on and whose Permanent says whether trying
// again can help. The password never appears in it.
func (c *conversation) fail(ctx context.Context, step string, err error) *attest.SendError {
	addr := net.JoinHostPort(c.Settings.Host, strconv.Itoa(c.Settings.Port))
	e := &attest.SendError{Channel: "email", Err: err}
	var (
		tpErr     *textproto.Error
		verifyErr *tls.CertificateVerificationError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		alert     tls.AlertError
		dnsErr    *net.DNSError
		netErr    net.Error
	)
	switch {
	case errors.Is(c.parent.Err(), context.Canceled):
		e.Reason = "sending was cancelled"
		e.Err = fmt.Errorf("%w (%w)", c.parent.Err(), err)
	case ctx.Err() != nil || errors.As(err, &netErr) && netErr.Timeout():
		// The connection's deadline is the context's, and may pass a
		// moment before the context notices: either means time ran out.
		e.Reason = fmt.Sprintf("the mail server at %s did not finish within %s", addr, c.timeout)
		if pd, ok := c.parent.Deadline(); ok && pd.Before(c.deadline) {
			e.Reason = fmt.Sprintf("the mail server at %s did not finish in time", addr)
		}
		e.Err = fmt.Errorf("%w (%w)", context.DeadlineExceeded, err)
	case errors.As(err, &tpErr):
		e.Permanent = tpErr.Code >= 500
		e.Reason = smtpReason(step, addr, tpErr)
	case errors.As(err, &verifyErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		// A certificate we do not trust stays untrusted until someone
		// changes the server or the settings.
		e.Permanent = true
		e.Reason = fmt.Sprintf("the mail server at %s presented a certificate that is not trusted for %s", addr, c.Settings.Host)
	case errors.As(err, &record):
		e.Permanent = true
		e.Reason = fmt.Sprintf("the mail server at %s does not speak TLS on this port; check the port and the security setting", addr)
	case errors.As(err, &alert):
		e.Permanent = true
		e.Reason = fmt.Sprintf("the mail server at %s refused the TLS handshake", addr)
	case errors.As(err, &dnsErr):
		e.Reason = fmt.Sprintf("could not look up the mail server %s", c.Settings.Host)
	case step == "":
		e.Reason = fmt.Sprintf("could not connect to the mail server at %s", addr)
	case errors.Is(err, io.EOF):
		e.Reason = fmt.Sprintf("the mail server at %s closed the connection during %s", addr, step)
	default:
		e.Reason = fmt.Sprintf("talking to the mail server at %s failed during %s", addr, step)
	}
	if pw := c.Settings.Password; pw != "" {
		e.Reason = strings.ReplaceAll(e.Reason, pw, "[password]")
		if strings.Contains(e.Err.Error(), pw) {
			e.Err = errors.New(strings.ReplaceAll(e.Err.Error(), pw, "[password]"))
		}
	}
	return e
}

// smtpReason says what the server's answer means for the step it refused.
func smtpReason(step, addr string, err *textproto.Error) string {
	answer := fmt.Sprintf("%d %s", err.Code, strings.TrimSpace(err.Msg))
	switch {
	case step == "authentication" && err.Code == 535:
		return fmt.Sprintf("the mail server at %s refused the username or password (%s)", addr, answer)
	case step == "the connection":
		return fmt.Sprintf("the mail server at %s turned the connection away: %s", addr, answer)
	case err.Code >= 500:
		return fmt.Sprintf("the mail server at %s refused %s: %s", addr, step, answer)
	default:
		return fmt.Sprintf("the mail server at %s deferred %s: %s", addr, step, answer)
	}
}

// loginAuth is the LOGIN mechanism, which net/smtp does not provide: the
// server asks for the user name, then the password. Like net/smtp's PLAIN,
// it refuses to send them unencrypted except to localhost.
type loginAuth struct{ user, pass, host string }

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && server.Name != "localhost" && server.Name != "127.0.0.1" && server.Name != "::1" {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:", "user name", "username":
		return []byte(a.user), nil
	case "password:", "password":
		return []byte(a.pass), nil
	}
	return nil, fmt.Errorf("unexpected AUTH LOGIN challenge %q", fromServer)
}
