-- +goose Up
-- The incident register: an incident's severity, status and timeline (null
-- while not yet or unknown), what it touched, the notification decisions per
-- audience, and its post-mortem, whose sign-off closes the incident and is a
-- ledger record (record_uid). Response exercises (incident response and
-- disaster recovery, tabletop or live) are recorded once held, each a ledger
-- record. Corrective actions and follow-ups are tasks linked by
-- incident_tasks to an incident or an exercise.
CREATE TABLE incidents (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id               BIGINT NOT NULL REFERENCES organizations (id),
    title                TEXT NOT NULL,
    summary              TEXT NOT NULL,
    severity             TEXT NOT NULL,        -- sev1 … sev4
    status               TEXT NOT NULL,        -- open, contained, resolved, closed
    occurred_at          TIMESTAMPTZ,
    detected_at          TIMESTAMPTZ NOT NULL,
    contained_at         TIMESTAMPTZ,
    resolved_at          TIMESTAMPTZ,
    systems              TEXT NOT NULL,        -- JSON array of affected systems
    data_categories      TEXT NOT NULL,        -- JSON array of affected data categories
    personal_data        BOOLEAN NOT NULL,
    root_cause           TEXT NOT NULL,
    lessons              TEXT NOT NULL,
    owner_id             BIGINT REFERENCES users (id),
    notifications        TEXT NOT NULL,        -- JSON array of {audience, decision, reason, notified_on}
    post_mortem          TEXT NOT NULL,        -- Markdown
    post_mortem_evidence TEXT NOT NULL,        -- an evidence uid, or ''
    signed_off_by        BIGINT REFERENCES users (id),
    signed_off_at        TIMESTAMPTZ,
    record_uid           TEXT NOT NULL,        -- the sign-off's ledger record, or ''
    created_by           BIGINT REFERENCES users (id),
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX incidents_org ON incidents (org_id, status);

CREATE TABLE exercises (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    kind         TEXT NOT NULL,                -- incident_response, disaster_recovery
    format       TEXT NOT NULL,                -- tabletop, live
    held_on      TEXT NOT NULL,                -- YYYY-MM-DD
    title        TEXT NOT NULL,
    scenario     TEXT NOT NULL,
    participants TEXT NOT NULL,                -- JSON array of names
    findings     TEXT NOT NULL,
    record_uid   TEXT NOT NULL,                -- its ledger record
    created_by   BIGINT REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX exercises_org ON exercises (org_id, kind, held_on);

CREATE TABLE incident_tasks (
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    task_id     BIGINT NOT NULL PRIMARY KEY REFERENCES tasks (id),
    incident_id BIGINT REFERENCES incidents (id),
    exercise_id BIGINT REFERENCES exercises (id)
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id);
CREATE INDEX incident_tasks_exercise ON incident_tasks (exercise_id);

-- +goose Down
DROP TABLE incident_tasks;
DROP TABLE exercises;
DROP TABLE incidents;
