-- +goose Up
-- The evidence list is read a page at a time, newest first, and the evidence
-- that expires soon by the time it speaks for (the end of its period, or its
-- collection): these indexes let both read only the rows they show rather
-- than the organization's whole library.
CREATE INDEX evidence_collected ON evidence (org_id, collected_at, id);
CREATE INDEX evidence_period_end ON evidence (org_id, period_end);

-- +goose Down
DROP INDEX evidence_period_end;
DROP INDEX evidence_collected;
