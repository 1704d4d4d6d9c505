-- +goose Up
-- Access reviews: a campaign over one or more systems (systems: a JSON array
-- of each system's name, source, connection, collection, owner), whose
-- account list is frozen when it starts as a ledger record (snapshot_hash,
-- the record's hash; record uid = uid). Each account is an item with its
-- reviewer and decision; a revoke or change opens a task (task_id). The
-- completion is a ledger record too, and its report an evidence item
-- (report_uid). access_review_settings holds an organization's cadence.
CREATE TABLE access_reviews (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    uid           TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    state         TEXT NOT NULL,               -- open, completed
    due_on        TEXT NOT NULL,               -- YYYY-MM-DD
    systems       TEXT NOT NULL,               -- JSON array
    snapshot_hash TEXT NOT NULL,
    started_by    BIGINT REFERENCES users (id),
    started_at    TIMESTAMPTZ NOT NULL,
    completed_by  BIGINT REFERENCES users (id),
    completed_at  TIMESTAMPTZ,
    report_uid    TEXT NOT NULL                -- an evidence uid, or ''
);
CREATE INDEX access_reviews_org ON access_reviews (org_id, state);

CREATE TABLE access_review_items (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    review_id     BIGINT NOT NULL REFERENCES access_reviews (id),
    system        TEXT NOT NULL,
    connection_id BIGINT NOT NULL,               -- 0 for an uploaded list; no foreign key: history outlives a removed connection
    account_key   TEXT NOT NULL,
    login         TEXT NOT NULL,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    admin         BOOLEAN NOT NULL,
    person_id     BIGINT REFERENCES people (id),
    reviewer_id   BIGINT REFERENCES users (id),
    decision      TEXT NOT NULL,               -- '', keep, revoke, change
    reason        TEXT NOT NULL,
    decided_by    BIGINT REFERENCES users (id),
    decided_at    TIMESTAMPTZ,
    task_id       BIGINT REFERENCES tasks (id),
    UNIQUE (review_id, system, account_key)
);
CREATE INDEX access_review_items_reviewer ON access_review_items (org_id, reviewer_id);

CREATE TABLE access_review_settings (
    org_id         BIGINT NOT NULL PRIMARY KEY REFERENCES organizations (id),
    cadence_months INTEGER NOT NULL
);

-- +goose Down
DROP TABLE access_review_settings;
DROP TABLE access_review_items;
DROP TABLE access_reviews;
