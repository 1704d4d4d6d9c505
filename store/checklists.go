package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/attest-hq/attest"
)

// ChecklistTemplates lists an organization's checklist templates with their
// steps, by kind and employment type.
func (q *Queries) ChecklistTemplates(ctx context.Context, orgID int64) ([]attest.ChecklistTemplate, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, kind, employment_type, name, since, updated_at FROM checklist_templates
WHERE org_id = $1 ORDER BY kind DESC, employment_type`, orgID)
	if err != nil {
		return nil, fmt.Errorf("checklist templates: %w", err)
	}
	var out []attest.ChecklistTemplate
	index := map[int64]int{}
	for rows.Next() {
		var t attest.ChecklistTemplate
		if err := rows.Scan(&t.ID, &t.OrgID, &t.Kind, &t.EmploymentType, &t.Name, &t.Since, &t.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		t.Steps = []attest.ChecklistStep{}
		index[t.ID] = len(out)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	steps, err := q.checklistSteps(ctx, orgID, 0)
	if err != nil {
		return nil, err
	}
	for _, s := range steps {
		if i, ok := index[s.templateID]; ok {
			out[i].Steps = append(out[i].Steps, s.ChecklistStep)
		}
	}
	return out, nil
}

// ChecklistTemplate returns one template with its steps.
func (q *Queries) ChecklistTemplate(ctx context.Context, orgID, id int64) (attest.ChecklistTemplate, error) {
	ts, err := q.ChecklistTemplates(ctx, orgID)
	if err != nil {
		return attest.ChecklistTemplate{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return attest.ChecklistTemplate{}, attest.Errorf(attest.ENOTFOUND, "checklist template %d not found", id)
}

type templateStep struct {
	attest.ChecklistStep
	templateID int64
}

// checklistSteps lists the organization's steps (of one step when stepID is
// not 0) in template order.
func (q *Queries) checklistSteps(ctx context.Context, orgID, stepID int64) ([]templateStep, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT s.id, s.template_id, s.position, s.title, s.owner, COALESCE(s.owner_user_id, 0),
COALESCE(u.name, ''), s.due_days, s.check_kind FROM checklist_steps s LEFT JOIN users u ON u.id = s.owner_user_id
WHERE s.org_id = $1 AND ($2 = 0 OR s.id = $2) ORDER BY s.template_id, s.position, s.id`, orgID, stepID)
	if err != nil {
		return nil, fmt.Errorf("checklist steps: %w", err)
	}
	defer rows.Close()
	var out []templateStep
	for rows.Next() {
		var s templateStep
		if err := rows.Scan(&s.ID, &s.templateID, &s.Position, &s.Title, &s.Owner, &s.OwnerUserID, &s.OwnerName, &s.DueDays, &s.Check); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ChecklistStepTemplate returns a step and the ID of its template.
func (q *Queries) ChecklistStepTemplate(ctx context.Context, orgID, stepID int64) (attest.ChecklistStep, int64, error) {
	steps, err := q.checklistSteps(ctx, orgID, stepID)
	if err != nil {
		return attest.ChecklistStep{}, 0, err
	}
	if len(steps) == 0 {
		return attest.ChecklistStep{}, 0, attest.Errorf(attest.ENOTFOUND, "checklist step %d not found", stepID)
	}
	return steps[0].ChecklistStep, steps[0].templateID, nil
}

// CreateChecklistTemplate inserts a template and its steps; a second
// template of the same kind and employment type is ECONFLICT.
func (q *Queries) CreateChecklistTemplate(ctx context.Context, t *attest.ChecklistTemplate) error {
	now := q.now()
	t.UpdatedAt = now
	err := q.q.QueryRowContext(ctx, `INSERT INTO checklist_templates (org_id, kind, employment_type, name, since, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, t.OrgID, t.Kind, t.EmploymentType, t.Name, t.Since, now, now).Scan(&t.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "employment_type",
			Message: fmt.Sprintf("there is already an %s checklist for %ss", t.Kind, t.EmploymentType)}
	}
	if err != nil {
		return fmt.Errorf("create checklist template: %w", err)
	}
	for i := range t.Steps {
		if err := q.AddChecklistStep(ctx, t.OrgID, t.ID, &t.Steps[i]); err != nil {
			return err
		}
	}
	return nil
}

// UpdateChecklistTemplate saves a template's name and since day.
func (q *Queries) UpdateChecklistTemplate(ctx context.Context, t *attest.ChecklistTemplate) error {
	t.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE checklist_templates SET name = $1, since = $2, updated_at = $3 WHERE org_id = $4 AND id = $5`,
		t.Name, t.Since, t.UpdatedAt, t.OrgID, t.ID)
	return affectedOne(res, err, "checklist template")
}

// DeleteChecklistTemplate removes a template and its steps; completions
// recorded against them stay.
func (q *Queries) DeleteChecklistTemplate(ctx context.Context, orgID, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM checklist_steps WHERE org_id = $1 AND template_id = $2`, orgID, id); err != nil {
		return fmt.Errorf("delete checklist steps: %w", err)
	}
	res, err := q.q.ExecContext(ctx, `DELETE FROM checklist_templates WHERE org_id = $1 AND id = $2`, orgID, id)
	return affectedOne(res, err, "checklist template")
}

// AddChecklistStep appends a step to a template of the organization.
func (q *Queries) AddChecklistStep(ctx context.Context, orgID, templateID int64, s *attest.ChecklistStep) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO checklist_steps (org_id, template_id, position, title, owner, owner_user_id, due_days, check_kind)
SELECT $1, t.id, COALESCE((SELECT MAX(position) FROM checklist_steps WHERE template_id = t.id), 0) + 1, $3, $4, $5, $6, $7
FROM checklist_templates t WHERE t.org_id = $1 AND t.id = $2 RETURNING id, position`,
		orgID, templateID, s.Title, s.Owner, nullID(s.OwnerUserID), s.DueDays, s.Check).Scan(&s.ID, &s.Position)
	if err == sql.ErrNoRows {
		return attest.Errorf(attest.ENOTFOUND, "checklist template %d not found", templateID)
	}
	if err != nil {
		return fmt.Errorf("add checklist step: %w", err)
	}
	return nil
}

// DeleteChecklistStep removes a step from its template.
func (q *Queries) DeleteChecklistStep(ctx context.Context, orgID, stepID int64) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM checklist_steps WHERE org_id = $1 AND id = $2`, orgID, stepID)
	return affectedOne(res, err, "checklist step")
}

// ChecklistCompletions lists the organization's step completions (of one
// person when personID is not 0), oldest first.
func (q *Queries) ChecklistCompletions(ctx context.Context, orgID, personID int64) ([]attest.StepCompletion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT c.id, c.org_id, c.person_id, c.step_id, c.how, c.note, COALESCE(c.by_user_id, 0), c.by_label, c.at,
COALESCE(c.evidence_id, 0), COALESCE(e.uid, '') FROM checklist_completions c LEFT JOIN evidence e ON e.id = c.evidence_id
WHERE c.org_id = $1 AND ($2 = 0 OR c.person_id = $2) ORDER BY c.at, c.id`, orgID, personID)
	if err != nil {
		return nil, fmt.Errorf("checklist completions: %w", err)
	}
	defer rows.Close()
	var out []attest.StepCompletion
	for rows.Next() {
		var c attest.StepCompletion
		if err := rows.Scan(&c.ID, &c.OrgID, &c.PersonID, &c.StepID, &c.How, &c.Note, &c.ByUserID, &c.ByLabel, &c.At, &c.EvidenceID, &c.EvidenceUID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddChecklistCompletion records a step done; a step already done is
// ECONFLICT.
func (q *Queries) AddChecklistCompletion(ctx context.Context, c *attest.StepCompletion) error {
	c.At = q.now()
	// The person must be the organization's: another's is not found.
	err := q.q.QueryRowContext(ctx, `INSERT INTO checklist_completions (org_id, person_id, step_id, how, note, by_user_id, by_label, at, evidence_id)
SELECT p.org_id, p.id, $3, $4, $5, $6, $7, $8, $9 FROM people p WHERE p.org_id = $1 AND p.id = $2 RETURNING id`,
		c.OrgID, c.PersonID, c.StepID, c.How, c.Note, nullID(c.ByUserID), c.ByLabel, c.At, nullID(c.EvidenceID)).Scan(&c.ID)
	if err == sql.ErrNoRows {
		return attest.Errorf(attest.ENOTFOUND, "person %d not found", c.PersonID)
	}
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "this step is already done")
	}
	if err != nil {
		return fmt.Errorf("add checklist completion: %w", err)
	}
	return nil
}

// HasIdentityCollection says whether one of the organization's connections
// of the given connector types has a complete collection: only then can a
// person's accounts be judged.
func (q *Queries) HasIdentityCollection(ctx context.Context, orgID int64, connectors []string) (bool, error) {
	if len(connectors) == 0 {
		return false, nil
	}
	args := []any{orgID}
	in := ""
	for i, c := range connectors {
		if i > 0 {
			in += ", "
		}
		args = append(args, c)
		in += fmt.Sprintf("$%d", i+2)
	}
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM collections c JOIN connections k ON k.id = c.connection_id AND k.org_id = c.org_id
WHERE c.org_id = $1 AND c.connector IN (`+in+`) AND NOT c.partial AND c.error = '' AND c.snapshot_sha256 <> ''`, args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("identity collections: %w", err)
	}
	return n > 0, nil
}
