package store_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// The migrations are written twice, once per dialect. TestSchemaParity
// migrates a fresh database of each and compares what they built, so that a
// column, key, index or trigger added to one dialect only fails by name.
//
// What counts as "the same" is decided here, once:
//
//   - Types are compared after normalizeType (see typeClasses): the dialects
//     spell integers, timestamps and identity keys differently, and an unknown
//     type fails rather than passing unexamined.
//   - A primary-key column counts as NOT NULL on both sides. SQLite reports an
//     INTEGER PRIMARY KEY (the rowid) as nullable, and its legacy rule even
//     admits NULL in other key columns; the store never writes a NULL key.
//   - Indexes that back a primary key are the key, not an index. Indexes that
//     back a UNIQUE constraint are compared as unique column sets, because
//     their names are generated (sqlite_autoindex_T_1 against T_col_key).
//     Indexes made with CREATE INDEX are compared by name, columns, uniqueness
//     and normalized partial-index predicate.
//   - Triggers are compared per event (name, table, timing, event). PostgreSQL
//     lists one row per event of a trigger, so "BEFORE UPDATE OR DELETE" is
//     two; information_schema lists no TRUNCATE triggers, which SQLite has no
//     statement for and which PostgreSQL keeps in addition.
//   - Column order and CHECK constraints are not compared.
//   - goose's version table is not part of the schema.

// schema describes a migrated database as the parity test compares it.
type schema struct {
	Tables   map[string]*table
	Triggers []trigger
}

type table struct {
	Columns     map[string]column
	PrimaryKey  []string
	ForeignKeys []foreignKey
	Uniques     [][]string // column sets of UNIQUE constraints
	Indexes     map[string]index
}

type column struct {
	Type    string // normalized
	NotNull bool
}

type foreignKey struct {
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   string
}

func (f foreignKey) String() string {
	return fmt.Sprintf("(%s) → %s(%s) on delete %s", strings.Join(f.Columns, ", "), f.RefTable, strings.Join(f.RefColumns, ", "), f.OnDelete)
}

type index struct {
	Columns []string
	Unique  bool
	Where   string // normalized predicate of a partial index
}

func (i index) String() string {
	s := "(" + strings.Join(i.Columns, ", ") + ")"
	if i.Unique {
		s = "unique " + s
	}
	if i.Where != "" {
		s += " where " + i.Where
	}
	return s
}

type trigger struct {
	Name, Table, Timing, Event string
}

func (t trigger) String() string {
	return fmt.Sprintf("%s %s %s on %s", t.Name, t.Timing, t.Event, t.Table)
}

// typeClasses maps each declared type (SQLite's declared type, upper-cased;
// PostgreSQL's information_schema data_type) to the class both dialects must
// agree on. TIMESTAMP (SQLite) and TIMESTAMPTZ (PostgreSQL) are one class: the
// store writes UTC either way.
var typeClasses = map[string]string{
	"INTEGER":                     "integer",
	"BIGINT":                      "integer",
	"SMALLINT":                    "integer",
	"BIGSERIAL":                   "integer",
	"SERIAL":                      "integer",
	"integer":                     "integer",
	"bigint":                      "integer",
	"smallint":                    "integer",
	"TEXT":                        "text",
	"VARCHAR":                     "text",
	"text":                        "text",
	"character varying":           "text",
	"TIMESTAMP":                   "timestamp",
	"TIMESTAMPTZ":                 "timestamp",
	"DATETIME":                    "timestamp",
	"timestamp with time zone":    "timestamp",
	"timestamp without time zone": "timestamp",
	"DATE":                        "date",
	"date":                        "date",
	"BOOLEAN":                     "boolean",
	"boolean":                     "boolean",
	"REAL":                        "real",
	"DOUBLE PRECISION":            "real",
	"double precision":            "real",
	"real":                        "real",
	"BLOB":                        "bytes",
	"bytea":                       "bytes",
	"JSONB":                       "json",
	"jsonb":                       "json",
}

var typeLength = regexp.MustCompile(`\s*\(.*\)$`)

func normalizeType(declared string) (string, error) {
	t := typeLength.ReplaceAllString(strings.TrimSpace(declared), "")
	if c, ok := typeClasses[t]; ok {
		return c, nil
	}
	if c, ok := typeClasses[strings.ToUpper(t)]; ok {
		return c, nil
	}
	return "", fmt.Errorf("unknown column type %q: add it to typeClasses", declared)
}

var predicateNoise = regexp.MustCompile(`[()"\s]+`)

// normalizePredicate makes "(deleted_at IS NULL)" (PostgreSQL's rendering) and
// "deleted_at is null" (as written) equal.
func normalizePredicate(p string) string {
	return strings.TrimSpace(predicateNoise.ReplaceAllString(strings.ToLower(p), " "))
}

// compareSchemas lists every difference between a and b, each naming what
// differs and both sides.
func compareSchemas(a, b *schema, an, bn string) []string {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	side := func(ok bool, s string) string {
		if !ok {
			return "(none)"
		}
		return s
	}
	for _, name := range unionKeys(a.Tables, b.Tables) {
		ta, tb := a.Tables[name], b.Tables[name]
		if ta == nil || tb == nil {
			add("table %s: %s %s, %s %s", name, an, side(ta != nil, "has it"), bn, side(tb != nil, "has it"))
			continue
		}
		for _, c := range unionKeys(ta.Columns, tb.Columns) {
			ca, oka := ta.Columns[c]
			cb, okb := tb.Columns[c]
			if ca != cb || oka != okb {
				add("column %s.%s: %s %s, %s %s", name, c, an, side(oka, ca.String()), bn, side(okb, cb.String()))
			}
		}
		if !slices.Equal(ta.PrimaryKey, tb.PrimaryKey) {
			add("primary key of %s: %s (%s), %s (%s)", name, an, strings.Join(ta.PrimaryKey, ", "), bn, strings.Join(tb.PrimaryKey, ", "))
		}
		fa, fb := keyed(ta.ForeignKeys), keyed(tb.ForeignKeys)
		for _, k := range unionKeys(fa, fb) {
			x, oka := fa[k]
			y, okb := fb[k]
			if x.String() != y.String() {
				add("foreign key %s(%s): %s %s, %s %s", name, k, an, side(oka, x.String()), bn, side(okb, y.String()))
			}
		}
		ua, ub := setOf(ta.Uniques), setOf(tb.Uniques)
		for _, k := range unionKeys(ua, ub) {
			if ua[k] != ub[k] {
				add("unique constraint %s(%s): %s %s, %s %s", name, k, an, side(ua[k], "has it"), bn, side(ub[k], "has it"))
			}
		}
		for _, k := range unionKeys(ta.Indexes, tb.Indexes) {
			x, oka := ta.Indexes[k]
			y, okb := tb.Indexes[k]
			if x.String() != y.String() || oka != okb {
				add("index %s on %s: %s %s, %s %s", k, name, an, side(oka, x.String()), bn, side(okb, y.String()))
			}
		}
	}
	trA, trB := map[string]trigger{}, map[string]trigger{}
	for _, t := range a.Triggers {
		trA[t.String()] = t
	}
	for _, t := range b.Triggers {
		trB[t.String()] = t
	}
	for _, k := range unionKeys(trA, trB) {
		_, oka := trA[k]
		_, okb := trB[k]
		if oka != okb {
			add("trigger %s: %s %s, %s %s", k, an, side(oka, "has it"), bn, side(okb, "has it"))
		}
	}
	return diffs
}

func (c column) String() string {
	if c.NotNull {
		return c.Type + " not null"
	}
	return c.Type + " null"
}

func keyed(fks []foreignKey) map[string]foreignKey {
	m := map[string]foreignKey{}
	for _, f := range fks {
		m[strings.Join(f.Columns, ", ")] = f
	}
	return m
}

func setOf(sets [][]string) map[string]bool {
	m := map[string]bool{}
	for _, s := range sets {
		m[strings.Join(s, ", ")] = true
	}
	return m
}

func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func TestSchemaParity(t *testing.T) {
	schemas := map[store.Dialect]*schema{}
	for _, d := range storetest.Dialects {
		u := storetest.URL(t, d) // under ATTEST_TEST_STRICT=1 a missing PostgreSQL fails here
		db, err := store.Open(ctx, store.Options{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate %s: %v", d, err)
		}
		raw := storetest.Raw(t, u)
		var s *schema
		if d == store.SQLite {
			s, err = inspectSQLite(raw)
		} else {
			s, err = inspectPostgres(raw)
		}
		if err != nil {
			t.Fatalf("inspect %s: %v", d, err)
		}
		// The inspection must see what it compares, or two empty readings
		// would agree.
		act, org := s.Tables["activity"], s.Tables["organizations"]
		if act == nil || org == nil || len(act.Columns) == 0 || len(act.ForeignKeys) == 0 ||
			len(act.Indexes) == 0 || len(org.Uniques) == 0 || len(act.PrimaryKey) == 0 || len(s.Triggers) == 0 {
			t.Fatalf("%s: the inspection missed part of the schema: %+v", d, s)
		}
		schemas[d] = s
	}
	for _, d := range compareSchemas(schemas[store.SQLite], schemas[store.Postgres], "sqlite", "postgres") {
		t.Error(d)
	}
}

func TestCompareSchemasNamesEachDifference(t *testing.T) {
	build := func() *schema {
		return &schema{
			Tables: map[string]*table{"activity": {
				Columns:    map[string]column{"id": {"integer", true}, "actor_id": {"integer", false}},
				PrimaryKey: []string{"id"},
				ForeignKeys: []foreignKey{{Columns: []string{"actor_id"}, RefTable: "users",
					RefColumns: []string{"id"}, OnDelete: "NO ACTION"}},
				Indexes: map[string]index{"activity_org": {Columns: []string{"org_id", "id"}}},
			}},
			Triggers: []trigger{{"activity_no_update", "activity", "BEFORE", "UPDATE"}},
		}
	}
	a, b := build(), build()
	if d := compareSchemas(a, b, "sqlite", "postgres"); len(d) != 0 {
		t.Fatalf("equal schemas differ: %q", d)
	}
	b.Tables["activity"].Columns["actor_id"] = column{"integer", true}
	b.Tables["activity"].Indexes["activity_actor"] = index{Columns: []string{"actor_id"}}
	b.Triggers = append(b.Triggers, trigger{"activity_no_delete", "activity", "BEFORE", "DELETE"})
	got := compareSchemas(a, b, "sqlite", "postgres")
	want := []string{
		"column activity.actor_id: sqlite integer null, postgres integer not null",
		"index activity_actor on activity: sqlite (none), postgres (actor_id)",
		"trigger activity_no_delete BEFORE DELETE on activity: sqlite (none), postgres has it",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := normalizeType("MONEY"); err == nil || !strings.Contains(err.Error(), `"MONEY"`) {
		t.Fatalf("unknown type: %v", err)
	}
	if normalizePredicate("(deleted_at IS NULL)") != normalizePredicate("deleted_at is  null") {
		t.Fatal("predicates differ only in spelling")
	}
}

func queryStrings(db *sql.DB, query string, args ...any) ([][]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

var (
	sqliteTrigger = regexp.MustCompile(`(?is)\b(BEFORE|AFTER|INSTEAD\s+OF)\s+(INSERT|UPDATE|DELETE)\b`)
	sqliteWhere   = regexp.MustCompile(`(?is)\bWHERE\b(.*)$`)
)

func inspectSQLite(db *sql.DB) (*schema, error) {
	s := &schema{Tables: map[string]*table{}}
	tables, err := queryStrings(db, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for _, r := range tables {
		name := r[0]
		tb := &table{Columns: map[string]column{}, Indexes: map[string]index{}}
		s.Tables[name] = tb
		cols, err := queryStrings(db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, name)
		if err != nil {
			return nil, err
		}
		for _, c := range cols {
			typ, err := normalizeType(c[1])
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", name, c[0], err)
			}
			if c[3] != "0" {
				tb.PrimaryKey = append(tb.PrimaryKey, c[0])
			}
			tb.Columns[c[0]] = column{Type: typ, NotNull: c[2] == "1" || c[3] != "0"}
		}
		fks, err := queryStrings(db, `SELECT id, "from", "table", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, name)
		if err != nil {
			return nil, err
		}
		byID := map[string]*foreignKey{}
		var ids []string
		for _, f := range fks {
			fk := byID[f[0]]
			if fk == nil {
				fk = &foreignKey{RefTable: f[2], OnDelete: f[4]}
				byID[f[0]] = fk
				ids = append(ids, f[0])
			}
			fk.Columns = append(fk.Columns, f[1])
			fk.RefColumns = append(fk.RefColumns, f[3]) // every REFERENCES in the migrations names its column
		}
		for _, id := range ids {
			tb.ForeignKeys = append(tb.ForeignKeys, *byID[id])
		}
		idxs, err := queryStrings(db, `SELECT l.name, l."unique", l.origin, l.partial, COALESCE(m.sql, '')
			FROM pragma_index_list(?) l LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name`, name)
		if err != nil {
			return nil, err
		}
		for _, ix := range idxs {
			cols, err := queryStrings(db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0])
			if err != nil {
				return nil, err
			}
			var names []string
			for _, c := range cols {
				names = append(names, c[0])
			}
			switch ix[2] {
			case "pk":
			case "u":
				tb.Uniques = append(tb.Uniques, names)
			default:
				i := index{Columns: names, Unique: ix[1] == "1"}
				if ix[3] == "1" {
					if m := sqliteWhere.FindStringSubmatch(ix[4]); m != nil {
						i.Where = normalizePredicate(m[1])
					}
				}
				tb.Indexes[ix[0]] = i
			}
		}
	}
	trs, err := queryStrings(db, `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for _, tr := range trs {
		m := sqliteTrigger.FindStringSubmatch(tr[2])
		if m == nil {
			return nil, fmt.Errorf("trigger %s: cannot read its timing and event from %q", tr[0], tr[2])
		}
		timing := strings.Join(strings.Fields(strings.ToUpper(m[1])), " ")
		s.Triggers = append(s.Triggers, trigger{tr[0], tr[1], timing, strings.ToUpper(m[2])})
	}
	return s, nil
}

// inspectPostgres reads the schema of the connection's current_schema(),
// which storetest sets (search_path) to the test's own schema.
func inspectPostgres(db *sql.DB) (*schema, error) {
	s := &schema{Tables: map[string]*table{}}
	tables, err := queryStrings(db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`)
	if err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		return s, nil
	}
	for _, r := range tables {
		s.Tables[r[0]] = &table{Columns: map[string]column{}, Indexes: map[string]index{}}
	}
	cols, err := queryStrings(db, `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		tb := s.Tables[c[0]]
		if tb == nil {
			continue // a view, or goose's table
		}
		typ, err := normalizeType(c[2])
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", c[0], c[1], err)
		}
		tb.Columns[c[1]] = column{Type: typ, NotNull: c[3] == "NO"}
	}
	// Constraints: primary keys, unique constraints and foreign keys, with
	// their columns in key order.
	cons, err := queryStrings(db, `
		SELECT c.conname, c.contype, t.relname,
		       (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(att, n)
		          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att),
		       COALESCE(r.relname, ''),
		       COALESCE((SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(att, n)
		          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att), ''),
		       c.confdeltype
		FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_class r ON r.oid = c.confrelid
		WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')
		ORDER BY t.relname, c.conname`)
	if err != nil {
		return nil, err
	}
	onDelete := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	for _, c := range cons {
		tb := s.Tables[c[2]]
		if tb == nil {
			continue
		}
		cols := strings.Split(c[3], ",")
		for _, col := range cols {
			if col == "" { // an expression, which parity cannot compare
				return nil, fmt.Errorf("constraint %s on %s: no plain columns", c[0], c[2])
			}
		}
		switch c[1] {
		case "p":
			tb.PrimaryKey = cols
		case "u":
			tb.Uniques = append(tb.Uniques, cols)
		case "f":
			tb.ForeignKeys = append(tb.ForeignKeys, foreignKey{Columns: cols, RefTable: c[4],
				RefColumns: strings.Split(c[5], ","), OnDelete: onDelete[c[6]]})
		}
	}
	// Indexes that back no constraint: the ones CREATE INDEX made.
	idxs, err := queryStrings(db, `
		SELECT i.relname, t.relname, x.indisunique,
		       (SELECT string_agg(COALESCE(a.attname, ''), ',' ORDER BY k.n) FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(att, n)
		          LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att),
		       COALESCE(pg_get_expr(x.indpred, x.indrelid), '')
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema()
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))
		ORDER BY i.relname`)
	if err != nil {
		return nil, err
	}
	for _, ix := range idxs {
		tb := s.Tables[ix[1]]
		if tb == nil {
			continue
		}
		cols := strings.Split(ix[3], ",")
		if slices.Contains(cols, "") {
			return nil, fmt.Errorf("index %s on %s: an expression index, which parity cannot compare", ix[0], ix[1])
		}
		tb.Indexes[ix[0]] = index{Columns: cols, Unique: ix[2] == "true", Where: normalizePredicate(ix[4])}
	}
	trs, err := queryStrings(db, `SELECT trigger_name, event_object_table, action_timing, event_manipulation
		FROM information_schema.triggers WHERE trigger_schema = current_schema()`)
	if err != nil {
		return nil, err
	}
	for _, tr := range trs {
		s.Triggers = append(s.Triggers, trigger{tr[0], tr[1], tr[2], tr[3]})
	}
	return s, nil
}
