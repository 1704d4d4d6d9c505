-- +goose Up
-- Onboarding and offboarding checklists. A template holds the steps for one
-- kind and employment type; people whose start date (onboarding) or last
-- working day (offboarding) is on or after its since day have it. The
-- checklists themselves are derived; only the completions are stored: a step
-- closed by hand with a note, or verified (from an observation that follows
-- a collection). A completion outlives a step removed from its template, so
-- it has no foreign key to it.
CREATE TABLE checklist_templates (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    kind            TEXT NOT NULL CHECK (kind IN ('onboarding', 'offboarding')),
    employment_type TEXT NOT NULL,
    name            TEXT NOT NULL,
    since           TEXT NOT NULL,             -- YYYY-MM-DD
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, kind, employment_type)
);

CREATE TABLE checklist_steps (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    template_id   BIGINT NOT NULL REFERENCES checklist_templates (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    title         TEXT NOT NULL,
    owner         TEXT NOT NULL CHECK (owner IN ('manager', 'person', 'team', 'member')),
    owner_user_id BIGINT REFERENCES users (id),
    due_days      INTEGER NOT NULL,
    check_kind    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX checklist_steps_template ON checklist_steps (template_id, position);

CREATE TABLE checklist_completions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    step_id    BIGINT NOT NULL,
    how        TEXT NOT NULL CHECK (how IN ('manual', 'verified')),
    note       TEXT NOT NULL,
    by_user_id BIGINT REFERENCES users (id),
    by_label   TEXT NOT NULL,
    evidence_id BIGINT REFERENCES evidence (id), -- a file closing the step, stored as evidence
    at         TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, person_id, step_id)
);

-- +goose Down
DROP TABLE checklist_completions;
DROP TABLE checklist_steps;
DROP TABLE checklist_templates;
