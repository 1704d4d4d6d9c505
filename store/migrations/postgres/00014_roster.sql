-- +goose Up
-- The people roster: accounts in outside systems linked by hand to the
-- person who holds them (when the account's email is not the person's work
-- email: a GitHub login, a personal address), and each organization's
-- deadlines for removing a leaver's access and giving a joiner theirs.
CREATE TABLE account_links (
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    connection_id BIGINT NOT NULL,   -- no foreign key: a link outlives a removed connection's history
    account_key   TEXT NOT NULL,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    created_by    BIGINT REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, connection_id, account_key)
);
CREATE TABLE roster_rules (
    org_id      BIGINT PRIMARY KEY REFERENCES organizations (id),
    leaver_days INTEGER NOT NULL,
    joiner_days INTEGER NOT NULL
);

-- +goose Down
DROP TABLE roster_rules;
DROP TABLE account_links;
