-- +goose Up
-- A mapping says how strongly its control meets the requirement (type, read
-- from the control's side) and why (rationale, from the library's crosswalk).
-- Related mappings are shown but never count toward readiness.
ALTER TABLE control_mappings ADD COLUMN type TEXT NOT NULL DEFAULT 'equivalent'
    CHECK (type IN ('equivalent', 'subset', 'superset', 'related'));
ALTER TABLE control_mappings ADD COLUMN rationale TEXT NOT NULL DEFAULT '';

-- A library mapping the organization removed: the crosswalk sync never adds
-- it back. Mapping the same requirement again by hand deletes the row.
CREATE TABLE control_mapping_removals (
    control_id  BIGINT NOT NULL REFERENCES controls (id),
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    framework   TEXT NOT NULL,
    requirement TEXT NOT NULL,
    removed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (control_id, framework, requirement)
);
CREATE INDEX control_mapping_removals_org ON control_mapping_removals (org_id);

-- Built-in frameworks an organization pursues beside SOC 2 (which is always
-- pursued, with its categories in scopes).
CREATE TABLE scope_frameworks (
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    framework  TEXT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, framework)
);

-- Requirements the organization excludes from a framework (an ISO 27001 Annex
-- A control in its Statement of Applicability), with the reason. Every other
-- requirement is applicable.
CREATE TABLE scope_exclusions (
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    framework     TEXT NOT NULL,
    requirement   TEXT NOT NULL,
    justification TEXT NOT NULL,
    excluded_by   BIGINT REFERENCES users (id),
    excluded_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, framework, requirement)
);

-- +goose Down
DROP TABLE scope_exclusions;
DROP TABLE scope_frameworks;
DROP TABLE control_mapping_removals;
ALTER TABLE control_mappings DROP COLUMN rationale;
ALTER TABLE control_mappings DROP COLUMN type;
