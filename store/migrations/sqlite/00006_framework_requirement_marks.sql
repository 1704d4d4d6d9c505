-- +goose Up
-- An imported requirement can carry a title the importer derived (the source
-- gave none) and can be withdrawn by its publisher, with the requirements
-- its content moved to (IDs, one per line).
ALTER TABLE framework_requirements ADD COLUMN title_derived BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE framework_requirements ADD COLUMN withdrawn BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE framework_requirements ADD COLUMN moved_to TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE framework_requirements DROP COLUMN moved_to;
ALTER TABLE framework_requirements DROP COLUMN withdrawn;
ALTER TABLE framework_requirements DROP COLUMN title_derived;
