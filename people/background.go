package people

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/csvfile"
	"github.com/attest-hq/attest/store"
)

// BackgroundControl is the library control background checks speak for.
const BackgroundControl = "HR-1"

// Background derives every person's background check row on day today
// (people who have left are not listed).
func Background(ctx context.Context, q *store.Queries, orgID int64, today string) ([]attest.BackgroundRow, error) {
	set, err := q.PeopleSettings(ctx, orgID)
	if err != nil {
		return nil, err
	}
	people, err := q.People(ctx, orgID, store.PeopleFilter{})
	if err != nil {
		return nil, err
	}
	checks, err := q.BackgroundChecks(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return attest.BackgroundStatus(people, checks, today, set.BackgroundDays), nil
}

// BackgroundChecks returns where everyone's background check stands,
// overdue first, for those who read the programme.
func (s *Service) BackgroundChecks(ctx context.Context, p attest.Principal) ([]attest.BackgroundRow, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	// Kept by day while the organization's records stay as they were: the
	// dashboard reads everyone's standing on every request.
	q := &s.DB.Queries
	now := q.Now()
	today := attest.Today(now)
	rows, err := s.background.Get(ctx, q, p.OrgID, today, now, func() ([]attest.BackgroundRow, time.Time, error) {
		rows, err := Background(ctx, q, p.OrgID, today)
		return rows, store.Forever, err
	})
	return slices.Clone(rows), err // callers sort and cut their copy
}

// SaveBackgroundCheck records where a person's background check stands (its
// provider, result day and status, or an exemption with its reason),
// replacing what was recorded.
func (s *Service) SaveBackgroundCheck(ctx context.Context, p attest.Principal, b attest.BackgroundCheck) (attest.BackgroundCheck, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return b, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := attest.ValidateBackgroundCheck(&b, attest.Today(tx.Now())); err != nil {
			return err
		}
		person, err := tx.Person(ctx, p.OrgID, b.PersonID)
		if err != nil {
			return err
		}
		b.OrgID, b.PersonName, b.PersonEmail = p.OrgID, person.Name, person.Email
		if err := tx.SaveBackgroundCheck(ctx, &b, p.UserID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("person.background_check", "person", strconv.FormatInt(person.ID, 10),
			fmt.Sprintf("Recorded %s's background check: %s", person.Name, checkSummary(b))))
	})
	return b, err
}

// checkSummary says what was recorded of a check, for the activity log.
func checkSummary(b attest.BackgroundCheck) string {
	switch {
	case b.Status == attest.CheckExempt:
		return "exempt (" + b.ExemptReason + ")"
	case b.CheckedOn == "":
		return fmt.Sprintf("%s with %s", b.Status, b.Provider)
	}
	return fmt.Sprintf("%s with %s on %s", b.Status, b.Provider, b.CheckedOn)
}

// Columns a background check import reads: email (the person's work email)
// and status are required.
var backgroundColumns = []string{"email", "provider", "status", "checked_on", "exempt_reason"}

// backgroundLine is a row of a background check import, as the file gives
// it; it is checked against the organization's people inside the import.
type backgroundLine struct {
	n     int
	email string
	check attest.BackgroundCheck
}

// readBackground reads the rows of a background check file, the pure step
// of ImportBackgroundChecks. On an error it returns the rows read before it.
func readBackground(r io.Reader) ([]backgroundLine, error) {
	f, err := csvfile.Open(r, csvfile.Spec{Columns: backgroundColumns, Required: []string{"email", "status"}, MaxSize: MaxImportSize, MaxRows: MaxImportRows})
	if err != nil {
		return nil, err
	}
	var lines []backgroundLine
	for {
		ok, err := f.Next()
		if err != nil {
			return lines, err
		}
		if !ok {
			break
		}
		lines = append(lines, backgroundLine{n: f.Line(), email: attest.NormalizeEmail(f.Get("email")), check: attest.BackgroundCheck{
			Provider: f.Get("provider"), Status: f.Get("status"), CheckedOn: f.Get("checked_on"), ExemptReason: f.Get("exempt_reason")}})
	}
	if len(lines) == 0 {
		return nil, attest.Invalid("file", "has a header but no background checks")
	}
	return lines, nil
}

// ImportBackgroundChecks reads background checks from a CSV file (one row
// per person, by work email) and records them, all or nothing: a file with
// any rejected row stores nothing, and the report names each rejected row's
// line, field and reason. Created counts people without a check before,
// Updated those whose check changed.
func (s *Service) ImportBackgroundChecks(ctx context.Context, p attest.Principal, r io.Reader) (ImportReport, error) {
	rep := ImportReport{Rejected: []RejectedRow{}}
	if err := p.Require(attest.ActEdit); err != nil {
		return rep, err
	}
	lines, err := readBackground(r)
	rep.Rows = len(lines)
	if err != nil {
		return rep, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		today := attest.Today(tx.Now())
		people, err := tx.People(ctx, p.OrgID, store.PeopleFilter{})
		if err != nil {
			return err
		}
		byEmail := map[string]attest.Person{}
		for _, pe := range people {
			byEmail[pe.Email] = pe
		}
		existing, err := tx.BackgroundChecks(ctx, p.OrgID)
		if err != nil {
			return err
		}
		before := map[int64]attest.BackgroundCheck{}
		for _, b := range existing {
			before[b.PersonID] = b
		}
		seen := map[string]int{}
		for i := range lines {
			l := &lines[i]
			reject := func(field, reason string) {
				rep.Rejected = append(rep.Rejected, RejectedRow{Line: l.n, Email: l.email, Field: field, Reason: reason})
			}
			person, ok := byEmail[l.email]
			switch {
			case l.email == "":
				reject("email", "is required: the person's work email")
				continue
			case seen[l.email] != 0:
				reject("email", fmt.Sprintf("appears again: line %d has the same email", seen[l.email]))
				continue
			case !ok:
				reject("email", fmt.Sprintf("%s is not a person of this organization", l.email))
				continue
			}
			seen[l.email] = l.n
			if err := attest.ValidateBackgroundCheck(&l.check, today); err != nil {
				reject(attest.ErrorField(err), strings.TrimPrefix(attest.ErrorMessage(err), attest.ErrorField(err)+": "))
				continue
			}
			l.check.PersonID, l.check.OrgID = person.ID, p.OrgID
		}
		if len(rep.Rejected) > 0 {
			slices.SortStableFunc(rep.Rejected, func(a, b RejectedRow) int { return a.Line - b.Line })
			return nil // nothing written
		}
		for _, l := range lines {
			old, had := before[l.check.PersonID]
			switch {
			case had && old.Provider == l.check.Provider && old.Status == l.check.Status && old.CheckedOn == l.check.CheckedOn &&
				old.ExemptReason == l.check.ExemptReason:
				rep.Unchanged++
				continue
			case had:
				rep.Updated++
			default:
				rep.Created++
			}
			if err := tx.SaveBackgroundCheck(ctx, &l.check, p.UserID); err != nil {
				return rowError(l.n, err)
			}
		}
		return tx.Log(ctx, p.Record("person.background_imported", "organization", strconv.FormatInt(p.OrgID, 10),
			fmt.Sprintf("Imported %d background checks from CSV: %d new, %d updated, %d unchanged", rep.Rows, rep.Created, rep.Updated, rep.Unchanged)))
	})
	return finish(rep, err)
}
