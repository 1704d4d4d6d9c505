-- +goose Up
-- Role changes: each change of a person's title, department, manager or
-- employment type, with the day it was recorded, so that the people who
-- changed roles in a window are a population an auditor can sample (access
-- adjusted to the new role). Values are kept as shown (the manager by name),
-- since the record they describe may change again.
CREATE TABLE person_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    field      TEXT NOT NULL CHECK (field IN ('title', 'department', 'manager', 'employment_type')),
    from_value TEXT NOT NULL,
    to_value   TEXT NOT NULL,
    changed_on TEXT NOT NULL,               -- YYYY-MM-DD
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_changes_day ON person_changes (org_id, changed_on);

-- +goose Down
DROP TABLE person_changes;
