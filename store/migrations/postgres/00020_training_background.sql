-- +goose Up
-- Security awareness training and background checks, per person of the
-- workforce. A training completion is a ledger record (record_uid): the
-- built-in course passed in Attest (with the quiz score, in percent), or an
-- external course recorded by a manager with its certificate uploaded as
-- evidence (evidence_id) or a link. A background check keeps its status only,
-- never the report's content: one row per person, or an exemption with its
-- reason. people_settings holds the organization's deadlines: training is
-- due training_days after a person's start date (then a year after their
-- last completion), a background check background_days after it.
CREATE TABLE training_completions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    kind         TEXT NOT NULL CHECK (kind IN ('builtin', 'external')),
    course       TEXT NOT NULL,
    completed_on TEXT NOT NULL,                -- YYYY-MM-DD
    score        INTEGER NOT NULL DEFAULT 0,   -- percent, for the built-in quiz
    evidence_id  BIGINT REFERENCES evidence (id),
    link         TEXT NOT NULL DEFAULT '',
    record_uid   TEXT NOT NULL UNIQUE,         -- its ledger record
    recorded_by  BIGINT REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX training_completions_person ON training_completions (org_id, person_id, completed_on);

CREATE TABLE background_checks (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    person_id     BIGINT NOT NULL REFERENCES people (id),
    provider      TEXT NOT NULL DEFAULT '',
    checked_on    TEXT NOT NULL DEFAULT '',    -- YYYY-MM-DD the result came; '' while pending
    status        TEXT NOT NULL CHECK (status IN ('pending', 'clear', 'flagged', 'adverse_action', 'exempt')),
    exempt_reason TEXT NOT NULL DEFAULT '',
    updated_by    BIGINT REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, person_id)
);

CREATE TABLE people_settings (
    org_id          BIGINT NOT NULL PRIMARY KEY REFERENCES organizations (id),
    training_days   INTEGER NOT NULL,
    background_days INTEGER NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE people_settings;
DROP TABLE background_checks;
DROP TABLE training_completions;
