-- +goose Up
-- An organization's readiness for a framework as it stood on an audit's
-- report day (a Type 1's date, the last day of a Type 2's window), recorded
-- through that day by the server's hourly upkeep, the last recording
-- replacing the earlier: a package exported later reports readiness as of
-- that day, not as of its export. result is the readiness derivation as
-- JSON (readiness.Result).
CREATE TABLE readiness_records (
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    framework   TEXT NOT NULL,
    day         TEXT NOT NULL,               -- YYYY-MM-DD, UTC
    recorded_at TIMESTAMP NOT NULL,
    result      TEXT NOT NULL,
    PRIMARY KEY (org_id, framework, day)
);

-- +goose Down
DROP TABLE readiness_records;
