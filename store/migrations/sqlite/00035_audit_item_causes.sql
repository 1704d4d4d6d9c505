-- +goose Up
-- A member's root cause of one deviation item of a control in an audit,
-- beside the control's own (audit_results): item_key is the item's
-- attest.ResultDeviation.Key, stable across recomputations of the results.
-- A cause whose item no longer deviates is kept but not shown.
CREATE TABLE audit_item_causes (
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    audit_id    INTEGER NOT NULL REFERENCES audits (id),
    control_id  INTEGER NOT NULL REFERENCES controls (id),
    item_key    TEXT NOT NULL,
    root_cause  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (audit_id, control_id, item_key)
);

-- Results read the causes, so they count for the organization's revision
-- like audit_results (migration 00033).
-- +goose StatementBegin
CREATE TRIGGER audit_item_causes_revision_insert AFTER INSERT ON audit_item_causes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_item_causes_revision_update AFTER UPDATE ON audit_item_causes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_item_causes_revision_delete AFTER DELETE ON audit_item_causes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_item_causes_revision_delete;
DROP TRIGGER audit_item_causes_revision_update;
DROP TRIGGER audit_item_causes_revision_insert;
DROP TABLE audit_item_causes;
