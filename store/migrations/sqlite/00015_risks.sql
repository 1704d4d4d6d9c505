-- +goose Up
-- The risk register: each organization's risks with their likelihood and
-- impact before and after treatment, owner, treatment and review date; its
-- likelihood × impact scale; and its risk assessments, dated snapshots of
-- the register approved by a named approver (then ledger records).
CREATE TABLE risk_scales (
    org_id     INTEGER PRIMARY KEY REFERENCES organizations (id),
    likelihood INTEGER NOT NULL,
    impact     INTEGER NOT NULL,
    medium     INTEGER NOT NULL,
    high       INTEGER NOT NULL,
    critical   INTEGER NOT NULL
);
CREATE TABLE risks (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    ref                 TEXT NOT NULL,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    category            TEXT NOT NULL,
    library_id          TEXT NOT NULL DEFAULT '',
    owner_id            INTEGER REFERENCES users (id),
    likelihood          INTEGER NOT NULL,
    impact              INTEGER NOT NULL,
    residual_likelihood INTEGER NOT NULL,
    residual_impact     INTEGER NOT NULL,
    treatment           TEXT NOT NULL CHECK (treatment IN ('mitigate', 'accept', 'transfer', 'avoid')),
    treatment_note      TEXT NOT NULL,
    controls            TEXT NOT NULL,             -- JSON array of control refs
    review_date         TEXT NOT NULL,             -- YYYY-MM-DD
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed', 'retired')),
    approver_id         INTEGER REFERENCES users (id),
    accept_expires      TEXT NOT NULL,
    accept_approved_at  TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref)
);
CREATE TABLE risk_assessments (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    uid          TEXT NOT NULL UNIQUE,
    as_of        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('submitted', 'approved')),
    note         TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    approver_id  INTEGER REFERENCES users (id),
    approved_at  TIMESTAMP,
    snapshot     TEXT NOT NULL              -- JSON: the scale and the risks as assessed
);
CREATE INDEX risk_assessments_org ON risk_assessments (org_id, as_of);

-- +goose Down
DROP TABLE risk_assessments;
DROP TABLE risks;
DROP TABLE risk_scales;
