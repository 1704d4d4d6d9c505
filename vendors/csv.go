package vendors

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
	MaxImportSize = 5 << 20 // bytes
	MaxImportRows = 5_000
)

// Columns an import reads, by header (any case; spaces and hyphens count as
// underscores). name and criticality are required; a column left out keeps
// what a vendor of that name has, and one present but empty clears it.
// data_shared lists categories separated by ";" or "|"; owner is a member's
// email. The export's own columns (next_review_due, last_reviewed,
// last_opinion) are accepted and ignored, so an export imports back.
var Columns = []string{"name", "website", "criticality", "data_shared", "services", "location", "contract_start", "contract_end",
	"owner", "review_months", "status", "notes"}

var derivedColumns = []string{"next_review_due", "last_reviewed", "last_opinion"}

// ImportReport says what an import did, or why it stored nothing.
type ImportReport struct {
	Rows      int           `json:"rows"`
	Created   int           `json:"created"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Rejected  []RejectedRow `json:"rejected"`
}

// RejectedRow is a refused row: its line (the header is line 1), the vendor
// it names, the field at fault and why.
type RejectedRow struct {
	Line   int    `json:"line"`
	Name   string `json:"name,omitempty"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

// ErrRejected is wrapped by the error of an import that refused rows.
var ErrRejected = errors.New("rows were rejected")

type importRow struct {
	line   int
	vendor attest.Vendor
	owner  string
	has    map[string]bool
}

// Import adds or updates vendors by name from a CSV file, all or nothing:
// a file with any rejected row stores nothing, and the error and report
// name each rejected row's line and field.
func (s *Service) Import(ctx context.Context, p attest.Principal, r io.Reader) (ImportReport, error) {
	rep := ImportReport{Rejected: []RejectedRow{}}
	if err := p.Require(attest.ActEdit); err != nil {
		return rep, err
	}
	rows, err := readImport(r, &rep)
	if err != nil {
		return rep, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		existing, err := tx.Vendors(ctx, p.OrgID)
		if err != nil {
			return err
		}
		byName := map[string]attest.Vendor{}
		for _, v := range existing {
			byName[strings.ToLower(v.Name)] = v
		}
		members, err := tx.Members(ctx, p.OrgID)
		if err != nil {
			return err
		}
		byEmail := map[string]attest.Membership{}
		for _, m := range members {
			byEmail[m.User.Email] = m
		}
		seen := map[string]int{}
		for i := range rows {
			rw := &rows[i]
			key := strings.ToLower(rw.vendor.Name)
			if first, dup := seen[key]; dup {
				rep.Rejected = append(rep.Rejected, RejectedRow{rw.line, rw.vendor.Name, "name", fmt.Sprintf("appears again: line %d names the same vendor", first)})
				continue
			}
			seen[key] = rw.line
			if rw.owner != "" {
				m, ok := byEmail[attest.NormalizeEmail(rw.owner)]
				switch {
				case !ok:
					rep.Rejected = append(rep.Rejected, RejectedRow{rw.line, rw.vendor.Name, "owner", rw.owner + " is not a member of the organization"})
					continue
				case attest.MayOwn(m.Role, "owner") != nil:
					rep.Rejected = append(rep.Rejected, RejectedRow{rw.line, rw.vendor.Name, "owner", rw.owner + " is an auditor and owns no vendor"})
					continue
				}
				rw.vendor.OwnerID = m.User.ID
			}
		}
		if len(rep.Rejected) > 0 {
			return nil
		}
		for _, rw := range rows {
			before, known := byName[strings.ToLower(rw.vendor.Name)]
			if !known {
				v := rw.vendor
				v.OrgID = p.OrgID
				if err := createTx(ctx, tx, p, &v); err != nil {
					return lineError(rw.line, err)
				}
				rep.Created++
				continue
			}
			changed, err := updateTx(ctx, tx, p, before, merge(before, rw.vendor, rw.has))
			if err != nil {
				return lineError(rw.line, err)
			}
			if changed {
				rep.Updated++
			} else {
				rep.Unchanged++
			}
		}
		return tx.Log(ctx, p.Record("vendor.imported", "organization", idString(p.OrgID),
			fmt.Sprintf("Imported %d vendors from CSV: %d added, %d updated, %d unchanged", rep.Rows, rep.Created, rep.Updated, rep.Unchanged)))
	})
	if err != nil {
		return rep, err
	}
	if len(rep.Rejected) > 0 {
		first := rep.Rejected[0]
		return rep, fmt.Errorf("%w: %w", &attest.Error{Code: attest.EINVALID, Field: "file",
			Message: fmt.Sprintf("%d of %d rows rejected, nothing was imported; the first: line %d: %s %s", len(rep.Rejected), rep.Rows,
				first.Line, first.Field, first.Reason)}, ErrRejected)
	}
	return rep, nil
}

// merge applies the columns a row has to an existing vendor.
func merge(v, in attest.Vendor, has map[string]bool) attest.Vendor {
	v.Name, v.Criticality = in.Name, in.Criticality
	set := func(col string, dst *string, val string) {
		if has[col] {
			*dst = val
		}
	}
	set("website", &v.Website, in.Website)
	set("services", &v.Services, in.Services)
	set("location", &v.Location, in.Location)
	set("contract_start", &v.ContractStart, in.ContractStart)
	set("contract_end", &v.ContractEnd, in.ContractEnd)
	set("status", &v.Status, in.Status)
	set("notes", &v.Notes, in.Notes)
	if has["data_shared"] {
		v.DataShared = in.DataShared
	}
	if has["owner"] {
		v.OwnerID = in.OwnerID
	}
	if has["review_months"] {
		v.ReviewMonths = in.ReviewMonths
	}
	return v
}

func lineError(line int, err error) error {
	var e *attest.Error
	if errors.As(err, &e) {
		return &attest.Error{Code: e.Code, Field: e.Field, Message: fmt.Sprintf("line %d: %s", line, e.Message)}
	}
	return fmt.Errorf("line %d: %w", line, err)
}

func readImport(r io.Reader, rep *ImportReport) ([]importRow, error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: Columns, Extra: derivedColumns, Required: []string{"name", "criticality"},
		MaxSize: MaxImportSize, MaxRows: MaxImportRows})
	if err != nil {
		return nil, err
	}
	var rows []importRow
	for {
		ok, err := f.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		line := f.Line()
		get := func(c string) string { return unsafe(f.Get(c)) }
		rw := importRow{line: line, has: map[string]bool{}, owner: get("owner")}
		for _, c := range f.Columns() {
			rw.has[c] = true
		}
		rw.vendor = attest.Vendor{Name: get("name"), Website: get("website"), Criticality: get("criticality"),
			DataShared: strings.FieldsFunc(get("data_shared"), func(r rune) bool { return r == ';' || r == '|' || r == ',' }),
			Services:   get("services"), Location: get("location"), ContractStart: get("contract_start"), ContractEnd: get("contract_end"),
			Status: get("status"), Notes: get("notes")}
		rep.Rows++
		reject := func(field, reason string) {
			rep.Rejected = append(rep.Rejected, RejectedRow{Line: line, Name: rw.vendor.Name, Field: field, Reason: reason})
		}
		if m := get("review_months"); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil {
				reject("review_months", fmt.Sprintf("must be a number of months (got %q)", m))
				continue
			}
			rw.vendor.ReviewMonths = n
		}
		if err := attest.ValidateVendor(&rw.vendor); err != nil {
			reject(attest.ErrorField(err), strings.TrimPrefix(attest.ErrorMessage(err), attest.ErrorField(err)+": "))
			continue
		}
		rows = append(rows, rw)
	}
	if rep.Rows == 0 {
		return nil, attest.Invalid("file", "has a header but no vendors")
	}
	return rows, nil
}

// safe defuses spreadsheet formula injection: a cell starting with a
// character a spreadsheet evaluates is prefixed with a quote, and so is one
// that starts with quotes before such a character, so that unsafe can tell
// the quote safe added from one the value had.
func safe(s string) string {
	if quoted(s) {
		return "'" + s
	}
	return s
}

// unsafe undoes safe, so that an export imports back as it was.
func unsafe(s string) string {
	if len(s) > 1 && s[0] == '\'' && quoted(s[1:]) {
		return s[1:]
	}
	return s
}

// quoted reports whether safe quotes s: after any leading quotes, s starts
// with a character a spreadsheet evaluates.
func quoted(s string) bool {
	t := strings.TrimLeft(s, "'")
	return t != "" && strings.ContainsRune("=+-@\t\r", rune(t[0]))
}

// WriteCSV writes the vendor register as CSV, in the import's columns and
// the review dates; owners by email.
func (s *Service) WriteCSV(ctx context.Context, p attest.Principal, w io.Writer) error {
	vs, err := s.List(ctx, p)
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
	if err := cw.Write(append(Columns[:len(Columns):len(Columns)], derivedColumns...)); err != nil {
		return err
	}
	for _, v := range vs {
		cells := []string{v.Name, v.Website, v.Criticality, strings.Join(v.DataShared, ";"), v.Services, v.Location, v.ContractStart,
			v.ContractEnd, email[v.OwnerID], strconv.Itoa(v.ReviewMonths), v.Status, v.Notes, v.NextReviewDue(), v.LastReviewed, v.LastOpinion}
		for i := range cells {
			cells[i] = safe(cells[i])
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteSubprocessors writes the subprocessor list: the vendors that
// process customer or personal data, with their purpose, the data and
// where, as CSV ("csv") or a Markdown table ("md").
func (s *Service) WriteSubprocessors(ctx context.Context, p attest.Principal, format string, w io.Writer) error {
	if format != "csv" && format != "md" {
		return attest.Invalid("format", "must be csv or md (got %q)", format)
	}
	vs, err := s.Subprocessors(ctx, p)
	if err != nil {
		return err
	}
	data := func(v attest.Vendor) string {
		var out []string
		for _, d := range v.DataShared {
			out = append(out, attest.DataLabel(d))
		}
		return strings.Join(out, ", ")
	}
	if format == "csv" {
		cw := csv.NewWriter(w)
		if err := cw.Write([]string{"name", "purpose", "data", "location", "website"}); err != nil {
			return err
		}
		for _, v := range vs {
			if err := cw.Write([]string{safe(v.Name), safe(v.Services), safe(data(v)), safe(v.Location), safe(v.Website)}); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	org, err := s.DB.OrgByID(ctx, p.OrgID)
	if err != nil {
		return err
	}
	cell := func(s string) string {
		s = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
		if s == "" {
			return "—"
		}
		return s
	}
	b := &strings.Builder{}
	fmt.Fprintf(b, "# %s subprocessors\n\nThird parties that process customer or personal data on behalf of %s, as of %s.\n\n",
		org.Name, org.Name, s.today())
	b.WriteString("| Subprocessor | Purpose | Data | Location |\n|---|---|---|---|\n")
	for _, v := range vs {
		name := cell(v.Name)
		if v.Website != "" {
			name = fmt.Sprintf("[%s](%s)", name, strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(v.Website))
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", name, cell(v.Services), cell(data(v)), cell(v.Location))
	}
	if len(vs) == 0 {
		b.WriteString("\nNo subprocessors are recorded.\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}
