package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

// MailSettings are the install's SMTP server, with its password sealed.
type MailSettings struct {
	Host, Security, Username, From string
	Port                           int
	SealedPassword                 []byte // nil: no password
	UpdatedAt                      time.Time
}

// SaveMailSettings replaces the install's SMTP server.
func (q *Queries) SaveMailSettings(ctx context.Context, m MailSettings) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO mail_settings (id, host, port, security, username, sealed_password, from_address, updated_at)
VALUES (1, $1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE SET host = excluded.host, port = excluded.port, security = excluded.security, username = excluded.username,
  sealed_password = excluded.sealed_password, from_address = excluded.from_address, updated_at = excluded.updated_at`,
		m.Host, m.Port, m.Security, m.Username, m.SealedPassword, m.From, q.now())
	if err != nil {
		return fmt.Errorf("save email settings: %w", err)
	}
	return nil
}

// MailSettings returns the install's SMTP server; ENOTFOUND when none is set.
func (q *Queries) MailSettings(ctx context.Context) (MailSettings, error) {
	var m MailSettings
	err := q.q.QueryRowContext(ctx, `SELECT host, port, security, username, sealed_password, from_address, updated_at FROM mail_settings WHERE id = 1`).
		Scan(&m.Host, &m.Port, &m.Security, &m.Username, &m.SealedPassword, &m.From, &m.UpdatedAt)
	m.UpdatedAt = m.UpdatedAt.UTC()
	return m, notFound(err, "email settings")
}

// DeleteMailSettings forgets the install's SMTP server: email is off.
func (q *Queries) DeleteMailSettings(ctx context.Context) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM mail_settings WHERE id = 1`)
	return err
}

// SetMailFromName sets the name an organization's email is sent under.
func (q *Queries) SetMailFromName(ctx context.Context, orgID int64, name string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE organizations SET mail_from_name = $1 WHERE id = $2`, name, orgID)
	return err
}

// MailFromName is the name an organization's email is sent under; "" for
// the default.
func (q *Queries) MailFromName(ctx context.Context, orgID int64) (string, error) {
	var name string
	err := q.q.QueryRowContext(ctx, `SELECT mail_from_name FROM organizations WHERE id = $1`, orgID).Scan(&name)
	return name, notFound(err, "organization")
}

const slackColumns = `id, org_id, name, kinds, cadence, COALESCE(created_by, 0), created_at`

func scanSlack(row interface{ Scan(...any) error }) (attest.SlackChannel, error) {
	var c attest.SlackChannel
	var kinds string
	if err := row.Scan(&c.ID, &c.OrgID, &c.Name, &kinds, &c.Cadence, &c.CreatedBy, &c.CreatedAt); err != nil {
		return c, err
	}
	c.Kinds = strings.Split(kinds, ",")
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}

// AddSlackChannel stores a team's channel with its sealed webhook.
func (q *Queries) AddSlackChannel(ctx context.Context, c *attest.SlackChannel, sealedWebhook []byte) error {
	c.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO slack_channels (org_id, name, sealed_webhook, kinds, cadence, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.OrgID, c.Name, sealedWebhook, strings.Join(c.Kinds, ","), string(c.Cadence),
		nullID(c.CreatedBy), c.CreatedAt).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("add Slack channel: %w", err)
	}
	return nil
}

// UpdateSlackChannel changes a channel's name, kinds and cadence, and its
// webhook when sealedWebhook is not nil.
func (q *Queries) UpdateSlackChannel(ctx context.Context, c attest.SlackChannel, sealedWebhook []byte) error {
	res, err := q.q.ExecContext(ctx, `UPDATE slack_channels SET name = $1, kinds = $2, cadence = $3,
sealed_webhook = COALESCE($4, sealed_webhook) WHERE org_id = $5 AND id = $6`,
		c.Name, strings.Join(c.Kinds, ","), string(c.Cadence), sealedWebhook, c.OrgID, c.ID)
	if err != nil {
		return fmt.Errorf("update Slack channel: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "Slack channel %d not found", c.ID)
	}
	return nil
}

// SlackChannels lists an organization's channels by name.
func (q *Queries) SlackChannels(ctx context.Context, orgID int64) ([]attest.SlackChannel, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+slackColumns+` FROM slack_channels WHERE org_id = $1 ORDER BY name, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list Slack channels: %w", err)
	}
	defer rows.Close()
	var out []attest.SlackChannel
	for rows.Next() {
		c, err := scanSlack(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SlackChannel returns one of an organization's channels and its sealed webhook.
func (q *Queries) SlackChannel(ctx context.Context, orgID, id int64) (attest.SlackChannel, []byte, error) {
	var sealed []byte
	row := q.q.QueryRowContext(ctx, `SELECT `+slackColumns+`, sealed_webhook FROM slack_channels WHERE org_id = $1 AND id = $2`, orgID, id)
	var c attest.SlackChannel
	var kinds string
	err := row.Scan(&c.ID, &c.OrgID, &c.Name, &kinds, &c.Cadence, &c.CreatedBy, &c.CreatedAt, &sealed)
	if err != nil {
		return c, nil, notFound(err, "Slack channel")
	}
	c.Kinds, c.CreatedAt = strings.Split(kinds, ","), c.CreatedAt.UTC()
	return c, sealed, nil
}

// DeleteSlackChannel removes a channel, and its notices not yet sent.
func (q *Queries) DeleteSlackChannel(ctx context.Context, orgID, id int64) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM slack_channels WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return fmt.Errorf("remove Slack channel: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "Slack channel %d not found", id)
	}
	_, err = q.q.ExecContext(ctx, `DELETE FROM notices WHERE org_id = $1 AND channel_id = $2 AND state = 'pending'`, orgID, id)
	return err
}

// NoticePrefs returns the cadences members of an organization chose, by
// member and kind; userID 0 returns every member's.
func (q *Queries) NoticePrefs(ctx context.Context, orgID, userID int64) (map[int64]map[string]attest.Cadence, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT user_id, kind, cadence FROM notice_prefs WHERE org_id = $1 AND ($2 = 0 OR user_id = $2)`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("notification preferences: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[string]attest.Cadence{}
	for rows.Next() {
		var u int64
		var kind string
		var c attest.Cadence
		if err := rows.Scan(&u, &kind, &c); err != nil {
			return nil, err
		}
		if out[u] == nil {
			out[u] = map[string]attest.Cadence{}
		}
		out[u][kind] = c
	}
	return out, rows.Err()
}

// SetNoticePref records a member's cadence for a kind; "" returns them to
// the organization's default.
func (q *Queries) SetNoticePref(ctx context.Context, orgID, userID int64, kind string, c attest.Cadence) error {
	if c == "" {
		_, err := q.q.ExecContext(ctx, `DELETE FROM notice_prefs WHERE org_id = $1 AND user_id = $2 AND kind = $3`, orgID, userID, kind)
		return err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO notice_prefs (org_id, user_id, kind, cadence) VALUES ($1, $2, $3, $4)
ON CONFLICT (org_id, user_id, kind) DO UPDATE SET cadence = excluded.cadence`, orgID, userID, kind, string(c))
	return err
}

// NoticeDefaults returns an organization's default cadence per kind.
func (q *Queries) NoticeDefaults(ctx context.Context, orgID int64) (map[string]attest.Cadence, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT kind, cadence FROM notice_defaults WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("notification defaults: %w", err)
	}
	defer rows.Close()
	out := map[string]attest.Cadence{}
	for rows.Next() {
		var kind string
		var c attest.Cadence
		if err := rows.Scan(&kind, &c); err != nil {
			return nil, err
		}
		out[kind] = c
	}
	return out, rows.Err()
}

// SetNoticeDefault sets an organization's default cadence for a kind.
func (q *Queries) SetNoticeDefault(ctx context.Context, orgID int64, kind string, c attest.Cadence) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notice_defaults (org_id, kind, cadence) VALUES ($1, $2, $3)
ON CONFLICT (org_id, kind) DO UPDATE SET cadence = excluded.cadence`, orgID, kind, string(c))
	return err
}

// AddNotice records a notice unless the same state was already announced
// to the same recipient; added reports whether it was new.
func (q *Queries) AddNotice(ctx context.Context, n *attest.Notice) (added bool, err error) {
	n.CreatedAt = q.now()
	if n.State == "" {
		n.State = attest.NoticePending
	}
	res, err := q.q.ExecContext(ctx, `INSERT INTO notices (org_id, user_id, channel_id, kind, dedupe_key, group_key, line, link, created_at, state)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (org_id, user_id, channel_id, dedupe_key) DO NOTHING`,
		n.OrgID, n.UserID, n.ChannelID, n.Kind, n.DedupeKey, n.GroupKey, n.Line, n.Link, n.CreatedAt, n.State)
	if err != nil {
		return false, fmt.Errorf("record notice: %w", err)
	}
	k, _ := res.RowsAffected()
	return k > 0, nil
}

// PendingNotices lists an organization's notices not yet sent, oldest first.
func (q *Queries) PendingNotices(ctx context.Context, orgID int64) ([]attest.Notice, error) {
	return q.notices(ctx, `WHERE org_id = $1 AND state = 'pending' ORDER BY id`, orgID)
}

// Notices lists a member's latest notices in an organization, newest first.
func (q *Queries) Notices(ctx context.Context, orgID, userID int64, limit int) ([]attest.Notice, error) {
	return q.notices(ctx, `WHERE org_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3`, orgID, userID, limit)
}

func (q *Queries) notices(ctx context.Context, where string, args ...any) ([]attest.Notice, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, user_id, channel_id, kind, dedupe_key, group_key, line, link, created_at, state
FROM notices `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	var out []attest.Notice
	for rows.Next() {
		var n attest.Notice
		if err := rows.Scan(&n.ID, &n.OrgID, &n.UserID, &n.ChannelID, &n.Kind, &n.DedupeKey, &n.GroupKey, &n.Line, &n.Link, &n.CreatedAt, &n.State); err != nil {
			return nil, err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

// SettleNotices marks pending notices sent in a delivery (deliveryID > 0)
// or muted (deliveryID 0).
func (q *Queries) SettleNotices(ctx context.Context, orgID int64, ids []int64, deliveryID int64) error {
	state := attest.NoticeMuted
	if deliveryID > 0 {
		state = attest.NoticeSent
	}
	for _, id := range ids {
		if _, err := q.q.ExecContext(ctx, `UPDATE notices SET state = $1, delivery_id = $2 WHERE org_id = $3 AND id = $4 AND state = 'pending'`,
			state, nullID(deliveryID), orgID, id); err != nil {
			return fmt.Errorf("settle notice %d: %w", id, err)
		}
	}
	return nil
}

// Recipient names who a notice or a digest is for: a member or a channel.
type Recipient struct{ UserID, ChannelID int64 }

// NoticeMarks returns when each recipient of an organization last received
// a digest carrying notices of each cadence.
func (q *Queries) NoticeMarks(ctx context.Context, orgID int64) (map[Recipient]map[attest.Cadence]time.Time, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT user_id, channel_id, cadence, sent_at FROM notice_marks WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("notification marks: %w", err)
	}
	defer rows.Close()
	out := map[Recipient]map[attest.Cadence]time.Time{}
	for rows.Next() {
		var r Recipient
		var c attest.Cadence
		var at time.Time
		if err := rows.Scan(&r.UserID, &r.ChannelID, &c, &at); err != nil {
			return nil, err
		}
		if out[r] == nil {
			out[r] = map[attest.Cadence]time.Time{}
		}
		out[r][c] = at.UTC()
	}
	return out, rows.Err()
}

// SetNoticeMark records that a recipient received a digest carrying
// notices of a cadence at a time.
func (q *Queries) SetNoticeMark(ctx context.Context, orgID int64, r Recipient, c attest.Cadence, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notice_marks (org_id, user_id, channel_id, cadence, sent_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (org_id, user_id, channel_id, cadence) DO UPDATE SET sent_at = excluded.sent_at`, orgID, r.UserID, r.ChannelID, string(c), stamp(at))
	return err
}

// Watermark is how far an organization's history has been read for notices.
type Watermark struct {
	OrgID      int64
	Since      time.Time // when notices began
	ChangeID   int64     // the last result change read
	ActivityID int64     // the last activity entry read
}

// NoticeWatermark returns an organization's watermark; found is false
// before its first round.
func (q *Queries) NoticeWatermark(ctx context.Context, orgID int64) (w Watermark, found bool, err error) {
	w.OrgID = orgID
	err = q.q.QueryRowContext(ctx, `SELECT since, change_id, activity_id FROM notice_watermarks WHERE org_id = $1`, orgID).
		Scan(&w.Since, &w.ChangeID, &w.ActivityID)
	if err == sql.ErrNoRows {
		return w, false, nil
	}
	w.Since = w.Since.UTC()
	return w, err == nil, err
}

// SetNoticeWatermark saves an organization's watermark.
func (q *Queries) SetNoticeWatermark(ctx context.Context, w Watermark) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO notice_watermarks (org_id, since, change_id, activity_id) VALUES ($1, $2, $3, $4)
ON CONFLICT (org_id) DO UPDATE SET change_id = excluded.change_id, activity_id = excluded.activity_id`,
		w.OrgID, stamp(w.Since), w.ChangeID, w.ActivityID)
	return err
}

// LastIDs returns the newest result change and activity entry of an
// organization: where a first round starts reading.
func (q *Queries) LastIDs(ctx context.Context, orgID int64) (changeID, activityID int64, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM result_changes WHERE org_id = $1),
(SELECT COALESCE(MAX(id), 0) FROM activity WHERE org_id = $1)`, orgID).Scan(&changeID, &activityID)
	return changeID, activityID, err
}

// OwnedChange is a change of a test's verdict into or out of failing, with
// the owner of a control the test supports.
type OwnedChange struct {
	attest.ResultChange
	OwnerID    int64
	ControlRef string
}

// FailureChangesAfter lists an organization's verdict changes into or out
// of failing after a change ID, oldest first, once per owned control the
// judging test supports (ownerless ones with OwnerID 0), at most limit.
func (q *Queries) FailureChangesAfter(ctx context.Context, orgID, afterID int64, limit int) ([]OwnedChange, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT h.id, h.test_id, h.resource_type, h.resource_key, h.from_status, h.to_status, h.message, h.at,
COALESCE(c.owner_id, 0), COALESCE(c.ref, '')
FROM result_changes h
LEFT JOIN test_version_controls v ON v.org_id = h.org_id AND v.version = h.test_version
LEFT JOIN controls c ON c.org_id = h.org_id AND c.library_id = v.control_ref AND c.retired_at IS NULL
WHERE h.org_id = $1 AND h.id > $2 AND (h.to_status = 'fail' OR h.from_status = 'fail')
ORDER BY h.id LIMIT $3`, orgID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("result changes: %w", err)
	}
	defer rows.Close()
	var out []OwnedChange
	for rows.Next() {
		var c OwnedChange
		if err := rows.Scan(&c.ID, &c.Test, &c.Resource.Type, &c.Resource.Key, &c.From, &c.To, &c.Message, &c.At, &c.OwnerID, &c.ControlRef); err != nil {
			return nil, err
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// ActivityAfter lists an organization's activity entries after an ID with
// one of the given actions, oldest first, at most limit; last is the newest
// entry ID read, matching or not.
func (q *Queries) ActivityAfter(ctx context.Context, orgID, afterID int64, actions []string, limit int) (out []attest.Activity, last int64, err error) {
	last = afterID
	rows, err := q.q.QueryContext(ctx, `SELECT id, at, actor_id, actor_label, action, record_type, record_id, summary
FROM activity WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3`, orgID, afterID, limit)
	if err != nil {
		return nil, last, fmt.Errorf("activity: %w", err)
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, a := range actions {
		want[a] = true
	}
	for rows.Next() {
		var a attest.Activity
		var actor sql.NullInt64
		if err := rows.Scan(&a.ID, &a.At, &actor, &a.ActorLabel, &a.Action, &a.RecordType, &a.RecordID, &a.Summary); err != nil {
			return nil, last, err
		}
		a.OrgID, a.ActorID, a.At = orgID, actor.Int64, a.At.UTC()
		last = a.ID
		if want[a.Action] {
			out = append(out, a)
		}
	}
	return out, last, rows.Err()
}

const deliveryColumns = `id, org_id, channel, user_id, channel_id, address, purpose, subject, status, attempts, last_error, created_at, updated_at, sent_at`

func scanDelivery(row interface{ Scan(...any) error }, extra ...any) (attest.Delivery, error) {
	var d attest.Delivery
	var sent sql.NullTime
	dest := append([]any{&d.ID, &d.OrgID, &d.Channel, &d.UserID, &d.ChannelID, &d.Address, &d.Purpose, &d.Subject, &d.Status,
		&d.Attempts, &d.LastError, &d.CreatedAt, &d.UpdatedAt, &sent}, extra...)
	if err := row.Scan(dest...); err != nil {
		return d, err
	}
	d.CreatedAt, d.UpdatedAt, d.SentAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), timeOf(sent)
	return d, nil
}

// AddDelivery queues a message with its sealed body.
func (q *Queries) AddDelivery(ctx context.Context, d *attest.Delivery, sealedBody []byte) error {
	d.CreatedAt, d.UpdatedAt, d.Status, d.Attempts = q.now(), q.now(), attest.DeliveryQueued, 0
	err := q.q.QueryRowContext(ctx, `INSERT INTO deliveries (org_id, channel, user_id, channel_id, address, purpose, subject, sealed_body,
status, attempts, last_error, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, '', $10, $10) RETURNING id`,
		d.OrgID, d.Channel, d.UserID, d.ChannelID, d.Address, d.Purpose, d.Subject, sealedBody, d.Status, d.CreatedAt).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("queue message: %w", err)
	}
	return nil
}

// DeliveryBody returns a delivery of any organization with its sealed body:
// for the job sending it, which is given only the ID.
func (q *Queries) DeliveryBody(ctx context.Context, id int64) (attest.Delivery, []byte, error) {
	var sealed []byte
	d, err := scanDelivery(q.q.QueryRowContext(ctx, `SELECT `+deliveryColumns+`, sealed_body FROM deliveries WHERE id = $1`, id), &sealed)
	return d, sealed, notFound(err, "message")
}

// Deliveries lists an organization's latest messages, newest first: the
// delivery log.
func (q *Queries) Deliveries(ctx context.Context, orgID int64, limit int) ([]attest.Delivery, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	defer rows.Close()
	var out []attest.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// QueuedDeliveries lists the IDs of messages still to send, in every
// organization, oldest first: what a round hands (again) to the job queue.
func (q *Queries) QueuedDeliveries(ctx context.Context, limit int) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM deliveries WHERE status = 'queued' ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("queued messages: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RecordAttempt stores the outcome of one attempt to send a message still
// queued: sent, failed for good, or queued again with the error. It reports
// false when the message was no longer queued (another process settled it).
func (q *Queries) RecordAttempt(ctx context.Context, id int64, status, lastError string) (bool, error) {
	now := q.now()
	var sent any
	if status == attest.DeliverySent {
		sent = now
	}
	res, err := q.q.ExecContext(ctx, `UPDATE deliveries SET status = $1, attempts = attempts + 1, last_error = $2, updated_at = $3,
sent_at = $4 WHERE id = $5 AND status = 'queued'`, status, lastError, now, sent, id)
	if err != nil {
		return false, fmt.Errorf("record attempt: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// PruneDeliveries removes messages settled before a time, and the notices
// they carried.
func (q *Queries) PruneDeliveries(ctx context.Context, before time.Time) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM notices WHERE state <> 'pending' AND created_at < $1`, stamp(before)); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `DELETE FROM deliveries WHERE status <> 'queued' AND updated_at < $1`, stamp(before))
	return err
}

// Sealed is one value sealed with the install's key, for re-sealing after a
// key rotation: a Slack webhook or a queued message's body.
type Sealed struct {
	ID     int64
	Sealed []byte
}

// SealedNotifyValues returns every Slack webhook and every queued message's
// body, in every organization.
func (q *Queries) SealedNotifyValues(ctx context.Context) (webhooks, bodies []Sealed, err error) {
	for _, x := range []struct {
		query string
		out   *[]Sealed
	}{{`SELECT id, sealed_webhook FROM slack_channels ORDER BY id`, &webhooks}, {`SELECT id, sealed_body FROM deliveries WHERE status = 'queued' ORDER BY id`, &bodies}} {
		rows, err := q.q.QueryContext(ctx, x.query)
		if err != nil {
			return nil, nil, fmt.Errorf("sealed values: %w", err)
		}
		for rows.Next() {
			var s Sealed
			if err := rows.Scan(&s.ID, &s.Sealed); err != nil {
				rows.Close()
				return nil, nil, err
			}
			*x.out = append(*x.out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return webhooks, bodies, nil
}

// ResealWebhook replaces a Slack channel's sealed webhook, found by
// SealedNotifyValues.
func (q *Queries) ResealWebhook(ctx context.Context, channelID int64, sealed []byte) error {
	_, err := q.q.ExecContext(ctx, `UPDATE slack_channels SET sealed_webhook = $1 WHERE id = $2`, sealed, channelID)
	return err
}

// ResealBody replaces a queued message's sealed body, found by
// SealedNotifyValues.
func (q *Queries) ResealBody(ctx context.Context, deliveryID int64, sealed []byte) error {
	_, err := q.q.ExecContext(ctx, `UPDATE deliveries SET sealed_body = $1 WHERE id = $2`, sealed, deliveryID)
	return err
}
