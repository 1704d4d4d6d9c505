-- +goose Up
-- An organization's revision: a number that changes whenever a row of one
-- of its records changes, so that a derivation cached for the organization
-- (readiness, which reads most registers) can be checked as current with one
-- indexed read instead of being derived again. Every table with an org_id
-- has triggers that bump it (deferred to the commit, so the revision's row
-- lock is taken last and held for the commit alone), except the append-only or bookkeeping tables no
-- derivation reads (the activity log, the ledger's entries and checkpoints,
-- notices and their deliveries, API token use, SSO sign-in state);
-- store.TestRevisionTriggers holds every table to that. A change to a user
-- (a name shown beside records of any organization) bumps every
-- organization. There is no foreign key: rows of a deleted organization's
-- records bump it on their way out.
CREATE TABLE org_revisions (
    org_id   BIGINT NOT NULL PRIMARY KEY,
    revision BIGINT NOT NULL
);

-- The first row a transaction changes for an organization bumps its
-- revision; the rest find the transaction-local mark and return.
-- +goose StatementBegin
CREATE FUNCTION attest_bump_org_revision() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE FUNCTION attest_bump_all_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE CONSTRAINT TRIGGER access_review_items_revision_insert AFTER INSERT ON access_review_items DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER access_review_items_revision_update AFTER UPDATE ON access_review_items DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER access_review_items_revision_delete AFTER DELETE ON access_review_items DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER access_review_settings_revision_insert AFTER INSERT ON access_review_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER access_review_settings_revision_update AFTER UPDATE ON access_review_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER access_review_settings_revision_delete AFTER DELETE ON access_review_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER access_reviews_revision_insert AFTER INSERT ON access_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER access_reviews_revision_update AFTER UPDATE ON access_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER access_reviews_revision_delete AFTER DELETE ON access_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER account_links_revision_insert AFTER INSERT ON account_links DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER account_links_revision_update AFTER UPDATE ON account_links DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER account_links_revision_delete AFTER DELETE ON account_links DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER audit_auditors_revision_insert AFTER INSERT ON audit_auditors DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_auditors_revision_update AFTER UPDATE ON audit_auditors DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_auditors_revision_delete AFTER DELETE ON audit_auditors DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER audit_request_events_revision_insert AFTER INSERT ON audit_request_events DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_request_events_revision_update AFTER UPDATE ON audit_request_events DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_request_events_revision_delete AFTER DELETE ON audit_request_events DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER audit_request_evidence_revision_insert AFTER INSERT ON audit_request_evidence DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_request_evidence_revision_update AFTER UPDATE ON audit_request_evidence DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_request_evidence_revision_delete AFTER DELETE ON audit_request_evidence DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER audit_requests_revision_insert AFTER INSERT ON audit_requests DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_requests_revision_update AFTER UPDATE ON audit_requests DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_requests_revision_delete AFTER DELETE ON audit_requests DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER audit_results_revision_insert AFTER INSERT ON audit_results DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_results_revision_update AFTER UPDATE ON audit_results DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audit_results_revision_delete AFTER DELETE ON audit_results DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER audits_revision_insert AFTER INSERT ON audits DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audits_revision_update AFTER UPDATE ON audits DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER audits_revision_delete AFTER DELETE ON audits DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER background_checks_revision_insert AFTER INSERT ON background_checks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER background_checks_revision_update AFTER UPDATE ON background_checks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER background_checks_revision_delete AFTER DELETE ON background_checks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER change_rules_revision_insert AFTER INSERT ON change_rules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER change_rules_revision_update AFTER UPDATE ON change_rules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER change_rules_revision_delete AFTER DELETE ON change_rules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER checklist_completions_revision_insert AFTER INSERT ON checklist_completions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER checklist_completions_revision_update AFTER UPDATE ON checklist_completions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER checklist_completions_revision_delete AFTER DELETE ON checklist_completions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER checklist_steps_revision_insert AFTER INSERT ON checklist_steps DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER checklist_steps_revision_update AFTER UPDATE ON checklist_steps DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER checklist_steps_revision_delete AFTER DELETE ON checklist_steps DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER checklist_templates_revision_insert AFTER INSERT ON checklist_templates DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER checklist_templates_revision_update AFTER UPDATE ON checklist_templates DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER checklist_templates_revision_delete AFTER DELETE ON checklist_templates DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER collections_revision_insert AFTER INSERT ON collections DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER collections_revision_update AFTER UPDATE ON collections DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER collections_revision_delete AFTER DELETE ON collections DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER connections_revision_insert AFTER INSERT ON connections DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER connections_revision_update AFTER UPDATE ON connections DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER connections_revision_delete AFTER DELETE ON connections DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER control_mapping_removals_revision_insert AFTER INSERT ON control_mapping_removals DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER control_mapping_removals_revision_update AFTER UPDATE ON control_mapping_removals DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER control_mapping_removals_revision_delete AFTER DELETE ON control_mapping_removals DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER control_mappings_revision_insert AFTER INSERT ON control_mappings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER control_mappings_revision_update AFTER UPDATE ON control_mappings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER control_mappings_revision_delete AFTER DELETE ON control_mappings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER controls_revision_insert AFTER INSERT ON controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER controls_revision_update AFTER UPDATE ON controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER controls_revision_delete AFTER DELETE ON controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER cuecs_revision_insert AFTER INSERT ON cuecs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER cuecs_revision_update AFTER UPDATE ON cuecs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER cuecs_revision_delete AFTER DELETE ON cuecs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER custom_tests_revision_insert AFTER INSERT ON custom_tests DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER custom_tests_revision_update AFTER UPDATE ON custom_tests DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER custom_tests_revision_delete AFTER DELETE ON custom_tests DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER deploy_log_revision_insert AFTER INSERT ON deploy_log DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER deploy_log_revision_update AFTER UPDATE ON deploy_log DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER deploy_log_revision_delete AFTER DELETE ON deploy_log DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER evidence_revision_insert AFTER INSERT ON evidence DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER evidence_revision_update AFTER UPDATE ON evidence DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER evidence_revision_delete AFTER DELETE ON evidence DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER evidence_controls_revision_insert AFTER INSERT ON evidence_controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER evidence_controls_revision_update AFTER UPDATE ON evidence_controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER evidence_controls_revision_delete AFTER DELETE ON evidence_controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER exercises_revision_insert AFTER INSERT ON exercises DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER exercises_revision_update AFTER UPDATE ON exercises DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER exercises_revision_delete AFTER DELETE ON exercises DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER frameworks_revision_insert AFTER INSERT ON frameworks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER frameworks_revision_update AFTER UPDATE ON frameworks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER frameworks_revision_delete AFTER DELETE ON frameworks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER incident_tasks_revision_insert AFTER INSERT ON incident_tasks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER incident_tasks_revision_update AFTER UPDATE ON incident_tasks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER incident_tasks_revision_delete AFTER DELETE ON incident_tasks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER incidents_revision_insert AFTER INSERT ON incidents DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER incidents_revision_update AFTER UPDATE ON incidents DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER incidents_revision_delete AFTER DELETE ON incidents DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER invitations_revision_insert AFTER INSERT ON invitations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER invitations_revision_update AFTER UPDATE ON invitations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER invitations_revision_delete AFTER DELETE ON invitations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER ledger_records_revision_insert AFTER INSERT ON ledger_records DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER ledger_records_revision_update AFTER UPDATE ON ledger_records DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER ledger_records_revision_delete AFTER DELETE ON ledger_records DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER memberships_revision_insert AFTER INSERT ON memberships DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER memberships_revision_update AFTER UPDATE ON memberships DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER memberships_revision_delete AFTER DELETE ON memberships DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER notice_defaults_revision_insert AFTER INSERT ON notice_defaults DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER notice_defaults_revision_update AFTER UPDATE ON notice_defaults DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER notice_defaults_revision_delete AFTER DELETE ON notice_defaults DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER notice_prefs_revision_insert AFTER INSERT ON notice_prefs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER notice_prefs_revision_update AFTER UPDATE ON notice_prefs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER notice_prefs_revision_delete AFTER DELETE ON notice_prefs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER people_revision_insert AFTER INSERT ON people DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER people_revision_update AFTER UPDATE ON people DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER people_revision_delete AFTER DELETE ON people DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER people_settings_revision_insert AFTER INSERT ON people_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER people_settings_revision_update AFTER UPDATE ON people_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER people_settings_revision_delete AFTER DELETE ON people_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER person_changes_revision_insert AFTER INSERT ON person_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER person_changes_revision_update AFTER UPDATE ON person_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER person_changes_revision_delete AFTER DELETE ON person_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER policies_revision_insert AFTER INSERT ON policies DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policies_revision_update AFTER UPDATE ON policies DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policies_revision_delete AFTER DELETE ON policies DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER policy_acceptances_revision_insert AFTER INSERT ON policy_acceptances DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policy_acceptances_revision_update AFTER UPDATE ON policy_acceptances DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policy_acceptances_revision_delete AFTER DELETE ON policy_acceptances DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER policy_settings_revision_insert AFTER INSERT ON policy_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policy_settings_revision_update AFTER UPDATE ON policy_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policy_settings_revision_delete AFTER DELETE ON policy_settings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER policy_versions_revision_insert AFTER INSERT ON policy_versions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policy_versions_revision_update AFTER UPDATE ON policy_versions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER policy_versions_revision_delete AFTER DELETE ON policy_versions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER population_samples_revision_insert AFTER INSERT ON population_samples DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER population_samples_revision_update AFTER UPDATE ON population_samples DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER population_samples_revision_delete AFTER DELETE ON population_samples DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER populations_revision_insert AFTER INSERT ON populations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER populations_revision_update AFTER UPDATE ON populations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER populations_revision_delete AFTER DELETE ON populations DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER result_changes_revision_insert AFTER INSERT ON result_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER result_changes_revision_update AFTER UPDATE ON result_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER result_changes_revision_delete AFTER DELETE ON result_changes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER results_checked_revision_insert AFTER INSERT ON results_checked DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER results_checked_revision_update AFTER UPDATE ON results_checked DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER results_checked_revision_delete AFTER DELETE ON results_checked DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER risk_assessments_revision_insert AFTER INSERT ON risk_assessments DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER risk_assessments_revision_update AFTER UPDATE ON risk_assessments DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER risk_assessments_revision_delete AFTER DELETE ON risk_assessments DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER risk_scales_revision_insert AFTER INSERT ON risk_scales DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER risk_scales_revision_update AFTER UPDATE ON risk_scales DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER risk_scales_revision_delete AFTER DELETE ON risk_scales DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER risks_revision_insert AFTER INSERT ON risks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER risks_revision_update AFTER UPDATE ON risks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER risks_revision_delete AFTER DELETE ON risks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER roster_rules_revision_insert AFTER INSERT ON roster_rules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER roster_rules_revision_update AFTER UPDATE ON roster_rules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER roster_rules_revision_delete AFTER DELETE ON roster_rules DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER scope_exclusions_revision_insert AFTER INSERT ON scope_exclusions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER scope_exclusions_revision_update AFTER UPDATE ON scope_exclusions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER scope_exclusions_revision_delete AFTER DELETE ON scope_exclusions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER scope_frameworks_revision_insert AFTER INSERT ON scope_frameworks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER scope_frameworks_revision_update AFTER UPDATE ON scope_frameworks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER scope_frameworks_revision_delete AFTER DELETE ON scope_frameworks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER scopes_revision_insert AFTER INSERT ON scopes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER scopes_revision_update AFTER UPDATE ON scopes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER scopes_revision_delete AFTER DELETE ON scopes DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER slack_channels_revision_insert AFTER INSERT ON slack_channels DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER slack_channels_revision_update AFTER UPDATE ON slack_channels DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER slack_channels_revision_delete AFTER DELETE ON slack_channels DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER sso_configs_revision_insert AFTER INSERT ON sso_configs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER sso_configs_revision_update AFTER UPDATE ON sso_configs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER sso_configs_revision_delete AFTER DELETE ON sso_configs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER sso_identities_revision_insert AFTER INSERT ON sso_identities DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER sso_identities_revision_update AFTER UPDATE ON sso_identities DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER sso_identities_revision_delete AFTER DELETE ON sso_identities DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER subservice_orgs_revision_insert AFTER INSERT ON subservice_orgs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER subservice_orgs_revision_update AFTER UPDATE ON subservice_orgs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER subservice_orgs_revision_delete AFTER DELETE ON subservice_orgs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER tasks_revision_insert AFTER INSERT ON tasks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER tasks_revision_update AFTER UPDATE ON tasks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER tasks_revision_delete AFTER DELETE ON tasks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER test_exceptions_revision_insert AFTER INSERT ON test_exceptions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_exceptions_revision_update AFTER UPDATE ON test_exceptions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_exceptions_revision_delete AFTER DELETE ON test_exceptions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER test_results_revision_insert AFTER INSERT ON test_results DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_results_revision_update AFTER UPDATE ON test_results DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_results_revision_delete AFTER DELETE ON test_results DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER test_runs_revision_insert AFTER INSERT ON test_runs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_runs_revision_update AFTER UPDATE ON test_runs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_runs_revision_delete AFTER DELETE ON test_runs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER test_version_controls_revision_insert AFTER INSERT ON test_version_controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_version_controls_revision_update AFTER UPDATE ON test_version_controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_version_controls_revision_delete AFTER DELETE ON test_version_controls DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER test_versions_revision_insert AFTER INSERT ON test_versions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_versions_revision_update AFTER UPDATE ON test_versions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER test_versions_revision_delete AFTER DELETE ON test_versions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER training_completions_revision_insert AFTER INSERT ON training_completions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER training_completions_revision_update AFTER UPDATE ON training_completions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER training_completions_revision_delete AFTER DELETE ON training_completions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER vendor_cuecs_revision_insert AFTER INSERT ON vendor_cuecs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER vendor_cuecs_revision_update AFTER UPDATE ON vendor_cuecs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER vendor_cuecs_revision_delete AFTER DELETE ON vendor_cuecs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER vendor_reviews_revision_insert AFTER INSERT ON vendor_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER vendor_reviews_revision_update AFTER UPDATE ON vendor_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER vendor_reviews_revision_delete AFTER DELETE ON vendor_reviews DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER vendors_revision_insert AFTER INSERT ON vendors DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER vendors_revision_update AFTER UPDATE ON vendors DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();
CREATE CONSTRAINT TRIGGER vendors_revision_delete AFTER DELETE ON vendors DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_org_revision();

CREATE CONSTRAINT TRIGGER users_revision_insert AFTER INSERT ON users DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_all_revisions();
CREATE CONSTRAINT TRIGGER users_revision_update AFTER UPDATE ON users DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION attest_bump_all_revisions();

-- +goose Down
DROP TRIGGER users_revision_insert ON users;
DROP TRIGGER users_revision_update ON users;
DROP TRIGGER access_review_items_revision_insert ON access_review_items;
DROP TRIGGER access_review_items_revision_update ON access_review_items;
DROP TRIGGER access_review_items_revision_delete ON access_review_items;
DROP TRIGGER access_review_settings_revision_insert ON access_review_settings;
DROP TRIGGER access_review_settings_revision_update ON access_review_settings;
DROP TRIGGER access_review_settings_revision_delete ON access_review_settings;
DROP TRIGGER access_reviews_revision_insert ON access_reviews;
DROP TRIGGER access_reviews_revision_update ON access_reviews;
DROP TRIGGER access_reviews_revision_delete ON access_reviews;
DROP TRIGGER account_links_revision_insert ON account_links;
DROP TRIGGER account_links_revision_update ON account_links;
DROP TRIGGER account_links_revision_delete ON account_links;
DROP TRIGGER audit_auditors_revision_insert ON audit_auditors;
DROP TRIGGER audit_auditors_revision_update ON audit_auditors;
DROP TRIGGER audit_auditors_revision_delete ON audit_auditors;
DROP TRIGGER audit_request_events_revision_insert ON audit_request_events;
DROP TRIGGER audit_request_events_revision_update ON audit_request_events;
DROP TRIGGER audit_request_events_revision_delete ON audit_request_events;
DROP TRIGGER audit_request_evidence_revision_insert ON audit_request_evidence;
DROP TRIGGER audit_request_evidence_revision_update ON audit_request_evidence;
DROP TRIGGER audit_request_evidence_revision_delete ON audit_request_evidence;
DROP TRIGGER audit_requests_revision_insert ON audit_requests;
DROP TRIGGER audit_requests_revision_update ON audit_requests;
DROP TRIGGER audit_requests_revision_delete ON audit_requests;
DROP TRIGGER audit_results_revision_insert ON audit_results;
DROP TRIGGER audit_results_revision_update ON audit_results;
DROP TRIGGER audit_results_revision_delete ON audit_results;
DROP TRIGGER audits_revision_insert ON audits;
DROP TRIGGER audits_revision_update ON audits;
DROP TRIGGER audits_revision_delete ON audits;
DROP TRIGGER background_checks_revision_insert ON background_checks;
DROP TRIGGER background_checks_revision_update ON background_checks;
DROP TRIGGER background_checks_revision_delete ON background_checks;
DROP TRIGGER change_rules_revision_insert ON change_rules;
DROP TRIGGER change_rules_revision_update ON change_rules;
DROP TRIGGER change_rules_revision_delete ON change_rules;
DROP TRIGGER checklist_completions_revision_insert ON checklist_completions;
DROP TRIGGER checklist_completions_revision_update ON checklist_completions;
DROP TRIGGER checklist_completions_revision_delete ON checklist_completions;
DROP TRIGGER checklist_steps_revision_insert ON checklist_steps;
DROP TRIGGER checklist_steps_revision_update ON checklist_steps;
DROP TRIGGER checklist_steps_revision_delete ON checklist_steps;
DROP TRIGGER checklist_templates_revision_insert ON checklist_templates;
DROP TRIGGER checklist_templates_revision_update ON checklist_templates;
DROP TRIGGER checklist_templates_revision_delete ON checklist_templates;
DROP TRIGGER collections_revision_insert ON collections;
DROP TRIGGER collections_revision_update ON collections;
DROP TRIGGER collections_revision_delete ON collections;
DROP TRIGGER connections_revision_insert ON connections;
DROP TRIGGER connections_revision_update ON connections;
DROP TRIGGER connections_revision_delete ON connections;
DROP TRIGGER control_mapping_removals_revision_insert ON control_mapping_removals;
DROP TRIGGER control_mapping_removals_revision_update ON control_mapping_removals;
DROP TRIGGER control_mapping_removals_revision_delete ON control_mapping_removals;
DROP TRIGGER control_mappings_revision_insert ON control_mappings;
DROP TRIGGER control_mappings_revision_update ON control_mappings;
DROP TRIGGER control_mappings_revision_delete ON control_mappings;
DROP TRIGGER controls_revision_insert ON controls;
DROP TRIGGER controls_revision_update ON controls;
DROP TRIGGER controls_revision_delete ON controls;
DROP TRIGGER cuecs_revision_insert ON cuecs;
DROP TRIGGER cuecs_revision_update ON cuecs;
DROP TRIGGER cuecs_revision_delete ON cuecs;
DROP TRIGGER custom_tests_revision_insert ON custom_tests;
DROP TRIGGER custom_tests_revision_update ON custom_tests;
DROP TRIGGER custom_tests_revision_delete ON custom_tests;
DROP TRIGGER deploy_log_revision_insert ON deploy_log;
DROP TRIGGER deploy_log_revision_update ON deploy_log;
DROP TRIGGER deploy_log_revision_delete ON deploy_log;
DROP TRIGGER evidence_revision_insert ON evidence;
DROP TRIGGER evidence_revision_update ON evidence;
DROP TRIGGER evidence_revision_delete ON evidence;
DROP TRIGGER evidence_controls_revision_insert ON evidence_controls;
DROP TRIGGER evidence_controls_revision_update ON evidence_controls;
DROP TRIGGER evidence_controls_revision_delete ON evidence_controls;
DROP TRIGGER exercises_revision_insert ON exercises;
DROP TRIGGER exercises_revision_update ON exercises;
DROP TRIGGER exercises_revision_delete ON exercises;
DROP TRIGGER frameworks_revision_insert ON frameworks;
DROP TRIGGER frameworks_revision_update ON frameworks;
DROP TRIGGER frameworks_revision_delete ON frameworks;
DROP TRIGGER incident_tasks_revision_insert ON incident_tasks;
DROP TRIGGER incident_tasks_revision_update ON incident_tasks;
DROP TRIGGER incident_tasks_revision_delete ON incident_tasks;
DROP TRIGGER incidents_revision_insert ON incidents;
DROP TRIGGER incidents_revision_update ON incidents;
DROP TRIGGER incidents_revision_delete ON incidents;
DROP TRIGGER invitations_revision_insert ON invitations;
DROP TRIGGER invitations_revision_update ON invitations;
DROP TRIGGER invitations_revision_delete ON invitations;
DROP TRIGGER ledger_records_revision_insert ON ledger_records;
DROP TRIGGER ledger_records_revision_update ON ledger_records;
DROP TRIGGER ledger_records_revision_delete ON ledger_records;
DROP TRIGGER memberships_revision_insert ON memberships;
DROP TRIGGER memberships_revision_update ON memberships;
DROP TRIGGER memberships_revision_delete ON memberships;
DROP TRIGGER notice_defaults_revision_insert ON notice_defaults;
DROP TRIGGER notice_defaults_revision_update ON notice_defaults;
DROP TRIGGER notice_defaults_revision_delete ON notice_defaults;
DROP TRIGGER notice_prefs_revision_insert ON notice_prefs;
DROP TRIGGER notice_prefs_revision_update ON notice_prefs;
DROP TRIGGER notice_prefs_revision_delete ON notice_prefs;
DROP TRIGGER people_revision_insert ON people;
DROP TRIGGER people_revision_update ON people;
DROP TRIGGER people_revision_delete ON people;
DROP TRIGGER people_settings_revision_insert ON people_settings;
DROP TRIGGER people_settings_revision_update ON people_settings;
DROP TRIGGER people_settings_revision_delete ON people_settings;
DROP TRIGGER person_changes_revision_insert ON person_changes;
DROP TRIGGER person_changes_revision_update ON person_changes;
DROP TRIGGER person_changes_revision_delete ON person_changes;
DROP TRIGGER policies_revision_insert ON policies;
DROP TRIGGER policies_revision_update ON policies;
DROP TRIGGER policies_revision_delete ON policies;
DROP TRIGGER policy_acceptances_revision_insert ON policy_acceptances;
DROP TRIGGER policy_acceptances_revision_update ON policy_acceptances;
DROP TRIGGER policy_acceptances_revision_delete ON policy_acceptances;
DROP TRIGGER policy_settings_revision_insert ON policy_settings;
DROP TRIGGER policy_settings_revision_update ON policy_settings;
DROP TRIGGER policy_settings_revision_delete ON policy_settings;
DROP TRIGGER policy_versions_revision_insert ON policy_versions;
DROP TRIGGER policy_versions_revision_update ON policy_versions;
DROP TRIGGER policy_versions_revision_delete ON policy_versions;
DROP TRIGGER population_samples_revision_insert ON population_samples;
DROP TRIGGER population_samples_revision_update ON population_samples;
DROP TRIGGER population_samples_revision_delete ON population_samples;
DROP TRIGGER populations_revision_insert ON populations;
DROP TRIGGER populations_revision_update ON populations;
DROP TRIGGER populations_revision_delete ON populations;
DROP TRIGGER result_changes_revision_insert ON result_changes;
DROP TRIGGER result_changes_revision_update ON result_changes;
DROP TRIGGER result_changes_revision_delete ON result_changes;
DROP TRIGGER results_checked_revision_insert ON results_checked;
DROP TRIGGER results_checked_revision_update ON results_checked;
DROP TRIGGER results_checked_revision_delete ON results_checked;
DROP TRIGGER risk_assessments_revision_insert ON risk_assessments;
DROP TRIGGER risk_assessments_revision_update ON risk_assessments;
DROP TRIGGER risk_assessments_revision_delete ON risk_assessments;
DROP TRIGGER risk_scales_revision_insert ON risk_scales;
DROP TRIGGER risk_scales_revision_update ON risk_scales;
DROP TRIGGER risk_scales_revision_delete ON risk_scales;
DROP TRIGGER risks_revision_insert ON risks;
DROP TRIGGER risks_revision_update ON risks;
DROP TRIGGER risks_revision_delete ON risks;
DROP TRIGGER roster_rules_revision_insert ON roster_rules;
DROP TRIGGER roster_rules_revision_update ON roster_rules;
DROP TRIGGER roster_rules_revision_delete ON roster_rules;
DROP TRIGGER scope_exclusions_revision_insert ON scope_exclusions;
DROP TRIGGER scope_exclusions_revision_update ON scope_exclusions;
DROP TRIGGER scope_exclusions_revision_delete ON scope_exclusions;
DROP TRIGGER scope_frameworks_revision_insert ON scope_frameworks;
DROP TRIGGER scope_frameworks_revision_update ON scope_frameworks;
DROP TRIGGER scope_frameworks_revision_delete ON scope_frameworks;
DROP TRIGGER scopes_revision_insert ON scopes;
DROP TRIGGER scopes_revision_update ON scopes;
DROP TRIGGER scopes_revision_delete ON scopes;
DROP TRIGGER slack_channels_revision_insert ON slack_channels;
DROP TRIGGER slack_channels_revision_update ON slack_channels;
DROP TRIGGER slack_channels_revision_delete ON slack_channels;
DROP TRIGGER sso_configs_revision_insert ON sso_configs;
DROP TRIGGER sso_configs_revision_update ON sso_configs;
DROP TRIGGER sso_configs_revision_delete ON sso_configs;
DROP TRIGGER sso_identities_revision_insert ON sso_identities;
DROP TRIGGER sso_identities_revision_update ON sso_identities;
DROP TRIGGER sso_identities_revision_delete ON sso_identities;
DROP TRIGGER subservice_orgs_revision_insert ON subservice_orgs;
DROP TRIGGER subservice_orgs_revision_update ON subservice_orgs;
DROP TRIGGER subservice_orgs_revision_delete ON subservice_orgs;
DROP TRIGGER tasks_revision_insert ON tasks;
DROP TRIGGER tasks_revision_update ON tasks;
DROP TRIGGER tasks_revision_delete ON tasks;
DROP TRIGGER test_exceptions_revision_insert ON test_exceptions;
DROP TRIGGER test_exceptions_revision_update ON test_exceptions;
DROP TRIGGER test_exceptions_revision_delete ON test_exceptions;
DROP TRIGGER test_results_revision_insert ON test_results;
DROP TRIGGER test_results_revision_update ON test_results;
DROP TRIGGER test_results_revision_delete ON test_results;
DROP TRIGGER test_runs_revision_insert ON test_runs;
DROP TRIGGER test_runs_revision_update ON test_runs;
DROP TRIGGER test_runs_revision_delete ON test_runs;
DROP TRIGGER test_version_controls_revision_insert ON test_version_controls;
DROP TRIGGER test_version_controls_revision_update ON test_version_controls;
DROP TRIGGER test_version_controls_revision_delete ON test_version_controls;
DROP TRIGGER test_versions_revision_insert ON test_versions;
DROP TRIGGER test_versions_revision_update ON test_versions;
DROP TRIGGER test_versions_revision_delete ON test_versions;
DROP TRIGGER training_completions_revision_insert ON training_completions;
DROP TRIGGER training_completions_revision_update ON training_completions;
DROP TRIGGER training_completions_revision_delete ON training_completions;
DROP TRIGGER vendor_cuecs_revision_insert ON vendor_cuecs;
DROP TRIGGER vendor_cuecs_revision_update ON vendor_cuecs;
DROP TRIGGER vendor_cuecs_revision_delete ON vendor_cuecs;
DROP TRIGGER vendor_reviews_revision_insert ON vendor_reviews;
DROP TRIGGER vendor_reviews_revision_update ON vendor_reviews;
DROP TRIGGER vendor_reviews_revision_delete ON vendor_reviews;
DROP TRIGGER vendors_revision_insert ON vendors;
DROP TRIGGER vendors_revision_update ON vendors;
DROP TRIGGER vendors_revision_delete ON vendors;
DROP FUNCTION attest_bump_all_revisions();
DROP FUNCTION attest_bump_org_revision();
DROP TABLE org_revisions;
