-- +goose Up
-- The vendor register: vendors with their criticality, the data they
-- receive and their contract; their reviews (a report uploaded as evidence,
-- its period and opinion, questionnaire answers and an approved conclusion;
-- a completed review is a ledger record); and the complementary user entity
-- controls a vendor's report asks of the organization, as a checklist.
CREATE TABLE vendors (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    name           TEXT NOT NULL,
    website        TEXT NOT NULL,
    criticality    TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
    data_shared    TEXT NOT NULL,             -- comma-separated data categories
    services       TEXT NOT NULL,
    location       TEXT NOT NULL,
    contract_start TEXT NOT NULL,             -- YYYY-MM-DD or ''
    contract_end   TEXT NOT NULL,             -- YYYY-MM-DD or ''
    owner_id       BIGINT REFERENCES users (id),
    review_months  INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('onboarding', 'active', 'offboarded')),
    notes          TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE vendor_reviews (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    vendor_id    BIGINT NOT NULL REFERENCES vendors (id),
    state        TEXT NOT NULL CHECK (state IN ('draft', 'completed')),
    report_id    BIGINT REFERENCES evidence (id),
    report_type  TEXT NOT NULL CHECK (report_type IN ('type1', 'type2', 'none')),
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    opinion      TEXT NOT NULL,
    exceptions   TEXT NOT NULL,
    response     TEXT NOT NULL,
    answers      TEXT NOT NULL,               -- JSON object: question key → answer
    conclusion   TEXT NOT NULL,
    reviewer_id  BIGINT REFERENCES users (id),
    completed_on TEXT NOT NULL,               -- YYYY-MM-DD once completed
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX vendor_reviews_vendor ON vendor_reviews (org_id, vendor_id);

CREATE TABLE vendor_cuecs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    vendor_id   BIGINT NOT NULL REFERENCES vendors (id),
    review_id   BIGINT NOT NULL REFERENCES vendor_reviews (id),
    description TEXT NOT NULL,
    owner_id    BIGINT REFERENCES users (id),
    due_on      TEXT NOT NULL,
    done        BOOLEAN NOT NULL,
    done_on     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX vendor_cuecs_vendor ON vendor_cuecs (org_id, vendor_id);

-- A subservice organization in scope names its vendor record.
ALTER TABLE subservice_orgs ADD COLUMN vendor_id BIGINT REFERENCES vendors (id);

-- +goose Down
ALTER TABLE subservice_orgs DROP COLUMN vendor_id;
DROP TABLE vendor_cuecs;
DROP TABLE vendor_reviews;
DROP TABLE vendors;
