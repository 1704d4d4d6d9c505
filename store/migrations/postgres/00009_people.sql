-- +goose Up
-- The workforce: people an organization employs or contracts, whether or not
-- they sign in. Email is the work email in lower case, unique in the
-- organization; a member with the same email is the person's account.
-- source and external_id say where the record came from (manual, csv, and
-- later identity providers and HR systems) and its ID there, so a sync
-- updates the record instead of adding a second one.
CREATE TABLE people (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    email           TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    department      TEXT NOT NULL DEFAULT '',
    manager_id      BIGINT REFERENCES people (id),
    employment_type TEXT NOT NULL CHECK (employment_type IN ('employee', 'contractor', 'intern')),
    start_date      TEXT NOT NULL,             -- a calendar date, YYYY-MM-DD
    end_date        TEXT,                      -- the last working day; NULL while they stay
    source          TEXT NOT NULL,
    external_id     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, email)
);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_source ON people (org_id, source, external_id);

-- +goose Down
DROP TABLE people;
