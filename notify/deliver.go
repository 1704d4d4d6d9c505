package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify/email"
	"github.com/attest-hq/attest/notify/slack"
	"github.com/attest-hq/attest/store"
)

// body is what a delivery sends, sealed at rest: an invitation's link is a
// secret, and a digest tells of an organization's failing controls.
type body struct {
	FromName    string         `json:"from_name,omitempty"`
	Text        string         `json:"text,omitempty"`
	HTML        string         `json:"html,omitempty"`
	Unsubscribe string         `json:"unsubscribe,omitempty"`
	Slack       *slack.Message `json:"slack,omitempty"`
}

// add queues a delivery inside tx; the caller hands its ID to the job queue
// once tx has committed.
func (s *Service) add(ctx context.Context, tx *store.Queries, d *attest.Delivery, b body) error {
	box, err := s.box()
	if err != nil {
		return err
	}
	plain, err := json.Marshal(b)
	if err != nil {
		return err
	}
	sealed, err := box.Seal(plain)
	if err != nil {
		return fmt.Errorf("seal message: %w", err)
	}
	return tx.AddDelivery(ctx, d, sealed)
}

// handOver gives queued deliveries to the job queue. A failure is only
// logged: the delivery is in the database, and the next round hands it over
// again.
func (s *Service) handOver(ctx context.Context, ids ...int64) {
	if s.Queue == nil {
		return
	}
	for _, id := range ids {
		if err := s.Queue.QueueDelivery(ctx, id); err != nil {
			s.log().Warn("notify: queue message", "delivery", id, "err", err)
		}
	}
}

// ErrNoMail says that the install has no SMTP server.
var ErrNoMail = attest.Errorf(attest.EINVALID, "email is not set up on this install: whoever runs it sets the SMTP server with `attest email set`")

// Invite emails an invitation's link to the address invited. sent is false,
// with no error, when the install has no email: the inviter copies the link.
func (s *Service) Invite(ctx context.Context, p attest.Principal, inv attest.Invitation, secret string) (sent bool, err error) {
	if err := p.Require(attest.ActAdmin); err != nil {
		return false, err
	}
	if _, err := s.DB.MailSettings(ctx); attest.ErrorCode(err) == attest.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return false, err
	}
	inviter, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return false, err
	}
	who := inviter.Name
	if who == "" {
		who = inviter.Email
	}
	if who == "" {
		who = "An admin"
	}
	link := s.BaseURL + "/invitations/" + secret
	b := body{
		Text: fmt.Sprintf("%s invited you to join %s on Attest as %s.\n\nAccept the invitation:\n%s\n\nThe link works until %s UTC and only once. "+
			"If you did not expect it, ignore this email.\n", who, org.Name, inv.Role, link, inv.ExpiresAt.UTC().Format("2 January 2006 15:04")),
		HTML: render(inviteHTML, map[string]any{"Who": who, "Org": org.Name, "Role": string(inv.Role), "Link": link,
			"Until": inv.ExpiresAt.UTC().Format("2 January 2006 15:04")}),
	}
	var d attest.Delivery
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if b.FromName, err = s.from(ctx, tx, org); err != nil {
			return err
		}
		d = attest.Delivery{OrgID: org.ID, Channel: "email", Address: inv.Email, Purpose: attest.DeliveryInvitation,
			Subject: fmt.Sprintf("You are invited to join %s on Attest", org.Name)}
		return s.add(ctx, tx, &d, b)
	})
	if err != nil {
		return false, err
	}
	s.handOver(ctx, d.ID)
	return true, nil
}

func (s *Service) from(ctx context.Context, tx *store.Queries, org attest.Organization) (string, error) {
	name, err := tx.MailFromName(ctx, org.ID)
	return fromName(name, org.Name), err
}

// SendTestEmail emails the signed-in admin a test message.
func (s *Service) SendTestEmail(ctx context.Context, p attest.Principal) (attest.Delivery, error) {
	var d attest.Delivery
	if err := p.Require(attest.ActAdmin); err != nil {
		return d, err
	}
	if _, err := s.DB.MailSettings(ctx); attest.ErrorCode(err) == attest.ENOTFOUND {
		return d, ErrNoMail
	} else if err != nil {
		return d, err
	}
	u, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil {
		return d, err
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return d, err
	}
	text := fmt.Sprintf("This is a test message from Attest for %s.\n\nIf you can read it, email works: invitations and digests will arrive.\n\n%s\n", org.Name, s.BaseURL)
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		from, err := s.from(ctx, tx, org)
		if err != nil {
			return err
		}
		d = attest.Delivery{OrgID: org.ID, Channel: "email", UserID: u.ID, Address: u.Email, Purpose: attest.DeliveryTest,
			Subject: "Attest test message"}
		if err := s.add(ctx, tx, &d, body{FromName: from, Text: text, HTML: render(testHTML, map[string]any{"Org": org.Name, "Base": s.BaseURL})}); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("notifications.test_sent", "delivery", fmt.Sprint(d.ID), "Sent a test email to "+u.Email))
	})
	if err != nil {
		return d, err
	}
	s.handOver(ctx, d.ID)
	return d, nil
}

// SendTestSlack posts a test message to one of p's organization's channels.
func (s *Service) SendTestSlack(ctx context.Context, p attest.Principal, channelID int64) (attest.Delivery, error) {
	var d attest.Delivery
	if err := p.Require(attest.ActAdmin); err != nil {
		return d, err
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return d, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		c, _, err := tx.SlackChannel(ctx, p.OrgID, channelID)
		if err != nil {
			return err
		}
		msg := &slack.Message{Text: fmt.Sprintf("Test message from Attest for %s: this channel will receive %s.",
			slack.Escape(org.Name), slack.Escape(kindTitles(c.Kinds)))}
		d = attest.Delivery{OrgID: org.ID, Channel: "slack", ChannelID: c.ID, Address: c.Name, Purpose: attest.DeliveryTest,
			Subject: "Attest test message"}
		if err := s.add(ctx, tx, &d, body{Slack: msg}); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("notifications.test_sent", "delivery", fmt.Sprint(d.ID), "Sent a test message to Slack channel "+c.Name))
	})
	if err != nil {
		return d, err
	}
	s.handOver(ctx, d.ID)
	return d, nil
}

func kindTitles(ids []string) string {
	var out []string
	for _, id := range ids {
		if k, ok := attest.Kind(id); ok {
			out = append(out, strings.ToLower(k.Title))
		}
	}
	return strings.Join(out, ", ")
}

// Deliver sends one queued message and records the outcome: sent; queued
// again with the reason (a server down, throttling); or failed for good
// (final, or an error trying again cannot fix). A message no longer queued
// is left alone, so a job run twice sends once.
func (s *Service) Deliver(ctx context.Context, id int64, final bool) error {
	d, sealed, err := s.DB.DeliveryBody(ctx, id)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return nil // pruned
	}
	if err != nil {
		return err
	}
	if d.Status != attest.DeliveryQueued {
		return nil
	}
	sendErr := s.send(ctx, d, sealed)
	status, reason := attest.DeliverySent, ""
	if sendErr != nil {
		status, reason = attest.DeliveryQueued, sendErr.Error()
		var se *attest.SendError
		if errors.As(sendErr, &se) {
			reason = se.Reason
		}
		if final || errors.As(sendErr, &se) && se.Permanent {
			status = attest.DeliveryFailed
		}
	}
	// The outcome is recorded even when the job's context has ended: a
	// message sent must not be sent again.
	if _, err := s.DB.RecordAttempt(context.WithoutCancel(ctx), id, status, reason); err != nil {
		return errors.Join(sendErr, err)
	}
	if sendErr != nil {
		s.log().Warn("notify: message not sent", "delivery", id, "channel", d.Channel, "final", status == attest.DeliveryFailed, "reason", reason)
	}
	return sendErr
}

func (s *Service) send(ctx context.Context, d attest.Delivery, sealed []byte) error {
	box, err := s.box()
	if err != nil {
		return &attest.SendError{Channel: d.Channel, Reason: err.Error(), Permanent: true}
	}
	plain, err := box.Open(sealed)
	if err != nil {
		return &attest.SendError{Channel: d.Channel, Reason: "the message cannot be opened with this install's secret key", Permanent: true, Err: err}
	}
	var b body
	if err := json.Unmarshal(plain, &b); err != nil {
		return &attest.SendError{Channel: d.Channel, Reason: "the stored message is damaged", Permanent: true, Err: err}
	}
	switch d.Channel {
	case "email":
		set, err := s.mail(ctx)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return &attest.SendError{Channel: "email", Reason: ErrNoMail.Error(), Permanent: true}
		}
		if err != nil {
			return err
		}
		return s.sender(set).Send(ctx, email.Message{FromName: b.FromName, To: d.Address, Subject: d.Subject, Text: b.Text,
			HTML: b.HTML, MessageID: messageID(d, set.From), Unsubscribe: b.Unsubscribe, Date: s.now()})
	case "slack":
		_, sealedHook, err := s.DB.SlackChannel(ctx, d.OrgID, d.ChannelID)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return &attest.SendError{Channel: "slack", Reason: "the Slack channel was disconnected", Permanent: true}
		}
		if err != nil {
			return err
		}
		hook, err := box.Open(sealedHook)
		if err != nil {
			return &attest.SendError{Channel: "slack", Reason: "the webhook cannot be opened with this install's secret key", Permanent: true, Err: err}
		}
		if b.Slack == nil {
			return &attest.SendError{Channel: "slack", Reason: "the stored message has nothing for Slack", Permanent: true}
		}
		c := s.Slack
		if c == nil {
			c = &slack.Client{}
		}
		return c.Post(ctx, string(hook), *b.Slack)
	}
	return &attest.SendError{Channel: d.Channel, Reason: "unknown channel " + d.Channel, Permanent: true}
}

// messageID is the same for every attempt at one delivery, so that a
// message sent again after a crash is recognisably the same message.
func messageID(d attest.Delivery, from string) string {
	domain := "attest.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
			domain = a.Address[at+1:]
		}
	}
	return fmt.Sprintf("<attest.%d.%d@%s>", d.ID, d.CreatedAt.UnixNano(), domain)
}

// SendNow emails a test message to an address at once, from this process,
// and returns what the server answered (`attest email test`).
func (s *Service) SendNow(ctx context.Context, to string) error {
	set, err := s.mail(ctx)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return ErrNoMail
	}
	if err != nil {
		return err
	}
	now := s.now()
	return s.sender(set).Send(ctx, email.Message{FromName: "Attest", To: to, Subject: "Attest test message",
		Text:      "This is a test message from Attest. If you can read it, email works: invitations and digests will arrive.\n",
		MessageID: messageID(attest.Delivery{CreatedAt: now}, set.From), Date: now})
}
