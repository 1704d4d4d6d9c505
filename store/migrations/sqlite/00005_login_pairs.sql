-- +goose Up
-- Sign-in failures are counted per account and address pair first: an
-- account's failures note the address they came from. Earlier rows have none
-- (''), so they count towards the account-wide limit only.
ALTER TABLE login_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE login_failures DROP COLUMN address;
