-- +goose Up
-- Change management: each organization's rules for emergency changes, and
-- deployments uploaded as a deploy log (for deployments GitHub does not
-- record). Pull requests and GitHub deployments are read from the GitHub
-- connector's snapshots, never copied here.
CREATE TABLE change_rules (
    org_id          INTEGER PRIMARY KEY REFERENCES organizations (id),
    emergency_label TEXT NOT NULL,
    emergency_hours INTEGER NOT NULL
);
CREATE TABLE deploy_log (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    repo        TEXT NOT NULL,
    sha         TEXT NOT NULL,
    environment TEXT NOT NULL,
    deployer    TEXT NOT NULL,
    deployed_at TIMESTAMP NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, repo, sha, deployed_at)
);
CREATE INDEX deploy_log_org_time ON deploy_log (org_id, deployed_at);

-- +goose Down
DROP TABLE deploy_log;
DROP TABLE change_rules;
