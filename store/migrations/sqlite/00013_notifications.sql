-- +goose Up
-- Notifications. What happens is recorded as notices (one per recipient and
-- state, so a state is never announced twice); notices wait for the
-- recipient's cadence and leave together as one delivery: an email to a
-- person or a message to a team's Slack channel. Deliveries are sent by
-- jobs, retried with backoff, and keep their outcome.

-- The install's SMTP server: one row, set with `attest email set`. The
-- password is sealed with the install's secret key.
CREATE TABLE mail_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    host            TEXT NOT NULL,
    port            INTEGER NOT NULL,
    security        TEXT NOT NULL,
    username        TEXT NOT NULL,
    sealed_password BLOB,
    from_address    TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- The name an organization's email is sent under ("Acme Compliance").
ALTER TABLE organizations ADD COLUMN mail_from_name TEXT NOT NULL DEFAULT '';

-- A team's Slack channel, through an incoming webhook (sealed: the URL is
-- the credential), with the kinds it is told about and how often.
CREATE TABLE slack_channels (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    name           TEXT NOT NULL,
    sealed_webhook BLOB NOT NULL,
    kinds          TEXT NOT NULL,              -- comma-separated notice kinds
    cadence        TEXT NOT NULL,
    created_by     INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX slack_channels_org ON slack_channels (org_id);

-- How often a member hears of each kind (notice_prefs), and the
-- organization's defaults for those who did not choose (notice_defaults).
CREATE TABLE notice_prefs (
    org_id  INTEGER NOT NULL REFERENCES organizations (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind    TEXT NOT NULL,
    cadence TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id, kind)
);
CREATE TABLE notice_defaults (
    org_id  INTEGER NOT NULL REFERENCES organizations (id),
    kind    TEXT NOT NULL,
    cadence TEXT NOT NULL,
    PRIMARY KEY (org_id, kind)
);

-- One thing to tell one recipient: a member (user_id) or a Slack channel
-- (channel_id), the other 0. dedupe_key names the state announced ("task 7
-- overdue since 2026-12-01"): the unique key keeps it from being announced
-- twice. group_key gathers notices a digest shows as one line with a count
-- (a test failing on 200 repositories). delivery_id is set once it is sent,
-- or muted when its kind is off for the recipient.
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    user_id     INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    dedupe_key  TEXT NOT NULL,
    group_key   TEXT NOT NULL,
    line        TEXT NOT NULL,
    link        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    state       TEXT NOT NULL,                 -- 'pending', 'sent', 'muted'
    delivery_id INTEGER,
    UNIQUE (org_id, user_id, channel_id, dedupe_key)
);
CREATE INDEX notices_pending ON notices (state, org_id);

-- When each recipient last received a digest carrying notices of each
-- cadence: an hourly kind waits an hour after the last one.
CREATE TABLE notice_marks (
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    cadence    TEXT NOT NULL,
    sent_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, user_id, channel_id, cadence)
);

-- How far each organization's history has been read for notices: the last
-- result change and activity entry seen, and when notices began (tasks
-- assigned before that are not announced).
CREATE TABLE notice_watermarks (
    org_id      INTEGER PRIMARY KEY REFERENCES organizations (id),
    since       TIMESTAMP NOT NULL,
    change_id   INTEGER NOT NULL,
    activity_id INTEGER NOT NULL
);

-- A message to send, and what became of it. The body (text, HTML, the
-- Slack payload, links that may carry an invitation's secret) is sealed.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    channel     TEXT NOT NULL,                 -- 'email', 'slack'
    user_id     INTEGER NOT NULL,              -- the member it is for, 0 for none
    channel_id  INTEGER NOT NULL,              -- the Slack channel, 0 for email
    address     TEXT NOT NULL,                 -- the email address, or the channel's name
    purpose     TEXT NOT NULL,                 -- 'invitation', 'digest', 'test'
    subject     TEXT NOT NULL,
    sealed_body BLOB NOT NULL,
    status      TEXT NOT NULL,                 -- 'queued', 'sent', 'failed'
    attempts    INTEGER NOT NULL,
    last_error  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP
);
CREATE INDEX deliveries_org ON deliveries (org_id, id);
CREATE INDEX deliveries_status ON deliveries (status, id);

-- +goose Down
DROP TABLE deliveries;
DROP TABLE notice_watermarks;
DROP TABLE notice_marks;
DROP TABLE notices;
DROP TABLE notice_defaults;
DROP TABLE notice_prefs;
DROP TABLE slack_channels;
ALTER TABLE organizations DROP COLUMN mail_from_name;
DROP TABLE mail_settings;
