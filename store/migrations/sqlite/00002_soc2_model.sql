-- +goose Up
-- Scope: which categories and what system an organization's SOC 2 covers.
CREATE TABLE scopes (
    org_id         INTEGER PRIMARY KEY REFERENCES organizations (id),
    categories     TEXT NOT NULL,            -- comma-separated category IDs beyond the required ones
    system_name    TEXT NOT NULL,
    system_summary TEXT NOT NULL,
    services       TEXT NOT NULL,
    infrastructure TEXT NOT NULL,
    locations      TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE subservice_orgs (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    service      TEXT NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('carve-out', 'inclusive')),
    controls     TEXT NOT NULL,              -- what the organization relies on them for
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX subservice_orgs_org ON subservice_orgs (org_id);

CREATE TABLE cuecs (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    description TEXT NOT NULL,
    criteria    TEXT NOT NULL,               -- comma-separated requirement IDs
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX cuecs_org ON cuecs (org_id);

-- Controls are the organization's own, adopted from the library (library_id
-- kept) or custom.
CREATE TABLE controls (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    ref           TEXT NOT NULL,
    library_id    TEXT,
    name          TEXT NOT NULL,
    family        TEXT NOT NULL,
    description   TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('preventive', 'detective', 'corrective')),
    frequency     TEXT NOT NULL CHECK (frequency IN ('continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual', 'per-event')),
    evidence      TEXT NOT NULL,             -- what an auditor expects, one item per line
    owner_id      INTEGER REFERENCES users (id),
    status        TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'implemented', 'not_applicable')),
    justification TEXT NOT NULL,
    retired_at    TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (org_id, ref)
);

-- A mapping ties a control to a requirement of a framework. source says whether
-- it came with the library or the organization added it.
CREATE TABLE control_mappings (
    control_id  INTEGER NOT NULL REFERENCES controls (id),
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    framework   TEXT NOT NULL,
    requirement TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('library', 'organization')),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (control_id, framework, requirement)
);
CREATE INDEX control_mappings_org ON control_mappings (org_id, framework, requirement);

CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    owner_id     INTEGER REFERENCES users (id),
    due_on       TEXT,                       -- a calendar date, YYYY-MM-DD
    priority     TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    status       TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    control_id   INTEGER REFERENCES controls (id),
    requirement  TEXT NOT NULL,              -- the criterion whose gap caused it, if any
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
CREATE INDEX tasks_org ON tasks (org_id, status);
CREATE INDEX tasks_owner ON tasks (owner_id);

-- Frameworks an organization imported (CISO Assistant libraries, OSCAL
-- catalogs). Their text stays inside the organization.
CREATE TABLE frameworks (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    key         TEXT NOT NULL,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    format      TEXT NOT NULL,
    filename    TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    imported_by INTEGER REFERENCES users (id),
    imported_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, key)
);

CREATE TABLE framework_requirements (
    framework_id INTEGER NOT NULL REFERENCES frameworks (id),
    position     INTEGER NOT NULL,
    ref          TEXT NOT NULL,
    parent       TEXT NOT NULL,
    depth        INTEGER NOT NULL,
    assessable   BOOLEAN NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    PRIMARY KEY (framework_id, position),
    UNIQUE (framework_id, ref)
);

-- +goose Down
DROP TABLE framework_requirements;
DROP TABLE frameworks;
DROP TABLE tasks;
DROP TABLE control_mappings;
DROP TABLE controls;
DROP TABLE cuecs;
DROP TABLE subservice_orgs;
DROP TABLE scopes;
