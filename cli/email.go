package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/notify/email"
)

// The install's SMTP server is set here, by whoever runs Attest: it is one
// for every organization, and its password is sealed with the install's
// secret key like connection credentials.

func runEmailSet(e *env, args []string) error {
	f := newFlags("email set", e)
	host := f.fs.String("host", "", "the SMTP server's host name")
	port := f.fs.String("port", "587", "its port: 587 for STARTTLS, 465 for implicit TLS, 25 for a relay")
	security := f.fs.String("security", "starttls", "starttls, tls (implicit, port 465) or none (a trusted relay only)")
	user := f.fs.String("username", "", "the user to sign in as; none for a relay that needs no sign-in")
	from := f.fs.String("from", "", "the address email is sent from, such as compliance@example.com")
	pwStdin := f.fs.Bool("password-stdin", false, "read the password from standard input instead of prompting")
	check := f.fs.Bool("check", true, "connect, start TLS and sign in before saving")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	p, err := strconv.Atoi(*port)
	if err != nil {
		return usagef("--port: want a number, got %q", *port)
	}
	set := email.Settings{Host: *host, Port: p, Security: email.Security(*security), Username: *user, From: *from}
	if set.Username != "" {
		pw, err := readSecret(e, *pwStdin, "SMTP password for "+set.Username)
		if err != nil {
			return err
		}
		set.Password = strings.TrimRight(string(pw), "\r\n")
	}
	if err := set.Validate(); err != nil {
		return emailFlagError(err)
	}
	s, err := f.open(e.ctx, app.Needs{Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if *check {
		if err := (&email.Sender{Settings: set}).Check(e.ctx); err != nil {
			return fmt.Errorf("not saved: %w (pass --check=false to save anyway)", err)
		}
	}
	if err := s.Notify.SetMail(e.ctx, set); err != nil {
		return emailFlagError(err)
	}
	fmt.Fprintf(e.stdout, "email is sent through %s:%d (%s) from %s; `attest email test --to ADDRESS` sends a message now\n", set.Host, set.Port, set.Security, set.From)
	return nil
}

// emailFlagError names the flag of a settings field at fault.
func emailFlagError(err error) error {
	var ae *attest.Error
	if errors.As(err, &ae) && ae.Code == attest.EINVALID && ae.Field != "" {
		return usagef("--%s: %s", ae.Field, ae.Message)
	}
	return err
}

func runEmailShow(e *env, args []string) error {
	f := newFlags("email show", e)
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	s, err := f.open(e.ctx, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	set, ok, err := s.Notify.Mail(e.ctx)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(e.stdout, "email is not set up: invitations are links to copy and no digest is sent; set it with `attest email set`")
		return nil
	}
	who := "no sign-in"
	if set.Username != "" {
		who = "signing in as " + set.Username
	}
	fmt.Fprintf(e.stdout, "host %s\nport %d\nsecurity %s\nfrom %s\n%s\n", set.Host, set.Port, set.Security, set.From, who)
	return nil
}

func runEmailCheck(e *env, args []string) error {
	f := newFlags("email check", e)
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	s, err := f.open(e.ctx, app.Needs{Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Notify.CheckMail(e.ctx); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "the SMTP server accepted the connection and the sign-in")
	return nil
}

// runEmailTest sends a message now, from this process, and says what the
// server answered: the quickest way to see a wrong password or a blocked port.
func runEmailTest(e *env, args []string) error {
	f := newFlags("email test", e)
	to := f.fs.String("to", "", "the address to send the test message to")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if err := attest.ValidateEmail(attest.NormalizeEmail(*to)); err != nil {
		return usagef("--to: %s", attest.ErrorMessage(err))
	}
	s, err := f.open(e.ctx, app.Needs{Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Notify.SendNow(e.ctx, attest.NormalizeEmail(*to)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sent a test message to %s\n", *to)
	return nil
}

func runEmailClear(e *env, args []string) error {
	f := newFlags("email clear", e)
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	s, err := f.open(e.ctx, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Notify.ClearMail(e.ctx); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "email is off: invitations are links to copy and digests are not sent")
	return nil
}

// runNotifySend runs one notification round and sends every queued message
// from this process, printing each outcome: for cron-less tests of the
// settings, and for installs whose server runs no jobs.
func runNotifySend(e *env, args []string) error {
	f := newFlags("notify send", e)
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	s, err := f.open(e.ctx, app.Needs{Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	ids, err := s.Notify.Round(e.ctx, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "round: %v\n", err)
	}
	failed := 0
	for _, id := range ids {
		if err := s.Notify.Deliver(e.ctx, id, false); err != nil {
			failed++
			fmt.Fprintf(e.stdout, "message %d: not sent: %v\n", id, err)
			continue
		}
		fmt.Fprintf(e.stdout, "message %d: sent\n", id)
	}
	if failed > 0 || err != nil {
		return fmt.Errorf("%d of %d message(s) not sent", failed, len(ids))
	}
	fmt.Fprintf(e.stdout, "%d message(s) sent\n", len(ids))
	return nil
}
