-- +goose Up
-- Audits: one engagement of an audit firm, a framework, a type with its
-- dates and a status that only moves forward. Auditors of the firm are let
-- into one audit by a grant (audit_auditors), not by a role of the
-- organization; the grant holds while the audit is open to auditors.
CREATE TABLE audits (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    framework    TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('type1', 'type2')),
    as_of        TEXT NOT NULL DEFAULT '',   -- Type 1, YYYY-MM-DD
    period_from  TEXT NOT NULL DEFAULT '',   -- Type 2
    period_to    TEXT NOT NULL DEFAULT '',
    firm         TEXT NOT NULL DEFAULT '',
    early_access TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('planning', 'fieldwork', 'reporting', 'closed')),
    created_at   TIMESTAMPTZ NOT NULL,
    closed_at    TIMESTAMPTZ
);
CREATE INDEX audits_org ON audits (org_id);

-- One row per auditor invited into an audit; user_id is set when they
-- accept the invitation, and from then the row is their grant.
CREATE TABLE audit_auditors (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    audit_id   BIGINT NOT NULL REFERENCES audits (id),
    email      TEXT NOT NULL,
    user_id    BIGINT REFERENCES users (id),
    invited_at TIMESTAMPTZ NOT NULL,
    joined_at  TIMESTAMPTZ,
    UNIQUE (audit_id, email)
);
CREATE INDEX audit_auditors_user ON audit_auditors (user_id);

-- An invitation into one audit (as its auditor) rather than the organization.
-- No foreign key: SQLite cannot drop a column that has one, and the
-- service checks the audit.
ALTER TABLE invitations ADD COLUMN audit_id BIGINT;

-- +goose Down
ALTER TABLE invitations DROP COLUMN audit_id;
DROP TABLE audit_auditors;
DROP TABLE audits;
