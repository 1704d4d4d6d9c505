package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

const policyColumns = `p.id, p.org_id, p.key, p.title, p.template_id, COALESCE(p.owner_id, 0), COALESCE(u.name, ''),
p.controls, p.criteria, p.audience, p.review_months, p.retired, p.created_at, p.updated_at`

const policyFrom = ` FROM policies p LEFT JOIN users u ON u.id = p.owner_id `

func scanPolicy(row interface{ Scan(...any) error }, p *attest.Policy) error {
	var controls, criteria, audience string
	if err := row.Scan(&p.ID, &p.OrgID, &p.Key, &p.Title, &p.TemplateID, &p.OwnerID, &p.OwnerName,
		&controls, &criteria, &audience, &p.ReviewMonths, &p.Retired, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(controls), &p.Controls); err != nil {
		return fmt.Errorf("policy %d controls: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(criteria), &p.Criteria); err != nil {
		return fmt.Errorf("policy %d criteria: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(audience), &p.Audience); err != nil {
		return fmt.Errorf("policy %d audience: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return nil
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain slices and structs of strings always marshal
	}
	return string(b)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Policies lists the organization's policies by title, each with its newest
// and its published version.
func (q *Queries) Policies(ctx context.Context, orgID int64) ([]attest.Policy, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+policyColumns+policyFrom+`WHERE p.org_id = $1 ORDER BY LOWER(p.title), p.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	var out []attest.Policy
	for rows.Next() {
		var p attest.Policy
		if err := scanPolicy(rows, &p); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	versions, err := q.policyVersions(ctx, `v.org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	byPolicy := map[int64][]attest.PolicyVersion{}
	for _, v := range versions {
		byPolicy[v.PolicyID] = append(byPolicy[v.PolicyID], v)
	}
	for i := range out {
		fillVersions(&out[i], byPolicy[out[i].ID])
	}
	return out, nil
}

// PoliciesInReview lists the organization's policies whose newest version is
// in review, by title, each with that version as Latest (Published is left
// empty): what named approvers are waiting to decide. It reads those
// versions alone, not every version of every policy as Policies does.
func (q *Queries) PoliciesInReview(ctx context.Context, orgID int64) ([]attest.Policy, error) {
	versions, err := q.policyVersions(ctx, `v.org_id = $1 AND v.state = $2
AND NOT EXISTS (SELECT 1 FROM policy_versions w WHERE w.policy_id = v.policy_id AND w.number > v.number)`, orgID, attest.VersionInReview)
	if err != nil || len(versions) == 0 {
		return nil, err
	}
	latest := map[int64]attest.PolicyVersion{}
	for _, v := range versions {
		latest[v.PolicyID] = v
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+policyColumns+policyFrom+`WHERE p.org_id = $1 AND p.id IN (
SELECT v.policy_id FROM policy_versions v WHERE v.org_id = $1 AND v.state = $2) ORDER BY LOWER(p.title), p.id`, orgID, attest.VersionInReview)
	if err != nil {
		return nil, fmt.Errorf("policies in review: %w", err)
	}
	defer rows.Close()
	var out []attest.Policy
	for rows.Next() {
		var p attest.Policy
		if err := scanPolicy(rows, &p); err != nil {
			return nil, err
		}
		// A policy with an older version in review (a newer one drafted
		// since) is not waiting on anyone.
		if v, ok := latest[p.ID]; ok {
			p.Latest = &v
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// fillVersions sets the newest and the published version of p from its
// versions, newest first.
func fillVersions(p *attest.Policy, vs []attest.PolicyVersion) {
	for i := range vs {
		v := vs[i]
		if p.Latest == nil {
			p.Latest = &v
		}
		if v.State == attest.VersionPublished && p.Published == nil {
			p.Published = &v
		}
	}
}

// Policy returns one of the organization's policies with its newest and
// published versions.
func (q *Queries) Policy(ctx context.Context, orgID, id int64) (attest.Policy, error) {
	var p attest.Policy
	err := scanPolicy(q.q.QueryRowContext(ctx, `SELECT `+policyColumns+policyFrom+`WHERE p.org_id = $1 AND p.id = $2`, orgID, id), &p)
	if err != nil {
		return p, notFound(err, "policy")
	}
	vs, err := q.PolicyVersions(ctx, orgID, p.ID)
	if err != nil {
		return p, err
	}
	fillVersions(&p, vs)
	return p, nil
}

// PolicyByKey returns the organization's policy with a key.
func (q *Queries) PolicyByKey(ctx context.Context, orgID int64, key string) (attest.Policy, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `SELECT id FROM policies WHERE org_id = $1 AND key = $2`, orgID, key).Scan(&id)
	if err != nil {
		return attest.Policy{}, notFound(err, "policy "+key)
	}
	return q.Policy(ctx, orgID, id)
}

// CreatePolicy adds a policy (without versions).
func (q *Queries) CreatePolicy(ctx context.Context, p *attest.Policy) error {
	if err := attest.ValidatePolicy(p); err != nil {
		return err
	}
	now := q.now()
	p.CreatedAt, p.UpdatedAt = now, now
	err := q.q.QueryRowContext(ctx, `INSERT INTO policies (org_id, key, title, template_id, owner_id, controls, criteria, audience,
review_months, retired, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		p.OrgID, p.Key, p.Title, p.TemplateID, nullID(p.OwnerID), jsonText(nonNil(p.Controls)), jsonText(nonNil(p.Criteria)),
		jsonText(p.Audience), p.ReviewMonths, p.Retired, now, now).Scan(&p.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "key", Message: fmt.Sprintf("the organization already has a policy %q", p.Key)}
	}
	if err != nil {
		return fmt.Errorf("create policy: %w", err)
	}
	return nil
}

// UpdatePolicy saves a policy's own fields.
func (q *Queries) UpdatePolicy(ctx context.Context, p *attest.Policy) error {
	if err := attest.ValidatePolicy(p); err != nil {
		return err
	}
	p.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE policies SET title = $1, owner_id = $2, controls = $3, criteria = $4, audience = $5,
review_months = $6, retired = $7, updated_at = $8 WHERE org_id = $9 AND id = $10`,
		p.Title, nullID(p.OwnerID), jsonText(nonNil(p.Controls)), jsonText(nonNil(p.Criteria)), jsonText(p.Audience),
		p.ReviewMonths, p.Retired, p.UpdatedAt, p.OrgID, p.ID)
	return affectedOne(res, err, "policy")
}

const versionColumns = `v.id, v.policy_id, v.number, v.label, v.state, v.material, v.change_note, v.body, v.content, v.hash,
v.author_id, COALESCE(u.name, ''), v.approvers, v.quorum, v.submitted_at, v.approved_at, v.published_at, v.review_by, v.created_at`

func scanVersion(row interface{ Scan(...any) error }, v *attest.PolicyVersion) error {
	var approvers string
	var sub, appr, pub sql.NullTime
	if err := row.Scan(&v.ID, &v.PolicyID, &v.Number, &v.Label, &v.State, &v.Material, &v.ChangeNote, &v.Body, &v.Content, &v.Hash,
		&v.AuthorID, &v.AuthorName, &approvers, &v.Quorum, &sub, &appr, &pub, &v.ReviewBy, &v.CreatedAt); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(approvers), &v.Approvers); err != nil {
		return fmt.Errorf("policy version %d approvers: %w", v.ID, err)
	}
	v.SubmittedAt, v.ApprovedAt, v.PublishedAt = timePtr(sub), timePtr(appr), timePtr(pub)
	v.CreatedAt = v.CreatedAt.UTC()
	return nil
}

func timePtr(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

func nullTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return stamp(*t)
}

func (q *Queries) policyVersions(ctx context.Context, where string, args ...any) ([]attest.PolicyVersion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+versionColumns+` FROM policy_versions v LEFT JOIN users u ON u.id = v.author_id
WHERE `+where+` ORDER BY v.policy_id, v.number DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("policy versions: %w", err)
	}
	defer rows.Close()
	var out []attest.PolicyVersion
	for rows.Next() {
		var v attest.PolicyVersion
		if err := scanVersion(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PolicyVersions lists a policy's versions, newest first.
func (q *Queries) PolicyVersions(ctx context.Context, orgID, policyID int64) ([]attest.PolicyVersion, error) {
	return q.policyVersions(ctx, `v.org_id = $1 AND v.policy_id = $2`, orgID, policyID)
}

// PolicyVersion returns one version of one of the organization's policies.
func (q *Queries) PolicyVersion(ctx context.Context, orgID, id int64) (attest.PolicyVersion, error) {
	vs, err := q.policyVersions(ctx, `v.org_id = $1 AND v.id = $2`, orgID, id)
	if err != nil {
		return attest.PolicyVersion{}, err
	}
	if len(vs) == 0 {
		return attest.PolicyVersion{}, attest.Errorf(attest.ENOTFOUND, "policy version not found")
	}
	return vs[0], nil
}

func approversJSON(as []attest.Approver) string {
	if as == nil {
		as = []attest.Approver{}
	}
	return jsonText(as)
}

// AddPolicyVersion adds a version to one of the organization's policies; its
// number is the next one.
func (q *Queries) AddPolicyVersion(ctx context.Context, orgID int64, v *attest.PolicyVersion) error {
	if len(v.Body) > attest.MaxPolicyBody {
		return attest.Invalid("body", "is longer than %d KiB", attest.MaxPolicyBody>>10)
	}
	if err := q.owns(ctx, "policies", orgID, v.PolicyID, "policy"); err != nil {
		return err
	}
	err := q.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM policy_versions WHERE org_id = $1 AND policy_id = $2`,
		orgID, v.PolicyID).Scan(&v.Number)
	if err != nil {
		return fmt.Errorf("next policy version: %w", err)
	}
	v.CreatedAt = q.now()
	err = q.q.QueryRowContext(ctx, `INSERT INTO policy_versions (org_id, policy_id, number, label, state, material, change_note, body,
content, hash, author_id, approvers, quorum, submitted_at, approved_at, published_at, review_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		orgID, v.PolicyID, v.Number, v.Label, v.State, v.Material, v.ChangeNote, v.Body, v.Content, v.Hash, v.AuthorID,
		approversJSON(v.Approvers), v.Quorum, nullTimePtr(v.SubmittedAt), nullTimePtr(v.ApprovedAt), nullTimePtr(v.PublishedAt),
		v.ReviewBy, v.CreatedAt).Scan(&v.ID)
	if err != nil {
		return fmt.Errorf("add policy version: %w", err)
	}
	return nil
}

// UpdatePolicyVersion saves a version's fields. The database refuses to
// change the text, approvers or quorum of an approved version.
func (q *Queries) UpdatePolicyVersion(ctx context.Context, orgID int64, v *attest.PolicyVersion) error {
	res, err := q.q.ExecContext(ctx, `UPDATE policy_versions SET label = $1, state = $2, material = $3, change_note = $4, body = $5,
content = $6, hash = $7, approvers = $8, quorum = $9, submitted_at = $10, approved_at = $11, published_at = $12, review_by = $13
WHERE org_id = $14 AND id = $15`,
		v.Label, v.State, v.Material, v.ChangeNote, v.Body, v.Content, v.Hash, approversJSON(v.Approvers), v.Quorum,
		nullTimePtr(v.SubmittedAt), nullTimePtr(v.ApprovedAt), nullTimePtr(v.PublishedAt), v.ReviewBy, orgID, v.ID)
	return affectedOne(res, err, "policy version")
}

// AcceptanceFilter selects acceptances.
type AcceptanceFilter struct {
	PolicyID int64 // 0: any
	PersonID int64 // 0: anyone
}

// Acceptances lists the organization's policy acceptances, newest first.
func (q *Queries) Acceptances(ctx context.Context, orgID int64, f AcceptanceFilter) ([]attest.Acceptance, error) {
	where, args := `a.org_id = $1`, []any{orgID}
	if f.PolicyID != 0 {
		args = append(args, f.PolicyID)
		where += fmt.Sprintf(` AND a.policy_id = $%d`, len(args))
	}
	if f.PersonID != 0 {
		args = append(args, f.PersonID)
		where += fmt.Sprintf(` AND a.person_id = $%d`, len(args))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT a.id, a.uid, a.policy_id, p.key, a.version_id, v.label, a.hash, a.person_id, pe.name, pe.email,
COALESCE(a.user_id, 0), a.accepted_at, a.address, a.user_agent
FROM policy_acceptances a JOIN policies p ON p.id = a.policy_id JOIN policy_versions v ON v.id = a.version_id
JOIN people pe ON pe.id = a.person_id WHERE `+where+` ORDER BY a.accepted_at DESC, a.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("acceptances: %w", err)
	}
	defer rows.Close()
	var out []attest.Acceptance
	for rows.Next() {
		var a attest.Acceptance
		if err := rows.Scan(&a.ID, &a.UID, &a.PolicyID, &a.PolicyKey, &a.VersionID, &a.VersionLabel, &a.Hash, &a.PersonID,
			&a.PersonName, &a.PersonEmail, &a.UserID, &a.At, &a.Address, &a.UserAgent); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddAcceptance records a person's acceptance of a version. Accepting the
// same version twice is a conflict.
func (q *Queries) AddAcceptance(ctx context.Context, orgID int64, a *attest.Acceptance) error {
	if err := q.owns(ctx, "policy_versions", orgID, a.VersionID, "policy version"); err != nil {
		return err
	}
	if err := q.owns(ctx, "people", orgID, a.PersonID, "person"); err != nil {
		return err
	}
	a.At = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO policy_acceptances (org_id, uid, policy_id, version_id, person_id, user_id, hash,
accepted_at, address, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		orgID, a.UID, a.PolicyID, a.VersionID, a.PersonID, nullID(a.UserID), a.Hash, a.At, a.Address, a.UserAgent).Scan(&a.ID)
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "%s has already accepted this version", a.PersonName)
	}
	if err != nil {
		return fmt.Errorf("add acceptance: %w", err)
	}
	return nil
}

// PolicySettings returns the organization's values for policy placeholders.
func (q *Queries) PolicySettings(ctx context.Context, orgID int64) (map[string]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT name, value FROM policy_settings WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("policy settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetPolicySetting sets (or, with an empty value, clears) one placeholder
// value.
func (q *Queries) SetPolicySetting(ctx context.Context, orgID int64, name, value string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM policy_settings WHERE org_id = $1 AND name = $2`, orgID, name); err != nil {
		return fmt.Errorf("policy setting %s: %w", name, err)
	}
	if value == "" {
		return nil
	}
	if _, err := q.q.ExecContext(ctx, `INSERT INTO policy_settings (org_id, name, value) VALUES ($1, $2, $3)`, orgID, name, value); err != nil {
		return fmt.Errorf("policy setting %s: %w", name, err)
	}
	return nil
}

// owns checks that the row id of table belongs to the organization, so that a
// child row never links to another organization's record.
func (q *Queries) owns(ctx context.Context, table string, orgID, id int64, what string) error {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&n)
	return notFound(err, what)
}
