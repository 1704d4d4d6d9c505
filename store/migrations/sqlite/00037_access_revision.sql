-- +goose Up
-- The access revision: one number for the whole install that changes
-- whenever a row that decides which organizations a user may open, and as
-- what, changes: memberships, the organizations' names and sign-in rules,
-- the users' own fields, audits' status and early access, and their
-- auditors. Every request reads it with its session, so the server can keep
-- each user's organizations between requests and know they are current
-- without reading them again; any server on the same database sees a
-- change at its caller's next request. These rows change seldom, so one
-- number for all is enough.
CREATE TABLE access_revision (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO access_revision (id, n) VALUES (1, 1);

-- +goose StatementBegin
CREATE TRIGGER memberships_access_insert AFTER INSERT ON memberships BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER memberships_access_update AFTER UPDATE ON memberships BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER memberships_access_delete AFTER DELETE ON memberships BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER organizations_access_update AFTER UPDATE OF slug, name, created_at, require_mfa, require_sso, sso_break_glass ON organizations BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER organizations_access_delete AFTER DELETE ON organizations BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_access_update AFTER UPDATE OF email, name, password_hash, created_at ON users BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_access_delete AFTER DELETE ON users BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audits_access_insert AFTER INSERT ON audits BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audits_access_update AFTER UPDATE OF org_id, status, early_access ON audits BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audits_access_delete AFTER DELETE ON audits BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_auditors_access_insert AFTER INSERT ON audit_auditors BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_auditors_access_update AFTER UPDATE ON audit_auditors BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_auditors_access_delete AFTER DELETE ON audit_auditors BEGIN
    UPDATE access_revision SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER memberships_access_insert;
DROP TRIGGER memberships_access_update;
DROP TRIGGER memberships_access_delete;
DROP TRIGGER organizations_access_update;
DROP TRIGGER organizations_access_delete;
DROP TRIGGER users_access_update;
DROP TRIGGER users_access_delete;
DROP TRIGGER audits_access_insert;
DROP TRIGGER audits_access_update;
DROP TRIGGER audits_access_delete;
DROP TRIGGER audit_auditors_access_insert;
DROP TRIGGER audit_auditors_access_update;
DROP TRIGGER audit_auditors_access_delete;
DROP TABLE access_revision;
