-- +goose Up
-- The access revision: one number for the whole install that changes
-- whenever a row that decides which organizations a user may open, and as
-- what, changes: memberships, the organizations' names and sign-in rules,
-- the users' own fields, audits' status and early access, and their
-- auditors. Every request reads it with its session, so the server can keep
-- each user's organizations between requests and know they are current
-- without reading them again; any server on the same database sees a
-- change at its caller's next request. These rows change seldom, so one
-- number for all is enough, bumped once per transaction.
--
-- Lock order. The bump locks the one row until the commit, so it must never
-- be taken while a transaction may still wait for something another holder
-- of it waits for. A change to memberships, users, audits or auditors only
-- marks the transaction (a transaction-local setting, no lock); the bump
-- happens at the commit, in the deferred triggers that bump organizations'
-- revisions (00033), which every such change fires, and always before
-- their own: a committing transaction takes this row before any
-- organization's revision and waits for nothing else. An organization's
-- rename or sign-in rules, and a deletion of an organization or a user,
-- which fire no deferred trigger, bump at once: those transactions start
-- with that statement's own row lock and take no lock another holder of
-- this row could hold.
CREATE TABLE access_revision (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO access_revision (id, n) VALUES (1, 1);

-- Marks the transaction as one that changes access.
-- +goose StatementBegin
CREATE FUNCTION attest_note_access_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('attest.access_changed', 'y', true);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Bumps the access revision once in a transaction marked as changing it.
-- +goose StatementBegin
CREATE FUNCTION attest_bump_access_revision() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('attest.access_changed', true) = 'y'
        AND current_setting('attest.access_bumped', true) IS DISTINCT FROM 'y' THEN
        UPDATE access_revision SET n = n + 1 WHERE id = 1;
        PERFORM set_config('attest.access_bumped', 'y', true);
    END IF;
END
$$;
-- +goose StatementEnd

-- Marks the transaction and bumps at once.
-- +goose StatementBegin
CREATE FUNCTION attest_bump_access_now() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('attest.access_changed', 'y', true);
    PERFORM attest_bump_access_revision();
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- The organizations' revisions, bumped at the commit, bump the access
-- revision first.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION attest_bump_org_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o BIGINT;
BEGIN
    PERFORM attest_bump_access_revision();
    IF TG_OP = 'DELETE' THEN
        o := OLD.org_id;
    ELSE
        o := NEW.org_id;
    END IF;
    IF current_setting('attest.revised_' || o, true) IS DISTINCT FROM 'y' THEN
        INSERT INTO org_revisions (org_id, revision) VALUES (o, 1)
            ON CONFLICT (org_id) DO UPDATE SET revision = org_revisions.revision + 1;
        PERFORM set_config('attest.revised_' || o, 'y', true);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION attest_bump_all_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM attest_bump_access_revision();
    IF current_setting('attest.revised_all', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO org_revisions (org_id, revision) SELECT id, 1 FROM organizations ORDER BY id
            ON CONFLICT (org_id) DO UPDATE SET revision = org_revisions.revision + 1;
        PERFORM set_config('attest.revised_all', 'y', true);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER memberships_access_insert AFTER INSERT ON memberships
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER memberships_access_update AFTER UPDATE ON memberships
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER memberships_access_delete AFTER DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER users_access_update AFTER UPDATE OF email, name, password_hash, created_at ON users
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER audits_access_insert AFTER INSERT ON audits
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER audits_access_update AFTER UPDATE OF org_id, status, early_access ON audits
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER audits_access_delete AFTER DELETE ON audits
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER audit_auditors_access_insert AFTER INSERT ON audit_auditors
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER audit_auditors_access_update AFTER UPDATE ON audit_auditors
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER audit_auditors_access_delete AFTER DELETE ON audit_auditors
    FOR EACH ROW EXECUTE FUNCTION attest_note_access_change();
CREATE TRIGGER organizations_access_update AFTER UPDATE OF slug, name, created_at, require_mfa, require_sso, sso_break_glass ON organizations
    FOR EACH ROW EXECUTE FUNCTION attest_bump_access_now();
CREATE TRIGGER organizations_access_delete AFTER DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION attest_bump_access_now();
CREATE TRIGGER users_access_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION attest_bump_access_now();

-- +goose Down
DROP TRIGGER memberships_access_insert ON memberships;
DROP TRIGGER memberships_access_update ON memberships;
DROP TRIGGER memberships_access_delete ON memberships;
DROP TRIGGER users_access_update ON users;
DROP TRIGGER audits_access_insert ON audits;
DROP TRIGGER audits_access_update ON audits;
DROP TRIGGER audits_access_delete ON audits;
DROP TRIGGER audit_auditors_access_insert ON audit_auditors;
DROP TRIGGER audit_auditors_access_update ON audit_auditors;
DROP TRIGGER audit_auditors_access_delete ON audit_auditors;
DROP TRIGGER organizations_access_update ON organizations;
DROP TRIGGER organizations_access_delete ON organizations;
DROP TRIGGER users_access_delete ON users;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION attest_bump_org_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        o := OLD.org_id;
    ELSE
        o := NEW.org_id;
    END IF;
    IF current_setting('attest.revised_' || o, true) IS DISTINCT FROM 'y' THEN
        INSERT INTO org_revisions (org_id, revision) VALUES (o, 1)
            ON CONFLICT (org_id) DO UPDATE SET revision = org_revisions.revision + 1;
        PERFORM set_config('attest.revised_' || o, 'y', true);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION attest_bump_all_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('attest.revised_all', true) IS DISTINCT FROM 'y' THEN
        INSERT INTO org_revisions (org_id, revision) SELECT id, 1 FROM organizations ORDER BY id
            ON CONFLICT (org_id) DO UPDATE SET revision = org_revisions.revision + 1;
        PERFORM set_config('attest.revised_all', 'y', true);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

DROP FUNCTION attest_bump_access_now();
DROP FUNCTION attest_bump_access_revision();
DROP FUNCTION attest_note_access_change();
DROP TABLE access_revision;
