-- +goose Up
-- Populations belong to an audit: audit_id names the audit record a
-- population was taken for, inside its window. Rows taken before audits
-- were records keep their free audit_ref and no audit_id.
ALTER TABLE populations ADD COLUMN audit_id BIGINT REFERENCES audits (id);
CREATE INDEX populations_audit ON populations (org_id, audit_id);

-- A sample drawn from a recorded population for one control of its audit:
-- the workpaper (population as tested, hash, seed, size, selection) is kept
-- whole so anyone can re-derive it with attest audit sample --verify.
CREATE TABLE population_samples (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES organizations (id),
    population_id    BIGINT NOT NULL REFERENCES populations (id),
    control_id       BIGINT NOT NULL REFERENCES controls (id),
    frequency        TEXT NOT NULL,
    prior_deviation  BOOLEAN NOT NULL,
    size             INTEGER NOT NULL,
    seed             TEXT NOT NULL,
    workpaper        TEXT NOT NULL,               -- JSON, attest.Workpaper
    drawn_at         TIMESTAMPTZ NOT NULL,
    drawn_by         BIGINT REFERENCES users (id),
    UNIQUE (population_id, control_id)
);

-- A member's root cause of a control's deviation in an audit.
CREATE TABLE audit_results (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    audit_id    BIGINT NOT NULL REFERENCES audits (id),
    control_id  BIGINT NOT NULL REFERENCES controls (id),
    root_cause  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (audit_id, control_id)
);

-- +goose Down
DROP TABLE audit_results;
DROP TABLE population_samples;
DROP INDEX populations_audit;
ALTER TABLE populations DROP COLUMN audit_id;
