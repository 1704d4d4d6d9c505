package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/attest-hq/attest"
)

const controlColumns = `c.id, c.org_id, c.ref, c.library_id, c.name, c.family, c.description, c.type, c.frequency, c.evidence,
c.owner_id, COALESCE(u.name, ''), c.status, c.justification, c.retired_at, c.created_at, c.updated_at`

const controlFrom = ` FROM controls c LEFT JOIN users u ON u.id = c.owner_id `

func scanControl(row interface{ Scan(...any) error }, c *attest.Control) error {
	var lib sql.NullString
	var owner sql.NullInt64
	var retired sql.NullTime
	var evidence string
	if err := row.Scan(&c.ID, &c.OrgID, &c.Ref, &lib, &c.Name, &c.Family, &c.Description, &c.Type, &c.Frequency, &evidence,
		&owner, &c.OwnerName, &c.Status, &c.Justification, &retired, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return err
	}
	c.LibraryID, c.OwnerID, c.RetiredAt = lib.String, owner.Int64, timeOf(retired)
	c.Evidence = splitLines(evidence)
	return nil
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkOwner refuses an owner who is not a member of the organization: the
// integrity the database needs. Who may own work (not an auditor) is a domain
// rule, attest.MayOwn, which the programme services apply.
func (q *Queries) checkOwner(ctx context.Context, orgID, userID int64, field string) error {
	if userID == 0 {
		return nil
	}
	_, err := q.Membership(ctx, orgID, userID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid(field, "must be a member of this organization")
	}
	return err
}

// CreateControl inserts a control with its mappings; a taken ref is ECONFLICT.
func (q *Queries) CreateControl(ctx context.Context, c *attest.Control) error {
	if err := attest.ValidateControl(c); err != nil {
		return err
	}
	if err := q.checkOwner(ctx, c.OrgID, c.OwnerID, "owner"); err != nil {
		return err
	}
	now := q.now()
	c.CreatedAt, c.UpdatedAt = now, now
	var lib any
	if c.LibraryID != "" {
		lib = c.LibraryID
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO controls (org_id, ref, library_id, name, family, description, type, frequency, evidence,
owner_id, status, justification, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		c.OrgID, c.Ref, lib, c.Name, c.Family, c.Description, c.Type, c.Frequency, strings.Join(c.Evidence, "\n"),
		nullID(c.OwnerID), c.Status, c.Justification, now, now).Scan(&c.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "ref", Message: fmt.Sprintf("a control %s already exists", c.Ref)}
	}
	if err != nil {
		return fmt.Errorf("create control: %w", err)
	}
	for _, m := range c.Mappings {
		if err := q.Map(ctx, c.OrgID, c.ID, m); err != nil {
			return err
		}
	}
	return nil
}

// ControlFilter narrows a control listing.
type ControlFilter struct {
	IncludeRetired bool
	OwnerID        int64
	Status         string
	Family         string
	// NoMappings leaves the mappings out, for a list that names the
	// controls only (a picker): reading them costs more than the controls.
	NoMappings bool
}

// Controls lists an organization's controls by ref, with their mappings
// (unless f.NoMappings).
func (q *Queries) Controls(ctx context.Context, orgID int64, f ControlFilter) ([]attest.Control, error) {
	where := `WHERE c.org_id = $1`
	args := []any{orgID}
	if !f.IncludeRetired {
		where += ` AND c.retired_at IS NULL`
	}
	if f.OwnerID != 0 {
		args = append(args, f.OwnerID)
		where += fmt.Sprintf(` AND c.owner_id = $%d`, len(args))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		where += fmt.Sprintf(` AND c.status = $%d`, len(args))
	}
	if f.Family != "" {
		args = append(args, f.Family)
		where += fmt.Sprintf(` AND c.family = $%d`, len(args))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+controlColumns+controlFrom+where+` ORDER BY c.ref`, args...)
	if err != nil {
		return nil, fmt.Errorf("list controls: %w", err)
	}
	defer rows.Close()
	var out []attest.Control
	index := map[int64]int{}
	for rows.Next() {
		var c attest.Control
		if err := scanControl(rows, &c); err != nil {
			return nil, err
		}
		index[c.ID] = len(out)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b attest.Control) int { return attest.CompareRefs(a.Ref, b.Ref) })
	for i := range out {
		index[out[i].ID] = i
	}
	if len(out) == 0 || f.NoMappings {
		return out, nil
	}
	// One query for the mappings of every control listed, not one per
	// control, and not every mapping of the organization when a filter
	// (an owner's controls on the dashboard) lists a few.
	mrows, err := q.q.QueryContext(ctx, `SELECT m.control_id, m.framework, m.requirement, m.source, m.type, m.rationale
FROM control_mappings m JOIN controls c ON c.id = m.control_id `+where+` AND m.org_id = $1 ORDER BY m.framework, m.requirement`, args...)
	if err != nil {
		return nil, fmt.Errorf("list mappings: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var id int64
		var m attest.Mapping
		if err := mrows.Scan(&id, &m.Framework, &m.Requirement, &m.Source, &m.Type, &m.Rationale); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].Mappings = append(out[i].Mappings, m)
		}
	}
	return out, mrows.Err()
}

// Control returns one of the organization's controls with its mappings; a
// control of another organization is ENOTFOUND.
func (q *Queries) Control(ctx context.Context, orgID, id int64) (attest.Control, error) {
	var c attest.Control
	err := scanControl(q.q.QueryRowContext(ctx, `SELECT `+controlColumns+controlFrom+`WHERE c.org_id = $1 AND c.id = $2`, orgID, id), &c)
	if err != nil {
		return c, notFound(err, "control")
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+mappingColumns+` FROM control_mappings WHERE control_id = $1 ORDER BY framework, requirement`, id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var m attest.Mapping
		if err := rows.Scan(&m.Framework, &m.Requirement, &m.Source, &m.Type, &m.Rationale); err != nil {
			return c, err
		}
		c.Mappings = append(c.Mappings, m)
	}
	return c, rows.Err()
}

// UpdateControl saves a control's editable fields (not its ref or mappings).
func (q *Queries) UpdateControl(ctx context.Context, c *attest.Control) error {
	if err := attest.ValidateControl(c); err != nil {
		return err
	}
	if err := q.checkOwner(ctx, c.OrgID, c.OwnerID, "owner"); err != nil {
		return err
	}
	c.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE controls SET name = $1, family = $2, description = $3, type = $4, frequency = $5, evidence = $6,
owner_id = $7, status = $8, justification = $9, updated_at = $10 WHERE org_id = $11 AND id = $12`,
		c.Name, c.Family, c.Description, c.Type, c.Frequency, strings.Join(c.Evidence, "\n"), nullID(c.OwnerID), c.Status, c.Justification,
		c.UpdatedAt, c.OrgID, c.ID)
	if err != nil {
		return fmt.Errorf("update control: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	return nil
}

// SetControlRetired retires a control (it stops counting) or restores it.
func (q *Queries) SetControlRetired(ctx context.Context, orgID, id int64, retired bool) error {
	var at any
	if retired {
		at = q.now()
	}
	res, err := q.q.ExecContext(ctx, `UPDATE controls SET retired_at = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`, at, q.now(), orgID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "control not found")
	}
	return nil
}

const mappingColumns = `framework, requirement, source, type, rationale`

// Map ties a control to a requirement; mapping twice is harmless (the first
// mapping's type stands). A type left empty is equivalent. A mapping the
// organization makes itself clears any earlier removal of the same library
// mapping, so the organization's latest word holds.
func (q *Queries) Map(ctx context.Context, orgID, controlID int64, m attest.Mapping) error {
	if m.Source == "" {
		m.Source = attest.SourceOrganization
	}
	if m.Type == "" {
		m.Type = attest.MappingEquivalent
	}
	if err := attest.ValidMappingType("type", m.Type); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO control_mappings (control_id, org_id, framework, requirement, source, type, rationale, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (control_id, framework, requirement) DO NOTHING`,
		controlID, orgID, m.Framework, m.Requirement, m.Source, m.Type, m.Rationale, q.now())
	if err != nil {
		return fmt.Errorf("map control: %w", err)
	}
	if m.Source == attest.SourceOrganization {
		if _, err := q.q.ExecContext(ctx, `DELETE FROM control_mapping_removals WHERE org_id = $1 AND control_id = $2 AND framework = $3 AND requirement = $4`,
			orgID, controlID, m.Framework, m.Requirement); err != nil {
			return fmt.Errorf("map control: %w", err)
		}
	}
	return nil
}

// Unmap removes a mapping; it reports ENOTFOUND when there was none. A
// library mapping's removal is remembered, so the crosswalk sync does not
// add it back.
func (q *Queries) Unmap(ctx context.Context, orgID, controlID int64, framework, requirement string) error {
	var source string
	err := q.q.QueryRowContext(ctx, `DELETE FROM control_mappings WHERE org_id = $1 AND control_id = $2 AND framework = $3 AND requirement = $4 RETURNING source`,
		orgID, controlID, framework, requirement).Scan(&source)
	if err != nil {
		return notFound(err, "mapping")
	}
	if source != attest.SourceLibrary {
		return nil
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO control_mapping_removals (control_id, org_id, framework, requirement, removed_at)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (control_id, framework, requirement) DO NOTHING`, controlID, orgID, framework, requirement, q.now())
	return err
}

// SetMappingType changes the type of one mapping; the mapping becomes the
// organization's own (its source organization), so the library no longer
// updates it. ENOTFOUND when there is no such mapping.
func (q *Queries) SetMappingType(ctx context.Context, orgID, controlID int64, framework, requirement, typ string) error {
	if err := attest.ValidMappingType("type", typ); err != nil {
		return err
	}
	res, err := q.q.ExecContext(ctx, `UPDATE control_mappings SET type = $1, source = $2
WHERE org_id = $3 AND control_id = $4 AND framework = $5 AND requirement = $6`, typ, attest.SourceOrganization, orgID, controlID, framework, requirement)
	if err != nil {
		return fmt.Errorf("set mapping type: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "mapping not found")
	}
	return nil
}

// RefreshLibraryMapping brings a library mapping's type and rationale to
// the library's current ones; mappings the organization changed (source
// organization) are left alone. It reports whether a row changed.
func (q *Queries) RefreshLibraryMapping(ctx context.Context, orgID, controlID int64, m attest.Mapping) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE control_mappings SET type = $1, rationale = $2
WHERE org_id = $3 AND control_id = $4 AND framework = $5 AND requirement = $6 AND source = $7 AND (type <> $1 OR rationale <> $2)`,
		m.Type, m.Rationale, orgID, controlID, m.Framework, m.Requirement, attest.SourceLibrary)
	if err != nil {
		return false, fmt.Errorf("refresh mapping: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// MappingRemoval names a library mapping an organization removed.
type MappingRemoval struct {
	ControlID              int64
	Framework, Requirement string
}

// MappingRemovals returns the library mappings the organization removed.
func (q *Queries) MappingRemovals(ctx context.Context, orgID int64) (map[MappingRemoval]bool, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT control_id, framework, requirement FROM control_mapping_removals WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[MappingRemoval]bool{}
	for rows.Next() {
		var r MappingRemoval
		if err := rows.Scan(&r.ControlID, &r.Framework, &r.Requirement); err != nil {
			return nil, err
		}
		out[r] = true
	}
	return out, rows.Err()
}

// ControlRef returns the ref of the organization's control id, or
// ENOTFOUND: for callers that need to know only that the control is the
// organization's and what it is called (evidence names its controls by ref).
func (q *Queries) ControlRef(ctx context.Context, orgID, id int64) (string, error) {
	var ref string
	err := q.q.QueryRowContext(ctx, `SELECT ref FROM controls WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&ref)
	return ref, notFound(err, "control")
}

// ControlRefs returns the refs the organization already uses, for adoption
// and for suggesting the next custom ref.
func (q *Queries) ControlRefs(ctx context.Context, orgID int64) (map[string]bool, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT ref FROM controls WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out[r] = true
	}
	return out, rows.Err()
}
