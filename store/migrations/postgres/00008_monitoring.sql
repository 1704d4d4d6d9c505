-- +goose Up
-- Continuous monitoring. A collection is one run of a connection's connector;
-- its snapshot (the resources it saw) is a blob, and a "snapshot" record in
-- the ledger commits to it. Tests judge each resource; test_results keeps the
-- current verdict per test and resource, result_changes the history of state
-- changes and test_runs one summary row per test and collection, so storage
-- grows with changes, not with runs × resources.
CREATE TABLE collections (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    uid             TEXT NOT NULL UNIQUE,      -- public identifier, the snapshot record's id
    connection_id   BIGINT NOT NULL,            -- no foreign key: history outlives a removed connection
    connection_name TEXT NOT NULL,
    connector       TEXT NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    partial         BOOLEAN NOT NULL,          -- a webhook re-collected only some resources
    calls           INTEGER NOT NULL,
    resources       INTEGER NOT NULL,
    failed          TEXT NOT NULL,             -- JSON object: resource type → reason
    warnings        TEXT NOT NULL,             -- JSON array
    error           TEXT NOT NULL,             -- the collection failed as a whole
    snapshot_sha256 TEXT NOT NULL,             -- blob of the canonical snapshot; '' when nothing was collected
    snapshot_size   BIGINT NOT NULL
);
CREATE INDEX collections_org ON collections (org_id, connection_id, id);
CREATE INDEX collections_sha ON collections (snapshot_sha256);

-- Every version of a test that judged something, by content hash.
CREATE TABLE test_versions (
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    version    TEXT NOT NULL,                  -- sha256:<hex> of the canonical definition
    test_id    TEXT NOT NULL,
    definition TEXT NOT NULL,                  -- canonical JSON
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, version)
);
CREATE TABLE test_version_controls (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    version     TEXT NOT NULL,
    control_ref TEXT NOT NULL,                 -- a library control ID
    PRIMARY KEY (org_id, version, control_ref)
);

CREATE TABLE test_results (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    connection_id BIGINT NOT NULL,
    test_id       TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_key  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'not_applicable', 'error', 'unverifiable')),
    message       TEXT NOT NULL,
    observed      TEXT NOT NULL,               -- JSON
    expected      TEXT NOT NULL,
    test_version  TEXT NOT NULL,
    collection_id BIGINT NOT NULL REFERENCES collections (id),
    since         TIMESTAMPTZ NOT NULL,               -- when this status began
    checked_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX test_results_key ON test_results (org_id, connection_id, test_id, resource_type, resource_key);
CREATE INDEX test_results_status ON test_results (org_id, test_id, status);

CREATE TABLE result_changes (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    connection_id BIGINT NOT NULL,
    test_id       TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_key  TEXT NOT NULL,
    from_status   TEXT NOT NULL,               -- '' for a first verdict
    to_status     TEXT NOT NULL,               -- 'removed' when the resource is gone
    message       TEXT NOT NULL,
    test_version  TEXT NOT NULL,
    collection_id BIGINT NOT NULL REFERENCES collections (id),
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX result_changes_resource ON result_changes (org_id, test_id, resource_key, id);

CREATE TABLE test_runs (
    collection_id  BIGINT NOT NULL REFERENCES collections (id),
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    test_id        TEXT NOT NULL,
    test_version   TEXT NOT NULL,
    pass           INTEGER NOT NULL,
    fail           INTEGER NOT NULL,
    not_applicable INTEGER NOT NULL,
    error          INTEGER NOT NULL,
    unverifiable   INTEGER NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (collection_id, test_id)
);
CREATE INDEX test_runs_test ON test_runs (org_id, test_id, at);

-- An organization's own tests, as written (YAML), validated before saving.
CREATE TABLE custom_tests (
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    test_id    TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, test_id)
);

-- An exception exempts one resource from one test until it expires. Someone
-- requests it; an admin or manager other than the requester approves it.
CREATE TABLE test_exceptions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    uid           TEXT NOT NULL UNIQUE,
    test_id       TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_key  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    requested_by  BIGINT NOT NULL REFERENCES users (id),
    approved_by   BIGINT REFERENCES users (id),              -- NULL while the request waits
    approved_at   TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,
    revoked_by    BIGINT REFERENCES users (id)
);
CREATE INDEX test_exceptions_org ON test_exceptions (org_id, test_id, resource_key);

-- A connection's webhook secret (sealed like its credential), which GitHub
-- signs deliveries with; NULL until one is made.
ALTER TABLE connections ADD COLUMN sealed_webhook_secret BYTEA;

-- The canonical bytes of every ledger record other than evidence (whose
-- records live on its rows): snapshots, test versions, exceptions. Bundles
-- carry them so a verifier can re-check each entry.
CREATE TABLE ledger_records (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    record_type TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    record_hash TEXT NOT NULL,
    record      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, record_type, record_id, record_hash)
);

-- +goose Down
ALTER TABLE connections DROP COLUMN sealed_webhook_secret;
DROP TABLE ledger_records;
DROP TABLE test_exceptions;
DROP TABLE custom_tests;
DROP TABLE test_runs;
DROP TABLE result_changes;
DROP TABLE test_results;
DROP TABLE test_version_controls;
DROP TABLE test_versions;
DROP TABLE collections;
