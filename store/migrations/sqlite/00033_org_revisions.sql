-- +goose Up
-- An organization's revision: a number that changes whenever a row of one
-- of its records changes, so that a derivation cached for the organization
-- (readiness, which reads most registers) can be checked as current with one
-- indexed read instead of being derived again. Every table with an org_id
-- has triggers that bump it, except the append-only or bookkeeping tables no
-- derivation reads (the activity log, the ledger's entries and checkpoints,
-- notices and their deliveries, API token use, SSO sign-in state);
-- store.TestRevisionTriggers holds every table to that. A change to a user
-- (a name shown beside records of any organization) bumps every
-- organization. There is no foreign key: rows of a deleted organization's
-- records bump it on their way out.
CREATE TABLE org_revisions (
    org_id   INTEGER NOT NULL PRIMARY KEY,
    revision INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER access_review_items_revision_insert AFTER INSERT ON access_review_items BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_review_items_revision_update AFTER UPDATE ON access_review_items BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_review_items_revision_delete AFTER DELETE ON access_review_items BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_review_settings_revision_insert AFTER INSERT ON access_review_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_review_settings_revision_update AFTER UPDATE ON access_review_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_review_settings_revision_delete AFTER DELETE ON access_review_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_reviews_revision_insert AFTER INSERT ON access_reviews BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_reviews_revision_update AFTER UPDATE ON access_reviews BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_reviews_revision_delete AFTER DELETE ON access_reviews BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_links_revision_insert AFTER INSERT ON account_links BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_links_revision_update AFTER UPDATE ON account_links BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_links_revision_delete AFTER DELETE ON account_links BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_auditors_revision_insert AFTER INSERT ON audit_auditors BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_auditors_revision_update AFTER UPDATE ON audit_auditors BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_auditors_revision_delete AFTER DELETE ON audit_auditors BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_request_events_revision_insert AFTER INSERT ON audit_request_events BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_request_events_revision_update AFTER UPDATE ON audit_request_events BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_request_events_revision_delete AFTER DELETE ON audit_request_events BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_request_evidence_revision_insert AFTER INSERT ON audit_request_evidence BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_request_evidence_revision_update AFTER UPDATE ON audit_request_evidence BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_request_evidence_revision_delete AFTER DELETE ON audit_request_evidence BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_requests_revision_insert AFTER INSERT ON audit_requests BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_requests_revision_update AFTER UPDATE ON audit_requests BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_requests_revision_delete AFTER DELETE ON audit_requests BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_results_revision_insert AFTER INSERT ON audit_results BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_results_revision_update AFTER UPDATE ON audit_results BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_results_revision_delete AFTER DELETE ON audit_results BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audits_revision_insert AFTER INSERT ON audits BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audits_revision_update AFTER UPDATE ON audits BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audits_revision_delete AFTER DELETE ON audits BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER background_checks_revision_insert AFTER INSERT ON background_checks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER background_checks_revision_update AFTER UPDATE ON background_checks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER background_checks_revision_delete AFTER DELETE ON background_checks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER change_rules_revision_insert AFTER INSERT ON change_rules BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER change_rules_revision_update AFTER UPDATE ON change_rules BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER change_rules_revision_delete AFTER DELETE ON change_rules BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_completions_revision_insert AFTER INSERT ON checklist_completions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_completions_revision_update AFTER UPDATE ON checklist_completions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_completions_revision_delete AFTER DELETE ON checklist_completions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_steps_revision_insert AFTER INSERT ON checklist_steps BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_steps_revision_update AFTER UPDATE ON checklist_steps BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_steps_revision_delete AFTER DELETE ON checklist_steps BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_templates_revision_insert AFTER INSERT ON checklist_templates BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_templates_revision_update AFTER UPDATE ON checklist_templates BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER checklist_templates_revision_delete AFTER DELETE ON checklist_templates BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER collections_revision_insert AFTER INSERT ON collections BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER collections_revision_update AFTER UPDATE ON collections BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER collections_revision_delete AFTER DELETE ON collections BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER connections_revision_insert AFTER INSERT ON connections BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER connections_revision_update AFTER UPDATE ON connections BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER connections_revision_delete AFTER DELETE ON connections BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER control_mapping_removals_revision_insert AFTER INSERT ON control_mapping_removals BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER control_mapping_removals_revision_update AFTER UPDATE ON control_mapping_removals BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER control_mapping_removals_revision_delete AFTER DELETE ON control_mapping_removals BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER control_mappings_revision_insert AFTER INSERT ON control_mappings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER control_mappings_revision_update AFTER UPDATE ON control_mappings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER control_mappings_revision_delete AFTER DELETE ON control_mappings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER controls_revision_insert AFTER INSERT ON controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER controls_revision_update AFTER UPDATE ON controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER controls_revision_delete AFTER DELETE ON controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cuecs_revision_insert AFTER INSERT ON cuecs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cuecs_revision_update AFTER UPDATE ON cuecs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cuecs_revision_delete AFTER DELETE ON cuecs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER custom_tests_revision_insert AFTER INSERT ON custom_tests BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER custom_tests_revision_update AFTER UPDATE ON custom_tests BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER custom_tests_revision_delete AFTER DELETE ON custom_tests BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER deploy_log_revision_insert AFTER INSERT ON deploy_log BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER deploy_log_revision_update AFTER UPDATE ON deploy_log BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER deploy_log_revision_delete AFTER DELETE ON deploy_log BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evidence_revision_insert AFTER INSERT ON evidence BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evidence_revision_update AFTER UPDATE ON evidence BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evidence_revision_delete AFTER DELETE ON evidence BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evidence_controls_revision_insert AFTER INSERT ON evidence_controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evidence_controls_revision_update AFTER UPDATE ON evidence_controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER evidence_controls_revision_delete AFTER DELETE ON evidence_controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER exercises_revision_insert AFTER INSERT ON exercises BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER exercises_revision_update AFTER UPDATE ON exercises BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER exercises_revision_delete AFTER DELETE ON exercises BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER frameworks_revision_insert AFTER INSERT ON frameworks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER frameworks_revision_update AFTER UPDATE ON frameworks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER frameworks_revision_delete AFTER DELETE ON frameworks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER incident_tasks_revision_insert AFTER INSERT ON incident_tasks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER incident_tasks_revision_update AFTER UPDATE ON incident_tasks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER incident_tasks_revision_delete AFTER DELETE ON incident_tasks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER incidents_revision_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER incidents_revision_update AFTER UPDATE ON incidents BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER incidents_revision_delete AFTER DELETE ON incidents BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER invitations_revision_insert AFTER INSERT ON invitations BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER invitations_revision_update AFTER UPDATE ON invitations BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER invitations_revision_delete AFTER DELETE ON invitations BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_records_revision_insert AFTER INSERT ON ledger_records BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_records_revision_update AFTER UPDATE ON ledger_records BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_records_revision_delete AFTER DELETE ON ledger_records BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER memberships_revision_insert AFTER INSERT ON memberships BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER memberships_revision_update AFTER UPDATE ON memberships BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER memberships_revision_delete AFTER DELETE ON memberships BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER notice_defaults_revision_insert AFTER INSERT ON notice_defaults BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER notice_defaults_revision_update AFTER UPDATE ON notice_defaults BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER notice_defaults_revision_delete AFTER DELETE ON notice_defaults BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER notice_prefs_revision_insert AFTER INSERT ON notice_prefs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER notice_prefs_revision_update AFTER UPDATE ON notice_prefs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER notice_prefs_revision_delete AFTER DELETE ON notice_prefs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER people_revision_insert AFTER INSERT ON people BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER people_revision_update AFTER UPDATE ON people BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER people_revision_delete AFTER DELETE ON people BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER people_settings_revision_insert AFTER INSERT ON people_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER people_settings_revision_update AFTER UPDATE ON people_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER people_settings_revision_delete AFTER DELETE ON people_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER person_changes_revision_insert AFTER INSERT ON person_changes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER person_changes_revision_update AFTER UPDATE ON person_changes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER person_changes_revision_delete AFTER DELETE ON person_changes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policies_revision_insert AFTER INSERT ON policies BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policies_revision_update AFTER UPDATE ON policies BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policies_revision_delete AFTER DELETE ON policies BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_acceptances_revision_insert AFTER INSERT ON policy_acceptances BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_acceptances_revision_update AFTER UPDATE ON policy_acceptances BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_acceptances_revision_delete AFTER DELETE ON policy_acceptances BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_settings_revision_insert AFTER INSERT ON policy_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_settings_revision_update AFTER UPDATE ON policy_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_settings_revision_delete AFTER DELETE ON policy_settings BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_versions_revision_insert AFTER INSERT ON policy_versions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_versions_revision_update AFTER UPDATE ON policy_versions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER policy_versions_revision_delete AFTER DELETE ON policy_versions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER population_samples_revision_insert AFTER INSERT ON population_samples BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER population_samples_revision_update AFTER UPDATE ON population_samples BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER population_samples_revision_delete AFTER DELETE ON population_samples BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER populations_revision_insert AFTER INSERT ON populations BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER populations_revision_update AFTER UPDATE ON populations BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER populations_revision_delete AFTER DELETE ON populations BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER result_changes_revision_insert AFTER INSERT ON result_changes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER result_changes_revision_update AFTER UPDATE ON result_changes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER result_changes_revision_delete AFTER DELETE ON result_changes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER results_checked_revision_insert AFTER INSERT ON results_checked BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER results_checked_revision_update AFTER UPDATE ON results_checked BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER results_checked_revision_delete AFTER DELETE ON results_checked BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_assessments_revision_insert AFTER INSERT ON risk_assessments BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_assessments_revision_update AFTER UPDATE ON risk_assessments BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_assessments_revision_delete AFTER DELETE ON risk_assessments BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_scales_revision_insert AFTER INSERT ON risk_scales BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_scales_revision_update AFTER UPDATE ON risk_scales BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_scales_revision_delete AFTER DELETE ON risk_scales BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risks_revision_insert AFTER INSERT ON risks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risks_revision_update AFTER UPDATE ON risks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risks_revision_delete AFTER DELETE ON risks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER roster_rules_revision_insert AFTER INSERT ON roster_rules BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER roster_rules_revision_update AFTER UPDATE ON roster_rules BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER roster_rules_revision_delete AFTER DELETE ON roster_rules BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scope_exclusions_revision_insert AFTER INSERT ON scope_exclusions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scope_exclusions_revision_update AFTER UPDATE ON scope_exclusions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scope_exclusions_revision_delete AFTER DELETE ON scope_exclusions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scope_frameworks_revision_insert AFTER INSERT ON scope_frameworks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scope_frameworks_revision_update AFTER UPDATE ON scope_frameworks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scope_frameworks_revision_delete AFTER DELETE ON scope_frameworks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scopes_revision_insert AFTER INSERT ON scopes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scopes_revision_update AFTER UPDATE ON scopes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scopes_revision_delete AFTER DELETE ON scopes BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER slack_channels_revision_insert AFTER INSERT ON slack_channels BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER slack_channels_revision_update AFTER UPDATE ON slack_channels BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER slack_channels_revision_delete AFTER DELETE ON slack_channels BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sso_configs_revision_insert AFTER INSERT ON sso_configs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sso_configs_revision_update AFTER UPDATE ON sso_configs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sso_configs_revision_delete AFTER DELETE ON sso_configs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sso_identities_revision_insert AFTER INSERT ON sso_identities BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sso_identities_revision_update AFTER UPDATE ON sso_identities BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sso_identities_revision_delete AFTER DELETE ON sso_identities BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER subservice_orgs_revision_insert AFTER INSERT ON subservice_orgs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER subservice_orgs_revision_update AFTER UPDATE ON subservice_orgs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER subservice_orgs_revision_delete AFTER DELETE ON subservice_orgs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER tasks_revision_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER tasks_revision_update AFTER UPDATE ON tasks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER tasks_revision_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_exceptions_revision_insert AFTER INSERT ON test_exceptions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_exceptions_revision_update AFTER UPDATE ON test_exceptions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_exceptions_revision_delete AFTER DELETE ON test_exceptions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_results_revision_insert AFTER INSERT ON test_results BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_results_revision_update AFTER UPDATE ON test_results BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_results_revision_delete AFTER DELETE ON test_results BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_runs_revision_insert AFTER INSERT ON test_runs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_runs_revision_update AFTER UPDATE ON test_runs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_runs_revision_delete AFTER DELETE ON test_runs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_version_controls_revision_insert AFTER INSERT ON test_version_controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_version_controls_revision_update AFTER UPDATE ON test_version_controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_version_controls_revision_delete AFTER DELETE ON test_version_controls BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_versions_revision_insert AFTER INSERT ON test_versions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_versions_revision_update AFTER UPDATE ON test_versions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER test_versions_revision_delete AFTER DELETE ON test_versions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER training_completions_revision_insert AFTER INSERT ON training_completions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER training_completions_revision_update AFTER UPDATE ON training_completions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER training_completions_revision_delete AFTER DELETE ON training_completions BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendor_cuecs_revision_insert AFTER INSERT ON vendor_cuecs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendor_cuecs_revision_update AFTER UPDATE ON vendor_cuecs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendor_cuecs_revision_delete AFTER DELETE ON vendor_cuecs BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendor_reviews_revision_insert AFTER INSERT ON vendor_reviews BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendor_reviews_revision_update AFTER UPDATE ON vendor_reviews BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendor_reviews_revision_delete AFTER DELETE ON vendor_reviews BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendors_revision_insert AFTER INSERT ON vendors BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendors_revision_update AFTER UPDATE ON vendors BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER vendors_revision_delete AFTER DELETE ON vendors BEGIN
    INSERT INTO org_revisions (org_id, revision) VALUES (OLD.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_revision_insert AFTER INSERT ON users BEGIN
    INSERT INTO org_revisions (org_id, revision) SELECT id, 1 FROM organizations WHERE true
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_revision_update AFTER UPDATE ON users BEGIN
    INSERT INTO org_revisions (org_id, revision) SELECT id, 1 FROM organizations WHERE true
        ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER users_revision_insert;
DROP TRIGGER users_revision_update;
DROP TRIGGER access_review_items_revision_insert;
DROP TRIGGER access_review_items_revision_update;
DROP TRIGGER access_review_items_revision_delete;
DROP TRIGGER access_review_settings_revision_insert;
DROP TRIGGER access_review_settings_revision_update;
DROP TRIGGER access_review_settings_revision_delete;
DROP TRIGGER access_reviews_revision_insert;
DROP TRIGGER access_reviews_revision_update;
DROP TRIGGER access_reviews_revision_delete;
DROP TRIGGER account_links_revision_insert;
DROP TRIGGER account_links_revision_update;
DROP TRIGGER account_links_revision_delete;
DROP TRIGGER audit_auditors_revision_insert;
DROP TRIGGER audit_auditors_revision_update;
DROP TRIGGER audit_auditors_revision_delete;
DROP TRIGGER audit_request_events_revision_insert;
DROP TRIGGER audit_request_events_revision_update;
DROP TRIGGER audit_request_events_revision_delete;
DROP TRIGGER audit_request_evidence_revision_insert;
DROP TRIGGER audit_request_evidence_revision_update;
DROP TRIGGER audit_request_evidence_revision_delete;
DROP TRIGGER audit_requests_revision_insert;
DROP TRIGGER audit_requests_revision_update;
DROP TRIGGER audit_requests_revision_delete;
DROP TRIGGER audit_results_revision_insert;
DROP TRIGGER audit_results_revision_update;
DROP TRIGGER audit_results_revision_delete;
DROP TRIGGER audits_revision_insert;
DROP TRIGGER audits_revision_update;
DROP TRIGGER audits_revision_delete;
DROP TRIGGER background_checks_revision_insert;
DROP TRIGGER background_checks_revision_update;
DROP TRIGGER background_checks_revision_delete;
DROP TRIGGER change_rules_revision_insert;
DROP TRIGGER change_rules_revision_update;
DROP TRIGGER change_rules_revision_delete;
DROP TRIGGER checklist_completions_revision_insert;
DROP TRIGGER checklist_completions_revision_update;
DROP TRIGGER checklist_completions_revision_delete;
DROP TRIGGER checklist_steps_revision_insert;
DROP TRIGGER checklist_steps_revision_update;
DROP TRIGGER checklist_steps_revision_delete;
DROP TRIGGER checklist_templates_revision_insert;
DROP TRIGGER checklist_templates_revision_update;
DROP TRIGGER checklist_templates_revision_delete;
DROP TRIGGER collections_revision_insert;
DROP TRIGGER collections_revision_update;
DROP TRIGGER collections_revision_delete;
DROP TRIGGER connections_revision_insert;
DROP TRIGGER connections_revision_update;
DROP TRIGGER connections_revision_delete;
DROP TRIGGER control_mapping_removals_revision_insert;
DROP TRIGGER control_mapping_removals_revision_update;
DROP TRIGGER control_mapping_removals_revision_delete;
DROP TRIGGER control_mappings_revision_insert;
DROP TRIGGER control_mappings_revision_update;
DROP TRIGGER control_mappings_revision_delete;
DROP TRIGGER controls_revision_insert;
DROP TRIGGER controls_revision_update;
DROP TRIGGER controls_revision_delete;
DROP TRIGGER cuecs_revision_insert;
DROP TRIGGER cuecs_revision_update;
DROP TRIGGER cuecs_revision_delete;
DROP TRIGGER custom_tests_revision_insert;
DROP TRIGGER custom_tests_revision_update;
DROP TRIGGER custom_tests_revision_delete;
DROP TRIGGER deploy_log_revision_insert;
DROP TRIGGER deploy_log_revision_update;
DROP TRIGGER deploy_log_revision_delete;
DROP TRIGGER evidence_revision_insert;
DROP TRIGGER evidence_revision_update;
DROP TRIGGER evidence_revision_delete;
DROP TRIGGER evidence_controls_revision_insert;
DROP TRIGGER evidence_controls_revision_update;
DROP TRIGGER evidence_controls_revision_delete;
DROP TRIGGER exercises_revision_insert;
DROP TRIGGER exercises_revision_update;
DROP TRIGGER exercises_revision_delete;
DROP TRIGGER frameworks_revision_insert;
DROP TRIGGER frameworks_revision_update;
DROP TRIGGER frameworks_revision_delete;
DROP TRIGGER incident_tasks_revision_insert;
DROP TRIGGER incident_tasks_revision_update;
DROP TRIGGER incident_tasks_revision_delete;
DROP TRIGGER incidents_revision_insert;
DROP TRIGGER incidents_revision_update;
DROP TRIGGER incidents_revision_delete;
DROP TRIGGER invitations_revision_insert;
DROP TRIGGER invitations_revision_update;
DROP TRIGGER invitations_revision_delete;
DROP TRIGGER ledger_records_revision_insert;
DROP TRIGGER ledger_records_revision_update;
DROP TRIGGER ledger_records_revision_delete;
DROP TRIGGER memberships_revision_insert;
DROP TRIGGER memberships_revision_update;
DROP TRIGGER memberships_revision_delete;
DROP TRIGGER notice_defaults_revision_insert;
DROP TRIGGER notice_defaults_revision_update;
DROP TRIGGER notice_defaults_revision_delete;
DROP TRIGGER notice_prefs_revision_insert;
DROP TRIGGER notice_prefs_revision_update;
DROP TRIGGER notice_prefs_revision_delete;
DROP TRIGGER people_revision_insert;
DROP TRIGGER people_revision_update;
DROP TRIGGER people_revision_delete;
DROP TRIGGER people_settings_revision_insert;
DROP TRIGGER people_settings_revision_update;
DROP TRIGGER people_settings_revision_delete;
DROP TRIGGER person_changes_revision_insert;
DROP TRIGGER person_changes_revision_update;
DROP TRIGGER person_changes_revision_delete;
DROP TRIGGER policies_revision_insert;
DROP TRIGGER policies_revision_update;
DROP TRIGGER policies_revision_delete;
DROP TRIGGER policy_acceptances_revision_insert;
DROP TRIGGER policy_acceptances_revision_update;
DROP TRIGGER policy_acceptances_revision_delete;
DROP TRIGGER policy_settings_revision_insert;
DROP TRIGGER policy_settings_revision_update;
DROP TRIGGER policy_settings_revision_delete;
DROP TRIGGER policy_versions_revision_insert;
DROP TRIGGER policy_versions_revision_update;
DROP TRIGGER policy_versions_revision_delete;
DROP TRIGGER population_samples_revision_insert;
DROP TRIGGER population_samples_revision_update;
DROP TRIGGER population_samples_revision_delete;
DROP TRIGGER populations_revision_insert;
DROP TRIGGER populations_revision_update;
DROP TRIGGER populations_revision_delete;
DROP TRIGGER result_changes_revision_insert;
DROP TRIGGER result_changes_revision_update;
DROP TRIGGER result_changes_revision_delete;
DROP TRIGGER results_checked_revision_insert;
DROP TRIGGER results_checked_revision_update;
DROP TRIGGER results_checked_revision_delete;
DROP TRIGGER risk_assessments_revision_insert;
DROP TRIGGER risk_assessments_revision_update;
DROP TRIGGER risk_assessments_revision_delete;
DROP TRIGGER risk_scales_revision_insert;
DROP TRIGGER risk_scales_revision_update;
DROP TRIGGER risk_scales_revision_delete;
DROP TRIGGER risks_revision_insert;
DROP TRIGGER risks_revision_update;
DROP TRIGGER risks_revision_delete;
DROP TRIGGER roster_rules_revision_insert;
DROP TRIGGER roster_rules_revision_update;
DROP TRIGGER roster_rules_revision_delete;
DROP TRIGGER scope_exclusions_revision_insert;
DROP TRIGGER scope_exclusions_revision_update;
DROP TRIGGER scope_exclusions_revision_delete;
DROP TRIGGER scope_frameworks_revision_insert;
DROP TRIGGER scope_frameworks_revision_update;
DROP TRIGGER scope_frameworks_revision_delete;
DROP TRIGGER scopes_revision_insert;
DROP TRIGGER scopes_revision_update;
DROP TRIGGER scopes_revision_delete;
DROP TRIGGER slack_channels_revision_insert;
DROP TRIGGER slack_channels_revision_update;
DROP TRIGGER slack_channels_revision_delete;
DROP TRIGGER sso_configs_revision_insert;
DROP TRIGGER sso_configs_revision_update;
DROP TRIGGER sso_configs_revision_delete;
DROP TRIGGER sso_identities_revision_insert;
DROP TRIGGER sso_identities_revision_update;
DROP TRIGGER sso_identities_revision_delete;
DROP TRIGGER subservice_orgs_revision_insert;
DROP TRIGGER subservice_orgs_revision_update;
DROP TRIGGER subservice_orgs_revision_delete;
DROP TRIGGER tasks_revision_insert;
DROP TRIGGER tasks_revision_update;
DROP TRIGGER tasks_revision_delete;
DROP TRIGGER test_exceptions_revision_insert;
DROP TRIGGER test_exceptions_revision_update;
DROP TRIGGER test_exceptions_revision_delete;
DROP TRIGGER test_results_revision_insert;
DROP TRIGGER test_results_revision_update;
DROP TRIGGER test_results_revision_delete;
DROP TRIGGER test_runs_revision_insert;
DROP TRIGGER test_runs_revision_update;
DROP TRIGGER test_runs_revision_delete;
DROP TRIGGER test_version_controls_revision_insert;
DROP TRIGGER test_version_controls_revision_update;
DROP TRIGGER test_version_controls_revision_delete;
DROP TRIGGER test_versions_revision_insert;
DROP TRIGGER test_versions_revision_update;
DROP TRIGGER test_versions_revision_delete;
DROP TRIGGER training_completions_revision_insert;
DROP TRIGGER training_completions_revision_update;
DROP TRIGGER training_completions_revision_delete;
DROP TRIGGER vendor_cuecs_revision_insert;
DROP TRIGGER vendor_cuecs_revision_update;
DROP TRIGGER vendor_cuecs_revision_delete;
DROP TRIGGER vendor_reviews_revision_insert;
DROP TRIGGER vendor_reviews_revision_update;
DROP TRIGGER vendor_reviews_revision_delete;
DROP TRIGGER vendors_revision_insert;
DROP TRIGGER vendors_revision_update;
DROP TRIGGER vendors_revision_delete;
DROP TABLE org_revisions;
