package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
)

// Scope returns the organization's scope; one never saved is empty.
func (q *Queries) Scope(ctx context.Context, orgID int64) (attest.Scope, error) {
	s := attest.Scope{OrgID: orgID}
	var cats string
	err := q.q.QueryRowContext(ctx, `SELECT categories, system_name, system_summary, services, infrastructure, locations, updated_at
FROM scopes WHERE org_id = $1`, orgID).Scan(&cats, &s.SystemName, &s.SystemSummary, &s.Services, &s.Infrastructure, &s.Locations, &s.UpdatedAt)
	if attest.ErrorCode(notFound(err, "scope")) == attest.ENOTFOUND {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("scope: %w", err)
	}
	s.Categories = splitList(cats)
	return s, nil
}

// SaveScope creates or replaces the organization's scope.
func (q *Queries) SaveScope(ctx context.Context, s *attest.Scope) error {
	s.UpdatedAt = q.now()
	_, err := q.q.ExecContext(ctx, `INSERT INTO scopes (org_id, categories, system_name, system_summary, services, infrastructure, locations, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (org_id) DO UPDATE SET categories = excluded.categories, system_name = excluded.system_name,
system_summary = excluded.system_summary, services = excluded.services, infrastructure = excluded.infrastructure,
locations = excluded.locations, updated_at = excluded.updated_at`,
		s.OrgID, strings.Join(s.Categories, ","), s.SystemName, s.SystemSummary, s.Services, s.Infrastructure, s.Locations, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save scope: %w", err)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// AddSubservice records a subservice organization.
func (q *Queries) AddSubservice(ctx context.Context, s *attest.SubserviceOrg) error {
	if err := attest.ValidateSubservice(s); err != nil {
		return err
	}
	if s.VendorID != 0 {
		if err := q.owns(ctx, "vendors", s.OrgID, s.VendorID, "vendor"); err != nil {
			return attest.Invalid("vendor", "is not a vendor of this organization")
		}
	}
	return q.q.QueryRowContext(ctx, `INSERT INTO subservice_orgs (org_id, name, service, method, controls, vendor_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, s.OrgID, s.Name, s.Service, s.Method, s.Controls, nullID(s.VendorID), q.now()).Scan(&s.ID)
}

// Subservices lists the organization's subservice organizations.
func (q *Queries) Subservices(ctx context.Context, orgID int64) ([]attest.SubserviceOrg, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT s.id, s.org_id, s.name, s.service, s.method, s.controls,
COALESCE(s.vendor_id, 0), COALESCE(v.name, '') FROM subservice_orgs s LEFT JOIN vendors v ON v.id = s.vendor_id
WHERE s.org_id = $1 ORDER BY s.name, s.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attest.SubserviceOrg
	for rows.Next() {
		var s attest.SubserviceOrg
		if err := rows.Scan(&s.ID, &s.OrgID, &s.Name, &s.Service, &s.Method, &s.Controls, &s.VendorID, &s.VendorName); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteSubservice removes one; another organization's is ENOTFOUND.
func (q *Queries) DeleteSubservice(ctx context.Context, orgID, id int64) (attest.SubserviceOrg, error) {
	var s attest.SubserviceOrg
	err := q.q.QueryRowContext(ctx, `DELETE FROM subservice_orgs WHERE org_id = $1 AND id = $2 RETURNING id, name`, orgID, id).Scan(&s.ID, &s.Name)
	return s, notFound(err, "subservice organization")
}

// AddCUEC records a complementary user entity control.
func (q *Queries) AddCUEC(ctx context.Context, c *attest.CUEC) error {
	c.Description = strings.TrimSpace(c.Description)
	if c.Description == "" {
		return attest.Invalid("description", "is required")
	}
	return q.q.QueryRowContext(ctx, `INSERT INTO cuecs (org_id, description, criteria, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		c.OrgID, c.Description, strings.Join(c.Criteria, ","), q.now()).Scan(&c.ID)
}

// CUECs lists the organization's complementary user entity controls.
func (q *Queries) CUECs(ctx context.Context, orgID int64) ([]attest.CUEC, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, description, criteria FROM cuecs WHERE org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attest.CUEC
	for rows.Next() {
		var c attest.CUEC
		var crit string
		if err := rows.Scan(&c.ID, &c.OrgID, &c.Description, &crit); err != nil {
			return nil, err
		}
		c.Criteria = splitList(crit)
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteCUEC removes one; another organization's is ENOTFOUND.
func (q *Queries) DeleteCUEC(ctx context.Context, orgID, id int64) (attest.CUEC, error) {
	var c attest.CUEC
	err := q.q.QueryRowContext(ctx, `DELETE FROM cuecs WHERE org_id = $1 AND id = $2 RETURNING id, description`, orgID, id).Scan(&c.ID, &c.Description)
	return c, notFound(err, "user entity control")
}
