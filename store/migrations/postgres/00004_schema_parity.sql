-- +goose Up
-- The append-only triggers carry the same names as SQLite's, one per event, so
-- that the schema parity test compares them one to one. The TRUNCATE triggers
-- stay: SQLite has no TRUNCATE.
DROP TRIGGER activity_no_change ON activity;
CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity FOR EACH ROW EXECUTE FUNCTION activity_append_only();
CREATE TRIGGER activity_no_delete BEFORE DELETE ON activity FOR EACH ROW EXECUTE FUNCTION activity_append_only();
DROP TRIGGER evidence_no_change ON evidence;
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP TRIGGER ledger_no_change ON ledger_entries;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP TRIGGER checkpoints_no_change ON ledger_checkpoints;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- +goose Down
-- Never leave a table unguarded: the old triggers go back before the new ones go.
CREATE TRIGGER checkpoints_no_change BEFORE UPDATE OR DELETE ON ledger_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP TRIGGER checkpoints_no_delete ON ledger_checkpoints;
DROP TRIGGER checkpoints_no_update ON ledger_checkpoints;
CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP TRIGGER ledger_no_delete ON ledger_entries;
DROP TRIGGER ledger_no_update ON ledger_entries;
CREATE TRIGGER evidence_no_change BEFORE UPDATE OR DELETE ON evidence FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP TRIGGER evidence_no_delete ON evidence;
DROP TRIGGER evidence_no_update ON evidence;
CREATE TRIGGER activity_no_change BEFORE UPDATE OR DELETE ON activity FOR EACH ROW EXECUTE FUNCTION activity_append_only();
DROP TRIGGER activity_no_delete ON activity;
DROP TRIGGER activity_no_update ON activity;
