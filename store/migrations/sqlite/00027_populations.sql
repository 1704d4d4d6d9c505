-- +goose Up
-- Audit populations: each row is one recorded retrieval of a population (the
-- joiners, leavers or merged changes of a window), whose full record (the
-- query, the unedited rows, their hash, the reconciliation and the census)
-- is the ledger record named by uid in ledger_records. This table indexes
-- them for listing; audit_ref names the audit they were taken for, a free
-- string until audits are records of their own.
CREATE TABLE populations (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organizations (id),
    uid              TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    window_from      TEXT NOT NULL,               -- YYYY-MM-DD
    window_to        TEXT NOT NULL,               -- YYYY-MM-DD, included
    audit_ref        TEXT NOT NULL DEFAULT '',
    ran_at           TIMESTAMP NOT NULL,
    taken_by         INTEGER REFERENCES users (id),
    row_count        INTEGER NOT NULL,
    population_hash  TEXT NOT NULL,
    record_hash      TEXT NOT NULL,
    passed           INTEGER NOT NULL,
    deviations       INTEGER NOT NULL,
    not_testable     INTEGER NOT NULL,
    mismatches       INTEGER NOT NULL
);
CREATE INDEX populations_window ON populations (org_id, kind, window_from, window_to);

-- +goose Down
DROP TABLE populations;
