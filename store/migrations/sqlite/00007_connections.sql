-- +goose Up
-- A connection is a configured connector of an organization: its type, its
-- non-secret settings (a JSON object of strings), its credential sealed by
-- the install's secret key (never stored in clear), how often it is
-- collected, and the result of the last "Check connection".
CREATE TABLE connections (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations (id),
    type              TEXT NOT NULL,
    name              TEXT NOT NULL,
    settings          TEXT NOT NULL,              -- JSON object of strings
    sealed_secret     BLOB NOT NULL,                -- package secret's format: key ID, nonce, AES-256-GCM ciphertext
    interval_minutes  INTEGER NOT NULL DEFAULT 60 CHECK (interval_minutes > 0),
    enabled           BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMP NOT NULL,
    created_by        INTEGER REFERENCES users (id),
    checked_at        TIMESTAMP,
    check_ok          BOOLEAN NOT NULL DEFAULT FALSE,
    check_message     TEXT NOT NULL DEFAULT '',
    last_collected_at TIMESTAMP,
    UNIQUE (org_id, name)
);

-- +goose Down
DROP TABLE connections;
