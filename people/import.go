package people

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
	"github.com/attest-hq/attest/store"
)

// Limits on an import: a CSV file is hostile input until read.
const (
	MaxImportSize = 10 << 20 // bytes
	MaxImportRows = 20_000
)

// Columns a CSV import reads, by their header (any case; spaces and hyphens
// count as underscores). name, email and start_date are required; a column
// left out keeps what existing people have, and a column present but empty
// clears it. manager is the manager's work email, of a person in the file or
// already recorded.
var columns = []string{"name", "email", "title", "department", "manager", "employment_type", "start_date", "end_date", "external_id"}

var requiredColumns = []string{"name", "email", "start_date"}

// ImportReport says what an import did, or, when it was refused, why each
// rejected row was.
type ImportReport struct {
	Rows      int           `json:"rows"`
	Created   int           `json:"created"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Rejected  []RejectedRow `json:"rejected"`
}

// RejectedRow is a row an import refused: its line in the file (the header
// is line 1), the email it names, the field at fault and why.
type RejectedRow struct {
	Line   int    `json:"line"`
	Email  string `json:"email,omitempty"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

// ErrRejected is wrapped by the error of an import that refused rows; the
// report lists them. Nothing was stored.
var ErrRejected = errors.New("rows were rejected")

type row struct {
	line    int
	person  attest.Person
	manager string // the manager's email, "" for none
	has     map[string]bool
}

// Import reads people from a CSV file and adds or updates them by work email,
// all or nothing: a file with any rejected row stores nothing, and the report
// names each rejected row's line, field and reason.
func (s *Service) Import(ctx context.Context, p attest.Principal, r io.Reader) (ImportReport, error) {
	rep := ImportReport{Rejected: []RejectedRow{}}
	if err := p.Require(attest.ActEdit); err != nil {
		return rep, err
	}
	rows, emails, err := readCSV(r, &rep)
	if err != nil {
		return rep, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		existing, err := tx.People(ctx, p.OrgID, store.PeopleFilter{})
		if err != nil {
			return err
		}
		byEmail := map[string]attest.Person{}
		for _, e := range existing {
			byEmail[e.Email] = e
		}
		inFile := map[string]int{} // email → line
		reject := func(rw row, field, reason string) {
			rep.Rejected = append(rep.Rejected, RejectedRow{Line: rw.line, Email: rw.person.Email, Field: field, Reason: reason})
		}
		for _, rw := range rows {
			if first, dup := inFile[rw.person.Email]; dup {
				reject(rw, "email", fmt.Sprintf("appears again: line %d has the same email", first))
				continue
			}
			inFile[rw.person.Email] = rw.line
		}
		for _, rw := range rows {
			if rw.manager == "" {
				continue
			}
			_, known := byEmail[rw.manager]
			switch {
			case rw.manager == rw.person.Email:
				reject(rw, "manager", "is the person themself")
			case emails[rw.manager] == 0 && !known:
				reject(rw, "manager", fmt.Sprintf("%s is neither in the file nor a person of this organization", rw.manager))
			}
		}
		if len(rep.Rejected) > 0 {
			slices.SortStableFunc(rep.Rejected, func(a, b RejectedRow) int { return a.Line - b.Line })
			return nil // nothing written
		}
		// First every person, then every manager: a manager may be a row
		// further down the file.
		ids := map[string]int64{}
		for e, per := range byEmail {
			ids[e] = per.ID
		}
		const (
			unchanged = iota
			created
			updated
		)
		outcome := make([]int, len(rows))
		for i := range rows {
			rw := &rows[i]
			in := rw.person
			before, known := byEmail[in.Email]
			if !known {
				in.OrgID, in.Source = p.OrgID, attest.SourceCSV
				if err := tx.CreatePerson(ctx, &in); err != nil {
					return rowError(rw.line, err)
				}
				ids[in.Email], rw.person, outcome[i] = in.ID, in, created
				continue
			}
			merged := merge(before, in, rw.has)
			rw.person = merged
			if merged == before {
				continue
			}
			if err := tx.UpdatePerson(ctx, &merged); err != nil {
				return rowError(rw.line, err)
			}
			rw.person, outcome[i] = merged, updated
		}
		for i, rw := range rows {
			if !rw.has["manager"] || ids[rw.manager] == rw.person.ManagerID {
				continue
			}
			cur := rw.person
			cur.ManagerID = ids[rw.manager] // 0 for an empty cell
			if err := tx.UpdatePerson(ctx, &cur); err != nil {
				return rowError(rw.line, err)
			}
			if outcome[i] == unchanged {
				outcome[i] = updated
			}
		}
		for _, o := range outcome {
			switch o {
			case created:
				rep.Created++
			case updated:
				rep.Updated++
			default:
				rep.Unchanged++
			}
		}
		return tx.Log(ctx, p.Record("person.imported", "organization", strconv.FormatInt(p.OrgID, 10),
			fmt.Sprintf("Imported %d people from CSV: %d added, %d updated, %d unchanged", rep.Rows, rep.Created, rep.Updated, rep.Unchanged)))
	})
	return finish(rep, err)
}

// merge applies the columns a row has to an existing person.
func merge(p, in attest.Person, has map[string]bool) attest.Person {
	p.Name = in.Name
	p.Email = in.Email
	p.StartDate = in.StartDate
	if has["title"] {
		p.Title = in.Title
	}
	if has["department"] {
		p.Department = in.Department
	}
	if has["employment_type"] {
		p.EmploymentType = in.EmploymentType
	}
	if has["end_date"] {
		p.EndDate = in.EndDate
	}
	if has["external_id"] {
		p.ExternalID = in.ExternalID
	}
	return p
}

// rowError names the line of an error the store found (a person's fields
// were checked before, so this is rare: a race with another change).
func rowError(line int, err error) error {
	var e *attest.Error
	if errors.As(err, &e) {
		return &attest.Error{Code: e.Code, Field: e.Field, Message: fmt.Sprintf("line %d: %s", line, e.Message)}
	}
	return fmt.Errorf("line %d: %w", line, err)
}

// finish returns an import's report and error: the transaction's error, or
// for a file with rejected rows (nothing stored), the rejection.
func finish(rep ImportReport, err error) (ImportReport, error) {
	if err != nil {
		return rep, err
	}
	if len(rep.Rejected) > 0 {
		rep.Created, rep.Updated, rep.Unchanged = 0, 0, 0
		return rep, rejected(rep)
	}
	return rep, nil
}

func rejected(rep ImportReport) error {
	first := rep.Rejected[0]
	return fmt.Errorf("%w: %w", &attest.Error{Code: attest.EINVALID, Field: "file",
		Message: fmt.Sprintf("%d of %d rows rejected, nothing was imported; the first: line %d: %s %s", len(rep.Rejected), rep.Rows,
			first.Line, first.Field, first.Reason)}, ErrRejected)
}

// readCSV reads and checks every row of a file; rows it rejects go into the
// report, and an unreadable file is an error.
func readCSV(r io.Reader, rep *ImportReport) (rows []row, emails map[string]int, err error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: columns, Required: requiredColumns, MaxSize: MaxImportSize, MaxRows: MaxImportRows})
	if err != nil {
		return nil, nil, err
	}
	emails = map[string]int{} // every row's email, valid or not → its line
	for {
		ok, err := f.Next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		line, get := f.Line(), f.Get
		rw := row{line: line, has: map[string]bool{}, manager: attest.NormalizeEmail(get("manager"))}
		for _, c := range f.Columns() {
			rw.has[c] = true
		}
		rw.person = attest.Person{Name: get("name"), Email: get("email"), Title: get("title"), Department: get("department"),
			EmploymentType: get("employment_type"), StartDate: get("start_date"), EndDate: get("end_date"), ExternalID: get("external_id")}
		rep.Rows++
		if e := attest.NormalizeEmail(rw.person.Email); e != "" && emails[e] == 0 {
			emails[e] = line
		}
		if err := attest.ValidatePerson(&rw.person); err != nil {
			rep.Rejected = append(rep.Rejected, RejectedRow{Line: line, Email: rw.person.Email, Field: attest.ErrorField(err),
				Reason: strings.TrimPrefix(attest.ErrorMessage(err), attest.ErrorField(err)+": ")})
			continue
		}
		rows = append(rows, rw)
	}
	if rep.Rows == 0 {
		return nil, nil, attest.Invalid("file", "has a header but no people")
	}
	// Rows that failed their own checks are reported with the rest, after
	// duplicate emails and unknown managers are looked for too.
	return rows, emails, nil
}
