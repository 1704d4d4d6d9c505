package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

// Connections: an organization's configured connectors. The sealed
// credential is read only by ConnectionSecret and SealedSecrets, never with
// the connection itself, so a listing cannot carry it by mistake.

const connectionColumns = `id, org_id, type, name, settings, interval_minutes, enabled, created_at, created_by,
checked_at, check_ok, check_message`

func scanConnection(row interface{ Scan(...any) error }, c *attest.Connection) error {
	var settings string
	var createdBy sql.NullInt64
	var checked sql.NullTime
	if err := row.Scan(&c.ID, &c.OrgID, &c.Type, &c.Name, &settings, &c.IntervalMinutes, &c.Enabled, &c.CreatedAt, &createdBy,
		&checked, &c.CheckOK, &c.CheckMessage); err != nil {
		return err
	}
	c.CreatedBy, c.CheckedAt = createdBy.Int64, timeOf(checked)
	c.CreatedAt = c.CreatedAt.UTC()
	c.Settings = map[string]string{}
	if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
		return fmt.Errorf("connection %d settings: %w", c.ID, err)
	}
	return nil
}

// CreateConnection inserts a connection with its sealed credential. A name
// already used in the organization is ECONFLICT on "name".
func (q *Queries) CreateConnection(ctx context.Context, c *attest.Connection, sealed []byte) error {
	settings, err := json.Marshal(c.Settings)
	if err != nil {
		return fmt.Errorf("create connection: %w", err)
	}
	if c.Settings == nil {
		settings = []byte("{}")
	}
	c.CreatedAt = q.now()
	err = q.q.QueryRowContext(ctx, `INSERT INTO connections (org_id, type, name, settings, sealed_secret, interval_minutes, enabled,
created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		c.OrgID, c.Type, c.Name, string(settings), sealed, c.IntervalMinutes, c.Enabled, c.CreatedAt, nullID(c.CreatedBy)).Scan(&c.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "name", Message: fmt.Sprintf("this organization already has a connection named %q", c.Name)}
	}
	if err != nil {
		return fmt.Errorf("create connection: %w", err)
	}
	return nil
}

// Connection returns one of the organization's connections.
func (q *Queries) Connection(ctx context.Context, orgID, id int64) (attest.Connection, error) {
	var c attest.Connection
	err := scanConnection(q.q.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE org_id = $1 AND id = $2`, orgID, id), &c)
	return c, notFound(err, "connection")
}

// ConnectionByName returns the organization's connection called name.
func (q *Queries) ConnectionByName(ctx context.Context, orgID int64, name string) (attest.Connection, error) {
	var c attest.Connection
	err := scanConnection(q.q.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE org_id = $1 AND name = $2`, orgID, name), &c)
	return c, notFound(err, "connection")
}

// Connections lists the organization's connections by name.
func (q *Queries) Connections(ctx context.Context, orgID int64) ([]attest.Connection, error) {
	return q.connections(ctx, `SELECT `+connectionColumns+` FROM connections WHERE org_id = $1 ORDER BY name, id`, orgID)
}

func (q *Queries) connections(ctx context.Context, query string, args ...any) ([]attest.Connection, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	defer rows.Close()
	var out []attest.Connection
	for rows.Next() {
		var c attest.Connection
		if err := scanConnection(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ConnectionSecret returns the sealed credential of one of the
// organization's connections.
func (q *Queries) ConnectionSecret(ctx context.Context, orgID, id int64) ([]byte, error) {
	var sealed []byte
	err := q.q.QueryRowContext(ctx, `SELECT sealed_secret FROM connections WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&sealed)
	return sealed, notFound(err, "connection")
}

// SetConnectionSecret replaces the sealed credential of one of the
// organization's connections (re-sealed with a new key).
func (q *Queries) SetConnectionSecret(ctx context.Context, orgID, id int64, sealed []byte) error {
	return q.connectionExec(ctx, "seal connection credential", `UPDATE connections SET sealed_secret = $1 WHERE org_id = $2 AND id = $3`, sealed, orgID, id)
}

// SaveConnectionCheck records the outcome of a "Check connection".
func (q *Queries) SaveConnectionCheck(ctx context.Context, orgID, id int64, at time.Time, ok bool, message string) error {
	return q.connectionExec(ctx, "save connection check", `UPDATE connections SET checked_at = $1, check_ok = $2, check_message = $3
WHERE org_id = $4 AND id = $5`, stamp(at), ok, message, orgID, id)
}

// MarkConnectionCollected records when a connection was last collected, for
// the schedule.
func (q *Queries) MarkConnectionCollected(ctx context.Context, orgID, id int64, at time.Time) error {
	return q.connectionExec(ctx, "mark connection collected", `UPDATE connections SET last_collected_at = $1 WHERE org_id = $2 AND id = $3`,
		stamp(at), orgID, id)
}

// DeleteConnection removes one of the organization's connections and its
// sealed credential.
func (q *Queries) DeleteConnection(ctx context.Context, orgID, id int64) error {
	return q.connectionExec(ctx, "delete connection", `DELETE FROM connections WHERE org_id = $1 AND id = $2`, orgID, id)
}

func (q *Queries) connectionExec(ctx context.Context, what, query string, args ...any) error {
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "connection not found")
	}
	return nil
}

// DueConnections lists the enabled connections of every organization whose
// last collection is older than their interval at now (or never happened),
// for the scheduler. The interval is compared here rather than in SQL, where
// the two dialects add minutes to a time differently.
func (q *Queries) DueConnections(ctx context.Context, now time.Time) ([]attest.Connection, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+connectionColumns+`, last_collected_at FROM connections WHERE enabled
ORDER BY org_id, id`)
	if err != nil {
		return nil, fmt.Errorf("due connections: %w", err)
	}
	defer rows.Close()
	var out []attest.Connection
	for rows.Next() {
		var c attest.Connection
		var last sql.NullTime
		if err := scanConnection(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &last)...) }), &c); err != nil {
			return nil, err
		}
		if !last.Valid || !last.Time.Add(time.Duration(c.IntervalMinutes)*time.Minute).After(now) {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// scanFunc adapts a function to the Scan method scan helpers take.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// SealedSecret is one stored secret (a credential, or a webhook secret when
// Webhook is set), for re-sealing every one of them with a new key.
type SealedSecret struct {
	OrgID, ConnectionID int64
	Sealed              []byte
	Webhook             bool
}

// SealedSecrets returns every organization's sealed credentials and webhook
// secrets. Only `attest secrets rotate` reads them all.
func (q *Queries) SealedSecrets(ctx context.Context) ([]SealedSecret, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT org_id, id, sealed_secret, sealed_webhook_secret FROM connections ORDER BY org_id, id`)
	if err != nil {
		return nil, fmt.Errorf("sealed secrets: %w", err)
	}
	defer rows.Close()
	var out []SealedSecret
	for rows.Next() {
		var s SealedSecret
		var hook []byte
		if err := rows.Scan(&s.OrgID, &s.ConnectionID, &s.Sealed, &hook); err != nil {
			return nil, err
		}
		out = append(out, s)
		if hook != nil {
			out = append(out, SealedSecret{OrgID: s.OrgID, ConnectionID: s.ConnectionID, Sealed: hook, Webhook: true})
		}
	}
	return out, rows.Err()
}

// SetConnectionWebhookSecret replaces the sealed webhook secret of one of the
// organization's connections.
func (q *Queries) SetConnectionWebhookSecret(ctx context.Context, orgID, id int64, sealed []byte) error {
	return q.connectionExec(ctx, "seal webhook secret", `UPDATE connections SET sealed_webhook_secret = $1 WHERE org_id = $2 AND id = $3`, sealed, orgID, id)
}

// ConnectionForWebhook finds a connection by its ID alone, with its sealed
// webhook secret (nil when it has none). A webhook's URL names only the
// connection; the signature made with that connection's secret is what
// proves the sender, so nothing is revealed before it is checked.
func (q *Queries) ConnectionForWebhook(ctx context.Context, id int64) (attest.Connection, []byte, error) {
	var c attest.Connection
	var hook []byte
	err := scanConnection(scanFunc(func(dest ...any) error {
		return q.q.QueryRowContext(ctx, `SELECT `+connectionColumns+`, sealed_webhook_secret FROM connections WHERE id = $1`, id).Scan(append(dest, &hook)...)
	}), &c)
	return c, hook, notFound(err, "connection")
}
