-- +goose Up
-- Policies: a policy is the document's identity (key, owner, audience, review
-- cadence, the controls it supports); its text lives in versions. A version's
-- body is the Markdown as written, with {{placeholders}}; content is the text
-- people read, filled in when it is submitted, and hash its SHA-256. Once a
-- version is approved its row no longer changes, except for its state moving
-- to published, superseded or retired (triggers below enforce it).
CREATE TABLE policies (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    key           TEXT NOT NULL,
    title         TEXT NOT NULL,
    template_id   TEXT NOT NULL DEFAULT '',
    owner_id      BIGINT REFERENCES users (id),
    controls      TEXT NOT NULL,             -- JSON array of library control IDs
    criteria      TEXT NOT NULL,             -- JSON array of criterion IDs
    audience      TEXT NOT NULL,             -- JSON: who must accept it
    review_months INTEGER NOT NULL,
    retired       BOOLEAN NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, key)
);

CREATE TABLE policy_versions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    policy_id    BIGINT NOT NULL REFERENCES policies (id),
    number       INTEGER NOT NULL,
    label        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'published', 'superseded', 'retired')),
    material     BOOLEAN NOT NULL,
    change_note  TEXT NOT NULL,
    body         TEXT NOT NULL,
    content      TEXT NOT NULL,             -- '' until submitted
    hash         TEXT NOT NULL,             -- '' until submitted
    author_id    BIGINT NOT NULL REFERENCES users (id),
    approvers    TEXT NOT NULL,             -- JSON array: named approvers and their decisions
    quorum       INTEGER NOT NULL,
    submitted_at TIMESTAMPTZ,
    approved_at  TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    review_by    TEXT NOT NULL,             -- YYYY-MM-DD once published
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (policy_id, number)
);
CREATE INDEX policy_versions_org ON policy_versions (org_id, state);

-- An acceptance: a person accepted a version's text (by hash). One per
-- person and version; the ledger holds its record.
CREATE TABLE policy_acceptances (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    uid         TEXT NOT NULL UNIQUE,
    policy_id   BIGINT NOT NULL REFERENCES policies (id),
    version_id  BIGINT NOT NULL REFERENCES policy_versions (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    user_id     BIGINT REFERENCES users (id),
    hash        TEXT NOT NULL,
    accepted_at TIMESTAMPTZ NOT NULL,
    address     TEXT NOT NULL,
    user_agent  TEXT NOT NULL,
    UNIQUE (version_id, person_id)
);
CREATE INDEX policy_acceptances_person ON policy_acceptances (org_id, person_id);

-- The organization's values for policy placeholders ({{company_name}} …).
CREATE TABLE policy_settings (
    org_id BIGINT NOT NULL REFERENCES organizations (id),
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (org_id, name)
);

-- +goose StatementBegin
CREATE FUNCTION refuse_approved_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.approved_at IS NOT NULL AND (NEW.number, NEW.body, NEW.content, NEW.hash, NEW.author_id, NEW.approvers, NEW.quorum, NEW.material)
        IS DISTINCT FROM (OLD.number, OLD.body, OLD.content, OLD.hash, OLD.author_id, OLD.approvers, OLD.quorum, OLD.material) THEN
        RAISE EXCEPTION 'an approved policy version does not change';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER policy_versions_approved_fixed BEFORE UPDATE ON policy_versions FOR EACH ROW EXECUTE FUNCTION refuse_approved_change();
CREATE TRIGGER policy_acceptances_no_update BEFORE UPDATE ON policy_acceptances FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER policy_acceptances_no_delete BEFORE DELETE ON policy_acceptances FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE policy_settings;
DROP TABLE policy_acceptances;
DROP TABLE policy_versions;
DROP TABLE policies;
DROP FUNCTION refuse_approved_change;
