package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

const evidenceColumns = `e.id, e.org_id, e.uid, e.kind, e.title, e.source, e.url, e.filename, e.media_type, e.sha256, e.size,
e.collected_at, e.period_start, e.period_end, COALESCE(e.added_by, 0), COALESCE(u.name, ''), e.notes, COALESCE(e.supersedes, 0),
COALESCE((SELECT n.id FROM evidence n WHERE n.supersedes = e.id), 0), e.record, e.record_hash, e.created_at,
COALESCE((SELECT MIN(l.seq) FROM ledger_entries l WHERE l.org_id = e.org_id AND l.record_type = 'evidence' AND l.record_id = e.uid), 0)`

const evidenceFrom = ` FROM evidence e LEFT JOIN users u ON u.id = e.added_by `

func scanEvidence(row interface{ Scan(...any) error }, e *attest.Evidence) error {
	var ps, pe sql.NullTime
	var record string
	if err := row.Scan(&e.ID, &e.OrgID, &e.UID, &e.Kind, &e.Title, &e.Source, &e.URL, &e.Filename, &e.MediaType, &e.SHA256, &e.Size,
		&e.CollectedAt, &ps, &pe, &e.AddedBy, &e.AddedByName, &e.Notes, &e.Supersedes, &e.SupersededBy, &record, &e.RecordHash, &e.CreatedAt, &e.LedgerSeq); err != nil {
		return err
	}
	e.Record = []byte(record)
	e.PeriodStart, e.PeriodEnd = timeOf(ps), timeOf(pe)
	e.CollectedAt, e.CreatedAt = stamp(e.CollectedAt), stamp(e.CreatedAt)
	return nil
}

// CreateEvidence stores an evidence row and its links to controls. The caller
// has already stored the blob, computed the record hash and will append the
// ledger entry in the same transaction.
func (q *Queries) CreateEvidence(ctx context.Context, e *attest.Evidence) error {
	if err := attest.ValidateEvidence(e); err != nil {
		return err
	}
	if e.Supersedes != 0 {
		old, err := q.Evidence(ctx, e.OrgID, e.Supersedes)
		if err != nil {
			return attest.Invalid("supersedes", "must be evidence of this organization")
		}
		if old.Superseded() {
			return attest.Invalid("supersedes", "%s is already superseded by a newer version; correct that one instead", old.UID)
		}
	}
	for _, c := range e.Controls {
		if err := q.checkEvidenceControl(ctx, e.OrgID, c.ID); err != nil {
			return err
		}
	}
	if e.CreatedAt.IsZero() { // a caller whose record commits to the time sets it
		e.CreatedAt = q.now()
	}
	e.CreatedAt = stamp(e.CreatedAt)
	err := q.q.QueryRowContext(ctx, `INSERT INTO evidence (org_id, uid, kind, title, source, url, filename, media_type, sha256, size,
collected_at, period_start, period_end, added_by, notes, supersedes, record, record_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		e.OrgID, e.UID, e.Kind, e.Title, e.Source, e.URL, e.Filename, e.MediaType, e.SHA256, e.Size, stamp(e.CollectedAt),
		nullTime(e.PeriodStart), nullTime(e.PeriodEnd), nullID(e.AddedBy), e.Notes, nullID(e.Supersedes), string(e.Record), e.RecordHash, e.CreatedAt).Scan(&e.ID)
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "that evidence was already corrected by another version")
	}
	if err != nil {
		return fmt.Errorf("create evidence: %w", err)
	}
	for _, c := range e.Controls {
		if err := q.LinkEvidence(ctx, e.OrgID, e.ID, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// checkEvidenceControl refuses a link to a control that is not the
// organization's. It reads only whether the control is there: reading the
// control whole (its columns and mappings) was most of a bulk import's time
// in the transaction.
func (q *Queries) checkEvidenceControl(ctx context.Context, orgID, controlID int64) error {
	_, err := q.ControlRef(ctx, orgID, controlID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid("controls", "control %d is not a control of this organization", controlID)
	}
	if err != nil {
		return fmt.Errorf("create evidence: control %d: %w", controlID, err)
	}
	return nil
}

// evidenceBatch is how many evidence rows CreateEvidenceAll writes a
// statement: 19 parameters a row stay far below both databases' limits.
const evidenceBatch = 100

// CreateEvidenceAll stores new evidence of one organization and links it
// to its controls, several rows a statement, and sets each item's ID: what
// CreateEvidence does item by item, for a batch (evidence.Service.AddAll
// of 500 items spent most of its transaction preparing one INSERT per row).
// Corrections go through CreateEvidence, one at a time, which names a
// version already corrected.
func (q *Queries) CreateEvidenceAll(ctx context.Context, evs []*attest.Evidence) error {
	if len(evs) == 0 {
		return nil
	}
	orgID := evs[0].OrgID
	checked := map[int64]bool{}
	for _, e := range evs {
		switch {
		case e.OrgID != orgID:
			return fmt.Errorf("create evidence: an item of organization %d among those of %d", e.OrgID, orgID)
		case e.Supersedes != 0:
			return fmt.Errorf("create evidence: %s corrects another item: add corrections with CreateEvidence", e.UID)
		}
		if err := attest.ValidateEvidence(e); err != nil {
			return err
		}
		for _, c := range e.Controls {
			if checked[c.ID] {
				continue
			}
			if err := q.checkEvidenceControl(ctx, orgID, c.ID); err != nil {
				return err
			}
			checked[c.ID] = true
		}
		if e.CreatedAt.IsZero() {
			e.CreatedAt = q.now()
		}
		e.CreatedAt = stamp(e.CreatedAt)
	}
	for rest := evs; len(rest) > 0; {
		chunk := rest[:min(len(rest), evidenceBatch)]
		rest = rest[len(chunk):]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO evidence (org_id, uid, kind, title, source, url, filename, media_type, sha256, size,
collected_at, period_start, period_end, added_by, notes, supersedes, record, record_hash, created_at) VALUES `)
		args := make([]any, 0, len(chunk)*19)
		byUID := make(map[string]*attest.Evidence, len(chunk))
		for i, e := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(q.placeholders(len(args)+1, 19))
			args = append(args, e.OrgID, e.UID, e.Kind, e.Title, e.Source, e.URL, e.Filename, e.MediaType, e.SHA256, e.Size, stamp(e.CollectedAt),
				nullTime(e.PeriodStart), nullTime(e.PeriodEnd), nullID(e.AddedBy), e.Notes, nullID(0), string(e.Record), e.RecordHash, e.CreatedAt)
			byUID[e.UID] = e
		}
		// The order of RETURNING rows is not promised: each names its uid.
		sb.WriteString(` RETURNING uid, id`)
		rows, err := q.q.QueryContext(ctx, sb.String(), args...)
		if err != nil {
			return fmt.Errorf("create %d evidence items: %w", len(chunk), err)
		}
		for rows.Next() {
			var uid string
			var id int64
			if err := rows.Scan(&uid, &id); err != nil {
				rows.Close()
				return err
			}
			if e := byUID[uid]; e != nil {
				e.ID = id
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("create %d evidence items: %w", len(chunk), err)
		}
		for _, e := range chunk {
			if e.ID == 0 {
				return fmt.Errorf("create evidence: no ID returned for %s", e.UID)
			}
		}
	}
	type link struct{ evidence, control int64 }
	var links []link
	for _, e := range evs {
		for _, c := range e.Controls {
			links = append(links, link{e.ID, c.ID})
		}
	}
	now := q.now()
	for len(links) > 0 {
		chunk := links[:min(len(links), 4*evidenceBatch)]
		links = links[len(chunk):]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO evidence_controls (evidence_id, control_id, org_id, created_at) VALUES `)
		args := make([]any, 0, len(chunk)*4)
		for i, l := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(q.placeholders(len(args)+1, 4))
			args = append(args, l.evidence, l.control, orgID, now)
		}
		sb.WriteString(` ON CONFLICT (evidence_id, control_id) DO NOTHING`)
		if _, err := q.q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("link %d evidence items to their controls: %w", len(chunk), err)
		}
	}
	return nil
}

// LinkEvidence ties evidence to a control; linking twice is harmless.
func (q *Queries) LinkEvidence(ctx context.Context, orgID, evidenceID, controlID int64) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO evidence_controls (evidence_id, control_id, org_id, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (evidence_id, control_id) DO NOTHING`, evidenceID, controlID, orgID, q.now())
	return err
}

// Evidence returns one evidence item of the organization with its controls.
func (q *Queries) Evidence(ctx context.Context, orgID, id int64) (attest.Evidence, error) {
	var e attest.Evidence
	if err := scanEvidence(q.q.QueryRowContext(ctx, `SELECT `+evidenceColumns+evidenceFrom+`WHERE e.org_id = $1 AND e.id = $2`, orgID, id), &e); err != nil {
		return e, notFound(err, "evidence")
	}
	links, err := q.evidenceLinks(ctx, orgID, []int64{e.ID})
	e.Controls = links[e.ID]
	return e, err
}

// EvidenceByUID returns one evidence item by its public identifier.
func (q *Queries) EvidenceByUID(ctx context.Context, orgID int64, uid string) (attest.Evidence, error) {
	var e attest.Evidence
	if err := scanEvidence(q.q.QueryRowContext(ctx, `SELECT `+evidenceColumns+evidenceFrom+`WHERE e.org_id = $1 AND e.uid = $2`, orgID, uid), &e); err != nil {
		return e, notFound(err, "evidence")
	}
	links, err := q.evidenceLinks(ctx, orgID, []int64{e.ID})
	e.Controls = links[e.ID]
	return e, err
}

// EvidenceFilter narrows an evidence listing. Zero fields do not filter.
type EvidenceFilter struct {
	ControlID       int64
	Criterion       string // SOC 2 criterion the evidence's controls map to
	Kind            string
	Query           string // in title, file name, source and notes
	Since, Until    time.Time
	IncludeReplaced bool // include superseded versions

	// A page of the list: rows after the cursor (the API walks the list this
	// way, so evidence added meanwhile neither repeats nor skips a row), or
	// rows after Offset (the UI's numbered pages), at most Limit of them.
	// Limit 0 lists everything, for callers that need every item (export,
	// verification).
	After  EvidenceCursor
	Offset int
	Limit  int
}

// EvidenceCursor is where a page of the evidence list ended: the last row's
// collection time and ID, the list's order (newest first, then by ID), so the
// next page starts strictly after it.
type EvidenceCursor struct {
	CollectedAt time.Time
	ID          int64
}

// CursorAfter is the cursor that continues a list after e.
func CursorAfter(e attest.Evidence) EvidenceCursor {
	return EvidenceCursor{CollectedAt: e.CollectedAt, ID: e.ID}
}

// String encodes the cursor as microseconds since 1970 and the ID, which the
// API hands out as next_cursor; callers treat it as opaque.
func (c EvidenceCursor) String() string {
	if c.ID == 0 {
		return ""
	}
	return strconv.FormatInt(c.CollectedAt.UnixMicro(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseEvidenceCursor reads a cursor from String; an empty string is the
// start of the list.
func ParseEvidenceCursor(s string) (EvidenceCursor, error) {
	if s == "" {
		return EvidenceCursor{}, nil
	}
	at, id, ok := strings.Cut(s, ".")
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return EvidenceCursor{}, attest.Invalid("cursor", "must be the next_cursor of a previous page (got %q)", s)
	}
	return EvidenceCursor{CollectedAt: time.UnixMicro(us).UTC(), ID: n}, nil
}

// evidenceWhere is the condition a filter puts on the list, shared by the list
// and its count so that "of N" always counts what the pages show.
func evidenceWhere(orgID int64, f EvidenceFilter) (string, []any) {
	where := `WHERE e.org_id = $1`
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(cond, len(args))
	}
	if f.ControlID != 0 {
		add(` AND e.id IN (SELECT evidence_id FROM evidence_controls WHERE control_id = $%d)`, f.ControlID)
	}
	if f.Kind != "" {
		add(` AND e.kind = $%d`, f.Kind)
	}
	if f.Criterion != "" {
		add(` AND e.id IN (SELECT ec.evidence_id FROM evidence_controls ec JOIN control_mappings m ON m.control_id = ec.control_id
WHERE m.framework = 'soc2' AND m.requirement = $%d)`, f.Criterion)
	}
	if f.Query != "" {
		add(` AND LOWER(e.title || ' ' || e.filename || ' ' || e.source || ' ' || e.notes) LIKE $%d ESCAPE '\'`, "%"+strings.TrimSuffix(likePrefix(strings.ToLower(f.Query)), "%")+"%")
	}
	if !f.Since.IsZero() {
		add(` AND e.collected_at >= $%d`, stamp(f.Since))
	}
	if !f.Until.IsZero() {
		add(` AND e.collected_at < $%d`, stamp(f.Until))
	}
	if !f.IncludeReplaced {
		where += ` AND NOT EXISTS (SELECT 1 FROM evidence n WHERE n.supersedes = e.id)`
	}
	return where, args
}

// EvidenceList lists the organization's evidence, newest first (ties by ID,
// so that pages are stable), one page of it when the filter sets a Limit.
func (q *Queries) EvidenceList(ctx context.Context, orgID int64, f EvidenceFilter) ([]attest.Evidence, error) {
	where, args := evidenceWhere(orgID, f)
	if f.After.ID != 0 {
		args = append(args, stamp(f.After.CollectedAt), f.After.ID)
		where += fmt.Sprintf(` AND (e.collected_at < $%d OR (e.collected_at = $%d AND e.id < $%d))`, len(args)-1, len(args)-1, len(args))
	}
	page := ""
	if f.Limit > 0 {
		page = fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+evidenceColumns+evidenceFrom+where+` ORDER BY e.collected_at DESC, e.id DESC`+page, args...)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	defer rows.Close()
	var out []attest.Evidence
	var ids []int64
	for rows.Next() {
		var e attest.Evidence
		if err := scanEvidence(rows, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
		ids = append(ids, e.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	links, err := q.evidenceLinks(ctx, orgID, ids)
	for i := range out {
		out[i].Controls = links[out[i].ID]
	}
	return out, err
}

// EvidenceCount counts what EvidenceList would list without its page.
func (q *Queries) EvidenceCount(ctx context.Context, orgID int64, f EvidenceFilter) (int, error) {
	where, args := evidenceWhere(orgID, f)
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM evidence e `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count evidence: %w", err)
	}
	return n, nil
}

// maxLinkIDs is the most evidence IDs evidenceLinks names in one query;
// beyond it (a whole listing) one read of the organization's links is cheaper.
const maxLinkIDs = 500

// evidenceLinks loads the controls of evidence items: for a page or one item
// by their IDs, for a whole listing with one query over the organization's
// links (cheaper than a query per row).
func (q *Queries) evidenceLinks(ctx context.Context, orgID int64, ids []int64) (map[int64][]attest.ControlRef, error) {
	out := map[int64][]attest.ControlRef{}
	if len(ids) == 0 {
		return out, nil
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	query, args := `SELECT ec.evidence_id, c.id, c.ref FROM evidence_controls ec JOIN controls c ON c.id = ec.control_id
WHERE ec.org_id = $1 ORDER BY c.ref`, []any{orgID}
	if len(ids) <= maxLinkIDs {
		// A page names its rows, so its cost does not grow with the library.
		marks := make([]string, len(ids))
		args = append(args, make([]any, len(ids))...)
		for i, id := range ids {
			marks[i] = "$" + strconv.Itoa(i+2)
			args[i+1] = id
		}
		query = `SELECT ec.evidence_id, c.id, c.ref FROM evidence_controls ec JOIN controls c ON c.id = ec.control_id
WHERE ec.org_id = $1 AND ec.evidence_id IN (` + strings.Join(marks, ", ") + `) ORDER BY c.ref`
	}
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var eid int64
		var c attest.ControlRef
		if err := rows.Scan(&eid, &c.ID, &c.Ref); err != nil {
			return nil, err
		}
		if want[eid] {
			out[eid] = append(out[eid], c)
		}
	}
	return out, rows.Err()
}

// BlobReferenced reports whether any evidence row or collection snapshot
// refers to a blob, so that a
// blob written for an upload that then failed can be told from a live one.
func (q *Queries) BlobReferenced(ctx context.Context, sha string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM evidence WHERE sha256 = $1)
+ (SELECT COUNT(*) FROM collections WHERE snapshot_sha256 = $1)`, sha).Scan(&n)
	return n > 0, err
}

// EvidenceTimes returns, per control, when each current (not superseded) piece
// of evidence was collected and the end of the period it covers: what
// freshness is judged on.
func (q *Queries) EvidenceTimes(ctx context.Context, orgID int64) (map[int64][]EvidenceTime, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT ec.control_id, e.collected_at, e.period_start, e.period_end
FROM evidence_controls ec JOIN evidence e ON e.id = ec.evidence_id
WHERE ec.org_id = $1 AND NOT EXISTS (SELECT 1 FROM evidence n WHERE n.supersedes = e.id)`, orgID)
	if err != nil {
		return nil, fmt.Errorf("evidence times: %w", err)
	}
	defer rows.Close()
	out := map[int64][]EvidenceTime{}
	for rows.Next() {
		var id int64
		var t EvidenceTime
		var ps, pe sql.NullTime
		if err := rows.Scan(&id, &t.CollectedAt, &ps, &pe); err != nil {
			return nil, err
		}
		t.PeriodStart, t.PeriodEnd = timeOf(ps), timeOf(pe)
		out[id] = append(out[id], t)
	}
	return out, rows.Err()
}

// EvidenceTime is when a piece of evidence was collected and what it covers.
type EvidenceTime struct {
	CollectedAt, PeriodStart, PeriodEnd time.Time
}

// AsOfWindow is, for controls of one frequency, the range of as-of times (the
// end of the period evidence covers, or else when it was collected) whose
// evidence may go stale in some span of time. The caller derives it from the
// freshness rules, which the store does not know.
type AsOfWindow struct {
	Frequency string
	From, To  time.Time // From exclusive, To inclusive
}

// EvidenceAsOf is one pairing of current evidence and an active control it
// supports, with what freshness needs and what a list of it shows.
type EvidenceAsOf struct {
	EvidenceID             int64
	Title                  string
	Control                attest.ControlRef
	Frequency              string
	CollectedAt, PeriodEnd time.Time
}

// EvidenceInWindows lists current evidence linked to active controls whose
// as-of time falls in the window of the control's frequency, oldest as-of
// first, at most limit rows. It reads only the rows in the windows (indexes on
// collected_at and period_end), so what expires soon costs what it shows, not
// the whole library.
func (q *Queries) EvidenceInWindows(ctx context.Context, orgID int64, windows []AsOfWindow, limit int) ([]EvidenceAsOf, error) {
	if len(windows) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	var conds []string
	for _, w := range windows {
		args = append(args, w.Frequency, stamp(w.From), stamp(w.To))
		f, lo, hi := len(args)-2, len(args)-1, len(args)
		conds = append(conds, fmt.Sprintf(`(c.frequency = $%d AND (e.period_end > $%d AND e.period_end <= $%d
 OR e.period_end IS NULL AND e.collected_at > $%d AND e.collected_at <= $%d))`, f, lo, hi, lo, hi))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT e.id, e.title, c.id, c.ref, c.frequency, e.collected_at, e.period_end
FROM evidence e JOIN evidence_controls ec ON ec.evidence_id = e.id JOIN controls c ON c.id = ec.control_id
WHERE e.org_id = $1 AND c.org_id = $1 AND c.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM evidence n WHERE n.supersedes = e.id)
AND (`+strings.Join(conds, " OR ")+`)
ORDER BY COALESCE(e.period_end, e.collected_at), e.id, c.ref LIMIT `+strconv.Itoa(max(limit, 1)), args...)
	if err != nil {
		return nil, fmt.Errorf("evidence in windows: %w", err)
	}
	defer rows.Close()
	var out []EvidenceAsOf
	for rows.Next() {
		var x EvidenceAsOf
		var pe sql.NullTime
		if err := rows.Scan(&x.EvidenceID, &x.Title, &x.Control.ID, &x.Control.Ref, &x.Frequency, &x.CollectedAt, &pe); err != nil {
			return nil, err
		}
		x.CollectedAt, x.PeriodEnd = stamp(x.CollectedAt), timeOf(pe)
		out = append(out, x)
	}
	return out, rows.Err()
}

// EvidenceCounts is how a control's current evidence splits at a moment: the
// database counts the items far from the freshness boundary; those near it
// come as times for the caller to judge exactly.
type EvidenceCounts struct {
	Fresh, Stale int
	Near         []EvidenceTime
}

// EvidenceFreshness counts, per active control, its current evidence whose
// as-of time is after To of its frequency's window (fresh) or not after From
// (stale), and returns the items in between as times. The windows come from
// the freshness rules (evidence.AsOfRange at now): a readiness assessment then
// reads a few numbers per control and the items near their boundary, not every
// item of the library.
func (q *Queries) EvidenceFreshness(ctx context.Context, orgID int64, windows []AsOfWindow) (map[int64]EvidenceCounts, error) {
	out := map[int64]EvidenceCounts{}
	if len(windows) == 0 {
		return out, nil
	}
	// One pass over the organization's current evidence counts both sides.
	args := []any{orgID}
	var fresh, stale []string
	for _, w := range windows {
		args = append(args, w.Frequency, stamp(w.From), stamp(w.To))
		f, lo, hi := len(args)-2, len(args)-1, len(args)
		fresh = append(fresh, fmt.Sprintf(`c.frequency = $%d AND (e.period_end > $%d OR e.period_end IS NULL AND e.collected_at > $%d)`, f, hi, hi))
		stale = append(stale, fmt.Sprintf(`c.frequency = $%d AND (e.period_end <= $%d OR e.period_end IS NULL AND e.collected_at <= $%d)`, f, lo, lo))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT ec.control_id, SUM(CASE WHEN `+strings.Join(fresh, " OR ")+` THEN 1 ELSE 0 END),
SUM(CASE WHEN `+strings.Join(stale, " OR ")+` THEN 1 ELSE 0 END)
FROM evidence e JOIN evidence_controls ec ON ec.evidence_id = e.id JOIN controls c ON c.id = ec.control_id
WHERE e.org_id = $1 AND c.org_id = $1 AND c.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM evidence n WHERE n.supersedes = e.id)
GROUP BY ec.control_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("evidence freshness: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c EvidenceCounts
		if err := rows.Scan(&id, &c.Fresh, &c.Stale); err != nil {
			return nil, err
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	near, err := q.EvidenceInWindows(ctx, orgID, windows, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	for _, x := range near {
		c := out[x.Control.ID]
		c.Near = append(c.Near, EvidenceTime{CollectedAt: x.CollectedAt, PeriodEnd: x.PeriodEnd})
		out[x.Control.ID] = c
	}
	return out, nil
}
