-- +goose Up
-- Sign-in as organizations require it: two-step verification and single
-- sign-on. An organization may require a second factor, or sign-in through
-- its identity provider (all but one break-glass admin); a session remembers
-- how it was started, and through which organization's provider, so that the
-- rules are checked on every request rather than only at sign-in.
ALTER TABLE organizations ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organizations ADD COLUMN require_sso BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organizations ADD COLUMN sso_break_glass BIGINT REFERENCES users (id);
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN sso_org_id BIGINT REFERENCES organizations (id);

-- One authenticator app per user. The shared secret is sealed with the
-- install's secret key (package secret's format); confirmed_at stays NULL
-- until the user has entered a code from it, and only a confirmed secret is
-- asked for at sign-in. last_step is the last time step accepted, so that a
-- code is never accepted twice.
CREATE TABLE totp_factors (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id),
    sealed_secret BYTEA NOT NULL,
    confirmed_at  TIMESTAMPTZ,
    last_step     BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

-- Recovery codes, stored as SHA-256 of the code; each works once.
CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in whose password was right and whose second step is awaited. The
-- browser holds the secret in a short-lived cookie; only its hash is here.
CREATE TABLE signin_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_challenges_user ON signin_challenges (user_id);

-- Wrong second-step codes, per account, for throttling.
CREATE TABLE second_factor_failures (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX second_factor_failures_user ON second_factor_failures (user_id, at);

-- An organization's OpenID Connect provider. The client secret is sealed
-- with the install's secret key. domains is a comma-separated list of the
-- email domains accepted; group_roles a JSON object of group name to role.
-- default_role is the role of someone signing in for the first time ('' lets
-- in only existing members).
CREATE TABLE sso_configs (
    org_id        BIGINT PRIMARY KEY REFERENCES organizations (id),
    issuer        TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    sealed_secret BYTEA NOT NULL,
    domains       TEXT NOT NULL,
    groups_claim  TEXT NOT NULL,
    default_role  TEXT NOT NULL,
    group_roles   TEXT NOT NULL,
    enabled       BOOLEAN NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- A person's account at an organization's provider (issuer and subject),
-- linked to their Attest user on first sign-in: later sign-ins find them by
-- subject, so that an email changed at the provider cannot take over another
-- account.
CREATE TABLE sso_identities (
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, issuer, subject)
);

-- A sign-in sent to a provider and not yet back: the hash of its state, the
-- nonce the ID token must carry, the PKCE verifier, and where to go after.
-- Each is used once.
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    next_path  TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- Passkeys (WebAuthn credentials), several per user, each with a name.
-- credential is go-webauthn's Credential as JSON: the public key, the
-- signature counter and flags; nothing secret. credential_id is the
-- authenticator's ID, base64url.
CREATE TABLE passkeys (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    credential_id TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    credential    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A WebAuthn ceremony under way (registering a passkey, or signing in with
-- one): go-webauthn's session data, found by the hash of a short-lived
-- cookie's secret and used once.
CREATE TABLE webauthn_ceremonies (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT REFERENCES users (id),
    kind       TEXT NOT NULL,
    session    TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE webauthn_ceremonies;
DROP TABLE passkeys;
DROP TABLE sso_logins;
DROP TABLE sso_identities;
DROP TABLE sso_configs;
DROP TABLE second_factor_failures;
DROP TABLE signin_challenges;
DROP TABLE recovery_codes;
DROP TABLE totp_factors;
ALTER TABLE sessions DROP COLUMN sso_org_id;
ALTER TABLE sessions DROP COLUMN method;
ALTER TABLE organizations DROP COLUMN sso_break_glass;
ALTER TABLE organizations DROP COLUMN require_sso;
ALTER TABLE organizations DROP COLUMN require_mfa;
