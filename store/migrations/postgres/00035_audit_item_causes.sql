-- +goose Up
-- A member's root cause of one deviation item of a control in an audit,
-- beside the control's own (audit_results): item_key is the item's
-- attest.ResultDeviation.Key, stable across recomputations of the results.
-- A cause whose item no longer deviates is kept but not shown.
CREATE TABLE audit_item_causes (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    audit_id    BIGINT NOT NULL REFERENCES audits (id),
    control_id  BIGINT NOT NULL REFERENCES controls (id),
    item_key    TEXT NOT NULL,
    root_cause  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (audit_id, control_id, item_key)
);

-- Results read the causes, so they count for the organization's revision
-- like audit_results (migration 00033).
CREATE CONSTRAINT TRIGGER audit_item_causes_revision_insert AFTER INSERT ON audit_item_causes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_item_causes_revision_update AFTER UPDATE ON audit_item_causes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_item_causes_revision_delete AFTER DELETE ON audit_item_causes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

-- +goose Down
DROP TRIGGER audit_item_causes_revision_delete ON audit_item_causes;
DROP TRIGGER audit_item_causes_revision_update ON audit_item_causes;
DROP TRIGGER audit_item_causes_revision_insert ON audit_item_causes;
DROP TABLE audit_item_causes;
