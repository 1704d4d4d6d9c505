-- +goose Up
-- An audit's request list (PBC): what the auditor asks the organization to
-- provide, one row per request; ref is unique in the audit, so generating
-- the default list again adds only the requests that are missing.
CREATE TABLE audit_requests (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    audit_id    BIGINT NOT NULL REFERENCES audits (id),
    ref         TEXT NOT NULL,
    control_id  BIGINT REFERENCES controls (id),
    period      TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '',
    expected    TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL CHECK (source IN ('generated', 'custom', 'imported')),
    owner_id    BIGINT REFERENCES users (id),
    due         TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('open', 'submitted', 'accepted', 'flagged', 'not_applicable')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (audit_id, ref)
);
CREATE INDEX audit_requests_org ON audit_requests (org_id, audit_id);

-- A request's history, append-only: comments, submissions, the auditor's
-- accepts and flags with their reasons, assignments.
CREATE TABLE audit_request_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    request_id  BIGINT NOT NULL REFERENCES audit_requests (id),
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT REFERENCES users (id),
    actor       TEXT NOT NULL,
    auditor     BOOLEAN NOT NULL,
    action      TEXT NOT NULL,
    status      TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    evidence    TEXT NOT NULL DEFAULT ''   -- evidence IDs a submission attached, comma-separated
);
CREATE INDEX audit_request_events_request ON audit_request_events (request_id);

-- The evidence attached to a request; the audit's auditors may open it.
CREATE TABLE audit_request_evidence (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    request_id  BIGINT NOT NULL REFERENCES audit_requests (id),
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    attached_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, evidence_id)
);

-- +goose Down
DROP TABLE audit_request_evidence;
DROP TABLE audit_request_events;
DROP TABLE audit_requests;
