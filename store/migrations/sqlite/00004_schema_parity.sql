-- +goose Up
-- PostgreSQL's append-only triggers took SQLite's names (one per event) so
-- that the schema parity test compares them one to one; SQLite already had
-- them. This file keeps the two dialects' versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
