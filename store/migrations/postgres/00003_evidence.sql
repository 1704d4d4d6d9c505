-- +goose Up
-- Evidence is an immutable observation: a correction is a new row that
-- supersedes the old one, and both stay.
CREATE TABLE evidence (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    uid          TEXT NOT NULL UNIQUE,        -- public identifier, stable in exports
    kind         TEXT NOT NULL CHECK (kind IN ('file', 'link', 'attestation', 'system')),
    title        TEXT NOT NULL,
    source       TEXT NOT NULL,               -- a person, or the system and collector version
    url          TEXT NOT NULL,               -- for links
    filename     TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    sha256       TEXT NOT NULL,               -- of the blob (files, attestation text, system output)
    size         BIGINT NOT NULL,
    collected_at TIMESTAMPTZ NOT NULL,
    period_start TIMESTAMPTZ,
    period_end   TIMESTAMPTZ,
    added_by     BIGINT REFERENCES users (id),
    notes        TEXT NOT NULL,
    supersedes   BIGINT REFERENCES evidence (id),
    record       TEXT NOT NULL,               -- the canonical bytes the ledger entry commits to
    record_hash  TEXT NOT NULL,               -- their SHA-256
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_org ON evidence (org_id, id);
CREATE INDEX evidence_sha ON evidence (sha256);
CREATE UNIQUE INDEX evidence_supersedes ON evidence (supersedes);

CREATE TABLE evidence_controls (
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    control_id  BIGINT NOT NULL REFERENCES controls (id),
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (evidence_id, control_id)
);
CREATE INDEX evidence_controls_control ON evidence_controls (control_id);

-- The ledger: per organization, each entry commits to the previous one.
CREATE TABLE ledger_entries (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    seq         BIGINT NOT NULL,
    prev        TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    record_hash TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX ledger_entries_record ON ledger_entries (record_id, record_type, org_id, seq);

CREATE TABLE ledger_checkpoints (
    org_id    BIGINT NOT NULL REFERENCES organizations (id),
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (org_id, seq, key_id)
);

-- Nothing in the product edits or deletes evidence or the ledger.
-- +goose StatementBegin
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER evidence_no_change BEFORE UPDATE OR DELETE ON evidence FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_no_change BEFORE UPDATE OR DELETE ON ledger_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE ledger_checkpoints;
DROP TABLE ledger_entries;
DROP TABLE evidence_controls;
DROP TABLE evidence;
DROP FUNCTION refuse_change;
