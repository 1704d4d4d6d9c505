-- +goose Up
-- Policies: a policy is the document's identity (key, owner, audience, review
-- cadence, the controls it supports); its text lives in versions. A version's
-- body is the Markdown as written, with {{placeholders}}; content is the text
-- people read, filled in when it is submitted, and hash its SHA-256. Once a
-- version is approved its row no longer changes, except for its state moving
-- to published, superseded or retired (triggers below enforce it).
CREATE TABLE policies (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    key           TEXT NOT NULL,
    title         TEXT NOT NULL,
    template_id   TEXT NOT NULL DEFAULT '',
    owner_id      INTEGER REFERENCES users (id),
    controls      TEXT NOT NULL,             -- JSON array of library control IDs
    criteria      TEXT NOT NULL,             -- JSON array of criterion IDs
    audience      TEXT NOT NULL,             -- JSON: who must accept it
    review_months INTEGER NOT NULL,
    retired       BOOLEAN NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (org_id, key)
);

CREATE TABLE policy_versions (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    policy_id    INTEGER NOT NULL REFERENCES policies (id),
    number       INTEGER NOT NULL,
    label        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'published', 'superseded', 'retired')),
    material     BOOLEAN NOT NULL,
    change_note  TEXT NOT NULL,
    body         TEXT NOT NULL,
    content      TEXT NOT NULL,             -- '' until submitted
    hash         TEXT NOT NULL,             -- '' until submitted
    author_id    INTEGER NOT NULL REFERENCES users (id),
    approvers    TEXT NOT NULL,             -- JSON array: named approvers and their decisions
    quorum       INTEGER NOT NULL,
    submitted_at TIMESTAMP,
    approved_at  TIMESTAMP,
    published_at TIMESTAMP,
    review_by    TEXT NOT NULL,             -- YYYY-MM-DD once published
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (policy_id, number)
);
CREATE INDEX policy_versions_org ON policy_versions (org_id, state);

-- An acceptance: a person accepted a version's text (by hash). One per
-- person and version; the ledger holds its record.
CREATE TABLE policy_acceptances (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    uid         TEXT NOT NULL UNIQUE,
    policy_id   INTEGER NOT NULL REFERENCES policies (id),
    version_id  INTEGER NOT NULL REFERENCES policy_versions (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    user_id     INTEGER REFERENCES users (id),
    hash        TEXT NOT NULL,
    accepted_at TIMESTAMP NOT NULL,
    address     TEXT NOT NULL,
    user_agent  TEXT NOT NULL,
    UNIQUE (version_id, person_id)
);
CREATE INDEX policy_acceptances_person ON policy_acceptances (org_id, person_id);

-- The organization's values for policy placeholders ({{company_name}} …).
CREATE TABLE policy_settings (
    org_id INTEGER NOT NULL REFERENCES organizations (id),
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (org_id, name)
);

-- +goose StatementBegin
CREATE TRIGGER policy_versions_approved_fixed BEFORE UPDATE OF number, body, content, hash, author_id, approvers, quorum, material ON policy_versions
WHEN OLD.approved_at IS NOT NULL AND (NEW.number IS NOT OLD.number OR NEW.body IS NOT OLD.body OR NEW.content IS NOT OLD.content
    OR NEW.hash IS NOT OLD.hash OR NEW.author_id IS NOT OLD.author_id OR NEW.approvers IS NOT OLD.approvers
    OR NEW.quorum IS NOT OLD.quorum OR NEW.material IS NOT OLD.material)
BEGIN
    SELECT RAISE(ABORT, 'an approved policy version does not change');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER policy_acceptances_no_update BEFORE UPDATE ON policy_acceptances
BEGIN
    SELECT RAISE(ABORT, 'acceptances are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER policy_acceptances_no_delete BEFORE DELETE ON policy_acceptances
BEGIN
    SELECT RAISE(ABORT, 'acceptances are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE policy_settings;
DROP TABLE policy_acceptances;
DROP TABLE policy_versions;
DROP TABLE policies;
