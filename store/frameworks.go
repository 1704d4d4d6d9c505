package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
)

// ImportedFramework is a framework an organization imported, with provenance.
type ImportedFramework struct {
	ID         int64
	OrgID      int64
	Key        string
	Name       string
	Version    string
	Format     string
	Filename   string
	SHA256     string
	ImportedBy int64
	ImportedAt time.Time
	Count      int // requirements
}

// SaveImportedFramework stores a parsed framework and all its requirements in
// one go; a key the organization already uses is ECONFLICT.
func (q *Queries) SaveImportedFramework(ctx context.Context, meta *ImportedFramework, fw *catalog.Framework) error {
	meta.ImportedAt = q.now()
	meta.Key = fw.ID
	err := q.q.QueryRowContext(ctx, `INSERT INTO frameworks (org_id, key, name, version, format, filename, sha256, imported_by, imported_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, meta.OrgID, meta.Key, meta.Name, meta.Version, meta.Format, meta.Filename,
		meta.SHA256, nullID(meta.ImportedBy), meta.ImportedAt).Scan(&meta.ID)
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "a framework with the key %q is already imported; replace it (attest framework import --replace) or delete it first", meta.Key)
	}
	if err != nil {
		return fmt.Errorf("save framework: %w", err)
	}
	for i, r := range fw.Requirements {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO framework_requirements (framework_id, position, ref, parent, depth, assessable, title, text, title_derived, withdrawn, moved_to)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, meta.ID, i, r.ID, r.Parent, r.Depth, r.Assessable, r.Title, r.Explanation,
			r.TitleDerived, r.Withdrawn, strings.Join(r.MovedTo, "\n")); err != nil {
			return fmt.Errorf("save requirement %s: %w", r.ID, err)
		}
	}
	meta.Count = len(fw.Requirements)
	return nil
}

// ImportedFrameworks lists the organization's imported frameworks.
func (q *Queries) ImportedFrameworks(ctx context.Context, orgID int64) ([]ImportedFramework, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT f.id, f.org_id, f.key, f.name, f.version, f.format, f.filename, f.sha256, COALESCE(f.imported_by, 0), f.imported_at,
(SELECT COUNT(*) FROM framework_requirements r WHERE r.framework_id = f.id) FROM frameworks f WHERE f.org_id = $1 ORDER BY f.name, f.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportedFramework
	for rows.Next() {
		var f ImportedFramework
		if err := rows.Scan(&f.ID, &f.OrgID, &f.Key, &f.Name, &f.Version, &f.Format, &f.Filename, &f.SHA256, &f.ImportedBy, &f.ImportedAt, &f.Count); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ImportedFramework loads one imported framework with its requirements.
func (q *Queries) ImportedFramework(ctx context.Context, orgID int64, key string) (ImportedFramework, *catalog.Framework, error) {
	var f ImportedFramework
	err := q.q.QueryRowContext(ctx, `SELECT id, org_id, key, name, version, format, filename, sha256, COALESCE(imported_by, 0), imported_at
FROM frameworks WHERE org_id = $1 AND key = $2`, orgID, key).Scan(&f.ID, &f.OrgID, &f.Key, &f.Name, &f.Version, &f.Format, &f.Filename, &f.SHA256, &f.ImportedBy, &f.ImportedAt)
	if err != nil {
		return f, nil, notFound(err, "framework")
	}
	rows, err := q.q.QueryContext(ctx, `SELECT ref, parent, depth, assessable, title, text, title_derived, withdrawn, moved_to
FROM framework_requirements WHERE framework_id = $1 ORDER BY position`, f.ID)
	if err != nil {
		return f, nil, err
	}
	defer rows.Close()
	fw := &catalog.Framework{ID: f.Key, Name: f.Name, Version: f.Version}
	for rows.Next() {
		var r catalog.Requirement
		var movedTo string
		if err := rows.Scan(&r.ID, &r.Parent, &r.Depth, &r.Assessable, &r.Title, &r.Explanation, &r.TitleDerived, &r.Withdrawn, &movedTo); err != nil {
			return f, nil, err
		}
		if movedTo != "" {
			r.MovedTo = strings.Split(movedTo, "\n")
		}
		fw.Requirements = append(fw.Requirements, r)
	}
	f.Count = len(fw.Requirements)
	return f, fw, rows.Err()
}

// DeleteImportedFramework removes an imported framework, its requirements and
// the organization's mappings to it.
func (q *Queries) DeleteImportedFramework(ctx context.Context, orgID int64, key string) (ImportedFramework, error) {
	f, _, err := q.ImportedFramework(ctx, orgID, key)
	if err != nil {
		return f, err
	}
	for _, stmt := range []string{
		`DELETE FROM control_mappings WHERE org_id = $1 AND framework = $2`,
	} {
		if _, err := q.q.ExecContext(ctx, stmt, orgID, key); err != nil {
			return f, err
		}
	}
	return f, q.dropImportedFramework(ctx, f.ID)
}

// DropImportedFramework removes an imported framework and its requirements
// but leaves the organization's mappings to its key, for a replacement to
// take over (see PruneFrameworkMappings).
func (q *Queries) DropImportedFramework(ctx context.Context, orgID int64, key string) (ImportedFramework, error) {
	f, _, err := q.ImportedFramework(ctx, orgID, key)
	if err != nil {
		return f, err
	}
	return f, q.dropImportedFramework(ctx, f.ID)
}

func (q *Queries) dropImportedFramework(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM framework_requirements WHERE framework_id = $1`, id); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `DELETE FROM frameworks WHERE id = $1`, id)
	return err
}

// PruneFrameworkMappings deletes the organization's mappings to framework
// whose requirement keep does not report, and counts the mappings kept and
// dropped.
func (q *Queries) PruneFrameworkMappings(ctx context.Context, orgID int64, framework string, keep func(requirement string) bool) (kept, dropped int, err error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT requirement FROM control_mappings WHERE org_id = $1 AND framework = $2 ORDER BY requirement`, orgID, framework)
	if err != nil {
		return 0, 0, err
	}
	var gone []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return 0, 0, err
		}
		if !keep(r) {
			gone = append(gone, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, r := range gone {
		res, err := q.q.ExecContext(ctx, `DELETE FROM control_mappings WHERE org_id = $1 AND framework = $2 AND requirement = $3`, orgID, framework, r)
		if err != nil {
			return 0, 0, err
		}
		n, _ := res.RowsAffected()
		dropped += int(n)
	}
	err = q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM control_mappings WHERE org_id = $1 AND framework = $2`, orgID, framework).Scan(&kept)
	return kept, dropped, err
}

// ImportedText is an imported requirement shown beside a built-in one with the
// same ID (for example licensed AICPA text beside Attest's explanation).
type ImportedText struct {
	Framework string
	Title     string
	Text      string
}

// ImportedTexts returns the organization's imported requirements whose ID is ref.
func (q *Queries) ImportedTexts(ctx context.Context, orgID int64, ref string) ([]ImportedText, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT f.name, r.title, r.text FROM framework_requirements r JOIN frameworks f ON f.id = r.framework_id
WHERE f.org_id = $1 AND r.ref = $2 ORDER BY f.name`, orgID, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportedText
	for rows.Next() {
		var t ImportedText
		if err := rows.Scan(&t.Framework, &t.Title, &t.Text); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
