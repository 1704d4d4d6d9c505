-- +goose Up
-- Two-step sign-in. An organization may require a second factor of its
-- members; a session remembers how it was started, so that the requirement
-- is checked on every request rather than only at sign-in.
ALTER TABLE organizations ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';

-- One authenticator app per user. The shared secret is sealed with the
-- install's secret key (package secret's format); confirmed_at stays NULL
-- until the user has entered a code from it, and only a confirmed secret is
-- asked for at sign-in. last_step is the last time step accepted, so that a
-- code is never accepted twice.
CREATE TABLE totp_factors (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id),
    sealed_secret BLOB NOT NULL,
    confirmed_at  TIMESTAMP,
    last_step     INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

-- Recovery codes, stored as SHA-256 of the code; each works once.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in whose password was right and whose second step is awaited. The
-- browser holds the secret in a short-lived cookie; only its hash is here.
CREATE TABLE signin_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX signin_challenges_user ON signin_challenges (user_id);

-- Wrong second-step codes, per account, for throttling.
CREATE TABLE second_factor_failures (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    at      TIMESTAMP NOT NULL
);
CREATE INDEX second_factor_failures_user ON second_factor_failures (user_id, at);

-- +goose Down
DROP TABLE second_factor_failures;
DROP TABLE signin_challenges;
DROP TABLE recovery_codes;
DROP TABLE totp_factors;
ALTER TABLE sessions DROP COLUMN method;
ALTER TABLE organizations DROP COLUMN require_mfa;
