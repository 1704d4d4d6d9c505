// Package notify tells people what needs them, by email and in Slack.
//
// What happens is recorded as notices (round.go reads tasks, evidence,
// test results, policies and the activity log each round); a notice waits
// for its recipient's cadence for its kind, and those due leave together as
// one digest (digest.go): an email to a member, a message to a team's Slack
// channel. Each message is a delivery, sealed at rest and sent by a job
// (deliver.go), retried with backoff, its outcome recorded. Invitations and
// test messages are deliveries of their own, sent at once.
package notify

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify/email"
	"github.com/attest-hq/attest/notify/slack"
	"github.com/attest-hq/attest/store"
)

// Queue hands a delivery to the job queue. Without one (a CLI command),
// deliveries wait in the database for the next round of a running server.
type Queue interface {
	QueueDelivery(ctx context.Context, deliveryID int64) error
}

// Service keeps notification settings and sends notifications.
type Service struct {
	DB      *store.DB
	Box     attest.SecretBox // seals the SMTP password, webhooks and message bodies; nil: nothing can be sent
	Queue   Queue            // nil: deliveries wait for a round
	BaseURL string           // links in messages; set by the web server
	Now     func() time.Time
	Log     *slog.Logger
	// StateEvery is how often a round reads an organization's state (tasks,
	// evidence freshness, policies), which costs a read of each; history
	// (result changes, the activity log) is read every round. Zero: every
	// round.
	StateEvery time.Duration
	// Checklists derives the organization's onboarding and offboarding
	// checklists on a day (programme.ChecklistInput, then
	// attest.Checklists); nil: no checklist notices.
	Checklists func(ctx context.Context, orgID int64, today string) ([]attest.Checklist, error)

	mu        sync.Mutex
	lastState map[int64]time.Time // per organization, in this process

	// Tests: a private CA for the SMTP server, a Slack client, and plain
	// http webhooks on loopback.
	RootCAs           *x509.CertPool
	Slack             *slack.Client
	AllowHTTPWebhooks bool
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Service) box() (attest.SecretBox, error) {
	if s.Box == nil {
		return nil, attest.Errorf(attest.EINVALID, "this install has no secret key, so it cannot keep notification settings")
	}
	return s.Box, nil
}

// MailStatus is the install's email settings as an organization's admins see
// them: whether email is set up, and from what address.
type MailStatus struct {
	Configured bool      `json:"configured"`
	Host       string    `json:"host,omitempty"`
	Port       int       `json:"port,omitempty"`
	Security   string    `json:"security,omitempty"`
	From       string    `json:"from,omitempty"`
	FromName   string    `json:"from_name"` // this organization's
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

// SetMail sets the install's SMTP server (`attest email set`, run by whoever
// runs the install). The password is sealed.
func (s *Service) SetMail(ctx context.Context, set email.Settings) error {
	if err := set.Validate(); err != nil {
		return err
	}
	box, err := s.box()
	if err != nil {
		return err
	}
	m := store.MailSettings{Host: set.Host, Port: set.Port, Security: string(set.Security), Username: set.Username, From: set.From}
	if set.Password != "" {
		if m.SealedPassword, err = box.Seal([]byte(set.Password)); err != nil {
			return fmt.Errorf("seal SMTP password: %w", err)
		}
	}
	return s.DB.SaveMailSettings(ctx, m)
}

// ClearMail turns email off for the install.
func (s *Service) ClearMail(ctx context.Context) error { return s.DB.DeleteMailSettings(ctx) }

// mail returns the install's SMTP settings with the password opened;
// ENOTFOUND when email is not set up.
func (s *Service) mail(ctx context.Context) (email.Settings, error) {
	m, err := s.DB.MailSettings(ctx)
	if err != nil {
		return email.Settings{}, err
	}
	set := email.Settings{Host: m.Host, Port: m.Port, Security: email.Security(m.Security), Username: m.Username, From: m.From}
	if m.SealedPassword != nil {
		box, err := s.box()
		if err != nil {
			return set, err
		}
		pw, err := box.Open(m.SealedPassword)
		if err != nil {
			return set, fmt.Errorf("open SMTP password (was the secret key replaced?): %w", err)
		}
		set.Password = string(pw)
	}
	return set, nil
}

// Mail describes the install's email settings, with no password (it needs
// no secret key).
func (s *Service) Mail(ctx context.Context) (email.Settings, bool, error) {
	m, err := s.DB.MailSettings(ctx)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return email.Settings{}, false, nil
	}
	if err != nil {
		return email.Settings{}, false, err
	}
	return email.Settings{Host: m.Host, Port: m.Port, Security: email.Security(m.Security), Username: m.Username, From: m.From}, true, nil
}

// MailOn reports whether the install has email set up, for pages that tell
// members whether their notifications leave by email.
func (s *Service) MailOn(ctx context.Context) (bool, error) {
	_, on, err := s.Mail(ctx)
	return on, err
}

// CheckMail connects to the install's SMTP server, starts TLS and signs in
// as configured, without sending anything.
func (s *Service) CheckMail(ctx context.Context) error {
	set, err := s.mail(ctx)
	if err != nil {
		return err
	}
	return s.sender(set).Check(ctx)
}

func (s *Service) sender(set email.Settings) *email.Sender {
	return &email.Sender{Settings: set, RootCAs: s.RootCAs}
}

// MailStatus tells an organization's admins whether email is set up.
func (s *Service) MailStatus(ctx context.Context, p attest.Principal) (MailStatus, error) {
	if err := p.Require(attest.ActAdmin); err != nil {
		return MailStatus{}, err
	}
	var st MailStatus
	m, err := s.DB.MailSettings(ctx)
	switch {
	case err == nil:
		st = MailStatus{Configured: true, Host: m.Host, Port: m.Port, Security: m.Security, From: m.From, UpdatedAt: m.UpdatedAt}
	case attest.ErrorCode(err) != attest.ENOTFOUND:
		return st, err
	}
	st.FromName, err = s.DB.MailFromName(ctx, p.OrgID)
	return st, err
}

// SetFromName sets the name p's organization's email is sent under.
func (s *Service) SetFromName(ctx context.Context, p attest.Principal, name string) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if len(name) > 100 || strings.ContainsAny(name, "\r\n\"<>") {
		return attest.Invalid("from_name", "use at most 100 characters, without quotes, angle brackets or line breaks")
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetMailFromName(ctx, p.OrgID, name); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("notifications.from_name_set", "organization", fmt.Sprint(p.OrgID), "Email is sent as "+fromName(name, "")))
	})
}

// fromName is the display name of an organization's email.
func fromName(set, org string) string {
	if set != "" {
		return set
	}
	if org == "" {
		return "Attest"
	}
	return org + " via Attest"
}

// AddSlackChannel connects a team's Slack channel through an incoming webhook.
func (s *Service) AddSlackChannel(ctx context.Context, p attest.Principal, c attest.SlackChannel, webhook string) (attest.SlackChannel, error) {
	if err := p.Require(attest.ActAdmin); err != nil {
		return c, err
	}
	c.OrgID, c.CreatedBy, c.Name = p.OrgID, p.UserID, strings.TrimSpace(c.Name)
	if err := attest.ValidateSlackChannel(c); err != nil {
		return c, err
	}
	webhook = strings.TrimSpace(webhook)
	if err := slack.ValidateWebhookURL(webhook, s.AllowHTTPWebhooks); err != nil {
		return c, err
	}
	box, err := s.box()
	if err != nil {
		return c, err
	}
	sealed, err := box.Seal([]byte(webhook))
	if err != nil {
		return c, fmt.Errorf("seal webhook: %w", err)
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddSlackChannel(ctx, &c, sealed); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("notifications.slack_added", "slack_channel", fmt.Sprint(c.ID),
			fmt.Sprintf("Connected Slack channel %s (%s, %s)", c.Name, strings.Join(c.Kinds, ", "), c.Cadence)))
	})
	return c, err
}

// UpdateSlackChannel changes a channel's name, kinds and cadence, and its
// webhook when webhook is not "".
func (s *Service) UpdateSlackChannel(ctx context.Context, p attest.Principal, c attest.SlackChannel, webhook string) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	c.OrgID, c.Name = p.OrgID, strings.TrimSpace(c.Name)
	if err := attest.ValidateSlackChannel(c); err != nil {
		return err
	}
	var sealed []byte
	if webhook = strings.TrimSpace(webhook); webhook != "" {
		if err := slack.ValidateWebhookURL(webhook, s.AllowHTTPWebhooks); err != nil {
			return err
		}
		box, err := s.box()
		if err != nil {
			return err
		}
		if sealed, err = box.Seal([]byte(webhook)); err != nil {
			return fmt.Errorf("seal webhook: %w", err)
		}
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateSlackChannel(ctx, c, sealed); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("notifications.slack_changed", "slack_channel", fmt.Sprint(c.ID),
			fmt.Sprintf("Changed Slack channel %s (%s, %s)", c.Name, strings.Join(c.Kinds, ", "), c.Cadence)))
	})
}

// SlackChannels lists p's organization's channels.
func (s *Service) SlackChannels(ctx context.Context, p attest.Principal) ([]attest.SlackChannel, error) {
	if err := p.Require(attest.ActAdmin); err != nil {
		return nil, err
	}
	return s.DB.SlackChannels(ctx, p.OrgID)
}

// RemoveSlackChannel disconnects a channel; what was waiting for it is dropped.
func (s *Service) RemoveSlackChannel(ctx context.Context, p attest.Principal, id int64) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		c, _, err := tx.SlackChannel(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteSlackChannel(ctx, p.OrgID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("notifications.slack_removed", "slack_channel", fmt.Sprint(id), "Disconnected Slack channel "+c.Name))
	})
}

// Preference is how often a member hears of one kind, and why.
type Preference struct {
	Kind    attest.NoticeKind `json:"kind"`
	Cadence attest.Cadence    `json:"cadence"`
	Chosen  bool              `json:"chosen"` // the member chose it; otherwise the organization's default (or Attest's)
}

// cadenceFor decides a kind's cadence for a member: fixed kinds are always
// immediate; otherwise the member's choice, the organization's default, or
// the kind's own.
func cadenceFor(k attest.NoticeKind, mine, defaults map[string]attest.Cadence) (attest.Cadence, bool) {
	if k.Fixed {
		return attest.CadenceImmediately, false
	}
	if c, ok := mine[k.ID]; ok {
		return c, true
	}
	if c, ok := defaults[k.ID]; ok {
		return c, false
	}
	return k.Default, false
}

// Preferences returns the signed-in member's cadence for every kind.
func (s *Service) Preferences(ctx context.Context, p attest.Principal) ([]Preference, error) {
	if err := p.Require(attest.ActOwn); err != nil || p.UserID == 0 {
		return nil, err
	}
	mine, err := s.DB.NoticePrefs(ctx, p.OrgID, p.UserID)
	if err != nil {
		return nil, err
	}
	defaults, err := s.DB.NoticeDefaults(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	var out []Preference
	for _, k := range attest.NoticeKinds {
		c, chosen := cadenceFor(k, mine[p.UserID], defaults)
		out = append(out, Preference{Kind: k, Cadence: c, Chosen: chosen})
	}
	return out, nil
}

// checkChoices validates cadences chosen per kind, naming the kind at fault.
func checkChoices(choices map[string]string) (map[string]attest.Cadence, error) {
	out := map[string]attest.Cadence{}
	for id, v := range choices {
		k, ok := attest.Kind(id)
		if !ok {
			return nil, attest.Invalid(id, "unknown kind of notification")
		}
		if v == "" || v == "default" {
			out[id] = ""
			continue
		}
		c, err := attest.ParseCadence(v)
		if err != nil {
			return nil, attest.Invalid(id, "want immediately, hourly, daily or off, got %q", v)
		}
		if k.Fixed && c != attest.CadenceImmediately {
			return nil, attest.Invalid(id, "%s are always sent at once", k.Title)
		}
		out[id] = c
	}
	return out, nil
}

// SetPreferences records the signed-in member's cadence per kind; "" or
// "default" returns a kind to the organization's default.
func (s *Service) SetPreferences(ctx context.Context, p attest.Principal, choices map[string]string) error {
	if err := p.Require(attest.ActOwn); err != nil {
		return err
	}
	if p.UserID == 0 {
		return attest.Errorf(attest.EFORBIDDEN, "notification preferences belong to a signed-in person")
	}
	set, err := checkChoices(choices)
	if err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		for id, c := range set {
			if err := tx.SetNoticePref(ctx, p.OrgID, p.UserID, id, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// Defaults returns p's organization's default cadence for every kind.
func (s *Service) Defaults(ctx context.Context, p attest.Principal) ([]Preference, error) {
	if err := p.Require(attest.ActAdmin); err != nil {
		return nil, err
	}
	defaults, err := s.DB.NoticeDefaults(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	var out []Preference
	for _, k := range attest.NoticeKinds {
		c, _ := cadenceFor(k, nil, defaults)
		_, chosen := defaults[k.ID]
		out = append(out, Preference{Kind: k, Cadence: c, Chosen: chosen})
	}
	return out, nil
}

// SetDefaults sets p's organization's default cadence per kind, for members
// who have not chosen.
func (s *Service) SetDefaults(ctx context.Context, p attest.Principal, choices map[string]string) error {
	if err := p.Require(attest.ActAdmin); err != nil {
		return err
	}
	set, err := checkChoices(choices)
	if err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		var parts []string
		for _, k := range attest.NoticeKinds {
			c, ok := set[k.ID]
			if !ok {
				continue
			}
			if c == "" {
				c = k.Default
			}
			if err := tx.SetNoticeDefault(ctx, p.OrgID, k.ID, c); err != nil {
				return err
			}
			parts = append(parts, k.ID+": "+string(c))
		}
		return tx.Log(ctx, p.Record("notifications.defaults_set", "organization", fmt.Sprint(p.OrgID),
			"Set notification defaults ("+strings.Join(parts, ", ")+")"))
	})
}

// unsubscribe is what an unsubscribe link carries, sealed with the
// install's key: only Attest can make one, and it names one member of one
// organization and the kinds to stop.
type unsubscribe struct {
	Org   int64    `json:"o"`
	User  int64    `json:"u"`
	Kinds []string `json:"k"`
}

// UnsubscribeToken makes the secret of a one-click unsubscribe link.
func (s *Service) UnsubscribeToken(orgID, userID int64, kinds ...string) (string, error) {
	box, err := s.box()
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(unsubscribe{Org: orgID, User: userID, Kinds: kinds})
	if err != nil {
		return "", err
	}
	sealed, err := box.Seal(b)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Unsubscription is what an unsubscribe link stops.
type Unsubscription struct {
	Org   attest.Organization
	Email string
	Kinds []attest.NoticeKind
}

// ReadUnsubscribe opens an unsubscribe link's secret; a forged or damaged
// one is ENOTFOUND.
func (s *Service) ReadUnsubscribe(ctx context.Context, token string) (Unsubscription, unsubscribe, error) {
	var u Unsubscription
	var t unsubscribe
	bad := attest.Errorf(attest.ENOTFOUND, "this unsubscribe link is not valid: change your notifications from your account instead")
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(token) > 1024 || s.Box == nil {
		return u, t, bad
	}
	plain, err := s.Box.Open(raw)
	if err != nil || json.Unmarshal(plain, &t) != nil {
		return u, t, bad
	}
	if _, err := s.DB.Membership(ctx, t.Org, t.User); err != nil {
		return u, t, bad // no longer a member: nothing to stop
	}
	if u.Org, err = s.DB.OrgByID(ctx, t.Org); err != nil {
		return u, t, bad
	}
	user, err := s.DB.UserByID(ctx, t.User)
	if err != nil {
		return u, t, bad
	}
	u.Email = user.Email
	for _, id := range t.Kinds {
		if k, ok := attest.Kind(id); ok && !k.Fixed {
			u.Kinds = append(u.Kinds, k)
		}
	}
	if len(u.Kinds) == 0 {
		return u, t, bad
	}
	return u, t, nil
}

// Unsubscribe turns off the kinds an unsubscribe link names, for the member
// it names, without signing in: the link itself is the proof.
func (s *Service) Unsubscribe(ctx context.Context, token string) (Unsubscription, error) {
	u, t, err := s.ReadUnsubscribe(ctx, token)
	if err != nil {
		return u, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		var titles []string
		for _, k := range u.Kinds {
			if err := tx.SetNoticePref(ctx, t.Org, t.User, k.ID, attest.CadenceOff); err != nil {
				return err
			}
			titles = append(titles, k.Title)
		}
		a := attest.Actor{UserID: t.User, Label: u.Email, Via: attest.ViaUI}
		return tx.Log(ctx, a.Record(t.Org, "notifications.unsubscribed", "user", fmt.Sprint(t.User),
			u.Email+" unsubscribed from "+strings.Join(titles, ", ")+" through an email link"))
	})
	return u, err
}

// Deliveries lists p's organization's latest messages: the delivery log.
func (s *Service) Deliveries(ctx context.Context, p attest.Principal, limit int) ([]attest.Delivery, error) {
	if err := p.Require(attest.ActAdmin); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return s.DB.Deliveries(ctx, p.OrgID, limit)
}

// Recent lists the signed-in member's latest notices, sent or waiting.
func (s *Service) Recent(ctx context.Context, p attest.Principal, limit int) ([]attest.Notice, error) {
	if err := p.Require(attest.ActOwn); err != nil || p.UserID == 0 {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return s.DB.Notices(ctx, p.OrgID, p.UserID, limit)
}

// Resealer re-seals a value with the current key (secret.Box.Rotate).
type Resealer interface {
	Rotate(sealed []byte) (out []byte, changed bool, err error)
}

// Reseal re-seals, after a key rotation, the SMTP password, every Slack
// webhook and every queued message's body with the current key, and
// returns how many values it changed of how many it holds.
func (s *Service) Reseal(ctx context.Context, box Resealer) (resealed, total int, err error) {
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		rotate := func(what string, sealed []byte, save func([]byte) error) error {
			total++
			out, changed, err := box.Rotate(sealed)
			if err != nil {
				return fmt.Errorf("%s: %w: keep the key that sealed it among the keys until it is re-sealed", what, err)
			}
			if !changed {
				return nil
			}
			resealed++
			return save(out)
		}
		m, err := tx.MailSettings(ctx)
		if err == nil && m.SealedPassword != nil {
			if err := rotate("the SMTP password", m.SealedPassword, func(out []byte) error {
				m.SealedPassword = out
				return tx.SaveMailSettings(ctx, m)
			}); err != nil {
				return err
			}
		} else if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
			return err
		}
		hooks, bodies, err := tx.SealedNotifyValues(ctx)
		if err != nil {
			return err
		}
		for _, h := range hooks {
			if err := rotate(fmt.Sprintf("Slack channel %d's webhook", h.ID), h.Sealed, func(out []byte) error { return tx.ResealWebhook(ctx, h.ID, out) }); err != nil {
				return err
			}
		}
		for _, b := range bodies {
			if err := rotate(fmt.Sprintf("queued message %d", b.ID), b.Sealed, func(out []byte) error { return tx.ResealBody(ctx, b.ID, out) }); err != nil {
				return err
			}
		}
		return nil
	})
	return resealed, total, err
}
