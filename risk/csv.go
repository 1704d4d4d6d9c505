package risk

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
	"github.com/attest-hq/attest/store"
)

// Limits on an import: a CSV file is hostile input until read.
const (
	MaxImportSize = 2 << 20 // bytes
	MaxImportRows = 5_000
)

// Columns are the CSV columns, in export order. An import reads them by
// header (any case; spaces and hyphens count as underscores): ref updates
// that risk (empty: a new risk); owner and approver are members' emails;
// controls are control refs separated by ";"; residual scores default to the
// inherent ones, status to open.
var Columns = []string{"ref", "title", "description", "category", "owner", "likelihood", "impact", "residual_likelihood",
	"residual_impact", "treatment", "treatment_note", "controls", "review_date", "status", "approver", "accept_expires"}

var requiredColumns = []string{"title", "owner", "likelihood", "impact", "treatment", "review_date"}

// ImportReport says what an import did, or why each rejected row was.
type ImportReport struct {
	Rows     int           `json:"rows"`
	Created  int           `json:"created"`
	Updated  int           `json:"updated"`
	Rejected []RejectedRow `json:"rejected"`
}

// RejectedRow is a row an import refused: its line (the header is line 1),
// the field at fault and why.
type RejectedRow struct {
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ErrRejected is wrapped by the error of an import that refused rows.
var ErrRejected = errors.New("rows were rejected")

// Import adds or updates risks from a CSV file, all or nothing: a file with
// any rejected row stores nothing, and the report names each rejected row's
// line, field and reason.
func (s *Service) Import(ctx context.Context, p attest.Principal, r io.Reader) (ImportReport, error) {
	rep := ImportReport{Rejected: []RejectedRow{}}
	if err := p.Require(attest.ActEdit); err != nil {
		return rep, err
	}
	lines, err := readCSV(r)
	if err != nil {
		return rep, err
	}
	rep.Rows = len(lines)
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		members, err := tx.Members(ctx, p.OrgID)
		if err != nil {
			return err
		}
		byEmail := map[string]int64{}
		for _, m := range members {
			byEmail[m.User.Email] = m.User.ID
		}
		for _, ln := range lines {
			if err := s.importRow(ctx, tx, p, ln, byEmail, &rep); err != nil {
				var e *attest.Error
				if !errors.As(err, &e) || e.Code != attest.EINVALID && e.Code != attest.ENOTFOUND {
					return err
				}
				field := e.Field
				if field == "" {
					field = "ref"
				}
				rep.Rejected = append(rep.Rejected, RejectedRow{Line: ln.line, Field: field, Reason: e.Message})
			}
		}
		if len(rep.Rejected) > 0 {
			return ErrRejected // roll back what the good rows wrote
		}
		return tx.Log(ctx, p.Record("risk.imported", "organization", strconv.FormatInt(p.OrgID, 10),
			fmt.Sprintf("Imported %d risks from CSV: %d added, %d updated", rep.Rows, rep.Created, rep.Updated)))
	})
	if errors.Is(err, ErrRejected) {
		rep.Created, rep.Updated = 0, 0
		first := rep.Rejected[0]
		return rep, fmt.Errorf("%w: %w", &attest.Error{Code: attest.EINVALID, Field: "file",
			Message: fmt.Sprintf("%d of %d rows rejected, nothing was imported; the first: line %d: %s %s", len(rep.Rejected), rep.Rows,
				first.Line, first.Field, first.Reason)}, ErrRejected)
	}
	return rep, err
}

type csvLine struct {
	line   int
	values map[string]string
}

func (s *Service) importRow(ctx context.Context, tx *store.Queries, p attest.Principal, ln csvLine, byEmail map[string]int64, rep *ImportReport) error {
	r, ref, err := parseRow(ln, byEmail)
	if err != nil {
		return err
	}
	if ref == "" {
		if err := s.createTx(ctx, tx, p, &r, " from CSV"); err != nil {
			return err
		}
		rep.Created++
		return nil
	}
	old, err := tx.Risk(ctx, p.OrgID, ref)
	if err != nil {
		return attest.Invalid("ref", "%s is not a risk of the organization", ref)
	}
	r.Ref = ref
	if err := s.updateTx(ctx, tx, p, old, &r); err != nil {
		return err
	}
	rep.Updated++
	return nil
}

// parseRow reads a row's risk, the pure step of importRow: numbers, members
// by email (byEmail), the controls list; and the ref it updates ("" for a
// new risk). The risk is validated when stored.
func parseRow(ln csvLine, byEmail map[string]int64) (attest.Risk, string, error) {
	v := ln.values
	num := func(field, fallback string) (int, error) {
		s := strings.TrimSpace(v[field])
		if s == "" {
			s = strings.TrimSpace(v[fallback])
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, attest.Invalid(field, "%q is not a whole number", s)
		}
		return n, nil
	}
	member := func(field string) (int64, error) {
		e := attest.NormalizeEmail(v[field])
		if e == "" {
			return 0, nil
		}
		id, ok := byEmail[e]
		if !ok {
			return 0, attest.Invalid(field, "%s is not a member of the organization", e)
		}
		return id, nil
	}
	var r attest.Risk
	var err error
	if r.OwnerID, err = member("owner"); err != nil {
		return r, "", err
	}
	if r.ApproverID, err = member("approver"); err != nil {
		return r, "", err
	}
	for _, f := range []struct {
		dst             *int
		field, fallback string
	}{{&r.Likelihood, "likelihood", "likelihood"}, {&r.Impact, "impact", "impact"},
		{&r.ResidualLikelihood, "residual_likelihood", "likelihood"}, {&r.ResidualImpact, "residual_impact", "impact"}} {
		if *f.dst, err = num(f.field, f.fallback); err != nil {
			return r, "", err
		}
	}
	r.Title, r.Description, r.Category = v["title"], v["description"], v["category"]
	r.Treatment, r.TreatmentNote = strings.ToLower(strings.TrimSpace(v["treatment"])), v["treatment_note"]
	r.ReviewDate, r.Status, r.AcceptExpires = strings.TrimSpace(v["review_date"]), strings.TrimSpace(v["status"]), strings.TrimSpace(v["accept_expires"])
	for _, c := range strings.Split(v["controls"], ";") {
		if c = strings.TrimSpace(c); c != "" {
			r.Controls = append(r.Controls, c)
		}
	}
	return r, strings.TrimSpace(v["ref"]), nil
}

func readCSV(r io.Reader) ([]csvLine, error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: Columns, Required: requiredColumns, MaxSize: MaxImportSize, MaxRows: MaxImportRows})
	if err != nil {
		return nil, err
	}
	var out []csvLine
	for {
		ok, err := f.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		vals := map[string]string{}
		for _, c := range f.Columns() {
			vals[c] = f.Get(c)
		}
		out = append(out, csvLine{line: f.Line(), values: vals})
	}
	if len(out) == 0 {
		return nil, attest.Invalid("file", "has no rows after the header")
	}
	return out, nil
}

// Export writes the register (every risk, retired ones too) as CSV with the
// import's columns, so an export imports back; cells are defused against
// spreadsheet formulas.
func (s *Service) Export(ctx context.Context, p attest.Principal, w io.Writer) error {
	if err := p.Require(attest.ActRead); err != nil {
		return err
	}
	risks, err := s.DB.Risks(ctx, p.OrgID)
	if err != nil {
		return err
	}
	members, err := s.DB.Members(ctx, p.OrgID)
	if err != nil {
		return err
	}
	email := map[int64]string{}
	for _, m := range members {
		email[m.User.ID] = m.User.Email
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range risks {
		row := []string{r.Ref, r.Title, r.Description, r.Category, email[r.OwnerID], strconv.Itoa(r.Likelihood), strconv.Itoa(r.Impact),
			strconv.Itoa(r.ResidualLikelihood), strconv.Itoa(r.ResidualImpact), r.Treatment, r.TreatmentNote, strings.Join(r.Controls, ";"),
			r.ReviewDate, r.Status, email[r.ApproverID], r.AcceptExpires}
		for i := range row {
			row[i] = attest.SafeCSV(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
